//! Entry point of the residents' PWA (`/`). The crate only does something on wasm32; natively
//! this binary is empty so that `cargo test --workspace` builds without Leptos.

#[cfg(target_arch = "wasm32")]
fn main() {
    repere_app::start(repere_app::pages::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
