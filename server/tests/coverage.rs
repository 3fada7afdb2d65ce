//! Coverage on the server, on both databases: a travel-time table imported whole or not at all,
//! served to coordinators as it was imported, and the coverage download equal to the core's
//! rows for the same selection, places and table.

use axum::body::Body;
use axum::http::StatusCode;
use common::api::{Server, servers};
use repere_core::coverage::{Coverage, Help, Minutes, Names, Selection, TravelTable, commune_rows};
use repere_core::registry::Place;
use repere_server::coverage::{ImportFailure, communes, import_file};
use serde_json::{Value, json};

mod common;

/// A table giving every commune a time to one place (a different one from commune to commune).
fn good_rows(places: &[Place]) -> Vec<Minutes> {
    let helps = Help::from_places(places);
    communes()
        .iter()
        .enumerate()
        .map(|(i, c)| Minutes {
            code_insee: c.code_insee.clone(),
            place_id: helps[i * 7 % helps.len()].id.clone(),
            minutes: i as f64 / 4.0,
        })
        .collect()
}

fn csv_of(rows: &[Minutes]) -> String {
    let mut text = String::from("code_insee,place_id,minutes\n");
    for r in rows {
        text.push_str(&format!("{},{},{}\n", r.code_insee, r.place_id, r.minutes));
    }
    text
}

fn sorted(mut rows: Vec<Minutes>) -> Vec<Minutes> {
    rows.sort_by(|a, b| (&a.code_insee, &a.place_id).cmp(&(&b.code_insee, &b.place_id)));
    rows
}

#[tokio::test]
async fn a_table_is_imported_whole_and_a_refused_file_leaves_the_previous_one() {
    let dir = tempfile::tempdir().unwrap();
    for s in servers().await {
        let backend = s.db.backend();
        let (places, _) = s.db.current_places().await.unwrap();
        let rows = good_rows(&places);
        let good = dir.path().join("temps-osrm.csv");
        std::fs::write(&good, csv_of(&rows)).unwrap();
        let imported = import_file(&s.db, &good).await.unwrap();
        assert_eq!((imported.source.as_str(), imported.rows), ("temps-osrm.csv", 265), "{backend:?}");
        let held = s.db.travel_times().await.unwrap();
        assert_eq!(held.rows, sorted(rows.clone()), "{backend:?}: stored exactly, minutes to the quarter");
        assert_eq!(held.import.as_ref(), Some(&imported));

        // Each file below is refused with its line and field; the first table stays.
        let (first, second) = (&rows[0], &rows[1]);
        let line = |n: usize| n + 2; // row n of `rows` is on this line (the header is line 1)
        let cases: Vec<(&str, String, Vec<String>)> = vec![
            (
                "unknown commune",
                csv_of(&rows).replacen(&format!("{},", second.code_insee), "99999,", 1),
                vec![
                    format!("ligne {}, champ code_insee : « 99999 » : commune inconnue", line(1)),
                    format!(
                        "fichier : 1 commune(s) sans aucune ligne : {} (chaque commune doit avoir au moins un temps)",
                        second.code_insee
                    ),
                ],
            ),
            (
                "duplicate",
                format!("{}{},{},3\n", csv_of(&rows), first.code_insee, first.place_id),
                vec![format!("ligne {} : couple commune–lieu déjà donné ligne 2", line(rows.len()))],
            ),
            (
                "negative",
                format!("{}{},{},-1\n", csv_of(&rows), first.code_insee, second.place_id),
                vec![format!("ligne {}, champ minutes : « -1 » : durée négative ou infinie", line(rows.len()))],
            ),
            (
                "missing commune",
                csv_of(&rows[1..]),
                vec![format!(
                    "fichier : 1 commune(s) sans aucune ligne : {} (chaque commune doit avoir au moins un temps)",
                    first.code_insee
                )],
            ),
            (
                "unknown place",
                csv_of(&rows).replacen(&first.place_id, "nulle-part", 1),
                vec![format!("ligne 2, champ place_id : « nulle-part » : lieu inconnu")],
            ),
        ];
        for (what, text, expected) in cases {
            let file = dir.path().join(format!("{what}.csv"));
            std::fs::write(&file, text).unwrap();
            let Err(ImportFailure::Refused(errors)) = import_file(&s.db, &file).await else { panic!("{backend:?} {what}: imported") };
            let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
            assert_eq!(messages, expected, "{backend:?} {what}");
            assert_eq!(s.db.travel_times().await.unwrap(), held, "{backend:?} {what}: the previous table is intact");
        }

        // A new good table replaces the old one whole; clearing goes back to none.
        let fewer: Vec<Minutes> = rows.iter().map(|r| Minutes { minutes: r.minutes + 1.0, ..r.clone() }).collect();
        std::fs::write(dir.path().join("second.csv"), csv_of(&fewer)).unwrap();
        import_file(&s.db, &dir.path().join("second.csv")).await.unwrap();
        assert_eq!(s.db.travel_times().await.unwrap().rows, sorted(fewer), "{backend:?}");
        assert!(s.db.clear_travel_times().await.unwrap());
        assert_eq!(s.db.travel_times().await.unwrap(), Default::default());
        assert!(!s.db.clear_travel_times().await.unwrap(), "nothing left to clear");
    }
}

