//! Figures at scale: the core's [`Tally`] computed by SQL over `contact_facts`, one aggregate
//! query per breakdown, the same text on SQLite and PostgreSQL (through the `Any` driver).
//!
//! Each query reads only typed columns: integers (day as YYYYMMDD, codes as the core's indices,
//! themes as bit sets) and short codes, filtered through the indices of the migration
//! (`day`, then `structure_id`, `epci`, `commune`, `lieu` each with `day`). A test holds the SQL
//! tally equal to the core's (`Facts::of` + `Tally::add`) for the same contacts and filters.

use std::collections::BTreeMap;

use repere_core::activity::{Genre, Materiel, OutingKind, StatutSocial, Thematique, ThematiqueAdministrative, TrancheAge, TypeActivite};
use repere_core::label::Label;
use repere_core::stats::{Breakdown, Duree, Filter, Tally, UNKNOWN};
use sqlx::any::AnyRow;

use crate::db::Database;
use crate::facts::day_number;

/// Whose contacts a reader may count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The département's team: every contact.
    Departement,
    /// EPCI coordinators: contacts whose territory commune lies in one of these EPCI.
    Epci(Vec<String>),
    /// A mediator: his structure's contacts.
    Structure(i64),
}

/// A value bound into a query.
enum Param {
    Int(i64),
    Text(String),
}

/// The `WHERE` of every query: the filter's conditions and the scope's.
struct Conditions {
    sql: String,
    params: Vec<Param>,
    /// Whether a structure, EPCI, commune or place narrows the selection (not only a period).
    narrowed: bool,
}

impl Conditions {
    fn of(filter: &Filter, scope: &Scope) -> Conditions {
        let mut c = Conditions { sql: String::from("1 = 1"), params: Vec::new(), narrowed: false };
        if let Some(du) = filter.du {
            c.and("day >=", Param::Int(day_number(du)));
        }
        if let Some(au) = filter.au {
            c.and("day <=", Param::Int(day_number(au)));
        }
        c.any_epci(&filter.epci);
        if let Some(commune) = &filter.commune {
            c.and("commune =", Param::Text(commune.clone()));
        }
        if let Some(structure) = filter.structure {
            c.and("structure_id =", Param::Int(structure));
        }
        if let Some(lieu) = &filter.lieu {
            c.and("lieu =", Param::Text(lieu.clone()));
        }
        c.narrowed = !filter.epci.is_empty() || filter.commune.is_some() || filter.structure.is_some() || filter.lieu.is_some();
        c.narrowed |= *scope != Scope::Departement;
        match scope {
            Scope::Departement => {}
            Scope::Epci(epci) => c.any_epci(epci),
            Scope::Structure(id) => c.and("structure_id =", Param::Int(*id)),
        }
        c
    }

    fn and(&mut self, condition: &str, param: Param) {
        self.params.push(param);
        self.sql += &format!(" AND {condition} ${}", self.params.len());
    }

    fn any_epci(&mut self, epci: &[String]) {
        if epci.is_empty() {
            return;
        }
        let first = self.params.len() + 1;
        self.params.extend(epci.iter().cloned().map(Param::Text));
        let list: Vec<String> = (first..first + epci.len()).map(|i| format!("${i}")).collect();
        self.sql += &format!(" AND epci IN ({})", list.join(", "));
    }
}

/// `SUM(expr)` for each value of a list, in its order.
fn sums<T: Label>(expr: impl Fn(u32) -> String) -> String {
    T::ALL.iter().map(|v| format!("SUM({})", expr(v.index()))).collect::<Vec<_>>().join(", ")
}

