//! The period and territory a coordinator asks for, read from a query string or command-line
//! flags with every problem named (field first).

use chrono::NaiveDate;

use super::Facts;
use crate::activity::Problem;
use crate::date::iso_date;

/// What a filter's codes must name; the server answers from its database.
pub trait Known {
    /// An EPCI of the Vienne (SIREN).
    fn is_epci(&self, siren: &str) -> bool;
    /// A commune of the Vienne (code INSEE).
    fn is_commune(&self, code: &str) -> bool;
    fn is_structure(&self, id: i64) -> bool;
    /// A place of the registry (in some version).
    fn is_place(&self, id: &str) -> bool;
}

/// Which contacts are counted: all the conditions given hold (EPCI: any of those listed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// First and last day, inclusive.
    pub du: Option<NaiveDate>,
    pub au: Option<NaiveDate>,
    pub epci: Vec<String>,
    pub commune: Option<String>,
    pub structure: Option<i64>,
    /// A lieu key ([`super::lieu_key`]).
    pub lieu: Option<String>,
}

/// The parameters a filter takes, for the error that names an unknown one.
pub const PARAMETERS: [&str; 6] = ["du", "au", "epci", "commune", "structure", "lieu"];

/// What was typed, cut short, for an error message (a query string can be long).
fn shown(value: &str) -> String {
    let mut end = value.len().min(40);
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    if end < value.len() { format!("« {}… »", &value[..end]) } else { format!("« {value} »") }
}

impl Filter {
    /// Reads `du`, `au`, `epci` (repeatable), `commune`, `structure` and `lieu`. Every problem
    /// is returned, each naming its field: malformed or impossible dates, a period that ends
    /// before it starts, codes the territory or the database does not know, an unknown or
    /// repeated parameter.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>, known: &impl Known) -> Result<Filter, Vec<Problem>> {
        let mut filter = Filter::default();
        let mut problems = Vec::new();
        let mut problem = |field: &'static str, reason: String| problems.push(Problem { field, reason });
        let mut seen = Vec::new();
        for (name, value) in pairs {
            let Some(&field) = PARAMETERS.iter().find(|&&p| p == name) else {
                problem("filtre", format!("paramètre inconnu {} (permis : {})", shown(name), PARAMETERS.join(", ")));
                continue;
            };
            if field != "epci" && seen.contains(&field) {
                problem(field, "donné deux fois".to_owned());
                continue;
            }
            seen.push(field);
            let value = value.trim();
            match field {
                "du" | "au" => match iso_date(value) {
                    Some(day) if field == "du" => filter.du = Some(day),
                    Some(day) => filter.au = Some(day),
                    None => problem(field, format!("date attendue au format AAAA-MM-JJ, par exemple 2026-01-31 (reçu {})", shown(value))),
                },
                // Each EPCI once: a repeated one would be bound again in every query.
                "epci" if known.is_epci(value) => {
                    if !filter.epci.iter().any(|e| e == value) {
                        filter.epci.push(value.to_owned());
                    }
                }
                "epci" => problem(field, format!("EPCI inconnu dans la Vienne (SIREN à 9 chiffres attendu, reçu {})", shown(value))),
                "commune" if known.is_commune(value) => filter.commune = Some(value.to_owned()),
                "commune" => problem(field, format!("commune inconnue dans la Vienne (code INSEE attendu, reçu {})", shown(value))),
                "structure" => match value.parse::<i64>() {
                    Ok(id) if known.is_structure(id) => filter.structure = Some(id),
                    _ => problem(field, format!("structure inconnue (numéro attendu, reçu {})", shown(value))),
                },
                _ if is_lieu(value, known) => filter.lieu = Some(value.to_owned()),
                _ => problem(
                    field,
                    format!(
                        "lieu inconnu (identifiant du registre, commune-CODE, bus, marche_stand, domicile ou a_distance ; reçu {})",
                        shown(value)
                    ),
                ),
            }
        }
        if let (Some(du), Some(au)) = (filter.du, filter.au)
            && au < du
        {
            problem("au", format!("la fin de la période ({au}) est avant son début ({du})"));
        }
        if problems.is_empty() { Ok(filter) } else { Err(problems) }
    }

    /// Whether a contact is counted.
    pub fn accepts(&self, f: &Facts) -> bool {
        self.du.is_none_or(|du| f.day >= du)
            && self.au.is_none_or(|au| f.day <= au)
            && (self.epci.is_empty() || f.epci.as_ref().is_some_and(|e| self.epci.contains(e)))
            && self.commune.as_ref().is_none_or(|c| f.commune.as_ref() == Some(c))
            && self.structure.is_none_or(|s| f.structure == s)
            && self.lieu.as_ref().is_none_or(|l| &f.lieu == l)
    }

    /// The filter as query parameters, in [`PARAMETERS`] order (what [`Filter::parse`] reads).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        pairs.extend(self.du.map(|d| ("du", d.to_string())));
        pairs.extend(self.au.map(|d| ("au", d.to_string())));
        pairs.extend(self.epci.iter().map(|e| ("epci", e.clone())));
        pairs.extend(self.commune.clone().map(|c| ("commune", c)));
        pairs.extend(self.structure.map(|s| ("structure", s.to_string())));
        pairs.extend(self.lieu.clone().map(|l| ("lieu", l)));
        pairs
    }
}

fn is_lieu(key: &str, known: &impl Known) -> bool {
    match key {
        "bus" | "marche_stand" | "domicile" | "a_distance" => true,
        _ => match key.strip_prefix("commune-") {
            Some(code) => known.is_commune(code),
            None => known.is_place(key),
        },
    }
}