/// The names the files show, looked up here from the territory and the registry.
struct Looked<'a>(&'a [Place]);

impl Names for Looked<'_> {
    fn commune(&self, code: &str) -> String {
        repere_server::territory::commune_name(code).unwrap().to_owned()
    }
    fn epci(&self, siren: &str) -> String {
        repere_server::territory::epcis()[siren].clone()
    }
    fn place(&self, id: &str) -> String {
        self.0.iter().find(|p| p.id == id).unwrap().nom.clone()
    }
}

async fn get(s: &Server, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = axum::http::Request::get(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
    let response = s.app.clone().oneshot(request).await.unwrap();
    let disposition = response.headers().get("content-disposition").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (response.status(), disposition, response.into_body().collect().await.unwrap().to_bytes().to_vec())
}

#[tokio::test]
async fn coordinators_read_the_table_and_download_the_cores_rows() {
    let dir = tempfile::tempdir().unwrap();
    for s in servers().await {
        let backend = s.db.backend();
        let coordinator = s.coordinator(&[]).await.0;
        let (status, none) = s.call("GET", "/api/v1/coverage/times", Some(&coordinator), Body::empty()).await;
        assert_eq!((status, none), (StatusCode::OK, json!({ "imported_at": null, "source": null, "rows": [] })), "{backend:?}");

        let (places, _) = s.db.current_places().await.unwrap();
        let rows = good_rows(&places);
        std::fs::write(dir.path().join("osrm.csv"), csv_of(&rows)).unwrap();
        import_file(&s.db, &dir.path().join("osrm.csv")).await.unwrap();
        let (_, times) = s.call("GET", "/api/v1/coverage/times", Some(&coordinator), Body::empty()).await;
        assert_eq!(times["source"], "osrm.csv");
        assert!(times["imported_at"].as_str().unwrap().ends_with('Z'), "{times}");
        let expected: Vec<Value> = sorted(rows.clone()).iter().map(|r| json!([r.code_insee, r.place_id, r.minutes])).collect();
        assert_eq!(times["rows"], json!(expected), "{backend:?}");

        // The core's rows for the same selection, places and table (no clock: `heures` is not asked).
        for query in ["", "seuil=15&besoin=demarches", "dispositif=France%20Services&seuil=20"] {
            let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            let selection = Selection::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
            let helps = selection.places(&places, chrono::Utc::now().date_naive());
            let coverage = Coverage::new(communes(), &helps, TravelTable::new(&rows, communes(), &helps));
            let access = coverage.access();
            let core = commune_rows(&coverage, &access, f64::from(selection.threshold), &Looked(&places));
            let (status, disposition, csv) = get(&s, &coordinator, &format!("/api/v1/export/couverture.csv?{query}")).await;
            assert_eq!(status, StatusCode::OK, "{backend:?} {query}");
            assert!(disposition.starts_with("attachment; filename=\"repere_couverture_") && disposition.ends_with(".csv\""));
            let mut reader = csv::Reader::from_reader(csv.as_slice());
            assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), repere_core::coverage::COMMUNE_COLUMNS);
            let got: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
            let want: Vec<Vec<String>> = core.iter().map(|r| r.iter().map(|c| c.to_text().into_owned()).collect()).collect();
            assert_eq!(got, want, "{backend:?} {query}");
            assert!(got.iter().any(|r| r[8] == "tableau de temps importé"), "{query}: the imported times are used");
        }
        let (status, disposition, xlsx) = get(&s, &coordinator, "/api/v1/export/couverture.xlsx?seuil=12").await;
        assert_eq!(status, StatusCode::OK);
        assert!(disposition.ends_with(".xlsx\"") && xlsx.starts_with(b"PK"), "{disposition}");

        for (query, field) in [
            ("seuil=0", "seuil"),
            ("besoin=manger", "besoin"),
            ("heures=200", "heures"),
            ("dispositif=X", "dispositif"),
            ("nom=Dupont", "couverture"),
        ] {
            for path in ["/api/v1/export/couverture.csv", "/api/v1/export/couverture.xlsx"] {
                let (status, answer) = s.call("GET", &format!("{path}?{query}"), Some(&coordinator), Body::empty()).await;
                assert_eq!((status, answer["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_filter")), "{query}: {answer}");
                assert!(answer["error"]["message"].as_str().unwrap().starts_with(&format!("{field} : ")), "{query}: {answer}");
            }
        }
    }
}
