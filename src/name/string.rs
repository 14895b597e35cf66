//! Attribute values and GeneralName strings as OpenSSL decodes them
//! (`asn1_d2i_ex_primitive()`, `asn1_collect()`, `c2i_ASN1_BIT_STRING()`),
//! their UTF-8 form (`ASN1_STRING_to_UTF8()`) and the canonical text
//! `x509_name_canon()` compares (`asn1_string_canon()`).

use std::borrow::Cow;

use crate::asn1::{tag, Asn1Error, Reader, Tlv};

pub(super) const BIT_STRING: u8 = 0x03;
/// UTF8String.
pub(crate) const UTF8: u8 = 0x0C;
pub(super) const NUMERIC: u8 = 0x12;
pub(super) const PRINTABLE: u8 = 0x13;
pub(super) const T61: u8 = 0x14;
/// IA5String, the type of e-mail address attributes.
pub(crate) const IA5: u8 = 0x16;
pub(super) const VISIBLE: u8 = 0x1A;
pub(super) const UNIVERSAL: u8 = 0x1C;
pub(super) const BMP: u8 = 0x1E;

/// OpenSSL's `ASN1_STRING_to_UTF8()`: the text of a string value of a type
/// it converts (`tag2nbyte`), or `None` when the type has no text form or a
/// character cannot be converted. Single-byte types (Numeric, Printable,
/// T61, IA5, Visible) are read as Latin-1; a BMPString as UCS-2, so a UTF-16
/// surrogate, even a well-formed pair, fails (`type_str()` refuses code
/// points `is_unicode_valid()` rejects), as in a UniversalString.
pub(crate) fn to_utf8(tag: u8, value: &[u8]) -> Option<String> {
    match tag {
        UTF8 => std::str::from_utf8(value).ok().map(str::to_owned),
        NUMERIC | PRINTABLE | IA5 | VISIBLE | T61 => {
            Some(value.iter().map(|&b| char::from(b)).collect())
        }
        BMP => {
            if !value.len().is_multiple_of(2) {
                return None;
            }
            value
                .chunks_exact(2)
                .map(|c| {
                    let unit = <[u8; 2]>::try_from(c).ok().map(u16::from_be_bytes)?;
                    char::from_u32(u32::from(unit))
                })
                .collect()
        }
        UNIVERSAL => {
            if !value.len().is_multiple_of(4) {
                return None;
            }
            value
                .chunks_exact(4)
                .map(|c| {
                    let unit = <[u8; 4]>::try_from(c).ok().map(u32::from_be_bytes)?;
                    char::from_u32(unit)
                })
                .collect()
        }
        _ => None,
    }
}

/// String types OpenSSL canonicalises (`ASN1_MASK_CANON`).
pub(super) fn is_canon_type(tag: u8) -> bool {
    matches!(
        tag,
        UTF8 | PRINTABLE | T61 | IA5 | VISIBLE | UNIVERSAL | BMP
    )
}

/// The universal tags `ASN1_tag2bit()` maps into `B_ASN1_PRINTABLE`, the
/// types an `X509_NAME_ENTRY` value may have (SEQUENCE, 16, is handled
/// apart): BIT STRING, Numeric, Printable, T61, IA5, Universal, BMP, UTF8
/// and the tags it calls `B_ASN1_UNKNOWN` (7, 8, 9, 11, 13, 14, 15, 29).
/// VisibleString, for one, is not among them.
fn is_name_value_type(number: u8) -> bool {
    matches!(
        number,
        3 | 7 | 8 | 9 | 11 | 12 | 13 | 14 | 15 | 18 | 19 | 20 | 22 | 28 | 29 | 30
    )
}

/// How deep constructed strings may nest (`ASN1_MAX_STRING_NEST`).
const MAX_STRING_NEST: u8 = 5;

/// `asn1_collect()`: the contents of every primitive element inside a
/// constructed string, whatever their tags, concatenated.
fn collect(value: &[u8], depth: u8, out: &mut Vec<u8>) -> Result<(), Asn1Error> {
    for part in Reader::new(value) {
        let part = part?;
        if part.tag & 0x20 != 0 {
            if depth >= MAX_STRING_NEST {
                return Err(Asn1Error::TooDeep);
            }
            collect(part.value, depth + 1, out)?;
        } else {
            out.extend_from_slice(part.value);
        }
    }
    Ok(())
}

/// An attribute value as OpenSSL holds it after decoding (`ASN1_PRINTABLE`):
/// its universal type and its contents, a constructed string's collected.
#[derive(Debug, Clone)]
pub(crate) struct NameValue<'a> {
    /// The universal tag number in primitive form (0x0C for a UTF8String,
    /// constructed or not); 0x30 for a SEQUENCE.
    pub tag: u8,
    /// The contents (a SEQUENCE's complete encoding).
    pub value: Cow<'a, [u8]>,
}

