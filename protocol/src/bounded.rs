//! Bounds on what a request may carry, enforced while the JSON is read: a string over
//! [`MAX_TEXT`] bytes or a list over [`MAX_ITEMS`] items stops the reading at once, so a
//! forged record can neither smuggle free text (a name, a phone number) into an identifier nor
//! make the server build, and answer about, a huge array.

use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// Longest string of any field: codes, ids and dates are all far shorter.
pub const MAX_TEXT: usize = 100;
/// Longest list of codes (the longest taxonomy, the themes, has 19 values).
pub const MAX_ITEMS: usize = 32;

struct Text;

impl<'de> Visitor<'de> for Text {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "a string of at most {MAX_TEXT} bytes")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        if v.len() > MAX_TEXT { Err(E::invalid_length(v.len(), &self)) } else { Ok(v.to_owned()) }
    }
}

/// A string of at most [`MAX_TEXT`] bytes.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_str(Text)
}

/// An optional string of at most [`MAX_TEXT`] bytes.
pub fn optional_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Optional;
    impl<'de> Visitor<'de> for Optional {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "null or a string of at most {MAX_TEXT} bytes")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            text(d).map(Some)
        }
    }
    d.deserialize_option(Optional)
}

/// A list of at most [`MAX_ITEMS`] strings of at most [`MAX_TEXT`] bytes; reading stops at the
/// first item too many.
pub fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Texts;
    impl<'de> Visitor<'de> for Texts {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a list of at most {MAX_ITEMS} codes")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            while let Some(item) = seq.next_element_seed(Seed)? {
                if items.len() == MAX_ITEMS {
                    return Err(de::Error::custom(format_args!("more than {MAX_ITEMS} codes in one list")));
                }
                items.push(item);
            }
            Ok(items)
        }
    }
    struct Seed;
    impl<'de> de::DeserializeSeed<'de> for Seed {
        type Value = String;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            text(d)
        }
    }
    d.deserialize_seq(Texts)
}