/// The query answering `breakdown` (`WHERE` left for [`Conditions`]) and whether its rows are
/// `(key, n)` groups (else one row of counts in the list's order).
///
/// A selection `narrowed` by a structure, EPCI, commune or place groups its text keys by an
/// expression (`residence || ''`): SQLite would otherwise walk the grouping column's own
/// index, skipping through it for the narrowing condition (340 ms over 1 M contacts for one
/// EPCI's year), where searching the narrowing index and grouping in memory takes 90 ms. A
/// selection by period only keeps walking that index, its fastest way (40 ms).
fn query(breakdown: Breakdown, narrowed: bool) -> (String, bool) {
    let text_key = |column: &'static str| if narrowed { format!("{column} || ''") } else { column.to_owned() };
    let counts = |prefix: &'static str| move |i: u32| format!("{prefix}_{i}");
    let grouped = |key: &str, n: &str| format!("SELECT {key}, SUM({n}) FROM contact_facts WHERE {{}} GROUP BY {key}");
    match breakdown {
        Breakdown::Mois => (grouped("CAST(day / 100 AS BIGINT)", "people"), true),
        Breakdown::Types => (grouped("CAST(kind AS BIGINT)", "1"), true),
        Breakdown::Durees => (grouped("CAST(duree AS BIGINT)", "1"), true),
        // Bit sets are counted per set (a few hundred distinct ones), each set's count then
        // added to each of its values when read: one grouping a row instead of 19 sums.
        Breakdown::Thematiques => (grouped("CAST(thematiques AS BIGINT)", "1"), true),
        Breakdown::Demarches => (grouped("CAST(demarches AS BIGINT)", "1"), true),
        Breakdown::Materiel => (grouped("CAST(materiel AS BIGINT)", "1"), true),
        Breakdown::TranchesAge => (format!("SELECT {} FROM contact_facts WHERE {{}}", sums::<TrancheAge>(counts("age"))), false),
        Breakdown::Statuts => (format!("SELECT {} FROM contact_facts WHERE {{}}", sums::<StatutSocial>(counts("statut"))), false),
        Breakdown::Genres => (format!("SELECT {} FROM contact_facts WHERE {{}}", sums::<Genre>(counts("genre"))), false),
        Breakdown::CommunesResidence => (grouped(&text_key("residence"), "people"), true),
        Breakdown::Lieux => (grouped(&text_key("lieu"), "1"), true),
        Breakdown::Epci => (grouped(&text_key("epci"), "people"), true),
        Breakdown::Communes => (grouped(&text_key("commune"), "people"), true),
        Breakdown::Structures => (grouped("structure_id", "people"), true),
        Breakdown::Sorties => (
            "SELECT CAST(sortie AS BIGINT), COUNT(DISTINCT session) FROM contact_facts WHERE {} AND sortie IS NOT NULL GROUP BY sortie"
                .to_owned(),
            true,
        ),
        Breakdown::PersonnesSorties => (
            "SELECT CAST(sortie AS BIGINT), SUM(people) FROM contact_facts WHERE {} AND sortie IS NOT NULL GROUP BY sortie".to_owned(),
            true,
        ),
    }
}

