//! A place's or a stop's poster, for stands and notice boards (issue #16): printed from the
//! phone, with a QR code that opens the sheet in Repère, made on the device (no server, no
//! network).
//!
//! The poster is a page of its own (`/affiche/`, a small bundle without the app: the residents'
//! bundle is at its size budget), and its whole text travels in its address's fragment, written
//! by the sheet in the reader's language from the translation table ([`Poster::fragment`]) and
//! read back by the poster page ([`Poster::from_fragment`]): the page needs neither the registry
//! nor the table. The fragment never reaches a server.
//!
//! ```
//! use repere_core::poster::{Poster, qr_svg};
//!
//! let poster = Poster {
//!     title: "Bus connecté — Lusignan (marché)".into(),
//!     lines: vec!["mardi 8 décembre, 9 h – 12 h".into()],
//!     link: "https://repere.example/#/arret/bus-lusignan".into(),
//!     ..Poster::default()
//! };
//! assert_eq!(Poster::from_fragment(&poster.fragment()), Ok(poster.clone()));
//! assert!(qr_svg(&poster.link).unwrap().starts_with("<svg"));
//! ```

use std::fmt::Write;

use qrcodegen::{QrCode, QrCodeEcc};

/// What a poster shows. Every text is as the sheet wrote it (place data is never translated;
/// the captions come from the translation table).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Poster {
    /// `fr`, `en`, `ar`: the page's `lang`; Arabic is written right to left.
    pub lang: String,
    pub title: String,
    /// What it is (« Arrêt du bus connecté », the place's kind): may be empty.
    pub subtitle: String,
    /// Address or commune, hours or next visits, one per line.
    pub lines: Vec<String>,
    /// As shown (`05 49 … `).
    pub phone: Option<String>,
    /// The sheet's address, which the QR code holds.
    pub link: String,
    /// The caption under the code (« Scannez pour voir cette fiche »).
    pub scan: String,
    /// The print button's label.
    pub print: String,
}

/// The longest fragment a poster writes: a sheet's text is short, and the QR code of the link
/// must stay readable from a poster on a wall.
const MAX_FRAGMENT: usize = 4000;
/// The longest link encoded: version 10 at level M holds 213 bytes; longer gives finer modules.
const MAX_LINK: usize = 200;

impl Poster {
    /// The fragment (`#…`) of the poster page's address, its values encoded by the WHATWG form
    /// encoding.
    pub fn fragment(&self) -> String {
        self.fragment_with(|value| form_urlencoded::byte_serialize(value.as_bytes()).collect())
    }

    /// [`Poster::fragment`] with another encoder of a value: a phone passes the browser's
    /// `encodeURIComponent`, whose output the form decoding of [`Poster::from_fragment`] reads
    /// alike, and so carries no encoder of its own.
    pub fn fragment_with(&self, encode: impl Fn(&str) -> String) -> String {
        let mut pairs = vec![("lang", self.lang.as_str()), ("titre", &self.title), ("sous", &self.subtitle)];
        pairs.extend(self.lines.iter().map(|line| ("l", line.as_str())));
        pairs.extend(self.phone.iter().map(|phone| ("tel", phone.as_str())));
        pairs.extend([("lien", self.link.as_str()), ("scan", &self.scan), ("imprimer", &self.print)]);
        let pairs: Vec<String> = pairs.into_iter().map(|(key, value)| format!("{key}={}", encode(value))).collect();
        format!("#{}", pairs.join("&"))
    }

    /// The poster a fragment describes; the error says what is missing (a poster opened by
    /// hand, or cut short).
    pub fn from_fragment(fragment: &str) -> Result<Poster, String> {
        let text = fragment.strip_prefix('#').unwrap_or(fragment);
        if text.len() > MAX_FRAGMENT {
            return Err(format!("adresse de {} caractères : {MAX_FRAGMENT} au plus", text.len()));
        }
        let mut poster = Poster::default();
        for (key, value) in form_urlencoded::parse(text.as_bytes()) {
            let value = value.into_owned();
            match key.as_ref() {
                "lang" => poster.lang = value,
                "titre" => poster.title = value,
                "sous" => poster.subtitle = value,
                "l" => poster.lines.push(value),
                "tel" => poster.phone = Some(value),
                "lien" => poster.link = value,
                "scan" => poster.scan = value,
                "imprimer" => poster.print = value,
                _ => {}
            }
        }
        match (poster.title.is_empty(), poster.link.len()) {
            (true, _) => Err("titre absent".to_owned()),
            (_, 0) => Err("lien absent".to_owned()),
            (_, n) if n > MAX_LINK => Err(format!("lien de {n} caractères : {MAX_LINK} au plus")),
            _ => Ok(poster),
        }
    }

