//! A throwaway `redis-server` for the Redis bridge's tests and benches: started on a
//! loopback port with no persistence, killed on drop. Touches a child process and a local
//! socket only.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server` on `127.0.0.1:port`, killed when dropped.
pub struct RedisServer(Child);

impl RedisServer {
    /// Starts one (no RDB snapshots, no AOF) and waits up to 10 s until it accepts
    /// connections. Panics when `redis-server` is not on PATH or never listens.
    pub fn start(port: u16) -> RedisServer {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args(["--bind", "127.0.0.1"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server on PATH");
        let server = RedisServer(child);
        let end = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < end,
                "redis-server on port {port} not listening in 10 s"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        server
    }

    /// The URL of the server on `port`.
    pub fn url(port: u16) -> String {
        format!("redis://127.0.0.1:{port}/")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
