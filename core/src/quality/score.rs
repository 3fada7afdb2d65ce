//! A place's completeness, with data·inclusion's `score_qualite` (`gip-inclusion/data-inclusion-schema`,
//! `src/data_inclusion/schema/v1/score_qualite.py`): ten criteria, each worth 0 to 1, all of the
//! same weight; a criterion that does not apply to the place is left out; the score is the mean
//! of those that apply (each rounded to 2 decimals, then the mean). Their schema describes
//! services, ours places of the lieux de médiation numérique standard, so each criterion reads
//! the field of ours that says the same thing:
//!
//! | criterion | applies | worth 1 when |
//! |---|---|---|
//! | address | unless « Ce lieu n'accueille pas de public » | an `adresse` |
//! | ways in (`modes_orientation`) | always | some `modalites_acces` |
//! | publics | always | some `publics_specifiquement_adresses` |
//! | themes | always | some `services` |
//! | a means of contact | always | a phone, an e-mail, a website or an online booking |
//! | e-mail | `modalites_acces` says « Contacter par mail » or a prescription by mail | an e-mail |
//! | recent update | always | under 6 months; then falling in a straight line to 0 at 24 months |
//! | fees | always | some `frais_a_charge` (data·inclusion gives « Payant » 0.5 without its `frais_precisions`, a field our standard lacks, so any value is 1 here) |
//! | description | always | 400 characters or more (0 under 200, a straight line between), the longer of `presentation_detail` and `presentation_resume` |
//! | phone | `modalites_acces` says « Téléphoner » | a phone |
//!
//! Months are Mon Inclusion Numérique's 30.44 days (the freshness grade's), where data·inclusion
//! counts calendar durations: a day or two apart at most, and the two measures on one screen agree.

use chrono::NaiveDate;

use super::{age_in_months, checked_on};
use crate::registry::{ModaliteAcces, Place};

/// One of data·inclusion's criteria.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Criterion {
    Address,
    WaysIn,
    Publics,
    Themes,
    Contact,
    Email,
    RecentUpdate,
    Fees,
    Description,
    Phone,
}

impl Criterion {
    /// What a coordinator reads when the criterion is not fully met.
    pub fn missing(self) -> &'static str {
        match self {
            Criterion::Address => "adresse manquante",
            Criterion::WaysIn => "modalités d’accès manquantes",
            Criterion::Publics => "publics non précisés",
            Criterion::Themes => "services manquants",
            Criterion::Contact => "aucun moyen de contact",
            Criterion::Email => "courriel manquant",
            Criterion::RecentUpdate => "mise à jour ancienne",
            Criterion::Fees => "frais non précisés",
            Criterion::Description => "description trop courte",
            Criterion::Phone => "téléphone manquant",
        }
    }
}

/// A place's score and what each applicable criterion gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Quality {
    /// 0 to 1, to 2 decimals.
    pub score: f64,
    /// Applicable criteria with their value (0 to 1, to 2 decimals), in the table's order.
    pub criteria: Vec<(Criterion, f64)>,
}

impl Quality {
    /// The score of a place last checked on its `date_maj` or on a later `confirmed` day.
    pub fn of(place: &Place, confirmed: Option<NaiveDate>, today: NaiveDate) -> Quality {
        let access = &place.modalites_acces;
        let has = |yes: bool| if yes { 1.0 } else { 0.0 };
        let applies = |yes: bool, value: f64| yes.then_some(value);
        let description = [&place.presentation_detail, &place.presentation_resume]
            .iter()
            .filter_map(|t| t.as_deref())
            .map(|t| t.trim().chars().count())
            .max()
            .unwrap_or(0);
        let months = age_in_months(checked_on(place, confirmed), today);
        let values = [
            (Criterion::Address, applies(!access.contains(ModaliteAcces::PasDepublic), has(!place.adresse.trim().is_empty()))),
            (Criterion::WaysIn, Some(has(!access.is_empty()))),
            (Criterion::Publics, Some(has(!place.publics_specifiquement_adresses.is_empty()))),
            (Criterion::Themes, Some(has(!place.services.is_empty()))),
            (
                Criterion::Contact,
                Some(has(place.telephone.is_some()
                    || !place.courriels.is_empty()
                    || !place.site_web.is_empty()
                    || place.prise_rdv.is_some())),
            ),
            (
                Criterion::Email,
                applies(
                    access.contains(ModaliteAcces::ContacterParMail) || access.contains(ModaliteAcces::FicheDePrescription),
                    has(!place.courriels.is_empty()),
                ),
            ),
            (Criterion::RecentUpdate, Some(((24.0 - months) / 18.0).clamp(0.0, 1.0))),
            (Criterion::Fees, Some(has(!place.frais_a_charge.is_empty()))),
            (Criterion::Description, Some(((description as f64 - 200.0) / 200.0).clamp(0.0, 1.0))),
            (Criterion::Phone, applies(access.contains(ModaliteAcces::Telephoner), has(place.telephone.is_some()))),
        ];
        let criteria: Vec<(Criterion, f64)> = values.into_iter().filter_map(|(c, v)| Some((c, round2(v?)))).collect();
        let score = round2(criteria.iter().map(|(_, v)| v).sum::<f64>() / criteria.len() as f64);
        Quality { score, criteria }
    }

