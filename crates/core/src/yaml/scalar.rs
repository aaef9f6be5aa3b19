//! Scalar meaning as Kubernetes reads it.
//!
//! Kubernetes decodes YAML through sigs.k8s.io/yaml, which follows YAML 1.1 for plain scalars:
//! `yes`/`no`/`on`/`off`/`y`/`n` (any of the usual casings) are booleans and `0644` is octal.
//! Quoted scalars are always strings, and a string in a boolean or integer field is a decode
//! error that stops the component.

use super::{Scalar, ScalarStyle};

/// A scalar that does not have the type its field needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeMismatch {
    /// Quoted, so a string, where a boolean or number is needed.
    Quoted,
    /// Plain, but not a valid value of the type.
    Invalid,
}

/// The boolean a plain scalar stands for, YAML 1.1 style.
#[must_use]
pub fn plain_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// The integer a plain scalar stands for, YAML 1.1 style: decimal, `0o17`/`017` octal,
/// `0x1f` hexadecimal, `0b101` binary, optional sign, `_` separators.
#[must_use]
pub fn plain_int(text: &str) -> Option<i64> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    let magnitude = if let Some(hex) = digits.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(bin) = digits.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()?
    } else if let Some(oct) = digits.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i64::from_str_radix(&digits[1..], 8).ok()?
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()?
    } else {
        return None;
    };
    Some(if negative { -magnitude } else { magnitude })
}

impl Scalar<'_> {
    fn plain(&self) -> Result<&str, TypeMismatch> {
        match self.style {
            ScalarStyle::Plain if self.tag.as_deref().is_none_or(|t| t != "!!str") => {
                Ok(&self.value)
            }
            _ => Err(TypeMismatch::Quoted),
        }
    }

    /// The scalar as a boolean field of a Kubernetes object.
    ///
    /// # Errors
    /// When the scalar is quoted or not a boolean.
    pub fn k8s_bool(&self) -> Result<bool, TypeMismatch> {
        plain_bool(self.plain()?).ok_or(TypeMismatch::Invalid)
    }

    /// The scalar as an integer field of a Kubernetes object.
    ///
    /// # Errors
    /// When the scalar is quoted or not an integer.
    pub fn k8s_int(&self) -> Result<i64, TypeMismatch> {
        plain_int(self.plain()?).ok_or(TypeMismatch::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_booleans() {
        for text in ["yes", "On", "TRUE", "y"] {
            assert_eq!(plain_bool(text), Some(true), "{text}");
        }
        for text in ["no", "Off", "false", "N"] {
            assert_eq!(plain_bool(text), Some(false), "{text}");
        }
        assert_eq!(plain_bool("tRuE"), None);
        assert_eq!(plain_bool("1"), None);
    }

    #[test]
    fn yaml_1_1_integers() {
        assert_eq!(plain_int("10255"), Some(10255));
        assert_eq!(plain_int("0644"), Some(0o644));
        assert_eq!(plain_int("0x1F"), Some(31));
        assert_eq!(plain_int("-1_000"), Some(-1000));
        assert_eq!(plain_int("0"), Some(0));
        assert_eq!(plain_int("abc"), None);
        assert_eq!(plain_int(""), None);
        assert_eq!(plain_int("089"), None);
    }
}
