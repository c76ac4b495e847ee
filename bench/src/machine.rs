//! The machine the figures were measured on.

use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Command;

/// What the report says about the machine.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Machine {
    /// Logical cores.
    pub cores: usize,
    /// CPU model.
    pub cpu: String,
    /// Total memory, bytes.
    pub memory_bytes: u64,
    /// Distribution and kernel.
    pub os: String,
    /// `rustc --version`.
    pub rustc: String,
    /// The pinned anvil's version line.
    pub anvil: String,
}

fn first_line(command: &mut Command) -> String {
    command
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// The load averages (1, 5, 15 minutes) from `/proc/loadavg`.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".into())
}

impl Machine {
    /// Reads it from `/proc`, `/etc/os-release`, `uname`, `rustc` and `anvil`.
    pub fn detect(anvil: &Path) -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let memory_bytes = std::fs::read_to_string("/proc/meminfo")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024);
        let distro = std::fs::read_to_string("/etc/os-release")
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').to_string())
            .unwrap_or_else(|| std::env::consts::OS.to_string());
        let kernel = first_line(Command::new("uname").args(["-sr"]));
        Self {
            cores: std::thread::available_parallelism().map_or(0, usize::from),
            cpu,
            memory_bytes,
            os: format!("{distro}, {kernel}"),
            rustc: first_line(Command::new("rustc").arg("--version")),
            anvil: first_line(Command::new(anvil).arg("--version")),
        }
    }
}

fn cpu_ticks() -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let idle = fields.get(3)? + fields.get(4).unwrap_or(&0);
    Some((fields.iter().sum(), idle))
}

/// CPU time (user + system) a process has used, in clock ticks of 1/100 s.
pub fn cpu_ticks_of(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let close = stat.rfind(')')?;
    let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    Some(rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?)
}

fn process_ticks() -> std::collections::HashMap<u32, (String, u64)> {
    let mut out = std::collections::HashMap::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in entries.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // "pid (comm) state ppid ... utime stime ..." (comm may hold spaces).
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let comm = stat[open + 1..close].to_string();
        let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let ticks = rest
            .get(11)
            .and_then(|u| u.parse::<u64>().ok())
            .unwrap_or(0)
            + rest
                .get(12)
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(0);
        out.insert(pid, (comm, ticks));
    }
    out
}

/// How busy the machine is: total CPU use over `sample` (percent of all cores) and the
/// processes that used at least 5% of a core in it.
pub fn busy(sample: std::time::Duration) -> (f64, Vec<String>) {
    let before = cpu_ticks();
    let procs_before = process_ticks();
    std::thread::sleep(sample);
    let after = cpu_ticks();
    let procs_after = process_ticks();
    let total = match (before, after) {
        (Some((t0, i0)), Some((t1, i1))) if t1 > t0 => {
            100.0 * (1.0 - (i1.saturating_sub(i0)) as f64 / (t1 - t0) as f64)
        }
        _ => 0.0,
    };
    // Linux reports process times in clock ticks of 1/100 s.
    let seconds = sample.as_secs_f64().max(0.001);
    let mut busy: Vec<(f64, String)> = procs_after
        .iter()
        .filter_map(|(pid, (comm, ticks))| {
            let (_, old) = procs_before.get(pid)?;
            let percent = ticks.saturating_sub(*old) as f64 / seconds;
            (percent >= 5.0 && *pid != std::process::id()).then(|| (percent, comm.clone()))
        })
        .collect();
    busy.sort_by(|a, b| b.0.total_cmp(&a.0));
    (
        total,
        busy.into_iter()
            .take(6)
            .map(|(percent, comm)| format!("{percent:.0}% {comm}"))
            .collect(),
    )
}

fn own_ticks_with_children() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let close = stat.rfind(')')?;
    let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    (11..=14)
        .map(|i| rest.get(i).and_then(|v| v.parse::<u64>().ok()))
        .sum()
}

/// Measures how much CPU other processes (neither this one nor the children it waited for)
/// used between [`CpuMeter::start`] and [`CpuMeter::others_percent`].
#[derive(Debug, Clone, Copy)]
pub struct CpuMeter {
    machine: Option<(u64, u64)>,
    own: Option<u64>,
}

impl CpuMeter {
    /// Starts measuring.
    pub fn start() -> Self {
        Self {
            machine: cpu_ticks(),
            own: own_ticks_with_children(),
        }
    }

    /// Percent of the whole machine (all cores) that other processes used since the start.
    pub fn others_percent(&self) -> Option<f64> {
        let (total0, idle0) = self.machine?;
        let (total1, idle1) = cpu_ticks()?;
        let elapsed = total1.checked_sub(total0)?;
        if elapsed == 0 {
            return None;
        }
        let busy = elapsed.saturating_sub(idle1.saturating_sub(idle0));
        let own = own_ticks_with_children()?.saturating_sub(self.own?);
        // /proc/stat counts ticks of every core; our own times are in the same 1/100 s ticks.
        Some(100.0 * busy.saturating_sub(own) as f64 / elapsed as f64)
    }
}
