//! Child processes (anvil, registry nodes, the bare server, the load generator): started with
//! their output in log files, killed when dropped, and measured (`VmHWM`).

use eyre::{WrapErr, bail, eyre};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A child process that is killed (SIGTERM, then SIGKILL) when dropped.
#[derive(Debug)]
pub struct Guard {
    child: Child,
    /// What it is, for messages.
    pub what: String,
}

impl Guard {
    /// Wraps `child`.
    pub fn new(child: Child, what: impl Into<String>) -> Self {
        Self {
            child,
            what: what.into(),
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The child, to read its pipes.
    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Whether it has exited (and how).
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// SIGTERM, wait up to `grace`, then SIGKILL.
    pub fn stop(&mut self, grace: Duration) {
        if self.exited().is_some() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if self.exited().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(5));
    }
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> eyre::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .wrap_err("cannot find a free port")?
        .port())
}

/// Waits until something accepts connections on `port`.
pub fn wait_port(port: u16, timeout: Duration, what: &str) -> eyre::Result<()> {
    let deadline = Instant::now() + timeout;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            bail!("{what} did not listen on port {port} within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Ok(())
}

/// Opens `path` for a child's log output (appending).
pub fn log_file(path: &Path) -> eyre::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .wrap_err_with(|| format!("cannot open the log {}", path.display()))
}

/// Starts `command` with stdout piped and returns it with its first stdout line (waiting at
/// most `timeout`); stderr goes to `log`.
pub fn spawn_reading_first_line(
    mut command: Command,
    what: &str,
    log: &Path,
    timeout: Duration,
) -> eyre::Result<(Guard, String)> {
    let child = command
        .stdout(Stdio::piped())
        .stderr(log_file(log)?)
        .stdin(Stdio::null())
        .spawn()
        .wrap_err_with(|| format!("cannot start {what}"))?;
    let mut guard = Guard::new(child, what);
    let stdout = guard
        .child_mut()
        .stdout
        .take()
        .ok_or_else(|| eyre!("{what}: no stdout pipe"))?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = tx.send(line);
        // Keep draining so the child never blocks on a full pipe.
        let mut sink = String::new();
        while reader.read_line(&mut sink).map(|n| n > 0).unwrap_or(false) {
            sink.clear();
        }
    });
    let line = rx.recv_timeout(timeout).unwrap_or_default();
    if line.trim().is_empty() {
        let tail = tail_of(log, 20);
        bail!("{what} did not start within {timeout:?}; its log ends with:\n{tail}");
    }
    Ok((guard, line.trim().to_string()))
}

/// The last `lines` lines of a text file (empty if unreadable).
pub fn tail_of(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A process's peak resident memory (`VmHWM`), bytes.
pub fn peak_rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map(|kb| kb * 1024)
}

/// Runs `command` to completion and returns its stdout, or an error with its stderr.
pub fn output_of(mut command: Command, what: &str) -> eyre::Result<String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .wrap_err_with(|| format!("cannot run {what}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    String::from_utf8(output.stdout).wrap_err_with(|| format!("{what} printed non-UTF-8"))
}

/// Removes the scratch folders (`run-PID`, hundreds of MB each) of earlier runs whose process
/// is gone, so repeated runs do not fill the disk.
fn remove_stale_runs(bench: &Path) {
    let Ok(entries) = std::fs::read_dir(bench) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("run-")
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Where things are: the repository, the release binaries, the scratch folder.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The repository root.
    pub root: PathBuf,
    /// `target/release`.
    pub release: PathBuf,
    /// `target/bench/<run>`: data folders, logs, state files.
    pub scratch: PathBuf,
}

impl Paths {
    /// The paths for the repository at `root`, with a fresh scratch folder.
    pub fn new(root: PathBuf) -> eyre::Result<Self> {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        remove_stale_runs(&target.join("bench"));
        let scratch = target
            .join("bench")
            .join(format!("run-{}", std::process::id()));
        std::fs::create_dir_all(&scratch)
            .wrap_err_with(|| format!("cannot create {}", scratch.display()))?;
        Ok(Self {
            release: target.join("release"),
            root,
            scratch,
        })
    }

    /// A release binary, which must exist.
    pub fn binary(&self, name: &str) -> eyre::Result<PathBuf> {
        let path = self.release.join(name);
        if !path.exists() {
            bail!(
                "no release binary {}: run `cargo build --release -p sesh-bench -p sesh-registry-node -p sesh-cli` (or `just bench`)",
                path.display()
            );
        }
        Ok(path)
    }

    /// A pinned Foundry tool: the real binary inside its npm package (the `.bin` entry is a
    /// Node.js wrapper that would stand between us and the process we measure), else the
    /// wrapper.
    pub fn foundry(&self, tool: &str) -> eyre::Result<PathBuf> {
        let platform = match (std::env::consts::OS, std::env::consts::ARCH) {
            ("linux", "x86_64") => Some("linux-amd64"),
            ("linux", "aarch64") => Some("linux-arm64"),
            ("macos", "aarch64") => Some("darwin-arm64"),
            ("macos", "x86_64") => Some("darwin-amd64"),
            _ => None,
        };
        if let Some(platform) = platform {
            let real = self.root.join(format!(
                "contracts/node_modules/@foundry-rs/{tool}-{platform}/bin/{tool}"
            ));
            if real.exists() {
                return Ok(real);
            }
        }
        let path = self.root.join("contracts/node_modules/.bin").join(tool);
        if !path.exists() {
            bail!(
                "{tool} not found at {}: run `./just install` (npm ci in contracts/)",
                path.display()
            );
        }
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_own_peak_memory() {
        let peak = peak_rss_bytes(std::process::id()).expect("VmHWM on Linux");
        assert!(peak > 1024 * 1024);
    }
}
