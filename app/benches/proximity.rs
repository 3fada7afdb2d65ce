//! The proximity benchmark in headless Chromium: the same 100,000 points and 1,000 queries as
//! the native bench (which writes them to target/bench/), nearest-10 with and without a filter.
//! Built as shipped (release profile). Run by scripts/bench-proximity, not by `make test`.
#![cfg(target_arch = "wasm32")]

use std::hint::black_box;

use repere_core::proximity::{Index, LatLon};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

static POINTS: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench/generated-100k.points.f64"));
static QUERIES: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/bench/generated-100k.queries.f64"));

fn decode(raw: &[u8]) -> Vec<LatLon> {
    let values: Vec<f64> = raw.chunks_exact(8).map(|b| f64::from_le_bytes(b.try_into().unwrap())).collect();
    values.chunks_exact(2).map(|p| LatLon { lon: p[0], lat: p[1] }).collect()
}

fn now_ms() -> f64 {
    web_sys::window().unwrap().performance().unwrap().now()
}

/// Milliseconds per call: the best of 7 windows of at least 70 ms, each repeating `f` (which
/// makes `calls` calls), as the native and geokdbush sides time it.
fn time_per_call(calls: usize, mut f: impl FnMut()) -> f64 {
    (0..7)
        .map(|_| {
            let start = now_ms();
            let mut rounds = 0;
            while rounds == 0 || now_ms() - start < 70.0 {
                f();
                rounds += 1;
            }
            (now_ms() - start) / (rounds * calls) as f64
        })
        .fold(f64::INFINITY, f64::min)
}

#[wasm_bindgen_test]
fn nearest_10_among_100k_points_in_chromium() {
    let points = decode(POINTS);
    let queries = decode(QUERIES);
    // As in core/benches/proximity.rs: one category in four, the filter asks for the first.
    let entries = || points.iter().enumerate().map(|(i, p)| (i as u32, *p, 1 << (i % 4)));
    let build = time_per_call(1, || drop(black_box(Index::build(entries()))));
    let index = Index::build(entries());
    let plain = time_per_call(queries.len(), || {
        for q in &queries {
            black_box(index.nearest(*q, 10, None, &[], |_| true));
        }
    });
    let filtered = time_per_call(queries.len(), || {
        for q in &queries {
            black_box(index.nearest(*q, 10, None, &[1], |slot| slot % 4 == 0));
        }
    });
    console_log!(
        "wasm-in-chromium generated-100k: points {} build {:.2} ms nearest-10 {:.2} µs filtered {:.2} µs",
        points.len(),
        build,
        plain * 1e3,
        filtered * 1e3
    );
}