    /// Criteria not fully met, in the table's order.
    pub fn missing(&self) -> impl Iterator<Item = Criterion> + '_ {
        self.criteria.iter().filter(|(_, v)| *v < 1.0).map(|(c, _)| *c)
    }

    /// The score out of 100, as shown.
    pub fn percent(&self) -> u32 {
        (self.score * 100.0).round() as u32
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::registry::{Frais, Public, Service};

    pub(crate) fn place() -> Place {
        crate::registry::read_device_rows(&[serde_json::json!({
            "id": "p1", "pivot": "00000000000000", "nom": "Espace numérique", "commune": "Poitiers",
            "code_postal": "86000", "adresse": "1 rue A", "date_maj": "2026-01-10",
            "services": "Aide aux démarches administratives",
        })])
        .whole()
        .unwrap()
        .remove(0)
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_bare_place_misses_what_it_lacks_and_scores_the_mean_of_what_applies() {
        let q = Quality::of(&place(), None, day("2026-03-01"));
        // Applicable: address 1, ways in 0, publics 0, themes 1, contact 0, recent 1, fees 0, description 0.
        assert_eq!(q.criteria.len(), 8);
        assert_eq!(q.score, 0.38); // 3 / 8 = 0.375
        let missing: Vec<_> = q.missing().map(Criterion::missing).collect();
        assert_eq!(
            missing,
            [
                "modalités d’accès manquantes",
                "publics non précisés",
                "aucun moyen de contact",
                "frais non précisés",
                "description trop courte"
            ]
        );
    }

    #[test]
    fn ways_in_bring_their_own_criteria_and_a_full_place_scores_one() {
        let mut p = place();
        p.modalites_acces = [ModaliteAcces::Telephoner, ModaliteAcces::ContacterParMail].into_iter().collect();
        let q = Quality::of(&p, None, day("2026-03-01"));
        assert_eq!(q.criteria.len(), 10);
        assert!(q.missing().any(|c| c == Criterion::Phone) && q.missing().any(|c| c == Criterion::Email));
        p.telephone = Some("+33549000000".into());
        p.courriels = vec!["a@b.fr".into()];
        p.publics_specifiquement_adresses = [Public::Seniors].into_iter().collect();
        p.frais_a_charge = [Frais::Gratuit].into_iter().collect();
        p.services = [Service::OutilsDuQuotidien].into_iter().collect();
        p.presentation_detail = Some("é".repeat(400));
        let q = Quality::of(&p, None, day("2026-03-01"));
        assert_eq!((q.score, q.percent(), q.missing().count()), (1.0, 100, 0));
        // 300 characters (counted as characters, not bytes) are half way.
        p.presentation_detail = Some("é".repeat(300));
        assert_eq!(Quality::of(&p, None, day("2026-03-01")).criteria[8], (Criterion::Description, 0.5));
        p.modalites_acces = [ModaliteAcces::PasDepublic].into_iter().collect();
        assert!(Quality::of(&p, None, day("2026-03-01")).criteria.iter().all(|(c, _)| *c != Criterion::Address));
    }

    #[test]
    fn the_recent_update_falls_from_one_at_6_months_to_zero_at_24_and_a_confirmation_renews_it() {
        let p = place(); // dated 2026-01-10
        let recent = |today: &str, confirmed: Option<&str>| {
            let q = Quality::of(&p, confirmed.map(day), day(today));
            q.criteria.iter().find(|(c, _)| *c == Criterion::RecentUpdate).unwrap().1
        };
        assert_eq!(recent("2026-07-10", None), 1.0); // 181 days < 6 × 30.44
        assert_eq!(recent("2027-01-10", None), 0.67); // 365 days = 11.99 months: (24 − 11.99) / 18
        assert_eq!(recent("2027-10-10", None), 0.17); // 638 days = 20.96 months
        assert_eq!(recent("2028-01-10", None), 0.0); // 730 days = 23.98 months: 0.001, rounded
        assert_eq!(recent("2029-01-10", None), 0.0);
        assert_eq!(recent("2029-01-10", Some("2028-12-01")), 1.0);
        // A confirmation older than the date changes nothing.
        assert_eq!(recent("2027-01-10", Some("2025-01-01")), 0.67);
    }
}
