//! A place's own update page, `/lieu/{id}/mise-a-jour?code=…` (issue #15): the link
//! `repere-server place-link ID` prints opens it.
//!
//! Rendered here as plain HTML with no script, so it works on any phone and adds nothing to the
//! residents' bundle; the form posts `application/x-www-form-urlencoded` back to the same
//! address. The page carries its own Content-Security-Policy, stricter than the app's: nothing
//! but its one inline style (allowed by hash) and posting to this origin. The residents' service
//! worker lets these addresses through to the network (`assets/sw.js`).
//!
//! Every request counts against its address's allowance before the code is looked at
//! ([`Throttle::place_link`](crate::throttle::Throttle::place_link)); a wrong, renewed or
//! incomplete code is a 403 page, an unknown place a 404 page, both in plain French.
//! « Rien n’a changé » and « Enregistrer » publish at once ([`Database::publish_place_update`])
//! then redirect to the page with a thank-you, so reloading it posts nothing twice.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::LazyLock;

use axum::Router;
use axum::extract::{Path, Request, State as AxumState};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};

use crate::State;
use crate::listen::client_ip;
use crate::place_form::{Action, FIELDS, Input, Problems, Submission, apply, shown};
use crate::places::{Current, Kind, Published};

/// A form is a few hundred bytes; anything much larger is not one.
const MAX_FORM_BYTES: usize = 16 * 1024;

// Who `Database::publish_place_update` records (the moderation queue lists these updates for review).
use crate::moderation::BY_PLACE;

const STYLE: &str = include_str!("place_page.css");

/// The page's own policy: its inline style by hash, forms to this origin, nothing else.
static POLICY: LazyLock<HeaderValue> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    let value = format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&value).expect("ASCII")
});

pub fn routes() -> Router<State> {
    Router::new().route("/lieu/{id}/mise-a-jour", get(show).post(submit))
}

/// `GET`: the form with the place's current values (and a thank-you after an update).
async fn show(AxumState(state): AxumState<State>, Path(id): Path<String>, request: Request) -> Response {
    let query = Query::of(request.uri());
    let current = match open(&state, &id, &query, client_ip(&request)).await {
        Ok(current) => current,
        Err(refusal) => return refusal,
    };
    let notice = match query.merci.as_deref() {
        Some("confirmation") => Notice::Thanks("Merci ! La date de vos informations est maintenant celle d’aujourd’hui."),
        Some("changement") => Notice::Thanks("Merci ! Vos changements sont publiés : les habitants les voient dès maintenant."),
        _ => Notice::None,
    };
    let values = shown(&current.place);
    form_page(StatusCode::OK, &id, &query.code, &current, &values, &notice)
}

/// `POST`: « Rien n’a changé » or « Enregistrer ».
async fn submit(AxumState(state): AxumState<State>, Path(id): Path<String>, request: Request) -> Response {
    let query = Query::of(request.uri());
    let current = match open(&state, &id, &query, client_ip(&request)).await {
        Ok(current) => current,
        Err(refusal) => return refusal,
    };
    let Ok(body) = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES).await else {
        return message(StatusCode::PAYLOAD_TOO_LARGE, "Formulaire trop long", "Raccourcissez vos textes, puis enregistrez à nouveau.");
    };
    let Some(submission) = Submission::parse(&body) else {
        return message(StatusCode::BAD_REQUEST, "Formulaire incomplet", "Rouvrez le lien que vous avez reçu, puis recommencez.");
    };
    if submission.version != current.version {
        return conflict(&id, &query.code, &current, &submission.values);
    }
    let today = repere_core::date::paris_time(chrono::Utc::now().naive_utc()).date();
    let (place, changes) = match submission.action {
        Action::Confirm => (repere_core::registry::Place { date_maj: today, ..current.place.clone() }, serde_json::json!({})),
        Action::Save => match apply(&current.place, &submission.values, today) {
            Ok(done) => done,
            Err(problems) => {
                return form_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &id,
                    &query.code,
                    &current,
                    &submission.values,
                    &Notice::Problems(problems),
                );
            }
        },
    };
    let kind = if changes.as_object().is_some_and(|c| c.is_empty()) { Kind::Confirmation } else { Kind::Change };
    match state.db.publish_place_update(&place, current.version, kind, BY_PLACE).await {
        Ok(Published::Done { version }) => {
            tracing::info!(place = %id, version, kind = ?kind, "place updated through its link");
            let merci = if kind == Kind::Change { "changement" } else { "confirmation" };
            let to = format!("{}&merci={merci}", address(&id, &query.code));
            (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
        }
        Ok(Published::Conflict) => match state.db.current_place(&id).await {
            Ok(Some(newer)) => conflict(&id, &query.code, &newer, &submission.values),
            Ok(None) => gone(),
            Err(e) => unavailable(&e),
        },
        Err(e) => unavailable(&e),
    }
}

