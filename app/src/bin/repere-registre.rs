//! Entry point of the registry's upkeep (`/registre/`), the coordinators' fourth bundle: the
//! coordination bundle had reached its size target, and only the people who keep the registry
//! open these screens. Empty natively, like `src/main.rs`.

#[cfg(target_arch = "wasm32")]
fn main() {
    repere_app::start(repere_app::pages::registre::RegistreApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
