//! Host names: dNSName constraint matching (OpenSSL's `nc_dns()`) and which
//! commonNames are checked as host names (`cn2dnsid()`, called by
//! `NAME_CONSTRAINTS_check_CN()` for a signer without a DNS name).

use crate::error::NameSyntax;
use crate::name::{self, NameValue};

/// `name` ends with `suffix`, ASCII case-insensitively; returns what precedes
/// the suffix.
pub(super) fn strip_suffix_ignore_case<'a>(name: &'a [u8], suffix: &[u8]) -> Option<&'a [u8]> {
    let (head, tail) = name.split_at_checked(name.len().checked_sub(suffix.len())?)?;
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

/// `nc_dns()`: empty base matches all; else the name ends with the base, on a
/// label boundary unless the base starts with '.'. Case-insensitive (ASCII);
/// other bytes compare exactly.
pub(super) fn dns_matches(name: &[u8], base: &[u8]) -> bool {
    if base.is_empty() {
        return true;
    }
    let Some(head) = strip_suffix_ignore_case(name, base) else {
        return false;
    };
    head.is_empty() || base.first() == Some(&b'.') || head.last() == Some(&b'.')
}

/// `cn2dnsid()`: the host name a commonName stands for, if it looks like
/// one. The value is converted to UTF-8 (`ASN1_STRING_to_UTF8()`), trailing
/// NULs dropped; a NUL left inside is bad syntax. It is a host name when it
/// has only letters, digits, '_' (OpenSSL's deviation from DNS syntax), '-'
/// and '.', neither '-' nor '.' first or last, no '.' next to another '.' or
/// to a '-', and at least one '.' (one label is not a host name).
///
/// # Errors
/// The value has no UTF-8 form (OpenSSL stops verification), or holds a NUL
/// before its end.
pub(super) fn cn_host(value: &NameValue<'_>) -> Result<Option<Vec<u8>>, NameSyntax> {
    let text = name::to_utf8(value.tag, &value.value).ok_or(NameSyntax::CommonNameNotText)?;
    let bytes = text.as_bytes();
    let end = bytes
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |last| last + 1);
    let bytes = bytes.get(..end).unwrap_or_default();
    if bytes.contains(&0) {
        return Err(NameSyntax::NulInCommonName);
    }
    Ok(looks_like_host(bytes).then(|| bytes.to_vec()))
}

fn looks_like_host(bytes: &[u8]) -> bool {
    let mut dotted = false;
    for (i, &c) in bytes.iter().enumerate() {
        if c.is_ascii_alphanumeric() || c == b'_' {
            continue;
        }
        let inner = i > 0 && i + 1 < bytes.len();
        let before = i.checked_sub(1).and_then(|p| bytes.get(p)).copied();
        let after = bytes.get(i + 1).copied();
        if inner && c == b'-' {
            continue;
        }
        if inner && c == b'.' && after != Some(b'.') && before != Some(b'-') && after != Some(b'-')
        {
            dotted = true;
            continue;
        }
        return false;
    }
    dotted
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn dns_rules() {
        assert!(dns_matches(b"a.example.com", b"example.com"));
        assert!(dns_matches(b"example.com", b"EXAMPLE.com"));
        assert!(!dns_matches(b"badexample.com", b"example.com"));
        assert!(dns_matches(b"a.example.com", b".example.com"));
        assert!(dns_matches(b"anything", b""));
        assert!(!dns_matches(b"com", b"example.com"));
        // Non-ASCII bytes compare exactly, at any offset.
        assert!(!dns_matches(b"\xC3\xA9.com", b"\xA9.com"));
        assert!(dns_matches(b"x.\xC3\xA9.com", b".\xC3\xA9.COM"));
        assert!(dns_matches(b"x.\xE9.com", b"\xE9.com"));
    }

    fn cn(tag: u8, value: &[u8]) -> Result<Option<Vec<u8>>, NameSyntax> {
        cn_host(&NameValue {
            tag,
            value: Cow::Borrowed(value),
        })
    }

    const UTF8: u8 = 0x0C;

    #[test]
    fn host_like_common_names() {
        let host = |s: &[u8]| cn(UTF8, s).unwrap().is_some();
        assert!(host(b"www.example.com"));
        assert!(host(b"a_b.example"));
        assert!(host(b"_.x"));
        assert!(host(b"a-b.c"));
        assert!(host(b"1.2"));
        assert!(!host(b"Keystone Signing"));
        assert!(!host(b"localhost"));
        assert!(!host(b"under_score"));
        assert!(!host(b".example.com"));
        assert!(!host(b"example.com."));
        assert!(!host(b"a..b"));
        assert!(!host(b"a-.b"));
        assert!(!host(b"a.-b"));
        assert!(!host(b"-a.b"));
        assert!(!host(b"a.b-"));
        assert!(!host("é.example".as_bytes()));
        assert!(!host(b"a.b c"));
        assert!(!host(b""));
    }

    #[test]
    fn nul_bytes_and_types() {
        // Trailing NULs are dropped, embedded ones are bad syntax.
        assert_eq!(cn(UTF8, b"a.example\0\0"), Ok(Some(b"a.example".to_vec())));
        assert_eq!(cn(UTF8, b"a.exa\0mple"), Err(NameSyntax::NulInCommonName));
        assert_eq!(cn(UTF8, b"\0a"), Err(NameSyntax::NulInCommonName));
        assert_eq!(cn(UTF8, b"\0\0"), Ok(None));
        // BMP and Numeric strings are converted; a BIT STRING has no text.
        assert_eq!(
            cn(0x1E, &[0, b'a', 0, b'.', 0, b'b']),
            Ok(Some(b"a.b".to_vec()))
        );
        assert_eq!(cn(0x12, b"1.2"), Ok(Some(b"1.2".to_vec())));
        assert_eq!(cn(0x03, b"\0a.b"), Err(NameSyntax::CommonNameNotText));
        assert_eq!(cn(0x30, b"0\0"), Err(NameSyntax::CommonNameNotText));
    }
}
