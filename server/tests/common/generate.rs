//! Realistic contacts for the figures' tests and benchmark (`benches/stats.rs` includes this
//! file): structures working from a home commune, contacts at their places, in their communes
//! and on outings (bus stops, market stands, events, each a session of several people), people
//! living mostly near, communes weighted by population, workshops with participants. Seeded and
//! dependency-free, so a failing case is replayed exactly.

use serde_json::{Value, json};

/// splitmix64: small, fast, good enough to spread test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The Vienne as the bundled seeds describe it.
pub struct World {
    /// (code INSEE, EPCI SIREN) and the running total of populations, for weighted picks.
    communes: Vec<(String, String)>,
    cumulated: Vec<u64>,
    /// Registry places: (id, commune).
    places: Vec<(String, String)>,
}

impl World {
    pub fn vienne() -> World {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
        let csv = std::fs::read_to_string(root.join("communes-86.csv")).unwrap();
        let (mut communes, mut cumulated, mut total) = (Vec::new(), Vec::new(), 0);
        for line in csv.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            total += f[3].parse::<u64>().unwrap();
            communes.push((f[0].to_owned(), f[4].to_owned()));
            cumulated.push(total);
        }
        let registry: Value = serde_json::from_slice(&std::fs::read(root.join("registry.json")).unwrap()).unwrap();
        let places = registry["places"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["id"].as_str().unwrap().to_owned(), p["code_insee"].as_str().unwrap().to_owned()))
            .collect();
        World { communes, cumulated, places }
    }

    /// A commune, weighted by population.
    fn commune(&self, rng: &mut Rng) -> &(String, String) {
        let at = rng.next() % self.cumulated.last().unwrap();
        &self.communes[self.cumulated.partition_point(|&c| c <= at)]
    }
}

/// Where a structure works: its places and communes (of one EPCI).
pub struct Structure {
    places: Vec<String>,
    communes: Vec<String>,
}

impl Structure {
    /// A structure at home in a commune (weighted), with up to 3 places of its EPCI and
    /// 6 communes it goes to.
    pub fn new(world: &World, rng: &mut Rng) -> Structure {
        let (home, epci) = world.commune(rng).clone();
        let near: Vec<&(String, String)> =
            world.places.iter().filter(|(_, c)| world.communes.iter().any(|(code, e)| code == c && e == &epci)).collect();
        let places = (0..3).filter(|_| !near.is_empty()).map(|_| rng.pick(&near).0.clone()).collect();
        let mut communes = vec![home];
        let of_epci: Vec<&String> = world.communes.iter().filter(|(_, e)| e == &epci).map(|(c, _)| c).collect();
        communes.extend((0..5).map(|_| rng.pick(&of_epci).to_string()));
        Structure { places, communes }
    }
}

const TYPES_ADMIN: [&str; 4] = ["social_sante", "argent_impots", "logement", "travail_formation"];
const THEMES: [&str; 8] = [
    "email",
    "navigation_sur_internet",
    "sante",
    "bureautique",
    "securite_numerique",
    "reseaux_sociaux",
    "banque_et_achats_en_ligne",
    "diagnostic_numerique",
];
const MATERIEL: [&str; 5] = ["ordinateur", "telephone", "tablette", "autre", "aucun"];
const AGES: [&str; 8] = [
    "soixante_dix_plus",
    "soixante_soixante_neuf",
    "quarante_cinquante_neuf",
    "vingt_cinq_trente_neuf",
    "dix_huit_vingt_quatre",
    "douze_dix_huit",
    "moins_de_douze",
    "non_communique",
];
const STATUTS: [&str; 5] = ["retraite", "sans_emploi", "en_emploi", "scolarise", "non_communique"];
const GENRES: [&str; 3] = ["masculin", "feminin", "non_communique"];
const DUREES: [u16; 7] = [5, 15, 30, 45, 60, 90, 150];

