//! Security headers on every answer, and the Content-Security-Policy the app runs under.
//!
//! The policy allows only this origin's files, plus the pages' own inline script and style by
//! their SHA-256 hashes (Trunk inlines the style and writes a small module script that starts
//! the wasm), and `'wasm-unsafe-eval'`, which compiling WebAssembly needs — no
//! `'unsafe-inline'`, no `eval`. The hashes are read from the built pages when the server
//! starts, so a new build needs no change here. The service worker keeps these headers with
//! the pages it caches, so the app runs under the same policy offline.

use std::path::Path;

use axum::http::{HeaderName, HeaderValue, header};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The headers set on every response (the policy's value depends on the built pages).
pub fn headers(dist: &Path) -> Vec<(HeaderName, HeaderValue)> {
    let policy = content_security_policy(&inline_blocks(dist));
    vec![
        (header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&policy).expect("hashes and keywords are ASCII")),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
    ]
}

/// Inline `<script>` and `<style>` blocks of the built pages, as (tag, content).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct InlineBlocks {
    pub scripts: Vec<String>,
    pub styles: Vec<String>,
}

/// The inline blocks of every `*.html` in `dist` and its direct subfolders (`mediation/`).
pub fn inline_blocks(dist: &Path) -> InlineBlocks {
    let mut blocks = InlineBlocks::default();
    let folders = std::iter::once(dist.to_path_buf())
        .chain(std::fs::read_dir(dist).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_dir()));
    let mut pages: Vec<_> = folders
        .flat_map(|folder| std::fs::read_dir(folder).into_iter().flatten().flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    pages.sort();
    for page in pages {
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
}