/// Decodes one attribute value the way `asn1_d2i_ex_primitive()` decodes an
/// `ASN1_PRINTABLE`: universal class, a type of [`is_name_value_type`] (a
/// SEQUENCE kept whole), constructed strings collected.
pub(crate) fn name_value(tlv: Tlv<'_>) -> Result<NameValue<'_>, Asn1Error> {
    let number = tlv.tag & 0x1F;
    let constructed = tlv.tag & 0x20 != 0;
    if tlv.tag == tag::SEQUENCE {
        return Ok(NameValue {
            tag: tag::SEQUENCE,
            value: Cow::Borrowed(tlv.raw),
        });
    }
    if tlv.tag & 0xC0 != 0 || !is_name_value_type(number) {
        return Err(Asn1Error::NameValueType(tlv.tag));
    }
    let value = if constructed {
        let mut out = Vec::new();
        collect(tlv.value, 0, &mut out)?;
        Cow::Owned(out)
    } else {
        Cow::Borrowed(tlv.value)
    };
    if (number == BMP && !value.len().is_multiple_of(2))
        || (number == UNIVERSAL && !value.len().is_multiple_of(4))
    {
        return Err(Asn1Error::BadString);
    }
    Ok(NameValue { tag: number, value })
}

/// The contents of a string-like value in primitive or constructed form
/// (a constructed one collected as `asn1_collect()` does), for the
/// IMPLICIT-tagged strings of a GeneralName.
///
/// # Errors
/// A constructed form that does not parse or nests too deeply.
pub(crate) fn string_contents(tlv: Tlv<'_>) -> Result<Cow<'_, [u8]>, Asn1Error> {
    if tlv.tag & 0x20 == 0 {
        return Ok(Cow::Borrowed(tlv.value));
    }
    let mut out = Vec::new();
    collect(tlv.value, 0, &mut out)?;
    Ok(Cow::Owned(out))
}

/// A `DirectoryString` as OpenSSL's `DIRECTORYSTRING` decodes it: a
/// PrintableString, T61String, BMPString, UniversalString or UTF8String.
///
/// # Errors
/// Another type, or a string [`name_value`] refuses.
pub(crate) fn directory_string(tlv: Tlv<'_>) -> Result<NameValue<'_>, Asn1Error> {
    if tlv.tag & 0xC0 != 0 || !matches!(tlv.tag & 0x1F, PRINTABLE | T61 | BMP | UNIVERSAL | UTF8) {
        return Err(Asn1Error::NameValueType(tlv.tag));
    }
    name_value(tlv)
}

/// A BIT STRING value as `c2i_ASN1_BIT_STRING()` reads it and
/// `i2c_ASN1_BIT_STRING()` writes it back: at least the unused-bits octet,
/// at most 7 unused bits, which are cleared; no content bits, no unused bits.
pub(super) fn canonical_bit_string(value: &[u8]) -> Result<Vec<u8>, Asn1Error> {
    let (&unused, bits) = value.split_first().ok_or(Asn1Error::BadValue)?;
    if unused > 7 {
        return Err(Asn1Error::BadValue);
    }
    let mut out = Vec::with_capacity(value.len());
    match bits.split_last() {
        None => out.push(0),
        Some((&last, rest)) => {
            out.push(unused);
            out.extend_from_slice(rest);
            out.push(last & (0xFF << unused));
        }
    }
    Ok(out)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// The bytes without leading and trailing whitespace.
fn trim_spaces(mut bytes: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = bytes {
        if !is_space(*first) {
            break;
        }
        bytes = rest;
    }
    while let [rest @ .., last] = bytes {
        if !is_space(*last) {
            break;
        }
        bytes = rest;
    }
    bytes
}

/// `asn1_string_canon()`: trim, collapse whitespace runs, lower-case ASCII.
pub(super) fn canon_text(text: &str) -> Vec<u8> {
    let bytes = trim_spaces(text.as_bytes());
    let mut out = Vec::with_capacity(bytes.len());
    let mut in_space = false;
    for &b in bytes {
        if is_space(b) {
            if !in_space {
                out.push(b' ');
            }
            in_space = true;
        } else {
            out.push(b.to_ascii_lowercase());
            in_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::asn1;

    fn tlv(raw: &[u8]) -> Tlv<'_> {
        asn1::parse_one(raw).unwrap()
    }

    #[test]
    fn general_name_strings_and_directory_strings() {
        assert_eq!(&*string_contents(tlv(b"\x81\x03a@b")).unwrap(), b"a@b");
        let parts = tlv(b"\xa1\x07\x04\x02a@\x04\x01b");
        assert_eq!(&*string_contents(parts).unwrap(), b"a@b");
        assert!(string_contents(tlv(b"\xa1\x02\x04\x05")).is_err());
        for ok in [
            &b"\x13\x01a"[..],
            b"\x14\x01a",
            b"\x1e\x02\x00a",
            b"\x0c\x01a",
        ] {
            assert!(directory_string(tlv(ok)).is_ok(), "{}", ok.escape_ascii());
        }
        for bad in [&b"\x16\x01a"[..], b"\x12\x011", b"\x1e\x01a", b"\x80\x01a"] {
            assert!(
                directory_string(tlv(bad)).is_err(),
                "{}",
                bad.escape_ascii()
            );
        }
    }
}
