//! Reminders (issue #15, part 7): each place due to check its information (repere-core's
//! `quality::reminders::due`) is sent an e-mail with a new update link, through the
//! département's SMTP server (`mail`); places without an e-mail address are listed to be called.
//!
//! `repere-server remind` runs it once; `serve` runs it on the département's schedule when an
//! SMTP server is given. Each e-mail makes a new link (`create_place_link`), so the link in the
//! latest message is the one that works; the day is recorded only once the message is accepted
//! by the SMTP server, so a failed run is simply tried again.

use chrono::NaiveDate;
use repere_core::quality::Freshness;
use repere_core::quality::reminders::{DEFAULT_FREQUENCY_MONTHS, Schedule, due};
use repere_core::registry::read_device_rows;

use crate::db::Database;
use crate::mail::Mailer;

/// A place due for a reminder.
#[derive(Clone, Debug, PartialEq)]
pub struct Due {
    pub id: String,
    pub nom: String,
    pub commune: String,
    pub grade: Freshness,
    /// The day its information was last known true (`date_maj`).
    pub checked: NaiveDate,
    pub courriels: Vec<String>,
    pub telephone: Option<String>,
    /// The day of its last reminder, if any.
    pub last_reminded: Option<NaiveDate>,
    /// Its update frequency: the département's for this place, else [`DEFAULT_FREQUENCY_MONTHS`].
    pub frequency_months: u32,
}

/// What a run did (or, dry, would do).
#[derive(Debug, Default)]
pub struct Run {
    /// Places e-mailed (dry: to be e-mailed), with the addresses.
    pub mailed: Vec<Due>,
    /// Places without an e-mail address: to call.
    pub to_call: Vec<Due>,
}

impl Database {
    /// The current places due for a reminder on `today` (by the grade, and by each place's
    /// frequency: `place_frequencies`, else the default), oldest information first.
    pub async fn due_places(&self, today: NaiveDate) -> Result<Vec<Due>, sqlx::Error> {
        let rows: Vec<(String, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT p.body, r.reminded_on, f.months FROM registry_places p LEFT JOIN place_reminders r ON r.place_id = p.id \
             LEFT JOIN place_frequencies f ON f.place_id = p.id WHERE p.body IS NOT NULL ORDER BY p.id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut due_places: Vec<Due> = rows
            .into_iter()
            .filter_map(|(body, reminded, months)| {
                let place = read_device_rows(&[serde_json::from_str(&body).ok()?]).places.pop()?;
                let reminded = reminded.and_then(|day| day.parse().ok());
                let frequency_months = months.map_or(DEFAULT_FREQUENCY_MONTHS, |m| m as u32);
                let grade = due(place.date_maj, reminded, frequency_months, today)?;
                Some(Due {
                    id: place.id,
                    nom: place.nom,
                    commune: place.commune,
                    grade,
                    checked: place.date_maj,
                    courriels: place.courriels,
                    telephone: place.telephone,
                    last_reminded: reminded,
                    frequency_months,
                })
            })
            .collect();
        due_places.sort_by(|a, b| (a.checked, &a.nom).cmp(&(b.checked, &b.nom)));
        Ok(due_places)
    }

    /// Sets a place's update frequency (`months` checked 1–24 by the caller; the table checks it too).
    pub async fn set_frequency(&self, place_id: &str, months: u32) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO place_frequencies (place_id, months) VALUES ($1, $2) \
             ON CONFLICT (place_id) DO UPDATE SET months = excluded.months",
        )
        .bind(place_id)
        .bind(i64::from(months))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records that `place_id` was reminded on `day`.
    pub async fn mark_reminded(&self, place_id: &str, day: NaiveDate) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO place_reminders (place_id, reminded_on) VALUES ($1, $2) \
             ON CONFLICT (place_id) DO UPDATE SET reminded_on = excluded.reminded_on",
        )
        .bind(place_id)
        .bind(day.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Reminds every due place on `today`: with `mailer`, a new link and an e-mail each (stops at the
/// first refused message, naming the place); without (`--dry-run`), nothing is made or sent.
pub async fn remind(db: &Database, mailer: Option<&Mailer>, base: &str, today: NaiveDate) -> Result<Run, String> {
    let (with_mail, to_call): (Vec<Due>, Vec<Due>) =
        db.due_places(today).await.map_err(|e| format!("database: {e}"))?.into_iter().partition(|p| !p.courriels.is_empty());
    let mut run = Run { mailed: Vec::new(), to_call };
    let Some(mailer) = mailer else {
        run.mailed = with_mail;
        return Ok(run);
    };
    // Unreachable: say so before renewing any place's link (which would break the one it holds).
    mailer.check().await.map_err(|e| format!("{e} (nothing sent, no link changed)"))?;
    for place in with_mail {
        let code = db.create_place_link(&place.id).await.map_err(|e| format!("place {:?}: {e}", place.id))?;
        let link = format!("{base}{}", crate::place_page::address(&place.id, &code));
        mailer.send(&place, &link).await.map_err(|e| format!("place {:?} ({} sent before it): {e}", place.id, run.mailed.len()))?;
        db.mark_reminded(&place.id, today).await.map_err(|e| format!("database: {e}"))?;
        run.mailed.push(place);
    }
    Ok(run)
}

/// `serve`'s reminders: each hour, on the schedule's day from `hour` (UTC) on, the places due are
/// reminded. A restart or a second hour that day sends nothing more: those reminded are quiet.
pub async fn keep_reminding(db: Database, mailer: Mailer, base: String, schedule: Schedule, hour: u32) {
    use chrono::Timelike;
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        let now = chrono::Utc::now();
        if !schedule.falls_on(now.date_naive()) || now.hour() < hour {
            continue;
        }
        match remind(&db, Some(&mailer), &base, now.date_naive()).await {
            Ok(run) if run.mailed.is_empty() => {}
            Ok(run) => tracing::info!(mailed = run.mailed.len(), to_call = run.to_call.len(), "reminders sent"),
            Err(e) => tracing::warn!(error = %e, "sending reminders failed; next try in an hour"),
        }
    }
}
