//! The pure parts of sync: the device's outbox, the server's insert-if-absent decision, the
//! answer that links them, and when a failed push is tried again (`retry`). HTTP and storage
//! wrap these (app `outbox`, server `contacts`); the deterministic simulator (`simulator.rs`)
//! drives them through lost, duplicated and reordered messages, crashes and restarts.
//!
//! The invariant: a record added to an outbox reaches the server exactly once. It holds because
//! ids are made on the device; the server stores an id at most once and answers every id it
//! holds with identical content ("acknowledged"), whether it stored it now or before; the device
//! removes only acknowledged ids, and never changes a record once it has been sent.
//!
//! ```
//! use repere_core::sync::{Ledger, Outbox, ingest};
//! use std::collections::HashMap;
//! use uuid::Uuid;
//!
//! let mut outbox = Outbox::default();
//! let id = Uuid::from_u128(1);
//! outbox.add(id, "contact").unwrap();
//! let mut server: HashMap<Uuid, &str> = HashMap::new();
//! let batch = outbox.next_batch(500);
//! let answer = ingest(&mut server, &batch);
//! let again = ingest(&mut server, &batch); // a retry after a lost answer
//! assert_eq!((answer.acked.clone(), again.acked), (vec![id], vec![id]));
//! outbox.apply(&answer);
//! assert!(outbox.is_empty() && server.len() == 1);
//! ```

pub mod retry;
#[cfg(test)]
mod simulator;

use std::collections::{BTreeMap, HashMap};

use uuid::Uuid;

/// Where a record stands on the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Not yet sent: it can still be corrected or deleted.
    Waiting,
    /// Sent at least once, not yet acknowledged: frozen, sent again until acknowledged.
    Sent,
    /// The server holds another record under this id. Kept (and exportable), never dropped.
    Conflict,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<T> {
    /// Per-device sequence number, in creation order.
    pub seq: u64,
    pub record: T,
    pub state: State,
}

/// Why the outbox refused a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    AlreadyThere,
    Unknown,
    /// Already sent: the server may hold it, so changing it now would make two versions.
    AlreadySent,
}

/// Records waiting for the server, on the device. Persisted whole by the caller after each change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outbox<T> {
    entries: BTreeMap<Uuid, Entry<T>>,
    next_seq: u64,
}

impl<T> Default for Outbox<T> {
    fn default() -> Self {
        Outbox { entries: BTreeMap::new(), next_seq: 1 }
    }
}

/// A record as pushed: id, device sequence number, content.
pub type Pushed<T> = (Uuid, u64, T);