    /// Arabic is written right to left.
    pub fn is_rtl(&self) -> bool {
        self.lang == "ar"
    }
}

/// The QR code of `text` (error correction M: a poster gets scratched) as an SVG document: one
/// path of dark modules, a quiet zone of 4 modules, `viewBox` in modules so it scales to any
/// size crisply. `None` if the text does not fit a QR code.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                let _ = write!(path, "M{} {}h1v1h-1z", x + 4, y + 4);
            }
        }
    }
    let side = size + 8;
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poster() -> Poster {
        Poster {
            lang: "fr".into(),
            title: "Bus connecté — Ligugé (marché) & co".into(),
            subtitle: "Arrêt du bus connecté".into(),
            lines: vec!["Ligugé".into(), "samedi 5 décembre, 9 h – 12 h".into(), "a=b; c#d".into()],
            phone: Some("05 49 00 00 00".into()),
            link: "https://repere.example/#/arret/bus-liguge".into(),
            scan: "Scannez pour voir cette fiche".into(),
            print: "Imprimer".into(),
        }
    }

    #[test]
    fn a_poster_survives_its_address_whatever_its_text() {
        let poster = poster();
        assert_eq!(Poster::from_fragment(&poster.fragment()), Ok(poster.clone()));
        // The fragment is plain ASCII: no character a browser would rewrite.
        assert!(poster.fragment().is_ascii());
        let arabic = Poster { lang: "ar".into(), scan: "امسح الرمز".into(), ..poster };
        assert!(Poster::from_fragment(&arabic.fragment()).unwrap().is_rtl());
    }

    /// `encodeURIComponent`, as a phone encodes: everything but `A–Z a–z 0–9 - _ . ! ~ * ' ( )`
    /// as UTF-8 `%XX` (a space is `%20`, not `+`).
    fn encode_uri_component(value: &str) -> String {
        value
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'!' | b'~' | b'*' | b'\'' | b'(' | b')' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    }

    #[test]
    fn the_browser_s_encoding_reads_back_the_same() {
        let poster = Poster { lines: vec!["1 + 1 = 2 (100 %) d'accord ~ *".into()], ..poster() };
        assert_eq!(Poster::from_fragment(&poster.fragment_with(encode_uri_component)), Ok(poster));
    }

    #[test]
    fn a_poster_without_title_or_link_or_too_long_says_so() {
        assert_eq!(Poster::from_fragment("#lien=x"), Err("titre absent".to_owned()));
        assert_eq!(Poster::from_fragment("#titre=x"), Err("lien absent".to_owned()));
        let long = Poster { link: format!("https://repere.example/#/lieu/{}", "a".repeat(300)), ..poster() };
        assert!(Poster::from_fragment(&long.fragment()).unwrap_err().contains("200 au plus"));
        assert!(Poster::from_fragment(&format!("#titre={}", "x".repeat(5000))).unwrap_err().contains("4000 au plus"));
    }

    /// The code is read back as a phone's camera reads it: the SVG's modules drawn in pixels,
    /// then decoded by an independent reader (rqrr).
    #[test]
    fn the_qr_code_reads_back_as_the_link() {
        let link = poster().link;
        let svg = qr_svg(&link).unwrap();
        let side: usize = svg.split("viewBox=\"0 0 ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
        let mut dark = vec![false; side * side];
        let path = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        for module in path.split('M').filter(|m| !m.is_empty()) {
            let xy: Vec<usize> = module.trim_end_matches("h1v1h-1z").split(' ').map(|n| n.parse().unwrap()).collect();
            dark[xy[1] * side + xy[0]] = true;
        }
        const PX: usize = 6;
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(side * PX, side * PX, |x, y| if dark[(y / PX) * side + x / PX] { 0 } else { 255 });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, link);
    }
}
