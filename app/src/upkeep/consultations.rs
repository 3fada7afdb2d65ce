//! Consultation counts on the device (the core's [`Tally`]), sent added up to
//! `POST /api/v1/consultations` when online.
//!
//! Exactly once by batch id: a batch is taken out of the tally and written to disk with its
//! id, together with the tally's rest, in one transaction, before it leaves; it is resent, the
//! same counts under the same id, until the server acknowledges that id (a lost answer counts
//! once); only then is the next one taken. Counts made meanwhile go to the tally.

use repere_core::consultation::{Bounds, Counts, Subject, Tally};
use repere_protocol::upkeep::{MAX_COMMUNES_A_DAY, MAX_COUNT, MAX_DAYS, MAX_PLACES_A_DAY};
use serde_json::Value;

/// Keys in `meta`: the counts not yet in a batch (the wire's list of days), and the batch being
/// sent (its JSON text, the body sent again as it is).
pub const TALLY_KEY: &str = "consultations";
pub const BATCH_KEY: &str = "consultations_batch";
pub const URL: &str = "/api/v1/consultations";

/// The wire's bounds of one batch, for the core's [`Tally::take_batch`].
pub const BOUNDS: Bounds = Bounds { days: MAX_DAYS, places_a_day: MAX_PLACES_A_DAY, communes_a_day: MAX_COMMUNES_A_DAY, count: MAX_COUNT };

/// A tally in the wire's form, a list of `DayCounts` (also how it is kept on the device),
/// written by hand (see [`super::quoted`]); `app/tests/upkeep.rs` reads it back with the
/// protocol's own reader, which refuses any field it does not know.
pub fn days_json(tally: &Tally) -> String {
    let mut days: Vec<String> = Vec::new();
    let (mut places, mut communes) = (Vec::new(), Vec::new());
    let cells = tally.cells();
    for (i, cell) in cells.iter().enumerate() {
        let Counts { vues, appels, itineraires, recherches } = cell.counts;
        let id = super::quoted(&cell.id);
        match cell.subject {
            Subject::Place => places.push(format!(r#"{{"id":{id},"vues":{vues},"appels":{appels},"itineraires":{itineraires}}}"#)),
            Subject::Commune => communes.push(format!(r#"{{"code":{id},"recherches":{recherches}}}"#)),
        }
        if cells.get(i + 1).is_none_or(|next| next.day != cell.day) {
            let (lieux, codes) = (places.join(","), communes.join(","));
            days.push(format!(r#"{{"jour":"{}","lieux":[{lieux}],"communes":[{codes}]}}"#, super::iso_day(cell.day)));
            (places, communes) = (Vec::new(), Vec::new());
        }
    }
    format!("[{}]", days.join(","))
}

/// A tally read back from the wire's form (read as a `serde_json::Value`, which the app already
/// reads the registry with, rather than by a reader of its own: less code to download; a day
/// that is not a date and counts that are not numbers are skipped).
pub fn from_days(days: &Value) -> Tally {
    let mut tally = Tally::default();
    let n = |v: &Value| v.as_u64().unwrap_or(0).min(u64::from(u32::MAX)) as u32;
    for d in days.as_array().into_iter().flatten() {
        let Some(day) = d["jour"].as_str().and_then(repere_core::date::iso_date) else { continue };
        for p in d["lieux"].as_array().into_iter().flatten() {
            let counts = Counts { vues: n(&p["vues"]), appels: n(&p["appels"]), itineraires: n(&p["itineraires"]), recherches: 0 };
            tally.add_counts(day, Subject::Place, p["id"].as_str().unwrap_or_default(), counts);
        }
        for c in d["communes"].as_array().into_iter().flatten() {
            let counts = Counts { recherches: n(&c["recherches"]), ..Counts::default() };
            tally.add_counts(day, Subject::Commune, c["code"].as_str().unwrap_or_default(), counts);
        }
    }
    tally
}

/// Whether an answer acknowledges the batch `id`: 200 `{"acked": id}`.
pub fn acknowledges(status: u16, body: &str, id: &str) -> bool {
    status == 200 && serde_json::from_slice::<Value>(body.as_bytes()).is_ok_and(|v| v["acked"].as_str() == Some(id))
}

/// A batch under way: its id and the body sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub id: String,
    pub body: String,
}

impl Batch {
    /// A new batch of `taken` (a `ConsultationsDto`), under an id made for it.
    pub fn new(taken: &Tally) -> Batch {
        let id = super::random_id();
        Batch { body: format!(r#"{{"id":"{id}","jours":{}}}"#, days_json(taken)), id }
    }

    /// The batch kept on the device, read back.
    pub fn read(body: &str) -> Option<Batch> {
        let id = serde_json::from_slice::<Value>(body.as_bytes()).ok()?["id"].as_str()?.to_owned();
        Some(Batch { id, body: body.to_owned() })
    }
}
