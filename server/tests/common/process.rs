//! The real binary as an operator runs it: started, spoken to over HTTP on loopback, stopped.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary, with no `REPERE_*` setting inherited from the environment.
pub fn server() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_repere-server"));
    for var in ["REPERE_ADDR", "REPERE_DATABASE", "REPERE_DIST", "REPERE_LOG_FORMAT"] {
        cmd.env_remove(var);
    }
    cmd
}

/// A built PWA as small as the server accepts.
pub fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("index.html"), "<!doctype html>").unwrap();
    dir
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Runs to completion and returns (exit code, the stderr lines that are not logs).
pub fn run_to_end(cmd: &mut Command) -> (i32, Vec<String>) {
    let out = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines = stderr.lines().filter(|l| l.starts_with("repere-server:")).map(str::to_owned).collect();
    (out.status.code().unwrap_or(-1), lines)
}

/// Serves `database` on a free port until [`stop`]; returns the child and its address.
pub fn serve(database: &Path, dist: &Path) -> (Child, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child =
        server().args(["--addr", &addr, "--dist"]).arg(dist).arg("--database").arg(database).stderr(Stdio::piped()).spawn().unwrap();
    wait_until_serving(&mut child);
    (child, addr)
}

/// Reads the server's logs until it says it is serving, then keeps draining them in the
/// background so the server never blocks on a full pipe.
pub fn wait_until_serving(child: &mut Child) {
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut line = String::new();
    while Instant::now() < deadline {
        line.clear();
        assert_ne!(reader.read_line(&mut line).unwrap(), 0, "server exited before serving");
        if line.contains("serving") {
            std::thread::spawn(move || {
                let _ = reader.read_to_end(&mut Vec::new());
            });
            return;
        }
    }
    panic!("server did not start in time");
}

/// Sends SIGTERM and waits (at most 10 s) for the exit; returns its code.
pub fn stop(mut child: Child) -> Option<i32> {
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            return exit.code();
        }
        assert!(Instant::now() < deadline, "still running 10 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One HTTP/1.1 request on a fresh connection (`Connection: close`); returns the status and the
/// JSON body (`Null` if the body is not JSON).
pub fn http(addr: &str, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, serde_json::Value) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no HTTP answer: {answer}"));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("no status: {head}"));
    assert!(!head.to_ascii_lowercase().contains("transfer-encoding: chunked"), "chunked answer: {head}");
    (status, serde_json::from_str(body).unwrap_or(serde_json::Value::Null))
}
