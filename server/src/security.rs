//! Security headers on every answer, and the Content-Security-Policy the app runs under.
//!
//! The policy allows only this origin's files, plus the pages' own inline script and style by
//! their SHA-256 hashes (Trunk inlines the style and writes a small module script that starts
//! the wasm), and `'wasm-unsafe-eval'`, which compiling WebAssembly needs — no
//! `'unsafe-inline'`, no `eval`. The hashes are read from the built pages ([`Policy`]), and
//! read again when a page changes, so a new build needs no change here and no restart. The
//! service worker keeps these headers with the pages it caches, so the app runs under the same
//! policy offline.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::http::{HeaderName, HeaderValue, header};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The headers set on every response besides the policy ([`Policy`]).
pub fn headers() -> Vec<(HeaderName, HeaderValue)> {
    vec![
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
    ]
}

/// The Content-Security-Policy of the pages in `dist`. A release copied into `dist` while the
/// server runs brings new inline script (it names the new wasm's hashed file): a policy kept
/// from the start would then stop the app from starting. So the pages' modification times and
/// sizes are looked at again at most once a second, and the policy recomputed when they changed.
#[derive(Clone)]
pub struct Policy {
    dist: PathBuf,
    cached: Arc<Mutex<Cached>>,
}

struct Cached {
    checked: Instant,
    stamps: Vec<(PathBuf, Option<SystemTime>, u64)>,
    value: HeaderValue,
}

/// How often the pages are looked at again.
const RECHECK: Duration = Duration::from_secs(1);

impl Policy {
    pub fn new(dist: &Path) -> Self {
        let cached = Cached { checked: Instant::now(), stamps: stamps(dist), value: policy_value(dist) };
        Policy { dist: dist.to_path_buf(), cached: Arc::new(Mutex::new(cached)) }
    }

    /// The policy for the pages as they are now.
    pub fn current(&self) -> HeaderValue {
        let mut cached = self.cached.lock().expect("policy lock");
        if cached.checked.elapsed() >= RECHECK {
            cached.checked = Instant::now();
            let now = stamps(&self.dist);
            if now != cached.stamps {
                cached.value = policy_value(&self.dist);
                cached.stamps = now;
            }
        }
        cached.value.clone()
    }
}

fn policy_value(dist: &Path) -> HeaderValue {
    HeaderValue::from_str(&content_security_policy(&inline_blocks(dist))).expect("hashes and keywords are ASCII")
}

/// Each page's path, modification time and size.
fn stamps(dist: &Path) -> Vec<(PathBuf, Option<SystemTime>, u64)> {
    pages(dist)
        .into_iter()
        .map(|page| {
            let meta = std::fs::metadata(&page).ok();
            let modified = meta.as_ref().and_then(|m| m.modified().ok());
            (page, modified, meta.map_or(0, |m| m.len()))
        })
        .collect()
}

/// Inline `<script>` and `<style>` blocks of the built pages, as (tag, content).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct InlineBlocks {
    pub scripts: Vec<String>,
    pub styles: Vec<String>,
}

/// Every `*.html` in `dist` and its direct subfolders (`mediation/`, `coordination/`, `registre/`), in order.
fn pages(dist: &Path) -> Vec<PathBuf> {
    let folders = std::iter::once(dist.to_path_buf())
        .chain(std::fs::read_dir(dist).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_dir()));
    let mut pages: Vec<_> = folders
        .flat_map(|folder| std::fs::read_dir(folder).into_iter().flatten().flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    pages
}

/// The inline blocks of every page in `dist`.
pub fn inline_blocks(dist: &Path) -> InlineBlocks {
    let mut blocks = InlineBlocks::default();
    for page in pages(dist) {
        let Ok(html) = std::fs::read_to_string(&page) else { continue };
        blocks.scripts.extend(inline(&html, "script"));
        blocks.styles.extend(inline(&html, "style"));
    }
    blocks
}

/// The contents of `<tag …>…</tag>` elements that have no `src` attribute.
fn inline(html: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end_of_tag) = after.find('>') else { break };
        let attributes = &after[..end_of_tag];
        let body = &after[end_of_tag + 1..];
        let Some(end) = body.find(&close) else { break };
        // `<scripts>` is another tag; `<script src=…>` has no inline content to allow.
        let same_tag = attributes.is_empty() || attributes.starts_with(char::is_whitespace);
        if same_tag && !attributes.contains("src=") {
            found.push(body[..end].to_owned());
        }
        rest = &body[end + close.len()..];
    }
    found
}

fn hash(content: &str) -> String {
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(content.as_bytes())))
}

/// The policy for pages with these inline blocks.
pub fn content_security_policy(blocks: &InlineBlocks) -> String {
    let hashes = |contents: &[String]| {
        let mut all: Vec<String> = contents.iter().map(|c| hash(c)).collect();
        all.sort();
        all.dedup();
        all.iter().map(|h| format!(" {h}")).collect::<String>()
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'{}; img-src 'self' data:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
        hashes(&blocks.scripts),
        hashes(&blocks.styles)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_blocks_are_found_and_hashed_external_ones_are_not() {
        let html = "<html><head><style>body{margin:0}</style><script src=\"/a.js\"></script>\
                    <script type=\"module\">import init from '/a.js';init();</script><scripts>no</scripts></head></html>";
        let blocks = InlineBlocks { scripts: inline(html, "script"), styles: inline(html, "style") };
        assert_eq!(blocks.scripts, ["import init from '/a.js';init();"]);
        assert_eq!(blocks.styles, ["body{margin:0}"]);
        let policy = content_security_policy(&blocks);
        // `echo -n 'body{margin:0}' | openssl dgst -sha256 -binary | base64`
        assert!(policy.contains("style-src 'self' 'sha256-IAdwN3biDCQ3brrgp1m8kBEsPQYyqfREKOEfeoREopc='"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"), "{policy}");
    }

    /// Regression: the policy was computed once at start, so a release copied into `dist` while
    /// serving (new inline script naming the new wasm) would have been refused by browsers.
    #[test]
    fn a_new_release_copied_in_while_serving_gets_its_own_policy() {
        let dist = tempfile::tempdir().unwrap();
        let page = |script: &str| format!("<html><script type=module>{script}</script></html>");
        std::fs::write(dist.path().join("index.html"), page("import '/app-1.js';")).unwrap();
        let policy = Policy::new(dist.path());
        let first = policy.current();
        std::fs::write(dist.path().join("index.html"), page("import '/app-22.js';")).unwrap();
        assert_eq!(policy.current(), first, "looked at again at most once a second");
        std::thread::sleep(RECHECK);
        let second = policy.current();
        assert_ne!(second, first);
        assert!(second.to_str().unwrap().contains(&hash("import '/app-22.js';")));
    }
}