/// The query string: the code, and the thank-you the page shows after an update.
struct Query {
    code: String,
    merci: Option<String>,
}

impl Query {
    fn of(uri: &Uri) -> Query {
        let mut query = Query { code: String::new(), merci: None };
        for (key, value) in form_urlencoded::parse(uri.query().unwrap_or("").as_bytes()) {
            match key.as_ref() {
                "code" => query.code = value.chars().take(100).collect(),
                "merci" => query.merci = Some(value.into_owned()),
                _ => {}
            }
        }
        query
    }
}

/// The place this link opens, or the page refusing it.
async fn open(state: &State, id: &str, query: &Query, ip: std::net::IpAddr) -> Result<Current, Response> {
    if let Err(wait) = state.throttle.place_link(ip) {
        let mut page = message(
            StatusCode::TOO_MANY_REQUESTS,
            "Trop d’essais",
            &format!("Attendez {} secondes, puis rouvrez le lien.", wait.as_secs().max(1)),
        );
        page.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
        return Err(page);
    }
    if query.code.is_empty() {
        return Err(refused());
    }
    match state.db.place_for_link(id, &query.code).await {
        Ok(Some(current)) => Ok(current),
        Ok(None) => match state.db.current_place(id).await {
            Ok(Some(_)) => Err(refused()),
            Ok(None) => Err(gone()),
            Err(e) => Err(unavailable(&e)),
        },
        Err(e) => Err(unavailable(&e)),
    }
}

fn refused() -> Response {
    message(
        StatusCode::FORBIDDEN,
        "Ce lien ne marche pas",
        "Il est incomplet, ou un lien plus récent l’a remplacé. Demandez un nouveau lien à la personne qui vous l’a envoyé.",
    )
}

fn gone() -> Response {
    message(StatusCode::NOT_FOUND, "Lieu introuvable", "Ce lieu n’est pas (ou plus) dans le registre. Vérifiez le lien reçu.")
}

fn unavailable(e: &sqlx::Error) -> Response {
    tracing::error!(error = %e, "a place's update page could not read or write the database");
    message(StatusCode::SERVICE_UNAVAILABLE, "Service indisponible", "Réessayez dans quelques minutes : rien n’a été perdu.")
}

/// Characters written as they are in a link: letters, digits and URL's unreserved `-_.~`.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// The path and query of a place's update page, for its id and code (the link the command
/// prints after the server's address, and where the form posts back).
pub fn address(id: &str, code: &str) -> String {
    format!("/lieu/{}/mise-a-jour?code={}", utf8_percent_encode(id, UNRESERVED), utf8_percent_encode(code, UNRESERVED))
}

