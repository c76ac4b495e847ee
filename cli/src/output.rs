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
//! first.

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

    /// Prints a failure once: `error: ...` on stderr, or the failure
    /// envelope on stdout with --json.
    pub fn error(&self, error: &eyre::Report) {
        let chain = crate::error::chain(error);
        if self.json {
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
        } else {
            eprintln!("error: {}", chain.join(": "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
