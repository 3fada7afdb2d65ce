//! Mediator devices (coordinators' are in `coordinators`): one-time enrolment codes made by an administrator for a structure, device
//! tokens (≥128 random bits) given in exchange, and revocation. Only SHA-256 hashes of codes and
//! tokens are stored: a copy of the database does not let anyone push as a device.

use crate::db::{Database, now_text};
use sha2::{Digest, Sha256};

/// Letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/// 13 characters of 31: 64 bits, so guessing, already rate-limited, stays hopeless.
const CODE_LEN: usize = 13;
/// How long an enrolment code stays valid.
pub const CODE_VALIDITY_DAYS: i64 = 7;

/// An enrolled device, as a request's token identifies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub structure_id: i64,
    pub structure: String,
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    bytes
}

/// A code to type: 13 characters from 31 (64 bits), grouped for reading: `ABCDE-FGHJ-KMNP`.
/// Random bytes of 248 or more are skipped, so each character is exactly uniform.
pub(crate) fn new_code() -> String {
    let usable = 256 - 256 % CODE_ALPHABET.len();
    let mut picks = Vec::with_capacity(CODE_LEN);
    while picks.len() < CODE_LEN {
        let fresh = random_bytes::<32>();
        let uniform = fresh.iter().filter(|&&b| usize::from(b) < usable).map(|&b| CODE_ALPHABET[usize::from(b) % CODE_ALPHABET.len()]);
        picks.extend(uniform.take(CODE_LEN - picks.len()));
    }
    let text = |range: std::ops::Range<usize>| String::from_utf8(picks[range].to_vec()).expect("ASCII");
    format!("{}-{}-{}", text(0..5), text(5..9), text(9..13))
}

/// Codes are typed by people: case, spaces and dashes do not matter.
pub(crate) fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

/// Why enrolment or authentication failed (the message is for the person or the operator).
#[derive(Debug, PartialEq, Eq)]
pub enum AuthError {
    UnknownStructure(String),
    UnknownEpci(String),
    CodeInvalid,
    TokenInvalid,
    Database(String),
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AuthError::UnknownStructure(s) => write!(f, "no structure named {s:?}"),
            AuthError::UnknownEpci(s) => write!(f, "{s:?} is not the SIREN of an EPCI of the Vienne"),
            AuthError::CodeInvalid => write!(f, "this enrolment code is unknown, already used or expired"),
            AuthError::TokenInvalid => write!(f, "this device is not enrolled, or was revoked"),
            AuthError::Database(e) => write!(f, "database: {e}"),
        }
    }
}

pub(crate) fn db_error(e: sqlx::Error) -> AuthError {
    AuthError::Database(e.to_string())
}