impl<T: Clone> Outbox<T> {
    /// Queues a new record; returns its sequence number.
    pub fn add(&mut self, id: Uuid, record: T) -> Result<u64, Refused> {
        if self.entries.contains_key(&id) {
            return Err(Refused::AlreadyThere);
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.entries.insert(id, Entry { seq, record, state: State::Waiting });
        Ok(seq)
    }

    /// The sequence number [`Outbox::add`] would give `id`, without adding it: the caller
    /// persists first, then adds.
    pub fn peek_seq(&self, id: Uuid) -> Result<u64, Refused> {
        if self.entries.contains_key(&id) { Err(Refused::AlreadyThere) } else { Ok(self.next_seq) }
    }

    pub fn entry(&self, id: &Uuid) -> Option<&Entry<T>> {
        self.entries.get(id)
    }

    /// The sequence number the next record gets; the caller persists it with each record, so
    /// numbering carries on after every record has left (the outbox alone would restart at 1).
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Carries numbering on from `next` (persisted by the caller), when a device reopens.
    pub fn resume_from(&mut self, next: u64) {
        self.next_seq = self.next_seq.max(next);
    }

    /// Puts back a record as it was persisted (when a device reopens its outbox).
    pub fn restore(&mut self, id: Uuid, seq: u64, record: T, state: State) {
        self.next_seq = self.next_seq.max(seq + 1);
        self.entries.insert(id, Entry { seq, record, state });
    }

    /// Replaces a record not yet sent.
    pub fn correct(&mut self, id: Uuid, record: T) -> Result<(), Refused> {
        let entry = self.waiting(id)?;
        entry.record = record;
        Ok(())
    }

    /// Removes a record not yet sent.
    pub fn delete(&mut self, id: Uuid) -> Result<T, Refused> {
        self.waiting(id)?;
        Ok(self.entries.remove(&id).expect("just found").record)
    }

    fn waiting(&mut self, id: Uuid) -> Result<&mut Entry<T>, Refused> {
        match self.entries.get_mut(&id) {
            None => Err(Refused::Unknown),
            Some(e) if e.state == State::Waiting => Ok(e),
            Some(_) => Err(Refused::AlreadySent),
        }
    }

    /// The next batch to push, oldest first: records waiting or sent but not acknowledged (the
    /// answer may have been lost). They become `Sent`.
    pub fn next_batch(&mut self, max: usize) -> Vec<Pushed<T>> {
        let mut batch: Vec<(&Uuid, &mut Entry<T>)> = self.entries.iter_mut().filter(|(_, e)| e.state != State::Conflict).collect();
        batch.sort_by_key(|(_, e)| e.seq);
        batch
            .into_iter()
            .take(max)
            .map(|(id, e)| {
                e.state = State::Sent;
                (*id, e.seq, e.record.clone())
            })
            .collect()
    }

    /// Applies the server's answer: acknowledged ids leave, conflicting ones are kept aside.
    /// Answers may come late, twice, or for ids already gone: applying one is always safe.
    pub fn apply(&mut self, answer: &Answer) {
        for id in &answer.acked {
            self.entries.remove(id);
        }
        for id in &answer.conflicts {
            if let Some(e) = self.entries.get_mut(id) {
                e.state = State::Conflict;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entries(&self) -> impl Iterator<Item = (&Uuid, &Entry<T>)> {
        self.entries.iter()
    }
}

/// What the server did with one pushed record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Stored,
    /// Already held with the same content: acknowledged again.
    Duplicate,
    /// Already held with other content: reported, never overwritten.
    Conflict,
}

/// The insert-if-absent rule, for one record.
pub fn decide<T: PartialEq>(held: Option<&T>, pushed: &T) -> Outcome {
    match held {
        None => Outcome::Stored,
        Some(h) if h == pushed => Outcome::Duplicate,
        Some(_) => Outcome::Conflict,
    }
}

/// The server's answer to a push.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Answer {
    /// Ids the server holds with the pushed content (stored now or before).
    pub acked: Vec<Uuid>,
    pub conflicts: Vec<Uuid>,
}

/// The server's records by id (a transaction of its database, or a map in tests).
pub trait Ledger<T> {
    fn held(&self, id: &Uuid) -> Option<&T>;
    fn store(&mut self, id: Uuid, record: T);
}

impl<T> Ledger<T> for HashMap<Uuid, T> {
    fn held(&self, id: &Uuid) -> Option<&T> {
        self.get(id)
    }
    fn store(&mut self, id: Uuid, record: T) {
        self.insert(id, record);
    }
}

/// Applies a pushed batch to the ledger (the caller makes it one transaction).
pub fn ingest<T: PartialEq + Clone, L: Ledger<T>>(ledger: &mut L, batch: &[Pushed<T>]) -> Answer {
    let mut answer = Answer::default();
    for (id, _seq, record) in batch {
        match decide(ledger.held(id), record) {
            Outcome::Stored => {
                ledger.store(*id, record.clone());
                answer.acked.push(*id);
            }
            Outcome::Duplicate => answer.acked.push(*id),
            Outcome::Conflict => answer.conflicts.push(*id),
        }
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_waiting_records_change_and_sent_ones_are_resent_until_acknowledged() {
        let mut outbox = Outbox::default();
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(outbox.peek_seq(a), Ok(1));
        assert_eq!(outbox.add(a, 10), Ok(1));
        assert_eq!(outbox.peek_seq(a), Err(Refused::AlreadyThere));
        assert_eq!(outbox.add(b, 20), Ok(2));
        assert_eq!(outbox.add(a, 11), Err(Refused::AlreadyThere));
        outbox.correct(a, 12).unwrap();
        assert_eq!(outbox.next_batch(1), vec![(a, 1, 12)]);
        assert_eq!(outbox.correct(a, 13), Err(Refused::AlreadySent));
        assert_eq!(outbox.delete(a), Err(Refused::AlreadySent));
        assert_eq!(outbox.delete(b), Ok(20));
        // The answer was lost: the same record goes again.
        assert_eq!(outbox.next_batch(10), vec![(a, 1, 12)]);
        outbox.apply(&Answer { acked: vec![a, Uuid::from_u128(9)], conflicts: vec![] });
        assert!(outbox.is_empty());
        // Reopened from disk, sequence numbers carry on after the highest one.
        let mut reopened = Outbox::default();
        reopened.restore(b, 7, 20, State::Sent);
        assert_eq!(reopened.add(a, 1), Ok(8));
    }

    /// Regression (found by `scripts/drill-browser`): once every record had left, a reopened
    /// outbox numbered from 1 again, so one device's sequence numbers repeated.
    #[test]
    fn numbering_carries_on_after_the_outbox_emptied() {
        let mut outbox = Outbox::default();
        let ids: Vec<Uuid> = (1..=3).map(Uuid::from_u128).collect();
        for id in &ids {
            outbox.add(*id, 0).unwrap();
        }
        outbox.next_batch(3);
        outbox.apply(&Answer { acked: ids, conflicts: vec![] });
        let persisted = outbox.next_seq();
        let mut reopened: Outbox<u32> = Outbox::default();
        reopened.resume_from(persisted);
        assert_eq!(reopened.add(Uuid::from_u128(4), 0), Ok(4));
        reopened.resume_from(2);
        assert_eq!(reopened.next_seq(), 5, "never backwards");
    }

    #[test]
    fn the_server_never_overwrites() {
        let mut server: HashMap<Uuid, u32> = HashMap::new();
        let id = Uuid::from_u128(5);
        assert_eq!(ingest(&mut server, &[(id, 1, 1)]).acked, vec![id]);
        assert_eq!(ingest(&mut server, &[(id, 1, 1)]).acked, vec![id]);
        let answer = ingest(&mut server, &[(id, 1, 2)]);
        assert_eq!((answer.acked.len(), &answer.conflicts), (0, &vec![id]));
        assert_eq!(server[&id], 1);
        let mut outbox = Outbox::default();
        outbox.add(id, 2).unwrap();
        outbox.next_batch(5);
        outbox.apply(&answer);
        assert_eq!(outbox.entries().next().unwrap().1.state, State::Conflict);
        assert!(outbox.next_batch(5).is_empty(), "a conflict is not pushed again and again");
    }
}
