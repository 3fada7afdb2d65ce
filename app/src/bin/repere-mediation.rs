//! Entry point of the mediators' space (`/mediation/`), a bundle of its own so that residents'
//! phones never download it. Empty natively, like `src/main.rs`.

#[cfg(target_arch = "wasm32")]
fn main() {
    repere_app::start(repere_app::pages::mediation::MediatorApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
