//! What the abuse tests share: a minimal HTTP/1.1 client with exact control over what is
//! sent and when, and checks on a running server's output and store.

#![allow(dead_code)] // Each abuse test binary uses part of it.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::common::*;

pub const IO_TIMEOUT: Duration = Duration::from_secs(60);
pub const SUBJECT: &str = "cand_12345678";

pub fn classet_config() -> String {
    format!("[providers.classet]\nsecret = \"{CL_SECRET}\"\n")
}

// ---------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client: exact control over what is sent and when.

pub struct Answer {
    pub status: u16,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

pub fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// The same body sent with `Transfer-Encoding: chunked`, so no size is declared.
pub fn chunked_request(path: &str, body: &[u8], chunk: usize) -> Vec<u8> {
    let mut bytes =
        format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            .into_bytes();
    for part in body.chunks(chunk) {
        bytes.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        bytes.extend_from_slice(part);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    bytes
}

pub fn read_answer(r: &mut impl BufRead) -> std::io::Result<Answer> {
    use std::io::{Error, ErrorKind};
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(Error::new(
            ErrorKind::UnexpectedEof,
            "closed before answering",
        ));
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::new(ErrorKind::InvalidData, line.clone()))?;
    let mut len = 0;
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Err(Error::new(
                ErrorKind::UnexpectedEof,
                "closed in the headers",
            ));
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((name, value)) = l.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            len = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    Ok(Answer {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

pub fn connect(port: u16) -> std::io::Result<TcpStream> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    Ok(stream)
}

/// One request on a connection of its own.
pub fn send(port: u16, bytes: &[u8]) -> Answer {
    let mut stream = connect(port).unwrap();
    stream.write_all(bytes).unwrap();
    read_answer(&mut BufReader::new(stream)).unwrap()
}

pub fn wait_for_lines(s: &Server, n: usize, within: Duration) {
    let deadline = Instant::now() + within;
    while s.lines.lock().unwrap().len() < n {
        assert!(
            Instant::now() < deadline,
            "{} of {n} lines after {within:?}; stderr: {:?}",
            s.lines.lock().unwrap().len(),
            s.stderr.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn count_rows(s: &Server, filter: &str) -> i64 {
    s.db()
        .query_row(
            &format!("SELECT count(*) FROM deliveries {filter}"),
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// The rows matching `filter` once there are `n` of them, or after 60 s however many
/// there are. A burst is journaled and filed into the database just after its answers
/// and lines (see the README's store section), so its rows are waited for.
pub fn rows_once_filed(s: &Server, filter: &str, n: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let rows = count_rows(s, filter);
        if rows == n || Instant::now() >= deadline {
            return rows;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn no_panic(s: &Server) {
    let stderr = s.stderr.lock().unwrap();
    assert!(!stderr.iter().any(|l| l.contains("panicked")), "{stderr:?}");
}

/// Raises this process's open-file limit (inherited by the servers it starts) to at
/// least `needed`, or says why it cannot.
pub fn raise_fd_limit(needed: u64) -> Result<(), String> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a valid rlimit for the call to fill in.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(format!("getrlimit: {}", std::io::Error::last_os_error()));
    }
    if limit.rlim_cur >= needed {
        return Ok(());
    }
    if limit.rlim_max < needed {
        return Err(format!(
            "the hard open-file limit is {}, below the {needed} this test needs",
            limit.rlim_max
        ));
    }
    limit.rlim_cur = needed;
    // SAFETY: as above; only the soft limit changes, within the hard one.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        return Err(format!("setrlimit: {}", std::io::Error::last_os_error()));
    }
    Ok(())
}
