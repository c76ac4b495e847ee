//! Every byte `sesh` prints goes through here: results to stdout (text, or
//! one JSON envelope with `--json`), progress and diagnostics to stderr.
//!
//! The envelope, `schema_version` 1:
//!
//! ```json
//! {"schema_version":1,"success":true,"data":{...},"errors":[],"warnings":[]}
//! ```
//!
//! On failure `data` is null and `errors` holds the error chain, outermost
//! first. A command line that does not parse fails the same way when `--json`
//! is on it (`errors`: what is wrong, then the usage line; exit code 2);
//! `--help` and `--version` print as usual.

use serde::Serialize;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

/// The envelope's version; bump it when a field changes meaning.
pub const SCHEMA_VERSION: u32 = 1;

/// The JSON envelope.
#[derive(Debug, Serialize)]
pub struct Envelope<'a> {
    /// [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Whether the command did what it was asked.
    pub success: bool,
    /// The command's result (null on failure).
    pub data: Value,
    /// The error chain, outermost first.
    pub errors: Vec<String>,
    /// Things the user should know that did not stop the command.
    pub warnings: &'a [String],
}

/// The output settings and the warnings collected so far.
#[derive(Debug, Default)]
pub struct Output {
    json: bool,
    quiet: bool,
    warnings: Mutex<Vec<String>>,
}

impl Output {
    /// Output for `--json` and `--quiet`.
    pub fn new(json: bool, quiet: bool) -> Self {
        Self {
            json,
            quiet,
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// Whether `--json` is on.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Whether progress (spinners, hints) may be shown: not with --json or
    /// --quiet, and only on a terminal.
    pub fn shows_progress(&self) -> bool {
        !self.json && !self.quiet && std::io::stderr().is_terminal()
    }

    /// A spinner saying `message` while something is awaited, when progress is shown;
    /// `finish_and_clear` it after.
    pub fn spinner(
        &self,
        message: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Option<indicatif::ProgressBar> {
        self.shows_progress().then(|| {
            let spinner = indicatif::ProgressBar::new_spinner();
            spinner.set_message(message);
            spinner.enable_steady_tick(std::time::Duration::from_millis(100));
            spinner
        })
    }

    /// Prints the result: `text` on stdout, or the envelope with `data`.
    pub fn result(&self, text: &str, data: Value) -> std::io::Result<()> {
        let mut stdout = std::io::stdout().lock();
        if self.json {
            let warnings = self.warnings.lock().expect("not poisoned");
            let envelope = Envelope {
                schema_version: SCHEMA_VERSION,
                success: true,
                data,
                errors: Vec::new(),
                warnings: &warnings,
            };
            serde_json::to_writer(&mut stdout, &envelope)?;
            writeln!(stdout)?;
        } else if !text.is_empty() {
            writeln!(stdout, "{}", text.trim_end_matches('\n'))?;
        }
        stdout.flush()
    }

    /// [`Output::result`] for one of a stream of results (`msg watch`): each
    /// JSON line carries only the warnings since the previous one.
    pub fn result_line(&self, text: &str, data: Value) -> std::io::Result<()> {
        self.result(text, data)?;
        self.warnings.lock().expect("not poisoned").clear();
        Ok(())
    }

    /// A line of progress or a hint on stderr (not with --json or --quiet).
    pub fn info(&self, line: &str) {
        if !self.json && !self.quiet {
            eprintln!("{line}");
        }
    }

    /// A warning: stderr in text mode, the envelope's `warnings` with --json.
    pub fn warn(&self, line: &str) {
        if self.json {
            self.warnings
                .lock()
                .expect("not poisoned")
                .push(line.to_string());
        } else {
            eprintln!("warning: {line}");
        }
    }

    /// Prints a command line that does not parse: clap's text on stderr, or with --json
    /// the failure envelope on stdout ([`usage_errors`]). `--help` and `--version` are not
    /// errors and never come here.
    pub fn usage_error(&self, error: &clap::Error) {
        if self.json {
            self.failure_envelope(usage_errors(error));
        } else {
            let _ = error.print();
        }
    }

    /// Prints a failure once: `error: ...` on stderr, or the failure
    /// envelope on stdout with --json.
    pub fn error(&self, error: &eyre::Report) {
        let chain = crate::error::chain(error);
        if self.json {
            self.failure_envelope(chain);
        } else {
            eprintln!("error: {}", chain.join(": "));
        }
    }

    /// The failure envelope, on stdout.
    fn failure_envelope(&self, chain: Vec<String>) {
        let warnings = self.warnings.lock().expect("not poisoned");
        let envelope = Envelope {
            schema_version: SCHEMA_VERSION,
            success: false,
            data: Value::Null,
            errors: chain,
            warnings: &warnings,
        };
        let text = serde_json::to_string(&envelope).expect("an envelope serializes");
        let _ = writeln!(std::io::stdout(), "{text}");
    }
}

/// Whether `--json` is on a command line that clap could not parse (before any `--`).
pub fn json_requested<I, S>(args: I) -> bool
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    args.into_iter()
        .skip(1)
        .take_while(|arg| arg.as_ref() != "--")
        .any(|arg| arg.as_ref() == "--json")
}

/// A clap error as the envelope's `errors`: what is wrong (and clap's tip, if any), then the
/// usage line (or, when clap gives none, "see --help").
pub fn usage_errors(error: &clap::Error) -> Vec<String> {
    let text = error.render().to_string();
    let usage = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("Usage: "))
        .map(|usage| format!("usage: {usage} (see --help)"));
    let mut errors = Vec::new();
    if error.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        errors.push("a command is missing: give one of the commands --help lists".to_string());
    } else {
        let body = text.strip_prefix("error: ").unwrap_or(&text);
        for paragraph in body.split("\n\n") {
            let paragraph = paragraph.trim();
            if paragraph.is_empty()
                || paragraph.starts_with("Usage:")
                || paragraph.starts_with("For more information")
            {
                continue;
            }
            let lines: Vec<&str> = paragraph.lines().map(str::trim).collect();
            errors.push(lines.join(" "));
        }
    }
    if errors.is_empty() {
        errors.push(error.kind().to_string());
    }
    errors.push(usage.unwrap_or_else(|| "see --help".into()));
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse_error(args: &[&str]) -> clap::Error {
        crate::args::Cli::try_parse_from(args).unwrap_err()
    }

