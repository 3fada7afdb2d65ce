//! When a device tries a failed sync again, and what it tells the mediator meanwhile.
//!
//! A phone that stays online while the server is down must see the server again soon after it
//! returns, with nobody tapping "Synchroniser": waits double from 2 s after each failure in a
//! row, but the next try is never more than [`CAP`] away. Jitter keeps the phones of a
//! département, which lost the server at the same moment, from all knocking at the same second
//! when it returns. A success, the network coming back and a manual try start again from the
//! shortest wait ([`Backoff::reset`]).
//!
//! Times are milliseconds since the Unix epoch and the jitter is a number in [0, 1), both given
//! by the caller, so the rule is the same everywhere and testable natively.
//!
//! ```
//! use repere_core::sync::retry::{Backoff, CAP};
//!
//! let mut backoff = Backoff::default();
//! let wait = backoff.failed(1_000, 0.5); // the first failed try, at t = 1 s
//! assert_eq!(wait.as_millis(), 1_500); // between 1 s and 2 s
//! assert_eq!(backoff.seconds_left(1_100), Some(2)); // "Nouvel essai dans 2 s"
//! for _ in 0..20 {
//!     assert!(backoff.failed(0, 0.99) <= CAP);
//! }
//! backoff.reset(); // it worked, or the mediator tapped "Synchroniser"
//! assert_eq!(backoff.seconds_left(0), None);
//! ```

use std::time::Duration;

/// The next automatic try is never further away than this.
pub const CAP: Duration = Duration::from_secs(60);

/// The longest wait after the first failure; each further failure in a row doubles it.
const FIRST: Duration = Duration::from_secs(2);

/// How long to wait after the `failures`-th failed try in a row (1 for the first; 0 counts as
/// 1), given `jitter` in [0, 1): between half and all of `FIRST · 2^(failures - 1)`, capped at
/// [`CAP`]. Past the cap, waits stay between 30 s and 60 s, spread by the jitter. A jitter
/// outside [0, 1] is clamped (NaN counts as 0), so no input waits longer than the cap.
pub fn delay(failures: u32, jitter: f64) -> Duration {
    // Six doublings already pass the cap (2 s · 2⁶ = 128 s): more would only overflow.
    let doublings = failures.saturating_sub(1).min(6);
    let ceiling = (FIRST * (1 << doublings)).min(CAP);
    let jitter = if jitter.is_nan() { 0.0 } else { jitter.clamp(0.0, 1.0) };
    ceiling.mul_f64(0.5 + jitter / 2.0)
}

/// Whole seconds left until a try due in `remaining`, for "Nouvel essai dans 40 s": rounded up,
/// so the number reaches 0 only when the try is due, and never counts a second too early.
pub fn seconds_left(remaining: Duration) -> u64 {
    remaining.as_millis().div_ceil(1000) as u64
}

/// One device's retry schedule: failed tries in a row, and when the next try is due.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
    due_ms: Option<u64>,
}

