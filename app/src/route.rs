//! Where the person is in the app, kept in the address's `#` part so that the phone's back
//! button, reload and bookmarks work, offline too (the server only ever serves `/`).
//!
//! - `#/` home; `#/resultats?commune=86070` or `#/resultats?lat=46.4&lon=0.87` results;
//! - `#/lieu/<id>` a place's sheet; `#/carte` the map;
//! - `#/mediation`, the mediators' space before it had its own page: sent on to `/mediation/`.

use leptos::prelude::*;
use repere_core::proximity::LatLon;

#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    Home,
    Results(Origin),
    Place(String),
    Map,
    /// The mediators' space's old address (now a page of its own, `/mediation/`).
    Mediation,
}

/// Where results are measured from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A commune's centre, by code INSEE.
    Commune(String),
    /// The device's position.
    Point(LatLon),
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#');
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let param = |name: &str| query.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='));
        match path.trim_end_matches('/') {
            "/resultats" => {
                if let Some(code) = param("commune") {
                    return Route::Results(Origin::Commune(code.to_owned()));
                }
                match (param("lat").and_then(|v| v.parse().ok()), param("lon").and_then(|v| v.parse().ok())) {
                    (Some(lat), Some(lon)) => Route::Results(Origin::Point(LatLon { lat, lon })),
                    _ => Route::Home,
                }
            }
            "/carte" => Route::Map,
            "/mediation" => Route::Mediation,
            p => match p.strip_prefix("/lieu/") {
                Some(id) if !id.is_empty() => Route::Place(decode(id)),
                _ => Route::Home,
            },
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Results(Origin::Commune(code)) => format!("#/resultats?commune={code}"),
            Route::Results(Origin::Point(p)) => {
                format!("#/resultats?lat={:.5}&lon={:.5}", p.lat, p.lon)
            }
            Route::Place(id) => format!("#/lieu/{}", js_sys::encode_uri_component(id)),
            Route::Map => "#/carte".into(),
            Route::Mediation => "#/mediation".into(),
        }
    }
}

fn decode(text: &str) -> String {
    js_sys::decode_uri_component(text).ok().and_then(|s| s.as_string()).unwrap_or_else(|| text.to_owned())
}

/// The address's `#…`, which every space routes on.
pub(crate) fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The current route, following the address.
pub fn follow() -> ReadSignal<Route> {
    let (route, set_route) = signal(Route::parse(&current_hash()));
    let _ = window_event_listener(leptos::ev::hashchange, move |_| set_route.set(Route::parse(&current_hash())));
    route
}

/// Goes to `route`, as a new step of the history (so "back" returns).
pub fn go(route: &Route) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_hash(&route.href());
    }
}
