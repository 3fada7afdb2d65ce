//! What the mediators' outbox holds: contacts, and proposals to change the registry (issue #15).
//!
//! One `sync::Outbox<Record>` of both kinds, rather than a second `Outbox` of proposals pushed in
//! the same request, because the exactly-once order is then kept by one piece of state:
//! - one `next_batch` marks the whole push sent, written in one strict transaction before it
//!   leaves, and one answer (`acked` and `conflicts` over both kinds) is applied to one outbox;
//!   two outboxes would need both marked and both applied around every push;
//! - one sequence counter: the device's `seq` never repeats across contacts and proposals;
//! - one IndexedDB store whose rows say their kind by the field they carry (`contact` or
//!   `proposal`), so rows written before proposals existed read unchanged;
//! - the pending list, the exported file and sign-out's guard see everything that waits, in the
//!   order it was made.
//!
//! The core's simulator (`core/src/sync/simulator.rs`) drives such a mixed outbox through the
//! network's faults.

use repere_core::activity::Contact;
use repere_core::registry::proposal::Proposal;
use repere_core::sync::{Pushed, State};
use repere_protocol::upkeep::ProposalDto;
use repere_protocol::{ContactDto, Push};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A record waiting for the server.
#[derive(Clone, Debug)]
pub enum Record {
    Contact(Contact),
    Proposal(Proposal),
}

impl From<Contact> for Record {
    fn from(c: Contact) -> Self {
        Record::Contact(c)
    }
}

impl From<Proposal> for Record {
    fn from(p: Proposal) -> Self {
        Record::Proposal(p)
    }
}

impl Record {
    pub fn id(&self) -> Uuid {
        match self {
            Record::Contact(c) => c.id,
            Record::Proposal(p) => p.id,
        }
    }
}

/// An outbox row as stored: one of `contact` and `proposal`, and why the server refused it, if it did.
#[derive(Serialize, Deserialize)]
pub struct Row {
    pub seq: u64,
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal: Option<ProposalDto>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

fn state_name(state: State) -> &'static str {
    match state {
        State::Waiting => "waiting",
        State::Sent => "sent",
        State::Conflict => "conflict",
    }
}

impl Row {
    pub fn new(seq: u64, state: State, record: &Record, refused: Option<String>) -> Row {
        let (contact, proposal) = match record {
            Record::Contact(c) => (Some(ContactDto::from_contact(c, seq)), None),
            Record::Proposal(p) => (None, Some(proposal_dto(p, seq))),
        };
        Row { seq, state: state_name(state).to_owned(), contact, proposal, refused }
    }

    /// The record back, with its id, sequence number and state.
    pub fn read(self) -> Result<(Uuid, u64, State, Record), String> {
        let state = match self.state.as_str() {
            "sent" => State::Sent,
            "conflict" => State::Conflict,
            _ => State::Waiting,
        };
        let record = match (self.contact, self.proposal) {
            (Some(dto), None) => Record::Contact(dto.to_contact().map_err(|p| format!("{p:?}"))?),
            (None, Some(dto)) => Record::Proposal(proposal_of(dto)?),
            _ => return Err("ligne sans contact ni proposition".to_owned()),
        };
        Ok((record.id(), self.seq, state, record))
    }
}

/// The wire's form of a proposal.
pub fn proposal_dto(p: &Proposal, seq: u64) -> ProposalDto {
    ProposalDto {
        id: p.id.to_string(),
        seq,
        place_id: p.place_id.clone(),
        version: p.version,
        changes: p.changes.clone(),
        note: p.note.clone(),
    }
}

fn proposal_of(dto: ProposalDto) -> Result<Proposal, String> {
    let id = Uuid::parse_str(&dto.id).map_err(|e| format!("proposition {} : {e}", dto.id))?;
    Ok(Proposal { id, place_id: dto.place_id, version: dto.version, changes: dto.changes, note: dto.note })
}

/// The body of a push (and of the exported file): contacts and proposals in the order given.
pub fn push_of<'a>(records: impl IntoIterator<Item = (u64, &'a Record)>) -> Push {
    let mut push = Push { contacts: Vec::new(), proposals: Vec::new() };
    for (seq, record) in records {
        match record {
            Record::Contact(c) => push.contacts.push(ContactDto::from_contact(c, seq)),
            Record::Proposal(p) => push.proposals.push(proposal_dto(p, seq)),
        }
    }
    push
}

/// The ids a refused push names (`error.details[].id`) with their reasons, when every one of
/// them is a proposal of the batch: a value the standard refuses (hours the phone could not
/// check). Those are set aside as refused and the rest is sent again; any other refusal is the
/// whole push's, and retried.
pub fn refused_proposals(text: &str, batch: &[Pushed<Record>]) -> Option<Vec<(Uuid, String)>> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let details = v["error"]["details"].as_array().filter(|d| !d.is_empty())?;
    let mut refused: Vec<(Uuid, String)> = Vec::new();
    for d in details {
        let id = Uuid::parse_str(d["id"].as_str()?).ok()?;
        batch.iter().find(|(i, _, r)| *i == id && matches!(r, Record::Proposal(_)))?;
        let reason = format!("{} : {}", d["field"].as_str().unwrap_or(""), d["reason"].as_str().unwrap_or("refusé"));
        match refused.iter_mut().find(|(i, _)| *i == id) {
            Some((_, r)) => r.push_str(&format!(" ; {reason}")),
            None => refused.push((id, reason)),
        }
    }
    Some(refused)
}
