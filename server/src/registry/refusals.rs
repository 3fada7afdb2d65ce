//! Why a publication is refused: a file that removes many places at once, or puts back values
//! that places or moderators changed since; each is published only with its exact count confirmed.

/// Removals a publication makes without confirmation: 10 % of the current places, at least 1 (a
/// place that closes, the everyday edit) and at most 10. A wrong file — the standard's one-row
/// example, another département's, a spreadsheet saved with a filter on — removes most of the
/// registry from every phone at once; a yearly clean-up of permanences that closed removes more
/// than 10 too, and is then confirmed with its count.
pub fn removals_allowed(current: usize) -> usize {
    (current / 10).clamp(1, 10)
}

/// Whether the removals of a publication were confirmed, and how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Removals {
    /// Up to [`removals_allowed`].
    Unconfirmed,
    /// Exactly this many, however many that is: a count that differs from the file's refuses
    /// it, so a wrong file cannot be confirmed out of habit.
    Confirmed(usize),
}

/// Why nothing was published.
#[derive(Debug)]
pub enum PublishError {
    Database(sqlx::Error),
    /// The file removes more places than allowed unconfirmed, or not the number confirmed.
    Removals(Unconfirmed),
    /// The file takes back values that places or moderators changed since (`reverts`), and
    /// that number of places was not confirmed.
    TakesBack {
        places: usize,
        confirmed: Option<usize>,
        shown: Vec<String>,
    },
    /// A stop id published before for another place (a stop's figures never mix two places).
    StopTaken {
        stop: String,
        owner: String,
    },
}

/// The removals a refused publication would have made.
#[derive(Debug, PartialEq, Eq)]
pub struct Unconfirmed {
    pub removed: usize,
    /// The places the current version holds.
    pub current: usize,
    /// The number given to confirm, if any.
    pub confirmed: Option<usize>,
    /// The names of the first few places removed, by id.
    pub names: Vec<String>,
}

/// Places named in a refusal.
pub(super) const NAMES_SHOWN: usize = 3;

impl std::fmt::Display for PublishError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PublishError::Database(e) => write!(f, "database: {}", crate::db::root_cause(e)),
            PublishError::Removals(u) => {
                let more = u.removed.saturating_sub(u.names.len());
                let names = u.names.join(", ") + &if more > 0 { format!(" and {more} more") } else { String::new() };
                let why = match u.confirmed {
                    Some(n) => format!("--confirm-removals {n} was given"),
                    None => format!("more than {} need confirming", removals_allowed(u.current)),
                };
                write!(
                    f,
                    "nothing published: this file removes {} of the {} places ({names}) and {why}; if that is meant, run again with --confirm-removals {}",
                    u.removed, u.current, u.removed
                )
            }
            PublishError::TakesBack { places, confirmed, shown } => {
                let more = places.saturating_sub(shown.len());
                let list = shown.join("; ") + &if more > 0 { format!(" and {more} more") } else { String::new() };
                let given = confirmed.map_or(String::new(), |n| format!(" (--confirm-reverts {n} was given)"));
                write!(
                    f,
                    "nothing published: this file puts back old values in {places} place(s) that the places or moderators changed since ({list}){given}; start from export-registry's file, or if that is meant, run again with --confirm-reverts {places}"
                )
            }
            PublishError::StopTaken { stop, owner } => {
                write!(
                    f,
                    "nothing published: stop {stop:?} was published for place {owner:?}; a stop keeps its place, give this one another id"
                )
            }
        }
    }
}

impl From<sqlx::Error> for PublishError {
    fn from(e: sqlx::Error) -> Self {
        PublishError::Database(e)
    }
}
