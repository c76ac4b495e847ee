//! A minimal HTTP/1.1 client for the load generator: one keep-alive connection, one request in
//! flight, responses framed by `Content-Length` or chunked encoding. Hand-written so the load
//! generator spends as little CPU as possible beside the server it measures.

use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Why a request failed.
#[derive(Debug)]
pub enum HttpError {
    /// The socket failed.
    Io(std::io::Error),
    /// The server closed the connection before a whole response.
    Closed,
    /// The response could not be parsed.
    Malformed(&'static str),
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(error) => write!(f, "socket error: {error}"),
            Self::Closed => write!(f, "the server closed the connection mid-response"),
            Self::Malformed(what) => write!(f, "malformed response: {what}"),
        }
    }
}

impl std::error::Error for HttpError {}

impl From<std::io::Error> for HttpError {
    fn from(error: std::io::Error) -> Self {
        Self::Io(error)
    }
}

/// A response: status, body, and whether the server asked to close.
#[derive(Debug, Default)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The body (de-chunked).
    pub body: Vec<u8>,
    /// `Connection: close` was sent.
    pub close: bool,
}

/// One keep-alive connection.
#[derive(Debug)]
pub struct Connection {
    addr: SocketAddr,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
    /// Connections opened (1 + reconnects).
    pub opened: u64,
}

/// Builds the bytes of a request. `body` makes it a POST with a JSON content type.
pub fn request(method: &str, host: &str, path: &str, body: Option<&[u8]>) -> Vec<u8> {
    request_with_headers(method, host, path, &[], body)
}

/// [`request`] with extra `headers` (name, value).
pub fn request_with_headers(
    method: &str,
    host: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Vec<u8> {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if let Some(body) = body {
        out.extend_from_slice(
            format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        );
        out.extend_from_slice(body);
    } else {
        out.extend_from_slice(b"\r\n");
    }
    out
}

impl Connection {
    /// A connection to `addr`, opened on first use.
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            stream: None,
            buf: Vec::with_capacity(64 * 1024),
            opened: 0,
        }
    }

    async fn stream(&mut self) -> Result<&mut TcpStream, HttpError> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(stream);
            self.opened += 1;
        }
        self.stream.as_mut().ok_or(HttpError::Closed)
    }

    /// Sends `request` (whole bytes) and reads the response. On any error the connection is
    /// dropped and reopened by the next call.
    pub async fn send(&mut self, request: &[u8]) -> Result<Response, HttpError> {
        let result = self.exchange(request).await;
        match &result {
            Ok(response) if !response.close => {}
            _ => self.stream = None,
        }
        result
    }

    async fn exchange(&mut self, request: &[u8]) -> Result<Response, HttpError> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let result = async {
            let stream = self.stream().await?;
            stream.write_all(request).await?;
            read_response(stream, &mut buf).await
        }
        .await;
        self.buf = buf;
        result
    }
}

async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(), HttpError> {
    if buf.capacity() - buf.len() < 16 * 1024 {
        buf.reserve(64 * 1024);
    }
    let n = stream.read_buf(buf).await?;
    if n == 0 {
        return Err(HttpError::Closed);
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn read_response(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Response, HttpError> {
    let head_end = loop {
        if let Some(at) = find(buf, b"\r\n\r\n") {
            break at + 4;
        }
        if buf.len() > 64 * 1024 {
            return Err(HttpError::Malformed("headers over 64 KiB"));
        }
        fill(stream, buf).await?;
    };
    let head =
        std::str::from_utf8(&buf[..head_end]).map_err(|_| HttpError::Malformed("headers"))?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or(HttpError::Malformed("status line"))?;
    let mut length = None;
    let mut chunked = false;
    let mut close = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(
                value
                    .parse::<usize>()
                    .map_err(|_| HttpError::Malformed("content-length"))?,
            );
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.to_ascii_lowercase().contains("chunked");
        } else if name.eq_ignore_ascii_case("connection") {
            close = value.eq_ignore_ascii_case("close");
        }
    }
    let body = if chunked {
        read_chunked(stream, buf, head_end).await?
    } else {
        let length = length.ok_or(HttpError::Malformed("no content-length"))?;
        while buf.len() < head_end + length {
            fill(stream, buf).await?;
        }
        buf[head_end..head_end + length].to_vec()
    };
    Ok(Response {
        status,
        body,
        close,
    })
}

async fn read_chunked(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    mut at: usize,
) -> Result<Vec<u8>, HttpError> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(end) = find(&buf[at..], b"\r\n") {
                break at + end;
            }
            fill(stream, buf).await?;
        };
        let size_text = std::str::from_utf8(&buf[at..line_end])
            .map_err(|_| HttpError::Malformed("chunk size"))?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| HttpError::Malformed("chunk size"))?;
        let data = line_end + 2;
        while buf.len() < data + size + 2 {
            fill(stream, buf).await?;
        }
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&buf[data..data + size]);
        at = data + size + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    async fn serve_once(reply: &'static [u8]) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut scratch = [0u8; 4096];
            for _ in 0..2 {
                let _ = socket.read(&mut scratch).await.unwrap();
                socket.write_all(reply).await.unwrap();
            }
        });
        addr
    }

    #[tokio::test]
    async fn reads_content_length_and_keeps_the_connection() {
        let addr = serve_once(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello").await;
        let mut connection = Connection::new(addr);
        let request = request("GET", "x", "/", None);
        for _ in 0..2 {
            let response = connection.send(&request).await.unwrap();
            assert_eq!(
                (response.status, response.body.as_slice()),
                (200, &b"hello"[..])
            );
        }
        assert_eq!(connection.opened, 1);
    }

    #[tokio::test]
    async fn reads_chunked_bodies() {
        let addr = serve_once(
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        )
        .await;
        let mut connection = Connection::new(addr);
        let response = connection
            .send(&request("POST", "x", "/", Some(b"{}")))
            .await
            .unwrap();
        assert_eq!(response.status, 404);
        assert_eq!(response.body, b"abcde");
    }
}
