//! Accepting connections: HTTP/1 with a deadline for the request headers, and caps on open
//! connections per client address and in all.
//!
//! `axum::serve` sets neither, and slow clients (a header line every few seconds, or nothing)
//! once held every file descriptor until `/api/v1/health` stopped answering. Here a client has
//! [`Connections::header_timeout`] to send a request's headers (also between requests on a
//! kept-alive connection); a connection over an address's cap or the overall cap is closed at
//! once, so one address cannot starve the others. The open-files limit is raised to its hard
//! maximum at start, and the overall cap kept below it.
//!
//! Each request carries its client's address (`ConnectInfo`), for the per-address rate limits.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// How connections are accepted.
#[derive(Clone, Copy, Debug)]
pub struct Connections {
    /// Time a client has to send a request's headers.
    pub header_timeout: Duration,
    /// Open connections at most, all clients together.
    pub max: usize,
    /// Open connections at most from one address (a browser opens about six).
    pub max_per_address: usize,
}

/// File descriptors kept for the database, logs and the PWA's files, beside connections.
const SPARE_FILES: u64 = 64;

/// The open connections, counted per address; an entry leaves the table when its last
/// connection closes, so the table never holds more entries than connections.
#[derive(Default)]
struct Open {
    total: usize,
    by_address: HashMap<IpAddr, usize>,
}

/// One accepted connection's place in [`Open`], given back when dropped.
struct Slot {
    open: Arc<Mutex<Open>>,
    ip: IpAddr,
}

impl Slot {
    fn take(open: &Arc<Mutex<Open>>, ip: IpAddr, caps: &Connections) -> Option<Slot> {
        let mut table = open.lock().expect("connection table");
        let mine = table.by_address.get(&ip).copied().unwrap_or(0);
        if table.total >= caps.max || mine >= caps.max_per_address {
            return None;
        }
        table.total += 1;
        table.by_address.insert(ip, mine + 1);
        Some(Slot { open: Arc::clone(open), ip })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut table = self.open.lock().expect("connection table");
        table.total -= 1;
        if let Some(n) = table.by_address.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                table.by_address.remove(&self.ip);
            }
        }
    }
}

/// Connections the kernel completes and queues before the server accepts them. Tokio's default
/// (1,024) overflowed under a burst of 1,100 connections: the overflow looked connected to its
/// clients but was never accepted, so neither served nor closed. (The system may cap it lower:
/// `net.core.somaxconn`.)
const BACKLOG: u32 = 4096;

/// Listens on `addr` with a [`BACKLOG`]-deep queue of connections.
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)
}

/// The overall cap, lowered if the open-files limit (raised first to its hard maximum) is too
/// small for it.
fn cap_for_open_files(wanted: usize) -> usize {
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let room = limit.saturating_sub(SPARE_FILES).max(1) as usize;
    if room < wanted {
        tracing::warn!(open_files_limit = limit, max_connections = room, "the open-files limit lowers the connection cap");
    }
    wanted.min(room)
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(listener: TcpListener, app: Router, caps: Connections, shutdown: impl Future<Output = ()>) {
    let caps = Connections { max: cap_for_open_files(caps.max), ..caps };
    let open = Arc::new(Mutex::new(Open::default()));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(caps.header_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // the server itself is fine; breathe, then go on.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = Slot::take(&open, peer.ip(), &caps) else {
            tracing::debug!(%peer, "connection refused: too many open");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let service = app.clone().map_request(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Timeouts and resets are the clients' doing, not the server's.
                tracing::debug!(%peer, error = %e, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// The address a request came from (unspecified when served without a socket, as in tests).
pub fn client_ip<B>(request: &Request<B>) -> IpAddr {
    request.extensions().get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_capped_per_address_and_overall_and_given_back() {
        let open = Arc::new(Mutex::new(Open::default()));
        let caps = Connections { header_timeout: Duration::from_secs(1), max: 3, max_per_address: 2 };
        let (a, b, c): (IpAddr, IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap(), "10.0.0.3".parse().unwrap());
        let a1 = Slot::take(&open, a, &caps).unwrap();
        let _a2 = Slot::take(&open, a, &caps).unwrap();
        assert!(Slot::take(&open, a, &caps).is_none(), "per address");
        let _b1 = Slot::take(&open, b, &caps).unwrap();
        assert!(Slot::take(&open, c, &caps).is_none(), "overall");
        drop(a1);
        assert!(Slot::take(&open, c, &caps).is_some());
        assert_eq!(open.lock().unwrap().by_address.len(), 2, "c's slot was dropped at once");
    }
}
