//! Contacts that look like a person's rather than a place's are not bundled: the app shows
//! places, and individual staff's personal data never ships (PROVENANCE.md flags one e-mail of
//! the form prénom.nom@ and one mobile number).

use repere_core::registry::Place;

/// Words that make `word.word@` a service address (`conseillers.numeriques@`, `accueil.mds@`).
const SERVICE_WORDS: [&str; 16] = [
    "accueil",
    "conseiller",
    "conseillers",
    "numerique",
    "numeriques",
    "contact",
    "mairie",
    "secretariat",
    "mds",
    "france",
    "services",
    "mediatheque",
    "social",
    "relations",
    "habitants",
    "usagers",
];

/// `prenom.nom@domaine`: exactly two alphabetic words, neither a service word.
fn looks_personal_email(email: &str) -> bool {
    let Some((local, _)) = email.split_once('@') else { return false };
    let words: Vec<&str> = local.split('.').collect();
    words.len() == 2
        && words.iter().all(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic()))
        && !words.iter().any(|w| SERVICE_WORDS.contains(&w.to_ascii_lowercase().as_str()))
}

/// French mobile numbers (06, 07) are a person's phone far more often than a desk's.
fn looks_personal_phone(phone: &str) -> bool {
    phone.starts_with("+336") || phone.starts_with("+337")
}

pub fn drop_personal_contacts(places: &mut [Place]) {
    for place in places {
        let before = place.courriels.len();
        place.courriels.retain(|e| !looks_personal_email(e));
        if place.courriels.len() != before {
            println!("{} : courriel personnel retiré", place.id);
        }
        if place.telephone.as_deref().is_some_and(looks_personal_phone) {
            place.telephone = None;
            println!("{} : numéro de mobile retiré", place.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_shaped_addresses_are_told_from_service_ones() {
        assert!(looks_personal_email("charles.rondot@ccvg86.fr"));
        for service in [
            "conseillers.numeriques@ccvg86.fr",
            "accueil.mds@ccvg86.fr",
            "contact@buxerolles.fr",
            "relations.habitants.usagers@grandpoitiers.fr",
            "dgas-loudun@departement86.fr",
        ] {
            assert!(!looks_personal_email(service), "{service}");
        }
        assert!(looks_personal_phone("+33613168636"));
        assert!(!looks_personal_phone("+33549123456"));
    }
}