    #[test]
    fn json_is_found_on_a_command_line_that_does_not_parse() {
        assert!(json_requested(["sesh", "balance", "--bogus", "--json"]));
        assert!(json_requested(["sesh", "--json", "nope"]));
        assert!(!json_requested(["sesh", "balance", "--bogus"]));
        assert!(!json_requested([
            "sesh", "msg", "send", "bob", "--", "--json"
        ]));
        assert!(
            !json_requested(["--json"]),
            "the program name is not an argument"
        );
    }

    #[test]
    fn a_usage_error_becomes_the_envelope_errors() {
        let errors = usage_errors(&parse_error(&["sesh", "balance", "--bogus", "--json"]));
        assert!(
            errors[0].contains("unexpected argument '--bogus'"),
            "{errors:?}"
        );
        assert!(!errors[0].starts_with("error:"), "{errors:?}");
        assert!(
            errors.last().unwrap().starts_with("usage: sesh balance"),
            "{errors:?}"
        );
        let errors = usage_errors(&parse_error(&["sesh", "--json", "frobnicate"]));
        assert!(
            errors[0].contains("unrecognized subcommand 'frobnicate'"),
            "{errors:?}"
        );
        let errors = usage_errors(&parse_error(&["sesh", "--json", "send", "0x1", "lots"]));
        assert!(errors[0].contains("invalid value 'lots'"), "{errors:?}");
        assert!(errors.last().unwrap().contains("--help"), "{errors:?}");
        let errors = usage_errors(&parse_error(&["sesh", "--json", "wallet"]));
        assert!(errors[0].contains("a command is missing"), "{errors:?}");
        assert!(errors[1].starts_with("usage: sesh wallet"), "{errors:?}");
        // Help and version are not errors: they go to stdout as usual.
        assert!(!parse_error(&["sesh", "--json", "--help"]).use_stderr());
        assert!(!parse_error(&["sesh", "--json", "--version"]).use_stderr());
    }

    #[test]
    fn the_envelope_has_the_documented_shape() {
        let warnings = vec!["careful".to_string()];
        let envelope = Envelope {
            schema_version: SCHEMA_VERSION,
            success: true,
            data: serde_json::json!({"balance": "1"}),
            errors: vec![],
            warnings: &warnings,
        };
        assert_eq!(
            serde_json::to_string(&envelope).unwrap(),
            r#"{"schema_version":1,"success":true,"data":{"balance":"1"},"errors":[],"warnings":["careful"]}"#
        );
    }
}
