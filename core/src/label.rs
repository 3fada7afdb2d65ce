//! A closed list of labelled values ([`Label`]) and a set of them stored as bits ([`LabelSet`]):
//! the national standard's enumerations (`registry`) and the activity taxonomy (`activity`) are
//! both made of them. A module of its own so that neither imports the other for it.

use std::fmt;
use std::marker::PhantomData;

/// An enumeration (of the standard, of the taxonomy): a closed list of labels, each with a small index.
pub trait Label: Copy + Eq + fmt::Debug + 'static {
    /// Every value, in the order of its list (the standard's, the taxonomy's).
    const ALL: &'static [Self];
    /// The field's name, for error messages.
    const FIELD: &'static str;
    fn label(self) -> &'static str;
    fn index(self) -> u32;
    fn from_label(label: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.label() == label)
    }
}

/// A set of values of one enumeration, one bit each: cheap to copy and to test, which the
/// proximity filters do for every candidate place.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct LabelSet<T: Label> {
    bits: u32,
    kind: PhantomData<T>,
}

impl<T: Label> Default for LabelSet<T> {
    fn default() -> Self {
        LabelSet { bits: 0, kind: PhantomData }
    }
}

impl<T: Label> LabelSet<T> {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn insert(&mut self, value: T) {
        self.bits |= 1 << value.index();
    }
    pub fn contains(&self, value: T) -> bool {
        self.bits & (1 << value.index()) != 0
    }
    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }
    /// True if the two sets share at least one value.
    pub fn intersects(&self, other: &Self) -> bool {
        self.bits & other.bits != 0
    }
    /// One bit per value, bit `index()`: for summaries such as the proximity index's categories.
    pub fn bits(&self) -> u32 {
        self.bits
    }
    pub fn union(&self, other: &Self) -> Self {
        LabelSet { bits: self.bits | other.bits, kind: PhantomData }
    }
    /// The values in the order of [`Label::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = T> + '_ {
        T::ALL.iter().copied().filter(|v| self.contains(*v))
    }

    /// Reads a `|`-separated field; an unknown value is named in the error with the values
    /// that are allowed.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut set = Self::new();
        for part in text.split('|').map(str::trim).filter(|p| !p.is_empty()) {
            match T::from_label(part) {
                Some(v) => set.insert(v),
                None => {
                    let allowed: Vec<_> = T::ALL.iter().map(|v| v.label()).collect();
                    return Err(format!("valeur inconnue « {part} » (valeurs permises : {})", allowed.join(" | ")));
                }
            }
        }
        Ok(set)
    }
}

impl<T: Label> FromIterator<T> for LabelSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Self::new();
        iter.into_iter().for_each(|v| set.insert(v));
        set
    }
}

/// Writes the standard's `|`-separated form.
impl<T: Label> fmt::Display for LabelSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            f.write_str(v.label())?;
        }
        Ok(())
    }
}

impl<T: Label> fmt::Debug for LabelSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Access {
        Visit,
        Call,
        Mail,
    }

    impl Label for Access {
        const ALL: &'static [Self] = &[Access::Visit, Access::Call, Access::Mail];
        const FIELD: &'static str = "acces";
        fn label(self) -> &'static str {
            match self {
                Access::Visit => "Se présenter",
                Access::Call => "Téléphoner",
                Access::Mail => "Contacter par mail",
            }
        }
        fn index(self) -> u32 {
            self as u32
        }
    }

    #[test]
    fn sets_parse_and_print_the_standard_form() {
        let set = LabelSet::<Access>::parse("Téléphoner|Contacter par mail").unwrap();
        assert!(set.contains(Access::Call) && set.contains(Access::Mail) && !set.contains(Access::Visit));
        assert_eq!(set.to_string(), "Téléphoner|Contacter par mail");
        assert_eq!(format!("{set:?}"), "{Call, Mail}");
        assert!(LabelSet::<Access>::parse("").unwrap().is_empty());
        let err = LabelSet::<Access>::parse("Téléphoner|téléphoner").unwrap_err();
        assert!(err.starts_with("valeur inconnue « téléphoner »"), "{err}");
        assert!(err.contains("Se présenter | Téléphoner | Contacter par mail"), "{err}");
    }
}
