//! The form's inputs, compact for a phone: choices are chips in a grid and durations a
//! segmented control, each a real radio button or checkbox under its chip (a `fieldset` and
//! its `legend` name the group), so keyboards and screen readers use them as usual.

use leptos::prelude::*;
use repere_core::activity::DURATION_PRESETS;
use repere_core::registry::Label;

/// One value among those of a taxonomy, as chips over radio buttons.
pub fn chips_one<T: Label + Send + Sync>(
    legend: &'static str,
    name: &'static str,
    values: &'static [T],
    chosen: impl Fn() -> Option<T> + Copy + Send + Sync + 'static,
    choose: impl Fn(T) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <fieldset class="chips">
            <legend>{legend}</legend>
            <div class="grid">
                {values.iter().map(|&v| view! {
                    <label class="chip">
                        <input type="radio" name=name prop:checked=move || chosen() == Some(v) on:change=move |_| choose(v) />
                        <span>{v.label()}</span>
                    </label>
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// Several values of a taxonomy, as chips over checkboxes.
pub fn chips_many<T: Label + Send + Sync>(
    legend: &'static str,
    values: &'static [T],
    has: impl Fn(T) -> bool + Copy + Send + Sync + 'static,
    toggle: impl Fn(T) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <fieldset class="chips">
            <legend>{legend}</legend>
            <div class="grid">
                {values.iter().map(|&v| view! {
                    <label class="chip">
                        <input type="checkbox" prop:checked=move || has(v) on:change=move |_| toggle(v) />
                        <span>{v.label()}</span>
                    </label>
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// The national form's durations, as one row of segments.
pub fn durations(
    chosen: impl Fn() -> u16 + Copy + Send + Sync + 'static,
    choose: impl Fn(u16) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <fieldset class="chips">
            <legend>"Durée"</legend>
            <div class="segmented">
                {DURATION_PRESETS.into_iter().map(|d| view! {
                    <label class="chip">
                        <input type="radio" name="duree" prop:checked=move || chosen() == d on:change=move |_| choose(d) />
                        <span>{duration_label(d)}</span>
                    </label>
                }).collect_view()}
            </div>
        </fieldset>
    }
}

fn duration_label(minutes: u16) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m}"),
    }
}

/// A count per value (workshop participants).
pub fn counts<T: Label + Send + Sync>(
    legend: &'static str,
    prefix: &'static str,
    values: &'static [T],
    count: impl Fn(usize) -> u16 + Copy + Send + Sync + 'static,
    set: impl Fn(usize, u16) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <fieldset class="chips">
            <legend>{legend}</legend>
            {values.iter().enumerate().map(|(i, v)| {
                let id = format!("{prefix}-{i}");
                view! {
                    <label class="count" for=id.clone()>{v.label()}</label>
                    <input id=id type="number" min="0" inputmode="numeric" prop:value=move || count(i).to_string()
                        on:input=move |ev| set(i, event_target_value(&ev).parse().unwrap_or(0)) />
                }
            }).collect_view()}
        </fieldset>
    }
}