impl Database {
    /// Makes a one-time enrolment code for `structure` (created if new). Returns the code, to be
    /// given to the mediator; only its hash is kept.
    pub async fn create_enrolment_code(&self, structure: &str) -> Result<String, AuthError> {
        let structure = structure.trim();
        if structure.is_empty() {
            return Err(AuthError::UnknownStructure(String::new()));
        }
        let mut tx = self.begin_write().await.map_err(db_error)?;
        sqlx::query("INSERT INTO structures (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(structure)
            .bind(now_text())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let (structure_id,): (i64,) =
            sqlx::query_as("SELECT id FROM structures WHERE name = $1").bind(structure).fetch_one(&mut *tx).await.map_err(db_error)?;
        let code = new_code();
        let expires = (chrono::Utc::now() + chrono::Duration::days(CODE_VALIDITY_DAYS)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
        sqlx::query("INSERT INTO enrolment_codes (code_hash, structure_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(hash(&normalise_code(&code)))
            .bind(structure_id)
            .bind(now_text())
            .bind(expires)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(code)
    }

    /// Exchanges an unused, unexpired code for a new device and its token (returned once).
    pub async fn enrol(&self, code: &str) -> Result<(Device, String), AuthError> {
        // A wrong code is answered from a read: guesses never wait for, nor hold, the write lock
        // that pushes need.
        let usable: Option<i64> =
            sqlx::query_scalar("SELECT structure_id FROM enrolment_codes WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2")
                .bind(hash(&normalise_code(code)))
                .bind(now_text())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        if usable.is_none() {
            return Err(AuthError::CodeInvalid);
        }
        let mut tx = self.begin_write().await.map_err(db_error)?;
        // Marking the code used and reading it in one statement: two devices racing with the
        // same code cannot both win.
        let row: Option<(i64, String)> = sqlx::query_as(
            "UPDATE enrolment_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 \
             RETURNING structure_id, (SELECT name FROM structures WHERE id = structure_id)",
        )
        .bind(now_text())
        .bind(hash(&normalise_code(code)))
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let (structure_id, structure) = row.ok_or(AuthError::CodeInvalid)?;
        let token = hex::encode(random_bytes::<32>());
        let device = Device { id: uuid::Builder::from_random_bytes(random_bytes::<16>()).into_uuid().to_string(), structure_id, structure };
        sqlx::query("INSERT INTO devices (id, structure_id, token_hash, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&device.id)
            .bind(structure_id)
            .bind(hash(&token))
            .bind(now_text())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok((device, token))
    }

    /// The device a token belongs to, unless revoked.
    pub async fn device_for_token(&self, token: &str) -> Result<Device, AuthError> {
        let row: Option<(String, i64, String)> = sqlx::query_as(
            "SELECT d.id, d.structure_id, s.name FROM devices d JOIN structures s ON s.id = d.structure_id \
             WHERE d.token_hash = $1 AND d.revoked_at IS NULL",
        )
        .bind(hash(token))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|(id, structure_id, structure)| Device { id, structure_id, structure }).ok_or(AuthError::TokenInvalid)
    }

    /// A device by id, revoked or not (an administrator importing its exported outbox).
    pub async fn device_by_id(&self, device_id: &str) -> Result<Device, AuthError> {
        let row: Option<(String, i64, String)> =
            sqlx::query_as("SELECT d.id, d.structure_id, s.name FROM devices d JOIN structures s ON s.id = d.structure_id WHERE d.id = $1")
                .bind(device_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        row.map(|(id, structure_id, structure)| Device { id, structure_id, structure }).ok_or(AuthError::TokenInvalid)
    }

    /// Revokes a device, a mediator's or a coordinator's: its token stops working at once.
    /// A mediator's contacts stay.
    pub async fn revoke(&self, device_id: &str) -> Result<(), AuthError> {
        let done = sqlx::query("UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_text())
            .bind(device_id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 1 || self.revoke_coordinator(device_id).await? { Ok(()) } else { Err(AuthError::TokenInvalid) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: codes carried about 50 bits.
    #[test]
    fn codes_are_readable_typed_loosely_and_carry_64_bits() {
        let code = new_code();
        assert_eq!((code.len(), &code[5..6], &code[10..11]), (15, "-", "-"), "{code}");
        assert!(code.chars().all(|c| c == '-' || CODE_ALPHABET.contains(&(c as u8))), "{code}");
        assert!((CODE_ALPHABET.len() as f64).log2() * CODE_LEN as f64 >= 64.0);
        assert_eq!(normalise_code(" abcde-fghj-kmnp "), "ABCDEFGHJKMNP");
        // Every character of the alphabet turns up, none more than chance allows.
        let mut seen = std::collections::HashMap::new();
        for _ in 0..2000 {
            for c in new_code().chars().filter(|&c| c != '-') {
                *seen.entry(c).or_insert(0) += 1;
            }
        }
        assert_eq!(seen.len(), CODE_ALPHABET.len());
        assert!(seen.values().all(|&n| (650..1030).contains(&n)), "{seen:?}");
    }
}
