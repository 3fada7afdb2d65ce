//! A place updating itself through its secret link (issue #15): the link's code hashed and
//! renewable, the page for good and bad codes, « Rien n’a changé » and « Enregistrer » published
//! at once as a version a phone pulls, bad values refused field by field with nothing published,
//! stale forms never overwriting newer data, guesses rate-limited — on each backend.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use repere_server::place_form::{FIELDS, Input, shown};
use repere_server::place_page::address;
use repere_server::places::LinkError;
use repere_server::throttle::PLACE_LINK_TRIES_PER_ADDRESS_PER_MINUTE;
use serde_json::{Value, json};
use tower::ServiceExt;

mod common;

use common::api::{Server, servers};

/// A place of the bundled registry with a phone, a schedule and an e-mail.
const PLACE: &str = "france-services-2842";

/// Every request comes from a new address unless a test gives one: the allowance per address
/// is tested on its own.
fn fresh_ip() -> IpAddr {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    IpAddr::from(0x0a00_0000u32.wrapping_add(NEXT.fetch_add(1, Ordering::Relaxed)).to_be_bytes())
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    html: String,
}

async fn request(server: &Server, method: &str, uri: &str, form: Option<String>, ip: IpAddr) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    if form.is_some() {
        request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    }
    let mut request = request.body(form.map_or_else(Body::empty, Body::from)).unwrap();
    request.extensions_mut().insert(ConnectInfo(SocketAddr::new(ip, 40000)));
    let response = server.app.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let html = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
    Answer { status, headers, html }
}

async fn get(server: &Server, uri: &str) -> Answer {
    request(server, "GET", uri, None, fresh_ip()).await
}

async fn post(server: &Server, uri: &str, form: String) -> Answer {
    request(server, "POST", uri, Some(form), fresh_ip()).await
}

/// The form as the page fills it (the place's values now, its version), `action`, and `edits`.
async fn form(server: &Server, action: &str, edits: &[(&str, &str)]) -> (String, u64) {
    let current = server.db.current_place(PLACE).await.unwrap().unwrap();
    let mut values = shown(&current.place);
    for (name, value) in edits {
        values.insert(values.keys().find(|k| *k == name).copied().unwrap(), value.to_string());
    }
    (encode(action, current.version, &values), current.version)
}

fn encode(action: &str, version: u64, values: &HashMap<&'static str, String>) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("version", &version.to_string()).append_pair("action", action);
    for field in &FIELDS {
        let value = values.get(field.name).map_or("", String::as_str);
        if matches!(field.input, Input::Choices(_)) {
            for one in value.split('|').filter(|v| !v.is_empty()) {
                form.append_pair(field.name, one);
            }
        } else {
            form.append_pair(field.name, value);
        }
    }
    form.finish()
}

