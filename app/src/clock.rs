//! The device's local wall-clock time, which the core takes as an input (it reads no clock),
//! and the event loop's next turn.
//! Phones in the Vienne run on Europe/Paris time, the time the opening hours are written in.

use chrono::{NaiveDate, NaiveDateTime};

pub fn now() -> NaiveDateTime {
    let d = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(d.get_full_year() as i32, d.get_month() + 1, d.get_date())
        .and_then(|day| day.and_hms_opt(d.get_hours(), d.get_minutes(), d.get_seconds()))
        .unwrap_or_default()
}

/// Resolves in a later task of the event loop, so that work started at app start (reading the
/// registry, the communes) runs after the first screen is drawn, not in the same long task.
pub async fn next_task() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}
