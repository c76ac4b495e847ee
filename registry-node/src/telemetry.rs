//! Structured logs on stderr: `RUST_LOG` filters (default `info`),
//! `RUST_LOG_FORMAT=json` switches to one JSON object per line.
//!
//! Writing a log line never stops or blocks the node: each line goes into a bounded
//! queue that a thread of its own writes to stderr. When stderr is a pipe whose reader
//! went away (`registry-node | head`), writes fail with EPIPE and the lines are dropped
//! (tracing-subscriber's own fallback would `eprintln!` the write error, which panics
//! on a closed stderr, in whichever task was logging: once that was the signal task,
//! and SIGTERM no longer stopped the node). When the reader stops reading and the
//! queue fills, new lines are dropped too. Nothing else in the node writes to stderr.

use std::io::Write;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::time::{Duration, Instant};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Lines held while stderr is slow; past this, new lines are dropped.
const QUEUE_LINES: usize = 8192;

enum Message {
    Line(Vec<u8>),
    Flush(SyncSender<()>),
}

/// Where the log lines go: the queue to the stderr thread.
#[derive(Clone)]
pub struct LogQueue {
    sender: SyncSender<Message>,
}

impl LogQueue {
    /// A queue and its writing thread, which writes to `out`.
    pub fn spawn(out: impl Write + Send + 'static) -> Self {
        let (sender, receiver) = std::sync::mpsc::sync_channel(QUEUE_LINES);
        std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || write_lines(receiver, out))
            .expect("start the log writer thread");
        Self { sender }
    }

    /// Queues `line` as it is (a newline included), or drops it when the queue is full.
    pub fn push(&self, line: Vec<u8>) {
        match self.sender.try_send(Message::Line(line)) {
            Ok(()) | Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {}
        }
    }

    /// Waits up to `timeout` for the lines queued so far to be written (or dropped).
    /// `false` when they were not in time (stderr does not take them).
    pub fn flush(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let (ack, acked) = std::sync::mpsc::sync_channel(1);
        let mut message = Message::Flush(ack);
        loop {
            match self.sender.try_send(message) {
                Ok(()) => break,
                Err(TrySendError::Disconnected(_)) => return true,
                Err(TrySendError::Full(back)) => {
                    if Instant::now() >= deadline {
                        return false;
                    }
                    message = back;
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        }
        acked
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .is_ok()
    }
}

/// The writing thread: writes each line, and once a write fails (the pipe is closed),
/// drops every later line instead of trying again.
fn write_lines(receiver: Receiver<Message>, mut out: impl Write) {
    let mut broken = false;
    for message in receiver {
        match message {
            Message::Line(line) if !broken => {
                broken = out.write_all(&line).and_then(|()| out.flush()).is_err();
            }
            Message::Line(_) => {}
            Message::Flush(ack) => {
                let _ = ack.try_send(());
            }
        }
    }
}

/// One log event's writer: collects the formatted event, queues it when dropped.
pub struct LineWriter<'a> {
    queue: &'a LogQueue,
    line: Vec<u8>,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.line.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter<'_> {
    fn drop(&mut self) {
        if !self.line.is_empty() {
            self.queue.push(std::mem::take(&mut self.line));
        }
    }
}

impl<'a> MakeWriter<'a> for LogQueue {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            queue: self,
            line: Vec::new(),
        }
    }
}

/// Installs the global subscriber, writing through a [`LogQueue`] to stderr, and returns
/// the queue (for [`LogQueue::flush`] before the process exits, and for the last error
/// line).
pub fn init() -> LogQueue {
    let queue = LogQueue::spawn(std::io::stderr());
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(queue.clone())
        // The queue never fails a write; and were one to fail, the fallback report is an
        // `eprintln!`, which panics when stderr is closed.
        .log_internal_errors(false);
    if std::env::var("RUST_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().init();
    } else {
        builder.compact().init();
    }
    queue
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer that fails like a closed pipe, counting the attempts.
    struct ClosedPipe(Arc<Mutex<usize>>);

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            *self.0.lock().unwrap() += 1;
            Err(std::io::ErrorKind::BrokenPipe.into())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A writer that never returns, like a pipe nobody reads once it is full.
    struct Stuck;

    impl Write for Stuck {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            std::thread::sleep(Duration::from_secs(3600));
            Ok(0)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_reach_the_output_in_order() {
        #[derive(Clone, Default)]
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let out = Shared::default();
        let queue = LogQueue::spawn(out.clone());
        for n in 0..100 {
            let mut writer = queue.make_writer();
            writeln!(writer, "line {n}").unwrap();
        }
        assert!(queue.flush(Duration::from_secs(5)));
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 100);
        assert!(text.starts_with("line 0\nline 1\n") && text.ends_with("line 99\n"));
    }

    #[test]
    fn a_closed_output_drops_lines_without_failing_or_retrying() {
        let attempts = Arc::new(Mutex::new(0));
        let queue = LogQueue::spawn(ClosedPipe(attempts.clone()));
        for _ in 0..10 {
            let mut writer = queue.make_writer();
            assert!(writer.write_all(b"lost\n").is_ok());
        }
        assert!(queue.flush(Duration::from_secs(5)));
        assert_eq!(*attempts.lock().unwrap(), 1, "one failed write, then none");
    }

    #[test]
    fn an_output_that_blocks_never_blocks_the_logger() {
        let queue = LogQueue::spawn(Stuck);
        let started = Instant::now();
        for _ in 0..(QUEUE_LINES * 2) {
            queue.push(b"waiting\n".to_vec());
        }
        assert!(!queue.flush(Duration::from_millis(100)));
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