/// The places a phone at `since` pulls, by id.
async fn pulled(server: &Server, since: u64) -> (u64, Vec<Value>) {
    let (status, body) = server.call("GET", &format!("/api/v1/registry?since={since}"), None, Body::empty()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (body["version"].as_u64().unwrap(), body["places"].as_array().unwrap().clone())
}

fn today() -> String {
    repere_core::date::paris_time(chrono::Utc::now().naive_utc()).date().format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn a_link_opens_the_page_until_it_is_renewed_and_bad_links_get_a_french_page() {
    for server in servers().await {
        eprintln!("backend: {:?}", server.db.backend());
        let first = server.db.create_place_link(PLACE).await.unwrap();
        assert!(first.len() == 32 && first.bytes().all(|b| b.is_ascii_hexdigit()), "128 bits in hex: {first}");
        let page = get(&server, &address(PLACE, &first)).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.html.contains("<h1>France services de Bonneuil-Matours</h1>") && page.html.contains("Rien n’a changé"),
            "{}",
            page.html
        );
        assert!(page.html.contains("name=\"telephone\" type=\"tel\" value=\"09 74 36 99 70\""), "the phone as people write it");
        let policy = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(policy.starts_with("default-src 'none'; style-src 'sha256-") && !policy.contains("unsafe"), "{policy}");
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");

        // Renewed: the old code fails, the new one works.
        let second = server.db.create_place_link(PLACE).await.unwrap();
        assert_ne!(first, second);
        let old = get(&server, &address(PLACE, &first)).await;
        assert_eq!(old.status, StatusCode::FORBIDDEN);
        assert!(old.html.contains("Ce lien ne marche pas"), "{}", old.html);
        assert_eq!(get(&server, &address(PLACE, &second)).await.status, StatusCode::OK);

        // Only hashes are stored.
        let stored: Vec<(String, String)> =
            sqlx::query_as("SELECT place_id, code_hash FROM place_links").fetch_all(server.db.pool()).await.unwrap();
        assert_eq!(stored, vec![(PLACE.to_owned(), repere_server::auth::hash(&second))]);

        // Another place's code, no code, a code of the wrong place, an unknown place.
        let other = "conseiller-numerique-62d7f4be9c289e06decf00a6";
        for (uri, status) in [
            (format!("/lieu/{PLACE}/mise-a-jour"), StatusCode::FORBIDDEN),
            (format!("/lieu/{PLACE}/mise-a-jour?code="), StatusCode::FORBIDDEN),
            (address(PLACE, &second.to_uppercase()), StatusCode::FORBIDDEN),
            (address(other, &second), StatusCode::FORBIDDEN),
            (address("lieu-qui-n-existe-pas", "00"), StatusCode::NOT_FOUND),
        ] {
            let page = get(&server, &uri).await;
            assert_eq!(page.status, status, "{uri}");
            assert!(page.html.starts_with("<!doctype html><html lang=\"fr\">") && page.html.contains("<h1>"), "{uri}: {}", page.html);
        }
        match server.db.create_place_link("lieu-qui-n-existe-pas").await {
            Err(LinkError::UnknownPlace(id)) => assert_eq!(id, "lieu-qui-n-existe-pas"),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn nothing_changed_publishes_a_version_carrying_only_that_place_dated_today() {
    for server in servers().await {
        eprintln!("backend: {:?}", server.db.backend());
        let code = server.db.create_place_link(PLACE).await.unwrap();
        let old_date = server.db.current_place(PLACE).await.unwrap().unwrap().place.date_maj.to_string();
        let (body, from) = form(&server, "rien", &[]).await;
        let held = server.db.registry_version().await.unwrap();
        let answer = post(&server, &address(PLACE, &code), body).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
        assert_eq!(answer.headers[header::LOCATION], format!("{}&merci=confirmation", address(PLACE, &code)));
        let (version, places) = pulled(&server, held).await;
        assert_eq!(version, held + 1);
        assert_eq!(places.len(), 1, "only that place");
        assert_eq!((places[0]["id"].as_str(), places[0]["date_maj"].as_str()), (Some(PLACE), Some(today().as_str())));
        let thanks = get(&server, &format!("{}&merci=confirmation", address(PLACE, &code))).await;
        assert!(thanks.html.contains("Merci !"), "{}", thanks.html);

        let log = server.db.recent_place_updates(12).await.unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!((log[0].kind.as_str(), log[0].made_by.as_str()), ("confirmation", "place"));
        assert_eq!(log[0].changes, json!({"date_maj": {"old": old_date, "new": today()}}), "only the date moved");
        assert_eq!((log[0].version, log[0].reviewed, from < version), (version, false, true));

        // Confirmed again the same day: logged, nothing new for phones.
        let (body, _) = form(&server, "rien", &[]).await;
        assert_eq!(post(&server, &address(PLACE, &code), body).await.status, StatusCode::SEE_OTHER);
        assert_eq!(server.db.registry_version().await.unwrap(), version);
        assert_eq!(server.db.recent_place_updates(12).await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn bad_values_are_refused_next_to_their_field_and_nothing_is_published() {
    for server in servers().await {
        eprintln!("backend: {:?}", server.db.backend());
        let code = server.db.create_place_link(PLACE).await.unwrap();
        let held = server.db.registry_version().await.unwrap();
        let edits =
            [("telephone", "05 49"), ("courriels", "accueil.bonneuil.fr"), ("horaires", "lundi matin"), ("site_web", "www.bonneuil.fr")];
        let (body, _) = form(&server, "enregistrer", &edits).await;
        let page = post(&server, &address(PLACE, &code), body).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        for (field, says) in [("telephone", "10 chiffres"), ("courriels", "adresse e-mail attendue"), ("horaires", "lundi matin")] {
            let error = format!("<p class=\"error\" id=\"e-{field}\">");
            let at = page.html.find(&error).unwrap_or_else(|| panic!("{field}: {}", page.html));
            assert!(page.html[at..].split("</p>").next().unwrap().contains(says), "{field}");
            assert!(page.html.contains(&format!("aria-describedby=\"h-{field} e-{field}\" aria-invalid=\"true\"")), "{field}");
        }
        assert!(page.html.contains("Rien n’est publié") && page.html.contains("value=\"www.bonneuil.fr\""), "typed values kept");
        assert_eq!(server.db.registry_version().await.unwrap(), held, "nothing published");
        assert!(server.db.recent_place_updates(12).await.unwrap().is_empty(), "nothing logged");
    }
}

#[tokio::test]
async fn a_change_is_published_at_once_logged_old_to_new_and_a_stale_form_never_overwrites_it() {
    for server in servers().await {
        eprintln!("backend: {:?}", server.db.backend());
        let code = server.db.create_place_link(PLACE).await.unwrap();
        let before = server.db.current_place(PLACE).await.unwrap().unwrap();
        let old_phone = before.place.telephone.clone();
        let old_date = before.place.date_maj.to_string();
        // Two forms opened at the same version; the first saved wins.
        let (stale, _) = form(&server, "enregistrer", &[("telephone", "05 49 00 11 22")]).await;
        let (body, from) = form(&server, "enregistrer", &[("telephone", "05 49 99 88 77"), ("prise_rdv", "rdv.bonneuil.fr")]).await;
        let answer = post(&server, &address(PLACE, &code), body).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
        let (version, places) = pulled(&server, from).await;
        assert_eq!((places.len(), places[0]["telephone"].as_str()), (1, Some("+33549998877")));
        assert_eq!(places[0]["prise_rdv"].as_str(), Some("https://rdv.bonneuil.fr"));
        assert_eq!(places[0]["date_maj"].as_str(), Some(today().as_str()));
        let log = server.db.recent_place_updates(12).await.unwrap();
        assert_eq!((log.len(), log[0].kind.as_str(), log[0].version, log[0].reviewed), (1, "change", version, false));
        assert_eq!(
            log[0].changes,
            json!({"telephone": {"old": old_phone, "new": "+33549998877"}, "prise_rdv": {"old": null, "new": "https://rdv.bonneuil.fr"},
                   "date_maj": {"old": old_date, "new": today()}})
        );

        // The stale form: the newer values shown, what was typed recalled, nothing written.
        let conflict = post(&server, &address(PLACE, &code), stale).await;
        assert_eq!(conflict.status, StatusCode::CONFLICT);
        assert!(conflict.html.contains("Ces informations viennent de changer"), "{}", conflict.html);
        assert!(conflict.html.contains("value=\"05 49 99 88 77\"") && conflict.html.contains("Vous aviez écrit : 05 49 00 11 22"));
        assert!(conflict.html.contains(&format!("name=\"version\" value=\"{version}\"")), "the new form is for the newer version");
        assert_eq!(server.db.registry_version().await.unwrap(), version);
        assert_eq!(server.db.current_place(PLACE).await.unwrap().unwrap().place.telephone.as_deref(), Some("+33549998877"));
        // A stale « Rien n’a changé » would date old values: refused the same way.
        let (confirm, _) = form(&server, "rien", &[]).await;
        let confirm = confirm.replace(&format!("version={version}"), &format!("version={from}"));
        assert_eq!(post(&server, &address(PLACE, &code), confirm).await.status, StatusCode::CONFLICT);
        assert_eq!(server.db.recent_place_updates(12).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn guesses_are_limited_per_address_before_the_code_is_looked_at() {
    for server in servers().await {
        eprintln!("backend: {:?}", server.db.backend());
        let code = server.db.create_place_link(PLACE).await.unwrap();
        let guesser: IpAddr = "203.0.113.9".parse().unwrap();
        for i in 0..PLACE_LINK_TRIES_PER_ADDRESS_PER_MINUTE {
            let guess = format!("{i:032x}");
            assert_eq!(request(&server, "GET", &address(PLACE, &guess), None, guesser).await.status, StatusCode::FORBIDDEN);
        }
        // Even the right code: an answer must not tell a guesser he found it.
        let limited = request(&server, "GET", &address(PLACE, &code), None, guesser).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(limited.html.contains("Trop d’essais") && limited.headers.contains_key(header::RETRY_AFTER));
        assert_eq!(request(&server, "POST", &address(PLACE, &code), Some("x".into()), guesser).await.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(get(&server, &address(PLACE, &code)).await.status, StatusCode::OK, "another address is not punished");
    }
}
