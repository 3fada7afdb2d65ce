//! The place picker: a place of the registry, found by typing words of its name or commune.

use leptos::prelude::*;

/// Picks a place of the registry by typing words of its name or commune; suggestions are buttons.
/// `chosen` is the place's id; `choose` sets it (`None`: "Changer").
#[component]
pub fn PlacePicker(
    label: &'static str,
    id: &'static str,
    #[prop(into)] chosen: Signal<Option<String>>,
    choose: Callback<Option<String>>,
) -> impl IntoView {
    let registry = expect_context::<crate::registry::Registry>();
    let query = RwSignal::new(String::new());
    let name_of = move |place_id: &str| {
        registry
            .finder()
            .and_then(|f| f.place(place_id).map(|p| format!("{}, {}", p.nom, p.commune)))
            .unwrap_or_else(|| place_id.to_owned())
    };
    let suggestions = move || {
        let q = query.get();
        if q.trim().chars().count() < 2 {
            return Vec::new();
        }
        registry
            .finder()
            .map(|f| f.by_name(&q, 5).into_iter().map(|p| (p.id.clone(), format!("{}, {}", p.nom, p.commune))).collect())
            .unwrap_or_default()
    };
    view! {
        {move || match chosen.get() {
            Some(place_id) => view! {
                <p class="field">{label}</p>
                <p>{format!("Choisi : {}", name_of(&place_id))} " "
                    <button type="button" class="secondary" on:click=move |_| choose.run(None)>"Changer"</button>
                </p>
            }.into_any(),
            None => view! {
                <label class="field" for=id>{label}</label>
                <input id=id type="text" prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev)) />
                <ul class="suggestions" role="list">
                    {move || suggestions().into_iter().map(|(place_id, text)| view! {
                        <li><button type="button" on:click=move |_| choose.run(Some(place_id.clone()))>{text}</button></li>
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}
