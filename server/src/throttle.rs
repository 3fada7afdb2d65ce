//! Rate limits, by `governor`'s GCRA counters: requests per enrolled device, enrolment attempts
//! per address and overall, refused tokens per address, residents' reports per address.
//!
//! Counters are kept only for keys that name something real — an enrolled device (after its
//! token was checked) or a client address — never for a string a client chose: a flood of random
//! tokens once filled a table that every request then scanned under a lock. Address counters
//! are dropped once they have refilled (at most a minute after an address's last request; ten
//! for residents' reports), so the tables hold the devices and addresses active lately. IPv6 addresses count by
//! their /64 network, which one subscriber usually holds whole.
//!
//! Counted per server instance, like the rest of the server's memory.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, NotUntil, Quota};

/// Requests per enrolled device and minute; a sync sends a few, so this only stops a runaway client.
pub const DEVICE_REQUESTS_PER_MINUTE: u32 = 120;
/// Enrolment attempts per address and minute: a person mistyping a code a few times is never
/// stopped, a guesser gets 10 tries a minute.
pub const ENROLMENTS_PER_ADDRESS_PER_MINUTE: u32 = 10;
/// Enrolment attempts per minute from everywhere: with codes of 64 bits, guessing stays hopeless
/// even from many addresses, and the database's write lock is never hogged by guesses.
pub const ENROLMENTS_PER_MINUTE: u32 = 120;
/// Refused tokens per address and minute before answers become 429.
pub const REFUSALS_PER_ADDRESS_PER_MINUTE: u32 = 60;
/// Openings and posts of a place's update page per address and minute (a place uses a few; a
/// guesser of 128-bit codes gets 20 tries a minute, checked before the code is looked at).
pub const PLACE_LINK_TRIES_PER_ADDRESS_PER_MINUTE: u32 = 20;
/// Consultation batches per address and minute: a phone sends one when it comes online; many
/// phones may share a mobile operator's address, so the allowance is wider than enrolment's.
pub const CONSULTATIONS_PER_ADDRESS_PER_MINUTE: u32 = 30;
/// Residents' reports (`POST /api/v1/reports`) per address: a burst of 10 requests (a phone's
/// queue after days offline), then one a minute: 10 in 10 minutes, whatever their content.
pub const REPORTS_BURST_PER_ADDRESS: u32 = 10;
/// Address counters are pruned every this many checks.
const PRUNE_EVERY: u64 = 1024;

/// An address as counted: IPv4 whole, IPv6 by its /64 network.
type Address = IpAddr;

fn address(ip: IpAddr) -> Address {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(v6.to_bits() & !u128::from(u64::MAX))),
        },
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).expect("a positive quota"))
}

/// The limiters every request handler shares.
pub struct Throttle {
    devices: DefaultKeyedRateLimiter<String>,
    enrolments_by_address: DefaultKeyedRateLimiter<Address>,
    enrolments: DefaultDirectRateLimiter,
    refusals_by_address: DefaultKeyedRateLimiter<Address>,
    place_links_by_address: DefaultKeyedRateLimiter<Address>,
    consultations_by_address: DefaultKeyedRateLimiter<Address>,
    reports_by_address: DefaultKeyedRateLimiter<Address>,
    checks: AtomicU64,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            devices: DefaultKeyedRateLimiter::keyed(per_minute(DEVICE_REQUESTS_PER_MINUTE)),
            enrolments_by_address: DefaultKeyedRateLimiter::keyed(per_minute(ENROLMENTS_PER_ADDRESS_PER_MINUTE)),
            enrolments: DefaultDirectRateLimiter::direct(per_minute(ENROLMENTS_PER_MINUTE)),
            refusals_by_address: DefaultKeyedRateLimiter::keyed(per_minute(REFUSALS_PER_ADDRESS_PER_MINUTE)),
            place_links_by_address: DefaultKeyedRateLimiter::keyed(per_minute(PLACE_LINK_TRIES_PER_ADDRESS_PER_MINUTE)),
            consultations_by_address: DefaultKeyedRateLimiter::keyed(per_minute(CONSULTATIONS_PER_ADDRESS_PER_MINUTE)),
            reports_by_address: DefaultKeyedRateLimiter::keyed(
                per_minute(1).allow_burst(NonZeroU32::new(REPORTS_BURST_PER_ADDRESS).expect("a positive burst")),
            ),
            checks: AtomicU64::new(0),
        }
    }
}

/// How long to wait before the next request may pass.
fn wait(refused: NotUntil<<DefaultClock as Clock>::Instant>) -> Duration {
    refused.wait_time_from(DefaultClock::default().now()).max(Duration::from_secs(1))
}

impl Throttle {
    /// A request of an enrolled device (its token already checked).
    pub fn device(&self, device_id: &str) -> Result<(), Duration> {
        self.tick();
        self.devices.check_key(&device_id.to_owned()).map_err(wait)
    }

