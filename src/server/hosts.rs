//! Which `Host` a request may name (DNS-rebinding defence) and who may read `/metrics`.
//!
//! Touches nothing but the addresses it is given. A page on `evil.example` whose name was
//! rebound to this server's address reaches it with `Host: evil.example:PORT` (and a
//! matching `Origin`), so comparing `Origin` with `Host` alone cannot tell: the host itself
//! must be one this server answers for.

use std::net::{IpAddr, SocketAddr};

/// The hosts a server answers for.
///
/// # Examples
///
/// ```
/// use vango::server::hosts::AllowedHosts;
/// let local: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
/// let default = AllowedHosts::Default;
/// assert!(default.allows(b"127.0.0.1:8080", local));
/// assert!(default.allows(b"localhost:8080", local));
/// assert!(!default.allows(b"evil.example:8080", local));
/// let listed = AllowedHosts::list(["app.example"]);
/// assert!(listed.allows(b"APP.example:443", local));
/// assert!(!listed.allows(b"127.0.0.1:8080", local));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum AllowedHosts {
    /// The address the client connected to (`IP:PORT`, IPv6 in brackets) and
    /// `localhost` on the same port: right for a server reached directly or through a
    /// proxy that keeps `Host` as the upstream address.
    #[default]
    Default,
    /// These names (lower case): an entry with a port matches exactly, one without a port
    /// matches that name on any port. Behind a proxy that passes the public `Host`
    /// (`proxy_set_header Host $host`), list the public names here.
    List(Vec<String>),
    /// Any host (no DNS-rebinding defence: only for a server that is not reachable from
    /// browsers on other sites, e.g. tests).
    Any,
}

impl AllowedHosts {
    /// A list of allowed names (see [`AllowedHosts::List`]); `"*"` among them allows any.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::hosts::AllowedHosts;
    /// let local = "10.0.0.5:8080".parse().unwrap();
    /// let hosts = AllowedHosts::list(["app.example", "admin.example:8443"]);
    /// assert!(hosts.allows(b"app.example:8080", local));
    /// assert!(!hosts.allows(b"admin.example:8080", local), "only that port");
    /// assert_eq!(AllowedHosts::list(["*"]), AllowedHosts::Any);
    /// ```
    pub fn list<I: IntoIterator<Item = S>, S: AsRef<str>>(names: I) -> AllowedHosts {
        let names: Vec<String> = names
            .into_iter()
            .map(|n| n.as_ref().trim().to_ascii_lowercase())
            .filter(|n| !n.is_empty())
            .collect();
        if names.iter().any(|n| n == "*") {
            AllowedHosts::Any
        } else {
            AllowedHosts::List(names)
        }
    }

    /// Parses `VANGO_ALLOWED_HOSTS`-style text: comma-separated names.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::hosts::AllowedHosts;
    /// let hosts = AllowedHosts::parse("app.example, WWW.app.example");
    /// assert_eq!(hosts, AllowedHosts::list(["app.example", "www.app.example"]));
    /// ```
    pub fn parse(text: &str) -> AllowedHosts {
        AllowedHosts::list(text.split(','))
    }

    /// Whether a request with `Host: host` that reached the server at `local` is allowed.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::hosts::AllowedHosts;
    /// let local = "127.0.0.1:3000".parse().unwrap();
    /// assert!(AllowedHosts::Default.allows(b"localhost:3000", local));
    /// assert!(!AllowedHosts::Default.allows(b"rebound.example:3000", local));
    /// ```
    pub fn allows(&self, host: &[u8], local: SocketAddr) -> bool {
        let Ok(host) = std::str::from_utf8(host) else {
            return false;
        };
        // Every request (each WebSocket upgrade too) asks this: it compares in place,
        // ignoring ASCII case, instead of building lower-cased and formatted strings.
        let host = host.trim();
        match self {
            AllowedHosts::Any => true,
            AllowedHosts::Default => {
                let mut buf = [0u8; 64];
                let localhost = written(&mut buf, format_args!("localhost:{}", local.port()));
                if host.eq_ignore_ascii_case(localhost) {
                    return true;
                }
                let mut buf = [0u8; 64];
                host.eq_ignore_ascii_case(authority(&mut buf, local))
            }
            AllowedHosts::List(names) => {
                let (name, _) = split_port(host);
                names.iter().any(|n| match split_port(n) {
                    (_, Some(_)) => n.eq_ignore_ascii_case(host),
                    (entry, None) => entry.eq_ignore_ascii_case(name),
                })
            }
        }
    }
}

/// `IP:PORT` as a browser writes it in `Host` (IPv6 in brackets), written into `buf`.
fn authority(buf: &mut [u8; 64], addr: SocketAddr) -> &str {
    match addr.ip() {
        IpAddr::V4(ip) => written(buf, format_args!("{ip}:{}", addr.port())),
        IpAddr::V6(ip) => written(buf, format_args!("[{ip}]:{}", addr.port())),
    }
}

/// Formats into a stack buffer (the longest text here, `[v6]:port`, is 55 bytes); `""`
/// if it did not fit, which matches no `Host`.
fn written<'a>(buf: &'a mut [u8; 64], args: std::fmt::Arguments<'_>) -> &'a str {
    use std::io::Write;
    let mut rest = &mut buf[..];
    if rest.write_fmt(args).is_err() {
        return "";
    }
    let n = 64 - rest.len();
    std::str::from_utf8(&buf[..n]).unwrap_or("")
}