/// Contacts of `structures`, numbered from `first`: each call gives one contact, or the
/// several of an outing (a session), over the days `from_day .. from_day + days` counted from
/// 2022-01-01.
pub fn next_contacts(world: &World, structures: &[Structure], rng: &mut Rng, first: u64, days: u32) -> Vec<(usize, Value)> {
    let s = rng.below(structures.len());
    let structure = &structures[s];
    let day = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap() + chrono::Days::new(u64::from(rng.next() as u32 % days));
    let id = |n: u64| {
        uuid::Builder::from_unix_timestamp_millis(1_640_000_000_000 + n, &(n as u128).to_le_bytes()[..10].try_into().unwrap()).into_uuid()
    };
    let time = |rng: &mut Rng| format!("{day}T{:02}:{:02}:00", 9 + rng.below(9), rng.below(60));
    if rng.chance(4) {
        // An outing: several people met, mostly quick questions.
        let commune = rng.pick(&structure.communes).clone();
        let lieu = match rng.below(3) {
            0 => json!({ "kind": "bus", "commune": commune }),
            1 => json!({ "kind": "marche_stand", "commune": commune }),
            _ => json!({ "kind": "commune", "code": commune }),
        };
        let session = id((1 << 40) + first);
        let people = 1 + rng.below(12) as u64;
        return (0..people)
            .map(|k| {
                let debut = time(rng);
                let mut c = individual(world, structure, rng, id(first + k), first + k, debut);
                c["lieu"] = lieu.clone();
                c["session"] = json!(session.to_string());
                if rng.chance(70) {
                    c["type"] = json!("ponctuel");
                    c["duree_min"] = json!(5);
                    c["thematiques"] = json!([]);
                    c["thematiques_administratives"] = json!([]);
                    c.as_object_mut().unwrap().remove("autonomie");
                }
                (s, c)
            })
            .collect();
    }
    let debut = time(rng);
    let mut c = individual(world, structure, rng, id(first), first, debut);
    c["lieu"] = match rng.below(10) {
        0..6 if !structure.places.is_empty() => json!({ "kind": "registre", "id": rng.pick(&structure.places) }),
        0..7 => json!({ "kind": "commune", "code": rng.pick(&structure.communes) }),
        7 => json!({ "kind": "domicile" }),
        8 => json!({ "kind": "a_distance" }),
        _ => json!({ "kind": "bus" }),
    };
    if rng.chance(10) {
        // A workshop.
        let obj = c.as_object_mut().unwrap();
        obj.insert("type".into(), json!("collectif"));
        obj.remove("beneficiaire");
        obj.remove("autonomie");
        let mut par_age = [0u16; 8];
        for _ in 0..2 + rng.below(10) {
            par_age[rng.below(8)] += 1;
        }
        let total: u16 = par_age.iter().sum();
        let mut par_statut = [0u16; 5];
        if rng.chance(60) {
            for _ in 0..total {
                par_statut[rng.below(5)] += 1;
            }
        }
        obj.insert("participants".into(), json!({ "par_age": par_age, "par_statut": par_statut }));
        obj.insert("niveau_atelier".into(), json!("debutant"));
    }
    vec![(s, c)]
}

fn individual(world: &World, structure: &Structure, rng: &mut Rng, id: uuid::Uuid, seq: u64, debut: String) -> Value {
    let mut thematiques: Vec<&str> = (0..1 + rng.below(2)).map(|_| *rng.pick(&THEMES)).collect();
    let mut admin = Vec::new();
    if rng.chance(40) {
        thematiques.push("aide_aux_demarches_administratives");
        admin.push(*rng.pick(&TYPES_ADMIN));
    }
    thematiques.sort();
    thematiques.dedup();
    let mut beneficiaire = json!({ "tranche_age": rng.pick(&AGES), "statut": rng.pick(&STATUTS) });
    if rng.chance(60) {
        beneficiaire["genre"] = json!(rng.pick(&GENRES));
    }
    if rng.chance(85) {
        let commune = if rng.chance(75) { rng.pick(&structure.communes).clone() } else { world.commune(rng).0.clone() };
        beneficiaire["commune"] = json!(commune);
    }
    json!({
        "id": id.to_string(), "seq": seq, "type": "individuel", "debut": debut, "duree_min": rng.pick(&DUREES),
        "lieu": { "kind": "domicile" }, "thematiques": thematiques, "thematiques_administratives": admin,
        "materiel": [rng.pick(&MATERIEL)], "autonomie": "autonome", "beneficiaire": beneficiaire,
    })
}
