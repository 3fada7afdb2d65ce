//! Pushing the outbox: batch after batch, each marked sent on disk before it leaves, the answer
//! applied and written back; a refusal naming only proposals sets them aside.

use indexed_db_futures::database::Database;
use leptos::prelude::*;
use repere_core::sync::{Answer, State};
use repere_protocol::{Ingested, MAX_BATCH};
use uuid::Uuid;

use super::record::{Row, push_of, refused_proposals};
use super::{LAST_SYNC_KEY, Mediation};
use crate::net::{error_message, post};
use crate::store::{self, OutboxChange};

impl Mediation {
    pub(super) async fn push_all(&self, token: &str) -> Result<(), String> {
        let db = self.db()?;
        loop {
            // Marked sent in memory (no more corrections), then on disk before the request leaves:
            // after a crash the record is frozen, never changed. If the write fails nothing is sent.
            let batch = self.outbox.try_update_value(|o| o.next_batch(MAX_BATCH)).unwrap_or_default();
            if batch.is_empty() {
                return Ok(());
            }
            let put = batch.iter().map(|(id, seq, c)| Self::row(id, *seq, State::Sent, c)).collect();
            store::change_outbox(&db, OutboxChange { put, ..Default::default() }).await?;
            let body = serde_json::to_string(&push_of(batch.iter().map(|(_, seq, r)| (*seq, r)))).expect("serialisable");
            let (status, text) = post("/api/v1/contacts", Some(token), &body).await?;
            if status == 422
                && let Some(refused) = refused_proposals(&text, &batch)
            {
                self.set_aside(&db, refused).await?;
                continue;
            }
            if status != 200 {
                return Err(error_message(&text).unwrap_or_else(|| format!("refusé ({status})")));
            }
            let ingested: Ingested = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            let parse = |ids: &[String]| ids.iter().filter_map(|s| Uuid::parse_str(s).ok()).collect::<Vec<_>>();
            let answer = Answer { acked: parse(&ingested.acked), conflicts: parse(&ingested.conflicts) };
            // Applied in memory first: if the write fails, acknowledged contacts are sent again at
            // the next start and acknowledged again as duplicates.
            let put = self
                .outbox
                .try_update_value(|o| {
                    o.apply(&answer);
                    answer.conflicts.iter().filter_map(|id| o.entry(id).map(|e| Self::row(id, e.seq, State::Conflict, &e.record))).collect()
                })
                .unwrap_or_default();
            // Local wall-clock time, as the mediator reads it.
            let now = repere_protocol::write_local_time(crate::clock::now());
            let change = OutboxChange { put, delete: ingested.acked.clone(), meta: vec![(LAST_SYNC_KEY, now.clone())] };
            store::change_outbox(&db, change).await?;
            self.last_sync.set(Some(now));
            self.version.update(|v| *v += 1);
        }
    }

    /// Proposals whose values the server refused (nothing of the push was stored): kept as
    /// conflicts with the reason, shown and exported, never sent again; the rest goes again at once.
    async fn set_aside(&self, db: &Database, refused: Vec<(Uuid, String)>) -> Result<(), String> {
        let answer = Answer { acked: Vec::new(), conflicts: refused.iter().map(|(id, _)| *id).collect() };
        let put = self
            .outbox
            .try_update_value(|o| {
                o.apply(&answer);
                refused
                    .iter()
                    .filter_map(|(id, reason)| {
                        let e = o.entry(id)?;
                        let row = Row::new(e.seq, State::Conflict, &e.record, Some(reason.clone()));
                        Some((id.to_string(), serde_json::to_string(&row).expect("serialisable")))
                    })
                    .collect()
            })
            .unwrap_or_default();
        store::change_outbox(db, OutboxChange { put, ..Default::default() }).await?;
        self.refusals.update_value(|r| r.extend(refused));
        self.version.update(|v| *v += 1);
        Ok(())
    }
}