/// `name:port` → (`name`, `Some(port)`); `[v6]:port` and `[v6]` keep their brackets.
fn split_port(host: &str) -> (&str, Option<&str>) {
    if let Some(end) = host.rfind(']') {
        return match host[end + 1..].strip_prefix(':') {
            Some(port) => (&host[..=end], Some(port)),
            None => (host, None),
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    }
}

/// Whether `peer` may read `/metrics`: loopback peers only, unless the operator made
/// metrics public.
///
/// # Examples
///
/// ```
/// use vango::server::hosts::metrics_allowed;
/// assert!(metrics_allowed("127.0.0.1:5000".parse().unwrap(), false));
/// assert!(metrics_allowed("[::1]:5000".parse().unwrap(), false));
/// assert!(!metrics_allowed("203.0.113.9:5000".parse().unwrap(), false));
/// assert!(metrics_allowed("203.0.113.9:5000".parse().unwrap(), true));
/// ```
pub fn metrics_allowed(peer: SocketAddr, public: bool) -> bool {
    public
        || match peer.ip() {
            IpAddr::V4(ip) => ip.is_loopback(),
            IpAddr::V6(ip) => {
                ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_allows_the_connected_address_and_localhost_only() {
        let v4: SocketAddr = "10.0.0.5:8080".parse().unwrap();
        let v6: SocketAddr = "[::1]:9000".parse().unwrap();
        let d = AllowedHosts::Default;
        assert!(d.allows(b"10.0.0.5:8080", v4));
        assert!(d.allows(b"LOCALHOST:8080", v4));
        assert!(!d.allows(b"10.0.0.5:8081", v4), "another port");
        assert!(!d.allows(b"localhost", v4), "no port");
        assert!(!d.allows(b"10.0.0.5.evil.example:8080", v4));
        assert!(d.allows(b"[::1]:9000", v6));
        assert!(!d.allows(b"\xff", v4), "not UTF-8");
    }

    #[test]
    fn lists_match_names_with_or_without_ports() {
        let local: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let l = AllowedHosts::parse("app.example, admin.example:8443,[2001:db8::1]");
        assert!(l.allows(b"app.example", local));
        assert!(l.allows(b"app.example:80", local));
        assert!(l.allows(b"admin.example:8443", local));
        assert!(!l.allows(b"admin.example:443", local));
        assert!(!l.allows(b"admin.example", local));
        assert!(l.allows(b"[2001:db8::1]:443", local));
        assert!(!l.allows(b"evil.example", local));
        assert_eq!(AllowedHosts::parse("a, *"), AllowedHosts::Any);
    }

    /// The lower-casing, allocating form this module used to have: the in-place compare
    /// must give the same answer for every host.
    fn reference(hosts: &AllowedHosts, host: &[u8], local: SocketAddr) -> bool {
        let Ok(host) = std::str::from_utf8(host) else {
            return false;
        };
        let host = host.trim().to_ascii_lowercase();
        match hosts {
            AllowedHosts::Any => true,
            AllowedHosts::Default => {
                let auth = match local.ip() {
                    IpAddr::V4(ip) => format!("{ip}:{}", local.port()),
                    IpAddr::V6(ip) => format!("[{ip}]:{}", local.port()),
                };
                host == format!("localhost:{}", local.port()) || host == auth
            }
            AllowedHosts::List(names) => {
                let (name, _) = split_port(&host);
                names.iter().any(|n| match split_port(n) {
                    (_, Some(_)) => *n == host,
                    (entry, None) => entry == name,
                })
            }
        }
    }

    #[test]
    fn the_in_place_compare_agrees_with_lower_casing_on_random_hosts() {
        let locals: [SocketAddr; 4] = [
            "127.0.0.1:8080".parse().unwrap(),
            "10.0.0.5:80".parse().unwrap(),
            "[::1]:9000".parse().unwrap(),
            "[2001:db8::ab]:65535".parse().unwrap(),
        ];
        let lists = [
            AllowedHosts::Default,
            AllowedHosts::parse("app.example, admin.example:8443,[2001:db8::1]"),
            AllowedHosts::parse("LocalHost:8080"),
        ];
        let parts = [
            "localhost",
            "LOCALHOST",
            "LocalHost",
            "127.0.0.1",
            "10.0.0.5",
            "[::1]",
            "[2001:DB8::AB]",
            "[2001:db8::1]",
            "app.example",
            "APP.Example",
            "admin.example",
            "evil.example",
            ":",
            ":8080",
            ":80",
            ":9000",
            ":65535",
            ":8443",
            ":443",
            " ",
            "",
            "\u{e9}",
            "\u{212a}",
        ];
        let mut rng = fastrand::Rng::with_seed(0x4057);
        let mut agreed_true = 0;
        for _ in 0..20_000 {
            let n = rng.usize(1..4);
            let host: String = (0..n).map(|_| parts[rng.usize(..parts.len())]).collect();
            let local = locals[rng.usize(..locals.len())];
            for hosts in &lists {
                let want = reference(hosts, host.as_bytes(), local);
                assert_eq!(
                    hosts.allows(host.as_bytes(), local),
                    want,
                    "{hosts:?} {host:?} {local}"
                );
                agreed_true += usize::from(want);
            }
        }
        assert!(
            agreed_true > 500,
            "the generator must reach allowed hosts too: {agreed_true}"
        );
    }
}
