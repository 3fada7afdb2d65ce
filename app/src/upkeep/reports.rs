//! « Signaler une erreur »: a resident's reports wait on the device until the server
//! acknowledges them.
//!
//! Order that keeps "once": a report is written to disk (durability "strict") before the person
//! is told it is kept; `POST /api/v1/reports` (public, no token) takes at most
//! `MAX_REPORTS` of them; only what the answer names leaves the queue ([`settle`]). A lost
//! answer leaves everything queued, and the resend carries the same ids, which the server
//! stores once.

use repere_protocol::Ingested;
use repere_protocol::upkeep::{Motif, ReportDto};
use serde_json::Value;

/// Key in `meta` of the queue (a JSON list of each report's JSON text, oldest first).
pub const QUEUE_KEY: &str = "reports";
pub const URL: &str = "/api/v1/reports";

/// A report waiting: its id and its JSON text, made once. The phone writes reports and reads
/// back only their ids (through `serde_json::Value`, which the app already reads the registry
/// with), so it carries no reader of its own for them: less code to download.
#[derive(Clone, Debug, PartialEq)]
pub struct Queued {
    pub id: String,
    pub json: String,
}

impl Queued {
    /// The report in the wire's form, written by hand (see [`super::quoted`]);
    /// `app/tests/upkeep.rs` reads it back with the protocol's reader for every motif.
    pub fn new(report: &ReportDto) -> Queued {
        let motif = match report.motif {
            Motif::Ferme => "ferme",
            Motif::Horaires => "horaires",
            Motif::Telephone => "telephone",
            Motif::Demenage => "demenage",
            Motif::Autre => "autre",
        };
        let q = super::quoted;
        let json = format!(
            r#"{{"id":{},"place_id":{},"version":{},"motif":"{motif}","texte":{},"jour":{}}}"#,
            q(&report.id),
            q(&report.place_id),
            report.version,
            q(&report.texte),
            q(&report.jour)
        );
        Queued { id: report.id.clone(), json }
    }

    /// A report kept on the device, if it still reads.
    pub fn read(json: &str) -> Option<Queued> {
        let id = serde_json::from_slice::<Value>(json.as_bytes()).ok()?["id"].as_str()?.to_owned();
        Some(Queued { id, json: json.to_owned() })
    }
}

/// The body of `POST /api/v1/reports` (`repere_protocol::upkeep::Reports`) for `batch`.
pub fn body(batch: &[Queued]) -> String {
    let reports: Vec<&str> = batch.iter().map(|q| q.json.as_str()).collect();
    format!(r#"{{"reports":[{}]}}"#, reports.join(","))
}

/// What became of a report, for the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server has it.
    Sent,
    /// Kept on the phone, sent when it has network.
    Queued,
    /// Refused for its content (the place is no longer in the registry): dropped.
    Refused,
}

/// The server's answer to a send, as [`settle`] reads it.
#[derive(Debug, PartialEq)]
pub enum Answer {
    /// 200: the ids stored (or stored before) and those the server holds with other content.
    Ingested(Ingested),
    /// 422: the ids of the reports the server named (nothing was stored).
    Refused(Vec<String>),
    /// Anything else (no network, 413, 429, 5xx): everything stays queued.
    Failed,
}

impl Answer {
    /// Reads a response to `sent` (a 422's details name a report by `id`, or by its `index`).
    pub fn read(status: u16, body: &str, sent: &[Queued]) -> Answer {
        let Ok(value) = serde_json::from_slice::<Value>(body.as_bytes()) else { return Answer::Failed };
        let ids = |v: &Value| -> Vec<String> { v.as_array().into_iter().flatten().filter_map(|i| Some(i.as_str()?.to_owned())).collect() };
        match status {
            200 if value["acked"].is_array() => Answer::Ingested(Ingested {
                acked: ids(&value["acked"]),
                conflicts: ids(&value["conflicts"]),
                stored: value["stored"].as_u64().unwrap_or(0) as usize,
            }),
            422 => {
                let details = value["error"]["details"].as_array().into_iter().flatten();
                let named = details
                    .filter_map(|d| {
                        let by_index = || d["index"].as_u64().and_then(|i| sent.get(i as usize)).map(|q| q.id.clone());
                        d["id"].as_str().map(str::to_owned).or_else(by_index)
                    })
                    .filter(|id| sent.iter().any(|q| &q.id == id))
                    .collect();
                Answer::Refused(named)
            }
            _ => Answer::Failed,
        }
    }
}

/// Removes from `queue` what `answer` settles, and says how many left it: the acknowledged ids
/// and those in conflict (the server holds another report under that id, so a resend could
/// never be stored: keeping it would only block the queue behind it); after a 422, the reports
/// it names. A 422 stores nothing, and a report refused for its content (a place removed from
/// the registry since the phone's version) would be refused at every resend and hold up every
/// report behind it: dropping exactly the named ones loses nothing else, and the rest go in the
/// next request. A 422 naming none keeps everything (nothing says which one to drop).
pub fn settle(queue: &mut Vec<Queued>, answer: &Answer) -> usize {
    let before = queue.len();
    match answer {
        Answer::Ingested(i) => queue.retain(|q| !i.acked.contains(&q.id) && !i.conflicts.contains(&q.id)),
        Answer::Refused(ids) => queue.retain(|q| !ids.contains(&q.id)),
        Answer::Failed => {}
    }
    before - queue.len()
}