impl Backoff {
    /// Records a try that failed at `now_ms`; the next is due after the returned wait.
    pub fn failed(&mut self, now_ms: u64, jitter: f64) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let wait = delay(self.failures, jitter);
        self.due_ms = Some(now_ms.saturating_add(wait.as_millis() as u64));
        wait
    }

    /// A try is under way (or cannot be made, being offline): nothing is due, but failures still
    /// count, so the wait after this try keeps growing.
    pub fn cancel(&mut self) {
        self.due_ms = None;
    }

    /// A success, the network back, a manual try: the next failure waits the shortest again.
    pub fn reset(&mut self) {
        *self = Backoff::default();
    }

    /// When the next try is due, if one is scheduled.
    pub fn due_ms(&self) -> Option<u64> {
        self.due_ms
    }

    /// The number to show at `now_ms` ("Nouvel essai dans 40 s"), if a try is scheduled.
    pub fn seconds_left(&self, now_ms: u64) -> Option<u64> {
        self.due_ms.map(|due| seconds_left(Duration::from_millis(due.saturating_sub(now_ms))))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn the_next_try_is_never_more_than_a_minute_away(failures in any::<u32>(), jitter in any::<f64>()) {
            prop_assert!(delay(failures, jitter) <= CAP);
        }

        #[test]
        fn the_countdown_never_shows_more_than_the_cap(
            failures in 1..100u32, jitter in 0.0..1.0f64, now in 0..u64::MAX / 2, elapsed in 0..120_000u64,
        ) {
            let mut backoff = Backoff::default();
            for _ in 0..failures {
                backoff.failed(now, jitter);
            }
            let left = backoff.seconds_left(now + elapsed).unwrap();
            prop_assert!(left <= CAP.as_secs());
            prop_assert_eq!(left == 0, now + elapsed >= backoff.due_ms().unwrap());
        }
    }

    #[test]
    fn waits_grow_from_seconds_then_plateau_under_the_cap() {
        // The longest wait (jitter near 1) and the shortest (jitter 0) for 1, 2, … failures.
        let longest: Vec<u128> = (1..=9).map(|n| delay(n, 0.999_999).as_millis()).collect();
        let shortest: Vec<u128> = (1..=9).map(|n| delay(n, 0.0).as_millis()).collect();
        assert_eq!(shortest, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000, 30_000]);
        assert!(longest.windows(2).all(|w| w[0] <= w[1]), "{longest:?}");
        assert!(longest[0] < 2_000 && longest[5..].iter().all(|&ms| (59_999..=60_000).contains(&ms)), "{longest:?}");
        assert_eq!(delay(0, 0.0), delay(1, 0.0), "no failure yet waits as after the first");
        assert_eq!(delay(u32::MAX, 0.0), delay(7, 0.0));
    }

    #[test]
    fn jitter_spreads_devices_that_failed_together() {
        // Ten phones that lost the server at the same moment, past the cap: their next tries are
        // spread over half a minute, not all at the same second.
        let tries: Vec<Duration> = (0..10).map(|i| delay(12, f64::from(i) / 10.0)).collect();
        let spread = *tries.iter().max().unwrap() - *tries.iter().min().unwrap();
        assert!(spread >= Duration::from_secs(27), "{tries:?}");
        let mut seconds: Vec<u64> = tries.iter().map(|d| d.as_secs()).collect();
        seconds.dedup();
        assert_eq!(seconds.len(), 10, "no two phones in the same second: {tries:?}");
    }

    #[test]
    fn the_countdown_rounds_up_and_reaches_zero_when_due() {
        assert_eq!(seconds_left(Duration::from_millis(40_000)), 40);
        assert_eq!(seconds_left(Duration::from_millis(39_001)), 40);
        assert_eq!(seconds_left(Duration::from_millis(1)), 1);
        assert_eq!(seconds_left(Duration::ZERO), 0);
    }

    #[test]
    fn failures_add_up_until_a_reset_and_a_try_under_way_shows_no_countdown() {
        let mut backoff = Backoff::default();
        assert_eq!(backoff.seconds_left(0), None, "nothing scheduled before any failure");
        backoff.failed(10_000, 0.0);
        assert_eq!((backoff.due_ms(), backoff.seconds_left(10_000)), (Some(11_000), Some(1)));
        backoff.cancel();
        assert_eq!(backoff.seconds_left(10_500), None);
        // The try under way failed again: the count went on (second failure: 2 s to 4 s).
        assert_eq!(backoff.failed(11_000, 0.0), Duration::from_secs(2));
        assert_eq!(backoff.seconds_left(11_000), Some(2));
        // Past due and not yet tried (a timer late in a background tab): 0, never negative.
        assert_eq!(backoff.seconds_left(20_000), Some(0));
        backoff.reset();
        assert_eq!(backoff, Backoff::default());
        assert_eq!(backoff.failed(0, 0.0), Duration::from_secs(1), "after a reset, the shortest wait again");
    }
}