/// The code of a list's value by index.
fn code_at<T: Label>(code: fn(T) -> &'static str, index: i64) -> Option<&'static str> {
    usize::try_from(index).ok().and_then(|i| T::ALL.get(i)).map(|&v| code(v))
}

/// The cell key of a grouped row's key column.
fn key(breakdown: Breakdown, row: &AnyRow) -> Result<String, sqlx::Error> {
    use sqlx::Row;
    let index = || row.try_get::<i64, _>(0);
    let known = |code: Option<&'static str>| code.map(str::to_owned).ok_or_else(|| sqlx::Error::Decode("a code outside its list".into()));
    Ok(match breakdown {
        Breakdown::Mois => {
            let month = index()?;
            format!("{:04}-{:02}", month / 100, month % 100)
        }
        Breakdown::Types => known(code_at::<TypeActivite>(TypeActivite::code, index()?))?,
        Breakdown::Durees => known(code_at::<Duree>(Duree::code, index()?))?,
        Breakdown::Sorties | Breakdown::PersonnesSorties => known(code_at::<OutingKind>(OutingKind::code, index()?))?,
        Breakdown::Structures => index()?.to_string(),
        _ => row.try_get::<Option<String>, _>(0)?.unwrap_or_else(|| UNKNOWN.to_owned()),
    })
}

/// The codes of a one-row breakdown's columns.
fn columns(breakdown: Breakdown) -> Vec<&'static str> {
    fn codes<T: Label>(code: fn(T) -> &'static str) -> Vec<&'static str> {
        T::ALL.iter().map(|&v| code(v)).collect()
    }
    match breakdown {
        Breakdown::Thematiques => codes(Thematique::code),
        Breakdown::Demarches => codes(ThematiqueAdministrative::code),
        Breakdown::Materiel => codes(Materiel::code),
        Breakdown::TranchesAge => codes(TrancheAge::code),
        Breakdown::Statuts => codes(StatutSocial::code),
        Breakdown::Genres => codes(Genre::code),
        _ => Vec::new(),
    }
}

impl Database {
    /// Every breakdown and the totals of the contacts `filter` and `scope` select.
    pub async fn tally(&self, filter: &Filter, scope: &Scope) -> Result<Tally, sqlx::Error> {
        let mut tally = Tally::default();
        self.tally_totals(filter, scope, &mut tally).await?;
        for breakdown in Breakdown::ALL {
            self.tally_breakdown(breakdown, filter, scope, &mut tally).await?;
        }
        Ok(tally)
    }

    /// La Coop's headline figures, in one query.
    pub async fn tally_totals(&self, filter: &Filter, scope: &Scope, tally: &mut Tally) -> Result<(), sqlx::Error> {
        let c = Conditions::of(filter, scope);
        let kind = |k: TypeActivite, n: &str| format!("SUM(CASE WHEN kind = {} THEN {n} ELSE 0 END)", k.index());
        let sql = format!(
            "SELECT COUNT(*), SUM(people), {}, {}, {}, {} FROM contact_facts WHERE {}",
            kind(TypeActivite::Individuel, "1"),
            kind(TypeActivite::Collectif, "1"),
            kind(TypeActivite::Collectif, "people"),
            kind(TypeActivite::Ponctuel, "1"),
            c.sql
        );
        let row = bind(sqlx::query(&sql), c.params).fetch_one(&self.pool).await?;
        let n = |i: usize| -> Result<u64, sqlx::Error> {
            use sqlx::Row;
            Ok(row.try_get::<Option<i64>, _>(i)?.unwrap_or(0).max(0) as u64)
        };
        let t = &mut tally.totals;
        (t.activites, t.accompagnements, t.individuels, t.ateliers, t.participants, t.ponctuels) =
            (n(0)?, n(1)?, n(2)?, n(3)?, n(4)?, n(5)?);
        Ok(())
    }

    /// One breakdown's cells, in one query.
    pub async fn tally_breakdown(
        &self,
        breakdown: Breakdown,
        filter: &Filter,
        scope: &Scope,
        tally: &mut Tally,
    ) -> Result<(), sqlx::Error> {
        use sqlx::Row;
        let c = Conditions::of(filter, scope);
        let (sql, grouped) = query(breakdown, c.narrowed);
        let sql = sql.replacen("{}", &c.sql, 1);
        let rows = bind(sqlx::query(&sql), c.params).fetch_all(&self.pool).await?;
        for row in &rows {
            if grouped && matches!(breakdown, Breakdown::Thematiques | Breakdown::Demarches | Breakdown::Materiel) {
                let (set, n): (i64, Option<i64>) = (row.try_get(0)?, row.try_get(1)?);
                for (i, code) in columns(breakdown).into_iter().enumerate() {
                    if set & (1 << i) != 0 {
                        tally.add_cell(breakdown, code, n.unwrap_or(0).max(0) as u64);
                    }
                }
            } else if grouped {
                let n: Option<i64> = row.try_get(1)?;
                tally.add_cell(breakdown, &key(breakdown, row)?, n.unwrap_or(0).max(0) as u64);
            } else {
                for (i, code) in columns(breakdown).into_iter().enumerate() {
                    let n = row.try_get::<Option<i64>, _>(i)?.unwrap_or(0).max(0) as u64;
                    tally.add_cell(breakdown, code, n);
                }
            }
        }
        Ok(())
    }

    /// The stored contacts `filter` selects after id `after` (in id order, at most `limit`):
    /// `(id, structure_id, body, received_at)`. The exports read the selection this way, a page
    /// at a time, through the same conditions as the figures.
    pub async fn selected_contacts(
        &self,
        filter: &Filter,
        after: &str,
        limit: i64,
    ) -> Result<Vec<(String, i64, String, String)>, sqlx::Error> {
        let mut c = Conditions::of(filter, &Scope::Departement);
        c.and("contact_id >", Param::Text(after.to_owned()));
        let sql = format!(
            "SELECT id, structure_id, body, received_at FROM contacts WHERE id IN \
             (SELECT contact_id FROM contact_facts WHERE {} ORDER BY contact_id LIMIT {limit}) ORDER BY id",
            c.sql
        );
        bind_as(sqlx::query_as(&sql), c.params).fetch_all(&self.pool).await
    }

    /// The structures a reader's filter form offers: every one for the département, those with
    /// contacts in its EPCI for a coordinator of some, his own for a mediator.
    pub async fn structures_in(&self, scope: &Scope) -> Result<Vec<(i64, String)>, sqlx::Error> {
        let c = Conditions::of(&Filter::default(), scope);
        let sql = match scope {
            Scope::Departement => "SELECT id, name FROM structures ORDER BY name".to_owned(),
            Scope::Structure(_) => format!("SELECT id, name FROM structures WHERE {} ORDER BY name", c.sql.replace("structure_id", "id")),
            Scope::Epci(_) => format!(
                "SELECT id, name FROM structures WHERE id IN (SELECT DISTINCT structure_id FROM contact_facts WHERE {}) ORDER BY name",
                c.sql
            ),
        };
        bind_as(sqlx::query_as(&sql), c.params).fetch_all(&self.pool).await
    }

    /// The names of registry places, by id (their latest published version), and of the tours' stops
    /// (`stops::stop_label`).
    pub async fn place_names(&self, ids: &[&str]) -> Result<BTreeMap<String, String>, sqlx::Error> {
        let mut names = BTreeMap::new();
        for chunk in ids.chunks(1000) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT id, body FROM registry_places WHERE body IS NOT NULL AND id IN ({})", placeholders.join(", "));
            let rows: Vec<(String, String)> =
                bind_as(sqlx::query_as(&sql), chunk.iter().map(|id| Param::Text((*id).to_owned())).collect()).fetch_all(&self.pool).await?;
            for (id, body) in rows {
                let name = serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v["nom"].as_str().map(str::to_owned));
                names.extend(name.map(|n| (id, n)));
            }
        }
        // The tours' stops (lieu keys of contacts at a stop), with their commune.
        let stops: Vec<&str> = ids.iter().copied().filter(|id| !names.contains_key(*id)).collect();
        for chunk in stops.chunks(1000) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT id, nom, code_insee FROM stops WHERE id IN ({})", placeholders.join(", "));
            let rows: Vec<(String, String, String)> =
                bind_as(sqlx::query_as(&sql), chunk.iter().map(|id| Param::Text((*id).to_owned())).collect()).fetch_all(&self.pool).await?;
            names.extend(rows.into_iter().map(|(id, nom, code)| (id, crate::stops::stop_label(&nom, &code))));
        }
        Ok(names)
    }

    /// The names the figures' codes need: structures by id (the rest come from the registry and
    /// the gazetteer).
    pub async fn structure_names(&self) -> Result<BTreeMap<i64, String>, sqlx::Error> {
        Ok(sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM structures").fetch_all(&self.pool).await?.into_iter().collect())
    }
}

type AnyQueryAs<'q, O> = sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments<'q>>;

fn bind_as<O>(mut query: AnyQueryAs<'_, O>, params: Vec<Param>) -> AnyQueryAs<'_, O> {
    for p in params {
        query = match p {
            Param::Int(n) => query.bind(n),
            Param::Text(t) => query.bind(t),
        };
    }
    query
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

fn bind(mut query: AnyQuery<'_>, params: Vec<Param>) -> AnyQuery<'_> {
    for p in params {
        query = match p {
            Param::Int(n) => query.bind(n),
            Param::Text(t) => query.bind(t),
        };
    }
    query
}
