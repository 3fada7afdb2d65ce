//! The poster page (`/affiche/`, issue #16): a place's or a stop's poster with its QR code,
//! printed from the phone. Its whole text is in the address's fragment, written by the sheet
//! (`repere_core::poster`), so this bundle needs neither Leptos, nor the registry, nor the
//! translation table: a few kilobytes, precached with the residents' app so that a poster is
//! made offline. Empty natively, like `src/main.rs`.

#[cfg(target_arch = "wasm32")]
fn main() {
    use repere_core::poster::{Poster, qr_svg};

    let window = web_sys::window().expect("a browser window");
    let document = window.document().expect("a document");
    let fragment = window.location().hash().unwrap_or_default();
    let origin = window.location().origin().unwrap_or_default();
    // Only a sheet of this Repère goes in the code: an address made elsewhere could otherwise
    // print a code leading anywhere under Repère's name. The page's static text says what to do.
    let Ok(poster) = Poster::from_fragment(&fragment) else { return };
    if !poster.link.starts_with(&format!("{origin}/#/")) {
        return;
    }
    let Some(svg) = qr_svg(&poster.link) else { return };
    let Some(main) = document.get_element_by_id("contenu") else { return };
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("lang", &poster.lang);
        let _ = html.set_attribute("dir", if poster.is_rtl() { "rtl" } else { "ltr" });
    }
    document.set_title(&poster.title);
    main.set_inner_html("");
    // Text is set as text, never as markup: it comes from an address anyone can write.
    let add = |parent: &web_sys::Element, tag: &str, class: &str, text: &str| {
        let element = document.create_element(tag).expect("an element");
        element.set_class_name(class);
        element.set_text_content(Some(text));
        let _ = parent.append_child(&element);
        element
    };
    if !poster.subtitle.is_empty() {
        add(&main, "p", "poster-kind", &poster.subtitle);
    }
    add(&main, "h1", "poster-title", &poster.title);
    let lines = add(&main, "ul", "poster-lines", "");
    for line in &poster.lines {
        add(&lines, "li", "", line);
    }
    if let Some(phone) = &poster.phone {
        add(&main, "p", "poster-phone", phone);
    }
    let figure = add(&main, "figure", "poster-code", "");
    let code = add(&figure, "div", "poster-qr", "");
    code.set_inner_html(&svg);
    let caption = add(&figure, "figcaption", "", &poster.scan);
    add(&caption, "span", "poster-link", &poster.link);
    let button = add(&main, "button", "poster-print", &poster.print);
    let _ = button.set_attribute("type", "button");
    gloo_events::EventListener::new(&button, "click", move |_| {
        let _ = window.print();
    })
    .forget();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