    /// An enrolment attempt from `ip`: the address's allowance first, so one guesser's refused
    /// attempts do not use up everyone's.
    pub fn enrolment(&self, ip: IpAddr) -> Result<(), Duration> {
        self.tick();
        self.enrolments_by_address.check_key(&address(ip)).map_err(wait)?;
        self.enrolments.check().map_err(wait)
    }

    /// A token was refused for a request from `ip`.
    pub fn refusal(&self, ip: IpAddr) -> Result<(), Duration> {
        self.tick();
        self.refusals_by_address.check_key(&address(ip)).map_err(wait)
    }

    /// A request to a place's update page from `ip`, whatever its code.
    pub fn place_link(&self, ip: IpAddr) -> Result<(), Duration> {
        self.tick();
        self.place_links_by_address.check_key(&address(ip)).map_err(wait)
    }

    /// A batch of consultation counts from `ip`.
    pub fn consultation(&self, ip: IpAddr) -> Result<(), Duration> {
        self.tick();
        self.consultations_by_address.check_key(&address(ip)).map_err(wait)
    }

    /// A residents' reports request from `ip`.
    pub fn reports(&self, ip: IpAddr) -> Result<(), Duration> {
        self.tick();
        self.reports_by_address.check_key(&address(ip)).map_err(wait)
    }

    /// Keys tracked now, all tables together (for tests and the probe's memory figures).
    pub fn tracked(&self) -> usize {
        self.devices.len()
            + self.enrolments_by_address.len()
            + self.refusals_by_address.len()
            + self.place_links_by_address.len()
            + self.consultations_by_address.len()
            + self.reports_by_address.len()
    }

    /// Every [`PRUNE_EVERY`] checks, forgets the keys whose allowance has refilled.
    fn tick(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.prune();
        }
    }

    pub fn prune(&self) {
        for limiter in [
            &self.enrolments_by_address,
            &self.refusals_by_address,
            &self.place_links_by_address,
            &self.consultations_by_address,
            &self.reports_by_address,
        ] {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        self.devices.retain_recent();
        self.devices.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrolment_is_limited_per_address_and_a_neighbour_is_not_punished() {
        let throttle = Throttle::default();
        let guesser: IpAddr = "203.0.113.7".parse().unwrap();
        let neighbour: IpAddr = "203.0.113.8".parse().unwrap();
        let allowed = (0..100).take_while(|_| throttle.enrolment(guesser).is_ok()).count();
        assert_eq!(allowed, ENROLMENTS_PER_ADDRESS_PER_MINUTE as usize);
        let wait = throttle.enrolment(guesser).unwrap_err();
        assert!(wait >= Duration::from_secs(1) && wait <= Duration::from_secs(60), "{wait:?}");
        assert!(throttle.enrolment(neighbour).is_ok());
    }

    #[test]
    fn enrolment_is_limited_overall() {
        let throttle = Throttle::default();
        let allowed =
            (0u32..1000).take_while(|i| throttle.enrolment(IpAddr::from([10, 0, (i / 256) as u8, (i % 256) as u8])).is_ok()).count();
        assert_eq!(allowed, ENROLMENTS_PER_MINUTE as usize);
    }

    #[test]
    fn ipv6_counts_by_network() {
        let throttle = Throttle::default();
        for i in 0..ENROLMENTS_PER_ADDRESS_PER_MINUTE {
            let ip: IpAddr = format!("2001:db8:1:2::{i:x}").parse().unwrap();
            assert!(throttle.enrolment(ip).is_ok());
        }
        assert!(throttle.enrolment("2001:db8:1:2:ffff::1".parse().unwrap()).is_err(), "same /64");
        assert!(throttle.enrolment("2001:db8:1:3::1".parse().unwrap()).is_ok(), "another /64");
    }

    #[test]
    fn reports_come_in_a_burst_then_one_a_minute_per_address() {
        let throttle = Throttle::default();
        let phone: IpAddr = "203.0.113.9".parse().unwrap();
        let allowed = (0..100).take_while(|_| throttle.reports(phone).is_ok()).count();
        assert_eq!(allowed, REPORTS_BURST_PER_ADDRESS as usize);
        let wait = throttle.reports(phone).unwrap_err();
        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60), "{wait:?}");
        assert!(throttle.reports("203.0.113.10".parse().unwrap()).is_ok());
    }

    #[test]
    fn devices_have_their_own_allowance() {
        let throttle = Throttle::default();
        assert!((0..DEVICE_REQUESTS_PER_MINUTE).all(|_| throttle.device("a").is_ok()));
        assert!(throttle.device("a").is_err());
        assert!(throttle.device("b").is_ok());
    }

    /// Regression: a counter was kept for any token string; 60,000 random tokens slowed every
    /// request. Now refused tokens count per address, so the tables stay as small as the
    /// number of addresses.
    #[test]
    fn refused_tokens_do_not_grow_the_tables() {
        let throttle = Throttle::default();
        let ip: IpAddr = "198.51.100.1".parse().unwrap();
        for _ in 0..10_000 {
            let _ = throttle.refusal(ip);
        }
        assert_eq!(throttle.tracked(), 1);
    }
}
