//! Counts per client address, shared by every core: how many connections (or sessions)
//! one address holds, so that one client cannot take every descriptor or every byte of
//! the memory budget. An IPv6 address counts by its /64 (what one host or LAN is given);
//! an IPv4-mapped IPv6 address counts as its IPv4 address.
//!
//! Touches only its own table (one mutex, held for a hash-map update).

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

/// The address a count is kept under.
///
/// # Examples
///
/// ```
/// use vango::server::peers::PeerKey;
/// // Two hosts of one IPv6 /64 count as one client.
/// let a = PeerKey::of("2001:db8:1:2::10".parse().unwrap());
/// assert_eq!(a, PeerKey::of("2001:db8:1:2::99".parse().unwrap()));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PeerKey([u64; 2]);

impl PeerKey {
    /// The key of `ip`: an IPv4 address as itself, an IPv6 address by its /64.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::server::peers::PeerKey;
    /// let a = PeerKey::of("2001:db8::1".parse().unwrap());
    /// let b = PeerKey::of("2001:db8::2:3".parse().unwrap());
    /// let c = PeerKey::of("2001:db8:0:1::1".parse().unwrap());
    /// assert_eq!(a, b);
    /// assert_ne!(a, c);
    /// let v4 = PeerKey::of("192.0.2.1".parse().unwrap());
    /// assert_eq!(v4, PeerKey::of("::ffff:192.0.2.1".parse().unwrap()));
    /// ```
    pub fn of(ip: IpAddr) -> PeerKey {
        match ip {
            // Two words, not a u128: a guard lives in every session and connection, and a
            // 16-byte alignment would pad them.
            IpAddr::V4(v4) => PeerKey([0, u32::from(v4) as u64 | 0xffff << 32]),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => PeerKey::of(IpAddr::V4(v4)),
                None => PeerKey([(u128::from(v6) >> 64) as u64, 0]),
            },
        }
    }
}

/// How many of something each client address holds now.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use vango::server::peers::PeerTable;
/// let t = Arc::new(PeerTable::default());
/// let ip = "10.0.0.1".parse().unwrap();
/// let a = t.acquire(ip, 2).unwrap();
/// let b = t.acquire(ip, 2).unwrap();
/// assert!(t.acquire(ip, 2).is_none(), "a third is over the limit");
/// drop(a);
/// assert_eq!(t.count(ip), 1);
/// drop(b);
/// assert_eq!(t.count(ip), 0);
/// ```
#[derive(Default)]
pub struct PeerTable {
    map: Mutex<HashMap<PeerKey, u32>>,
}

impl fmt::Debug for PeerTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PeerTable")
            .field("addresses", &self.lock().len())
            .finish()
    }
}

impl PeerTable {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PeerKey, u32>> {
        // A panic while holding it left only counts: they are still consistent.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one more for `ip` unless it already holds `limit`; the guard counts it back.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::server::peers::PeerTable;
    /// let table = Arc::new(PeerTable::default());
    /// let ip = "192.0.2.9".parse().unwrap();
    /// let first = table.acquire(ip, 1).expect("under the limit");
    /// assert!(table.acquire(ip, 1).is_none());
    /// drop(first);
    /// assert!(table.acquire(ip, 1).is_some());
    /// ```
    pub fn acquire(self: &Arc<Self>, ip: IpAddr, limit: usize) -> Option<PeerGuard> {
        let key = PeerKey::of(ip);
        let mut map = self.lock();
        let n = map.entry(key).or_insert(0);
        if *n as usize >= limit {
            if *n == 0 {
                map.remove(&key);
            }
            return None;
        }
        *n += 1;
        Some(PeerGuard {
            table: self.clone(),
            key,
        })
    }

    /// How many `ip` holds now.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use vango::server::peers::PeerTable;
    /// let table = Arc::new(PeerTable::default());
    /// let ip = "192.0.2.9".parse().unwrap();
    /// let _g = table.acquire(ip, 10);
    /// assert_eq!(table.count(ip), 1);
    /// assert_eq!(table.count("192.0.2.10".parse().unwrap()), 0);
    /// ```
    pub fn count(&self, ip: IpAddr) -> usize {
        self.lock().get(&PeerKey::of(ip)).map_or(0, |n| *n as usize)
    }
}

/// One counted connection or session of an address; dropping it counts it back.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use vango::server::peers::{PeerGuard, PeerTable};
/// let table = Arc::new(PeerTable::default());
/// let ip = "10.1.1.1".parse().unwrap();
/// let guards: Vec<PeerGuard> = (0..3).filter_map(|_| table.acquire(ip, 3)).collect();
/// assert_eq!(table.count(ip), 3);
/// drop(guards); // the connections closed
/// assert_eq!(table.count(ip), 0);
/// ```
pub struct PeerGuard {
    table: Arc<PeerTable>,
    key: PeerKey,
}

impl fmt::Debug for PeerGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PeerGuard").field(&self.key).finish()
    }
}

impl Drop for PeerGuard {
    fn drop(&mut self) {
        let mut map = self.table.lock();
        if let Some(n) = map.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                // An address that left takes no memory.
                map.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_count_apart_and_entries_go_at_zero() {
        let t = Arc::new(PeerTable::default());
        let (a, b) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let g: Vec<_> = (0..3).map(|_| t.acquire(a, 3).unwrap()).collect();
        assert!(t.acquire(a, 3).is_none());
        assert!(t.acquire(b, 3).is_some(), "another address is not affected");
        assert!(t.acquire(b, 0).is_none());
        drop(g);
        assert!(t.lock().is_empty());
    }
}
