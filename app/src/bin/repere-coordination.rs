//! Entry point of the coordinators' space (`/coordination/`), a bundle of its own so that
//! residents' and mediators' phones never download it. Empty natively, like `src/main.rs`.

#[cfg(target_arch = "wasm32")]
fn main() {
    repere_app::start(repere_app::pages::coordination::CoordinatorApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
