//! Every byte `sesh` prints goes through here: results to stdout (text, or
//! one JSON envelope with `--json`), progress and diagnostics to stderr.
//!
//! The envelope, `schema_version` 3:
//!
//! ```json
//! {"schema_version":3,"success":true,"data":{...},"errors":[],"warnings":[]}
//! ```
//!
//! Each command's `data` is its report type ([`Report`]), serialized; docs/cli-json.md
//! documents every one, and the golden files under `cli/tests/golden/` pin them.
//!
//! On failure `data` is null and `errors` holds the error chain, outermost
//! first. A command line that does not parse fails the same way when `--json`
//! is on it (`errors`: what is wrong, then the usage line; exit code 2);
//! `--help` and `--version` print as usual.

use serde::Serialize;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

/// The envelope's version; bump it when a field changes meaning. 2: one key and one type for
/// each idea across the commands (times in Unix seconds, SESH with 9 decimals).
pub(crate) const SCHEMA_VERSION: u32 = 3;

/// What a command found or did: its `--json` data is this value serialized, its text
/// [`Report::text`]. One type per command (or per kind of line, for `msg watch`).
pub(crate) trait Report: Serialize {
    /// The result as text: what `sesh` prints without `--json`.
    fn text(&self) -> String;
}

/// The JSON envelope.
#[derive(Debug, Serialize)]
pub(crate) struct Envelope<'a> {
    /// [`SCHEMA_VERSION`].
    pub(crate) schema_version: u32,
    /// Whether the command did what it was asked.
    pub(crate) success: bool,
    /// The command's result (null on failure).
    pub(crate) data: Value,
    /// The error chain, outermost first.
    pub(crate) errors: Vec<String>,
    /// Things the user should know that did not stop the command.
    pub(crate) warnings: &'a [String],
}

/// The output settings and the warnings collected so far.
#[derive(Debug, Default)]
pub(crate) struct Output {
    json: bool,
    quiet: bool,
    warnings: Mutex<Vec<String>>,
}

impl Output {
    /// Output for `--json` and `--quiet`.
    pub(crate) fn new(json: bool, quiet: bool) -> Self {
        Self {
            json,
            quiet,
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// Whether `--json` is on.
    pub(crate) fn is_json(&self) -> bool {
        self.json
    }

    /// Whether progress (spinners, hints) may be shown: not with --json or
    /// --quiet, and only on a terminal.
    pub(crate) fn shows_progress(&self) -> bool {
        !self.json && !self.quiet && std::io::stderr().is_terminal()
    }

    /// A spinner saying `message` while something is awaited, when progress is shown;
    /// `finish_and_clear` it after.
    pub(crate) fn spinner(
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
    fn result(&self, text: &str, data: Value) -> std::io::Result<()> {
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

    /// Prints a command's report: its text, or the envelope with it as `data`.
    pub(crate) fn print(&self, report: &impl Report) -> std::io::Result<()> {
        let data = serde_json::to_value(report).map_err(std::io::Error::other)?;
        self.result(&report.text(), data)
    }

    /// [`Output::print`] for one of a stream of reports (`msg watch`): each JSON line carries
    /// only the warnings since the previous one.
    pub(crate) fn print_line(&self, report: &impl Report) -> std::io::Result<()> {
        self.print(report)?;
        self.warnings.lock().expect("not poisoned").clear();
        Ok(())
    }

    /// Whether hints go to stderr: not with --json or --quiet ([`Output::info`]).
    pub(crate) fn shows_hints(&self) -> bool {
        !self.json && !self.quiet
    }

    /// A line of progress or a hint on stderr (not with --json or --quiet).
    pub(crate) fn info(&self, line: &str) {
        if self.shows_hints() {
            eprintln!("{line}");
        }
    }

    /// A warning: stderr in text mode, the envelope's `warnings` with --json.
    pub(crate) fn warn(&self, line: &str) {
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
    pub(crate) fn usage_error(&self, error: &clap::Error) {
        if self.json {
            self.failure_envelope(usage_errors(error));
        } else {
            let _ = error.print();
        }
    }

    /// Prints a failure once: `error: ...` on stderr, or the failure
    /// envelope on stdout with --json.
    pub(crate) fn error(&self, error: &eyre::Report) {
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
pub(crate) fn json_requested<I, S>(args: I) -> bool
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
pub(crate) fn usage_errors(error: &clap::Error) -> Vec<String> {
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

/// Golden files: each command's `--json` data for a sample report, pinned under
/// `cli/tests/golden/` and shown in docs/cli-json.md. `SESH_BLESS=1 cargo test -p sesh-cli`
/// rewrites them after a deliberate change (then bump [`SCHEMA_VERSION`] if a field changed
/// meaning, and update the docs).
#[cfg(test)]
pub(crate) mod golden {
    use super::Report;
    use std::path::PathBuf;

    /// Sample accounts for golden reports: anvil's first three.
    pub(crate) fn account(index: usize) -> crate::format::Checksummed {
        let addresses = [
            "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
            "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        ];
        crate::format::Checksummed(addresses[index].parse().expect("a sample address"))
    }

    /// A sample Session ID for golden reports.
    pub(crate) fn session_id() -> sesh_core::SessionId {
        sesh_core::SessionId::parse(
            "05d871fc80ca007eed9b2f4df72853e2a2d5465a92fcb1889fb5c84aa2833b3b40",
        )
        .expect("a sample Session ID")
    }

    /// Where the golden files are.
    pub(crate) fn dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
    }

    /// Fails unless `report` serializes to `cli/tests/golden/{file}.json` (`file`: the command
    /// path joined by `-`, e.g. `name-register`, with a `.variant` suffix for a second shape),
    /// and unless its text is not empty.
    pub(crate) fn check(file: &str, report: &impl Report) {
        let json = serde_json::to_string_pretty(report).expect("a report serializes") + "\n";
        assert!(
            !report.text().trim().is_empty(),
            "{file}: the text is empty"
        );
        let path = dir().join(format!("{file}.json"));
        if std::env::var_os("SESH_BLESS").is_some() {
            std::fs::create_dir_all(dir()).expect("the golden folder");
            std::fs::write(&path, &json).expect("the golden file is written");
            return;
        }
        let pinned = std::fs::read_to_string(&path).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run with SESH_BLESS=1 to write it",
                path.display()
            )
        });
        assert_eq!(
            json, pinned,
            "the --json of `{file}` changed; if that is deliberate, rewrite the golden files with SESH_BLESS=1, bump SCHEMA_VERSION when a field changed meaning, and update docs/cli-json.md"
        );
    }

    /// The documentation of the JSON.
    fn docs() -> String {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/cli-json.md");
        std::fs::read_to_string(path).expect("docs/cli-json.md")
    }

    #[test]
    fn every_golden_file_is_shown_in_the_docs() {
        let docs = docs();
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir())
            .expect("cli/tests/golden")
            .flatten()
        {
            let path = entry.path();
            let json = std::fs::read_to_string(&path).expect("a golden file");
            if !docs.contains(&format!("```json\n{json}```")) {
                missing.push(
                    path.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .to_string(),
                );
            }
        }
        missing.sort();
        assert!(
            missing.is_empty(),
            "docs/cli-json.md does not show these golden files exactly (in a ```json block): {missing:?}"
        );
    }
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
            r#"{"schema_version":3,"success":true,"data":{"balance":"1"},"errors":[],"warnings":["careful"]}"#
        );
    }
}
