//! Coordination accounts: the département's inclusion team and the EPCI coordinators, who read
//! figures and exports and never push contacts.
//!
//! The same rules as mediators' devices (`auth`): a one-time code of 13 characters made by an
//! administrator (`repere-server enrol --role coordination [--epci SIREN …]`), valid 7 days,
//! exchanged through the same `POST /api/v1/devices` for a 256-bit token; only SHA-256 hashes
//! of both are stored; `revoke --device ID` ends either kind. A coordinator's scope is the whole
//! département, or the contacts whose territory commune lies in one of its EPCI.

use crate::auth::{AuthError, CODE_VALIDITY_DAYS, Device, db_error, hash, new_code, normalise_code, random_bytes};
use crate::db::{Database, now_text};
use crate::territory::{DEPARTEMENT, epcis};

/// An enrolled coordination device, as a request's token identifies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coordinator {
    pub id: String,
    pub label: String,
    /// The EPCI (SIRENs) it sees; empty = the whole département.
    pub epci: Vec<String>,
}

/// Who a token belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Account {
    Mediator(Device),
    Coordinator(Coordinator),
}

impl Account {
    /// The id the rate limiter counts requests under.
    pub fn id(&self) -> &str {
        match self {
            Account::Mediator(d) => &d.id,
            Account::Coordinator(c) => &c.id,
        }
    }
}

/// The stored form of an EPCI list: NULL for the département, else SIRENs joined by commas.
fn stored_epci(epci: &[String]) -> Option<String> {
    if epci.is_empty() { None } else { Some(epci.join(",")) }
}

fn read_epci(stored: Option<String>) -> Vec<String> {
    stored.map(|s| s.split(',').map(str::to_owned).collect()).unwrap_or_default()
}

/// What a coordinator is called when no label is given: the département, or its EPCI's names.
pub fn default_label(epci: &[String]) -> String {
    if epci.is_empty() {
        DEPARTEMENT.to_owned()
    } else {
        epci.iter().map(|siren| epcis().get(siren).map_or(siren.as_str(), String::as_str)).collect::<Vec<_>>().join(", ")
    }
}

impl Database {
    /// Makes a one-time coordination code for `epci` (SIRENs of the Vienne, checked by the
    /// caller; empty = the département), shown as `label` (default: [`default_label`]).
    /// Returns the code; only its hash is kept.
    pub async fn create_coordination_code(&self, epci: &[String], label: Option<&str>) -> Result<String, AuthError> {
        let mut epci = epci.to_vec();
        epci.sort();
        epci.dedup();
        if let Some(unknown) = epci.iter().find(|siren| !epcis().contains_key(*siren)) {
            return Err(AuthError::UnknownEpci(unknown.clone()));
        }
        let label = label.map(str::trim).filter(|l| !l.is_empty()).map_or_else(|| default_label(&epci), str::to_owned);
        let code = new_code();
        let expires = (chrono::Utc::now() + chrono::Duration::days(CODE_VALIDITY_DAYS)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
        sqlx::query("INSERT INTO coordination_codes (code_hash, label, epci, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(hash(&normalise_code(&code)))
            .bind(&label)
            .bind(stored_epci(&epci))
            .bind(now_text())
            .bind(expires)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(code)
    }

    /// Exchanges a code of either kind for a new device and its token (returned once).
    pub async fn enrol_account(&self, code: &str) -> Result<(Account, String), AuthError> {
        match self.enrol(code).await {
            Ok((device, token)) => return Ok((Account::Mediator(device), token)),
            Err(AuthError::CodeInvalid) => {}
            Err(e) => return Err(e),
        }
        // As for mediators' codes, a wrong code is answered from a read, without the write lock.
        let code_hash = hash(&normalise_code(code));
        let usable: Option<String> =
            sqlx::query_scalar("SELECT label FROM coordination_codes WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2")
                .bind(&code_hash)
                .bind(now_text())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        if usable.is_none() {
            return Err(AuthError::CodeInvalid);
        }
        let mut tx = self.begin_write().await.map_err(db_error)?;
        // Marked used and read in one statement: two devices racing with one code cannot both win.
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            "UPDATE coordination_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING label, epci",
        )
        .bind(now_text())
        .bind(&code_hash)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let (label, epci) = row.ok_or(AuthError::CodeInvalid)?;
        let token = hex::encode(random_bytes::<32>());
        let id = uuid::Builder::from_random_bytes(random_bytes::<16>()).into_uuid().to_string();
        sqlx::query("INSERT INTO coordinators (id, label, token_hash, epci, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(&label)
            .bind(hash(&token))
            .bind(&epci)
            .bind(now_text())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok((Account::Coordinator(Coordinator { id, label, epci: read_epci(epci) }), token))
    }

    /// The account a token belongs to, mediator's or coordinator's, unless revoked.
    pub async fn account_for_token(&self, token: &str) -> Result<Account, AuthError> {
        match self.device_for_token(token).await {
            Ok(device) => return Ok(Account::Mediator(device)),
            Err(AuthError::TokenInvalid) => {}
            Err(e) => return Err(e),
        }
        let row: Option<(String, String, Option<String>)> =
            sqlx::query_as("SELECT id, label, epci FROM coordinators WHERE token_hash = $1 AND revoked_at IS NULL")
                .bind(hash(token))
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        row.map(|(id, label, epci)| Account::Coordinator(Coordinator { id, label, epci: read_epci(epci) })).ok_or(AuthError::TokenInvalid)
    }

    /// Revokes a coordination device; `false` if no such device is enrolled and unrevoked.
    pub(crate) async fn revoke_coordinator(&self, id: &str) -> Result<bool, AuthError> {
        let done = sqlx::query("UPDATE coordinators SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_text())
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }
}
