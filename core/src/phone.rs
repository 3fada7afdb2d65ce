//! French telephone numbers: one value, two spellings.
//!
//! Registries publish numbers as `+33549…`, `05 49 …`, `05.49.…`; residents read them grouped by
//! two digits ("05 67 80 22 22") and phones dial them from a `tel:` URI in international form.
//! Keeping one normalised value avoids each screen re-parsing its own way.

use std::fmt;
use std::str::FromStr;

/// The Vienne's orientation line, "un conseiller vous oriente" (feuille de route FNE 2024-2027).
pub const HELPLINE: PhoneNumber = PhoneNumber { national: *b"0567802222" };

/// A French number with ten national digits, the first being `0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PhoneNumber {
    national: [u8; 10],
}

/// Why a text is not a French telephone number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneError {
    /// A character other than a digit, a space, `.`, `-`, `(`, `)` or a leading `+`.
    UnexpectedCharacter(char),
    /// The digits do not make ten national digits starting with `0` (or `+33` and nine digits).
    WrongLength { digits: usize },
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhoneError::UnexpectedCharacter(c) => write!(f, "caractère inattendu « {c} » dans le numéro"),
            PhoneError::WrongLength { digits } => {
                write!(f, "un numéro français a 10 chiffres (ou +33 et 9 chiffres), pas {digits}")
            }
        }
    }
}

impl std::error::Error for PhoneError {}

impl FromStr for PhoneNumber {
    type Err = PhoneError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let (international, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = Vec::with_capacity(12);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c as u8),
                ' ' | '\u{a0}' | '.' | '-' | '(' | ')' => {}
                other => return Err(PhoneError::UnexpectedCharacter(other)),
            }
        }
        let national_tail: &[u8] = match (international, digits.as_slice()) {
            // "+33 (0)5 49 …" is a common mistake; the 0 is dropped when dialling from abroad.
            (true, [b'3', b'3', b'0', tail @ ..]) if tail.len() == 9 => tail,
            (true, [b'3', b'3', tail @ ..]) if tail.len() == 9 => tail,
            (false, [b'0', tail @ ..]) if tail.len() == 9 => tail,
            _ => return Err(PhoneError::WrongLength { digits: digits.len() }),
        };
        let mut national = [b'0'; 10];
        national[1..].copy_from_slice(national_tail);
        Ok(PhoneNumber { national })
    }
}

impl PhoneNumber {
    /// The `tel:` URI a phone dials: international form, no spaces.
    pub fn tel_uri(&self) -> String {
        let tail = std::str::from_utf8(&self.national[1..]).expect("digits are ASCII");
        format!("tel:+33{tail}")
    }
}

/// Displays in pairs of digits, as French readers expect: `05 67 80 22 22`.
impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, pair) in self.national.chunks(2).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(std::str::from_utf8(pair).expect("digits are ASCII"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpline_reads_and_dials_as_published() {
        assert_eq!(HELPLINE.to_string(), "05 67 80 22 22");
        assert_eq!(HELPLINE.tel_uri(), "tel:+33567802222");
    }

    #[test]
    fn registry_spellings_normalise_to_one_value() {
        for spelling in ["+33549123456", "05 49 12 34 56", "05.49.12.34.56", "+33 (0)5 49 12 34 56", "0549123456 "] {
            let n: PhoneNumber = spelling.parse().unwrap_or_else(|e| panic!("{spelling}: {e}"));
            assert_eq!(n.to_string(), "05 49 12 34 56", "{spelling}");
        }
    }

    #[test]
    fn bad_numbers_say_why() {
        assert_eq!("05 49 12 34".parse::<PhoneNumber>(), Err(PhoneError::WrongLength { digits: 8 }));
        assert_eq!("5549123456".parse::<PhoneNumber>(), Err(PhoneError::WrongLength { digits: 10 }));
        assert_eq!("05 49 12 34 5x".parse::<PhoneNumber>(), Err(PhoneError::UnexpectedCharacter('x')));
        assert_eq!("".parse::<PhoneNumber>(), Err(PhoneError::WrongLength { digits: 0 }));
        assert!("+44 20 7946 0000".parse::<PhoneNumber>().is_err());
    }
}
