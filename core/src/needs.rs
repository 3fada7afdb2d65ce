//! The resident's needs in plain words, each mapped to the national services of the standard.
//! Residents do not know "Maîtrise des outils numériques du quotidien"; they know "apprendre à
//! utiliser mon téléphone". Their wording per language lives in [`crate::i18n`].

use crate::label::LabelSet;
use crate::registry::Service;

/// A need a resident can pick on the home page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Need {
    Demarches,
    Apprendre,
    Equipement,
    Emploi,
    Parents,
    Securite,
}

impl Need {
    pub const ALL: [Need; 6] = [Need::Demarches, Need::Apprendre, Need::Equipement, Need::Emploi, Need::Parents, Need::Securite];

    /// The services that answer this need: a place offering any of them is shown.
    pub fn services(self) -> LabelSet<Service> {
        let list: &[Service] = match self {
            Need::Demarches => &[Service::DemarchesAdministratives],
            Need::Apprendre => &[Service::OutilsDuQuotidien, Service::ComprehensionDuMonde, Service::LoisirsCreations],
            Need::Equipement => &[Service::AccesInternetMateriel, Service::MaterielPrixSolidaire],
            Need::Emploi => &[Service::InsertionProfessionnelle],
            Need::Parents => &[Service::Parentalite],
            Need::Securite => &[Service::UtilisationSecurisee],
        };
        list.iter().copied().collect()
    }

    /// Short stable code, used in the app's addresses (`#/resultats?besoin=demarches`).
    pub fn code(self) -> &'static str {
        match self {
            Need::Demarches => "demarches",
            Need::Apprendre => "apprendre",
            Need::Equipement => "equipement",
            Need::Emploi => "emploi",
            Need::Parents => "parents",
            Need::Securite => "securite",
        }
    }

    pub fn from_code(code: &str) -> Option<Need> {
        Need::ALL.into_iter().find(|n| n.code() == code)
    }
}

/// The services answering any of `needs` (empty when no need is chosen: everything is shown).
pub fn services_for(needs: &[Need]) -> LabelSet<Service> {
    needs.iter().fold(LabelSet::new(), |all, n| all.union(&n.services()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::label::Label;

    #[test]
    fn every_service_answers_exactly_one_need() {
        for service in Service::ALL {
            let needs: Vec<Need> = Need::ALL.into_iter().filter(|n| n.services().contains(*service)).collect();
            assert_eq!(needs.len(), 1, "{} → {needs:?}", service.label());
        }
    }

    #[test]
    fn codes_round_trip() {
        for need in Need::ALL {
            assert_eq!(Need::from_code(need.code()), Some(need));
        }
        assert_eq!(Need::from_code("inconnu"), None);
    }
}