/// What the form says above its fields.
enum Notice {
    None,
    Thanks(&'static str),
    Problems(Problems),
    /// The place changed meanwhile: its newer values are shown; these are what the person typed.
    Conflict(HashMap<&'static str, String>),
}

fn conflict(id: &str, code: &str, newer: &Current, typed: &HashMap<&'static str, String>) -> Response {
    form_page(StatusCode::CONFLICT, id, code, newer, &shown(&newer.place), &Notice::Conflict(typed.clone()))
}

fn form_page(
    status: StatusCode,
    id: &str,
    code: &str,
    current: &Current,
    values: &HashMap<&'static str, String>,
    notice: &Notice,
) -> Response {
    let place = &current.place;
    let mut html = String::new();
    let date = repere_core::date::french_date(place.date_maj);
    let _ = write!(
        html,
        "<h1>{}</h1><p class=\"where\">{}</p><p>Ces informations sont montrées aux habitants de la Vienne. \
         Sont-elles toujours justes ?</p><p class=\"date\">Vérifiées le {date}.</p>",
        esc(&place.nom),
        esc(&format!("{}, {} {}", place.adresse, place.code_postal, place.commune)),
    );
    let problem = |field: &str| match notice {
        Notice::Problems(problems) => problems.iter().find(|(f, _)| *f == field).map(|(_, reason)| reason.as_str()),
        _ => None,
    };
    match notice {
        Notice::None => {}
        Notice::Thanks(text) => {
            let _ = write!(html, "<p class=\"thanks\" role=\"status\">{}</p>", esc(text));
        }
        Notice::Problems(problems) => {
            let _ = write!(html, "<div class=\"problems\" role=\"alert\"><h2>Rien n’est publié : à corriger</h2><ul>");
            for field in FIELDS.iter().filter(|f| problems.iter().any(|(p, _)| p == &f.name)) {
                let _ = write!(html, "<li><a href=\"#f-{0}\">{1}</a></li>", field.name, esc(field.label));
            }
            for (_, reason) in problems.iter().filter(|(f, _)| f.is_empty()) {
                let _ = write!(html, "<li>{}</li>", esc(reason));
            }
            html.push_str("</ul></div>");
        }
        Notice::Conflict(_) => html.push_str(
            "<div class=\"problems\" role=\"alert\"><h2>Ces informations viennent de changer</h2>\
             <p>Quelqu’un les a modifiées pendant que vous les lisiez. Voici les plus récentes : \
             vérifiez-les, puis choisissez de nouveau.</p></div>",
        ),
    }
    let _ = write!(
        html,
        "<form method=\"post\" action=\"{}\" novalidate><input type=\"hidden\" name=\"version\" value=\"{}\">\
         <button class=\"main\" name=\"action\" value=\"rien\">Rien n’a changé</button>\
         <p class=\"or\">Sinon, corrigez ce qui a changé, puis appuyez sur « Enregistrer ».</p>",
        esc(&address(id, code)),
        current.version
    );
    for field in &FIELDS {
        let value = values.get(field.name).map_or("", String::as_str);
        let typed = match notice {
            Notice::Conflict(typed) => typed.get(field.name).filter(|t| t.as_str() != value).map(String::as_str),
            _ => None,
        };
        field_html(&mut html, field, value, problem(field.name), typed);
    }
    html.push_str(
        "<button class=\"save\" name=\"action\" value=\"enregistrer\">Enregistrer</button></form>\
         <p class=\"small\">Ce que vous enregistrez est publié tout de suite, puis relu par le Département de la Vienne.</p>",
    );
    respond(status, &format!("Mise à jour : {}", place.nom), &html)
}

fn field_html(html: &mut String, field: &crate::place_form::Field, value: &str, problem: Option<&str>, typed: Option<&str>) {
    let name = field.name;
    let mut described = Vec::new();
    let mut notes = String::new();
    if let Some(help) = field.help {
        let _ = write!(notes, "<p class=\"help\" id=\"h-{name}\">{}</p>", esc(help));
        described.push(format!("h-{name}"));
    }
    if let Some(typed) = typed {
        let _ = write!(notes, "<p class=\"help\" id=\"t-{name}\">Vous aviez écrit : {}</p>", esc(typed));
        described.push(format!("t-{name}"));
    }
    if let Some(problem) = problem {
        let _ = write!(notes, "<p class=\"error\" id=\"e-{name}\">{}</p>", esc(problem));
        described.push(format!("e-{name}"));
    }
    let aria = if described.is_empty() { String::new() } else { format!(" aria-describedby=\"{}\"", described.join(" ")) };
    let invalid = if problem.is_some() { " aria-invalid=\"true\"" } else { "" };
    let label = esc(field.label);
    let chosen: Vec<&str> = value.split('|').collect();
    let value = esc(value);
    let _ = match field.input {
        Input::Choices(choices) => {
            let _ = write!(html, "<fieldset class=\"field\" id=\"f-{name}\"{aria}><legend>{label}</legend>{notes}");
            for (i, choice) in choices().into_iter().enumerate() {
                let checked = if chosen.contains(&choice) { " checked" } else { "" };
                let _ = write!(
                    html,
                    "<label class=\"choice\" for=\"f-{name}-{i}\"><input type=\"checkbox\" id=\"f-{name}-{i}\" name=\"{name}\" \
                     value=\"{0}\"{checked}> {0}</label>",
                    esc(choice)
                );
            }
            write!(html, "</fieldset>")
        }
        Input::Area => write!(
            html,
            "<div class=\"field\"><label for=\"f-{name}\">{label}</label>{notes}\
             <textarea id=\"f-{name}\" name=\"{name}\" rows=\"3\"{aria}{invalid}>{value}</textarea></div>"
        ),
        input => {
            let (kind, complete) = match input {
                Input::Tel => ("tel", " autocomplete=\"tel\""),
                Input::Email => ("email", " autocomplete=\"email\""),
                Input::Url => ("url", " autocomplete=\"url\""),
                _ => ("text", ""),
            };
            write!(
                html,
                "<div class=\"field\"><label for=\"f-{name}\">{label}</label>{notes}\
                 <input id=\"f-{name}\" name=\"{name}\" type=\"{kind}\" value=\"{value}\"{complete}{aria}{invalid}></div>"
            )
        }
    };
}

/// A page with one message (refusals, errors).
fn message(status: StatusCode, title: &str, text: &str) -> Response {
    respond(status, title, &format!("<h1>{}</h1><p>{}</p>", esc(title), esc(text)))
}

fn respond(status: StatusCode, title: &str, main: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
         <title>{} — Repère</title><style>{STYLE}</style></head><body><main>{main}</main></body></html>",
        esc(title)
    );
    let mut response = (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::CONTENT_SECURITY_POLICY, POLICY.clone());
    response
}

/// Text made safe inside HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
