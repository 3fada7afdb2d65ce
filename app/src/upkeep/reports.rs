//! « Signaler une erreur »: the queue of a resident's reports, on the device until the server
//! acknowledges them.
//!
//! Order that keeps "once": a report is written to disk (durability "strict") before the person
//! is told it is kept; `POST /api/v1/reports` (public, no token) takes at most
//! [`MAX_REPORTS`] of them; only what the answer names leaves the queue ([`settle`]). A lost
//! answer leaves everything queued, and the resend carries the same ids, which the server
//! stores once.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use indexed_db_futures::database::Database;
use leptos::prelude::*;
use repere_protocol::Ingested;
use repere_protocol::upkeep::{MAX_REPORTS, ReportDto};
use serde_json::Value;

use crate::net::{online, post};
use crate::store;

/// Key in `meta` of the queue (a JSON list of each report's JSON text, oldest first).
pub const QUEUE_KEY: &str = "reports";
const URL: &str = "/api/v1/reports";

/// A report waiting: its id and its JSON text, made once. The phone writes reports and reads
/// back only their ids (through `serde_json::Value`, which the app already reads the registry
/// with), so it carries no reader of its own for them: less code to download.
#[derive(Clone, Debug, PartialEq)]
pub struct Queued {
    pub id: String,
    pub json: String,
}

impl Queued {
    pub fn new(report: &ReportDto) -> Queued {
        Queued { id: report.id.clone(), json: serde_json::to_string(report).expect("serialisable") }
    }

    /// A report kept on the device, if it still reads.
    fn read(json: &str) -> Option<Queued> {
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
                let details = value["error"]["details"].as_array().cloned().unwrap_or_default();
                let named = details
                    .iter()
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

/// What the queue holds in memory.
#[derive(Default)]
struct State {
    db: Option<Database>,
    queue: Vec<Queued>,
    /// Ids refused by the server since the app opened, to tell the person.
    refused: Vec<String>,
    sending: bool,
}

/// The queue, shared through context (in [`super::Upkeep`]). Its state is one `RefCell`, never
/// borrowed across an `await`, rather than a reactive value per field: nothing on screen follows
/// it, and each reactive value costs the phone code to download.
#[derive(Clone, Copy)]
pub struct ReportQueue(StoredValue<Rc<RefCell<State>>, LocalStorage>);

impl Default for ReportQueue {
    fn default() -> Self {
        ReportQueue(StoredValue::new_local(Rc::default()))
    }
}

impl ReportQueue {
    fn state(&self) -> Rc<RefCell<State>> {
        self.0.get_value()
    }

    /// Reads the queue kept on the device.
    pub async fn open(&self, db: Database) -> Result<(), String> {
        let text: Option<String> = store::get_meta(&db, QUEUE_KEY).await?;
        let list: Value = text
            .map(|t| serde_json::from_slice(t.as_bytes()).map_err(|e| format!("file illisible : {e}")))
            .transpose()?
            .unwrap_or_default();
        let state = self.state();
        let mut state = state.borrow_mut();
        state.queue = list.as_array().into_iter().flatten().filter_map(|j| Queued::read(j.as_str()?)).collect();
        state.db = Some(db);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.state().borrow().queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    async fn persist(&self) -> Result<(), String> {
        let (db, texts) = {
            let state = self.state();
            let state = state.borrow();
            (state.db.clone(), state.queue.iter().map(|r| r.json.clone()).collect::<Vec<String>>())
        };
        let db = db.ok_or("la base n’est pas encore ouverte")?;
        store::put_metas(&db, &[(QUEUE_KEY, serde_json::to_string(&texts).expect("serialisable"))]).await
    }

    /// Keeps `report` on the device (on disk before this returns), then sends the queue if
    /// online; what became of it. The report is made by the form (`pages::report_of`, the wire's rules).
    pub async fn report(&self, report: ReportDto) -> Result<Outcome, String> {
        let queued = Queued::new(&report);
        let id = queued.id.clone();
        self.state().borrow_mut().queue.push(queued);
        if let Err(e) = self.persist().await {
            self.state().borrow_mut().queue.retain(|r| r.id != id);
            return Err(e);
        }
        self.send().await;
        let state = self.state();
        let state = state.borrow();
        Ok(if state.queue.iter().any(|r| r.id == id) {
            Outcome::Queued
        } else if state.refused.contains(&id) {
            Outcome::Refused
        } else {
            Outcome::Sent
        })
    }

    /// Sends the queue, [`MAX_REPORTS`] at a time, while the server settles some; never while
    /// the browser is offline, never two sends at once. Boxed: its callers (a report, the
    /// `online` event, app start) share one copy of it in the wasm.
    pub fn send(self) -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(async move {
            let state = self.state();
            {
                let mut s = state.borrow_mut();
                if s.sending || s.db.is_none() {
                    return;
                }
                s.sending = true;
            }
            while online() {
                let batch: Vec<Queued> = state.borrow().queue.iter().take(MAX_REPORTS).cloned().collect();
                if batch.is_empty() {
                    break;
                }
                let answer = match post(URL, None, &body(&batch)).await {
                    Ok((status, text)) => Answer::read(status, &text, &batch),
                    Err(_) => Answer::Failed,
                };
                let settled = {
                    let mut s = state.borrow_mut();
                    if let Answer::Refused(ids) = &answer {
                        web_sys::console::warn_1(&format!("signalements refusés : {}", ids.join(", ")).into());
                        s.refused.extend(ids.iter().cloned());
                    }
                    settle(&mut s.queue, &answer)
                };
                if settled == 0 {
                    break;
                }
                if let Err(e) = self.persist().await {
                    web_sys::console::error_1(&format!("signalements : {e}").into());
                    break;
                }
            }
            state.borrow_mut().sending = false;
        })
    }
}
