//! Where the person is in the app, kept in the address's `#` part so that the phone's back
//! button, reload and bookmarks work, offline too (the server only ever serves `/`).
//!
//! - `#/` home; `#/resultats?commune=86070` or `#/resultats?lat=46.4&lon=0.87` results;
//! - `#/lieu/<id>` a place's sheet; `#/arret/<id>` a tour's stop's sheet; `#/carte` the map;
//! - `#/passages?commune=…&km=10` (or `lat`, `lon`) the tours' next visits within `km` of there
//!   (10 when not given);
//! - `#/mediation`, the mediators' space before it had its own page: sent on to `/mediation/`.

use leptos::prelude::*;
use repere_core::proximity::LatLon;

#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    Home,
    Results(Origin),
    Place(String),
    /// A stop of a tour, by its id.
    Stop(String),
    /// The next visits of stops within this many km of a point.
    Passages(Origin, u32),
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
        let origin = || match (param("commune"), param("lat").and_then(|v| v.parse().ok()), param("lon").and_then(|v| v.parse().ok())) {
            (Some(code), _, _) => Some(Origin::Commune(code.to_owned())),
            (None, Some(lat), Some(lon)) => Some(Origin::Point(LatLon { lat, lon })),
            _ => None,
        };
        let path = path.trim_end_matches('/');
        let id = |prefix: &str| path.strip_prefix(prefix).filter(|id| !id.is_empty()).map(decode);
        match path {
            "/resultats" => origin().map_or(Route::Home, Route::Results),
            "/passages" => origin().map_or(Route::Home, |o| Route::Passages(o, param("km").and_then(|v| v.parse().ok()).unwrap_or(10))),
            "/carte" => Route::Map,
            "/mediation" => Route::Mediation,
            _ => match (id("/lieu/"), id("/arret/")) {
                (Some(id), _) => Route::Place(id),
                (_, Some(id)) => Route::Stop(id),
                _ => Route::Home,
            },
        }
    }

    pub fn href(&self) -> String {
        match self {
            Route::Home => "#/".into(),
            Route::Results(origin) => format!("#/resultats?{}", query(origin)),
            Route::Passages(origin, km) => format!("#/passages?{}&km={km}", query(origin)),
            Route::Place(id) => format!("#/lieu/{}", js_sys::encode_uri_component(id)),
            Route::Stop(id) => format!("#/arret/{}", js_sys::encode_uri_component(id)),
            Route::Map => "#/carte".into(),
            Route::Mediation => "#/mediation".into(),
        }
    }
}

fn query(origin: &Origin) -> String {
    match origin {
        Origin::Commune(code) => format!("commune={code}"),
        Origin::Point(p) => format!("lat={:.5}&lon={:.5}", p.lat, p.lon),
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
