//! X.509 distinguished names: OpenSSL's canonical comparison form and a
//! readable rendering.
//!
//! OpenSSL compares names (issuer/subject chaining, issuerAndSerialNumber
//! lookup, name constraints) through `x509_name_canon()`: string values are
//! converted to UTF-8, trimmed, internal whitespace runs collapsed and ASCII
//! lower-cased; attribute types, RDN order and multi-valued RDN grouping stay
//! significant. [`canonical`] reproduces that encoding, and refuses the names
//! OpenSSL's decoder (`x509_name_ex_d2i()`) refuses.

use std::borrow::Cow;

use crate::asn1::{self, tag, Asn1Error, Reader, Tlv};
use crate::oid;
use const_oid::ObjectIdentifier;

const BIT_STRING: u8 = 0x03;
/// UTF8String.
pub(crate) const UTF8: u8 = 0x0C;
const NUMERIC: u8 = 0x12;
const PRINTABLE: u8 = 0x13;
const T61: u8 = 0x14;
/// IA5String, the type of e-mail address attributes.
pub(crate) const IA5: u8 = 0x16;
const VISIBLE: u8 = 0x1A;
const UNIVERSAL: u8 = 0x1C;
const BMP: u8 = 0x1E;

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
fn is_canon_type(tag: u8) -> bool {
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
fn canonical_bit_string(value: &[u8]) -> Result<Vec<u8>, Asn1Error> {
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
fn canon_text(text: &str) -> Vec<u8> {
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

/// The canonical encoding of one attribute value.
fn canonical_value(value: &NameValue<'_>, out: &mut Vec<u8>) -> Result<(), Asn1Error> {
    if value.tag == tag::SEQUENCE {
        out.extend_from_slice(&value.value);
    } else if value.tag == BIT_STRING {
        asn1::push_tlv(out, BIT_STRING, &canonical_bit_string(&value.value)?);
    } else if is_canon_type(value.tag) {
        let text = to_utf8(value.tag, &value.value).ok_or(Asn1Error::BadString)?;
        asn1::push_tlv(out, UTF8, &canon_text(&text));
    } else {
        asn1::push_tlv(out, value.tag, &value.value);
    }
    Ok(())
}

/// Returns the canonical encoding of a DER `Name` (the complete TLV).
///
/// Two names are equal for OpenSSL exactly when their canonical encodings are
/// equal; a name constraint's directoryName permits a subject when its
/// canonical encoding is a prefix of the subject's.
///
/// `x509_name_ex_d2i()` flattens the RDNs into one list of entries, each
/// remembering its RDN's index, and `x509_name_canon()` regroups the entries
/// by that index: an empty RDN (`SET {}`) has no entry and so leaves no trace
/// in the canonical encoding. A name of empty RDNs only has the empty
/// encoding, as a name of no RDN does.
///
/// # Errors
/// The name is not a well-formed `Name`, an attribute value has a type
/// OpenSSL refuses in names, or a string value cannot be converted to UTF-8.
pub(crate) fn canonical(name_der: &[u8]) -> Result<Vec<u8>, Asn1Error> {
    let name = asn1::parse_one(name_der)?.expect(tag::SEQUENCE)?;
    let mut out = Vec::with_capacity(name.value.len());
    for rdn in name.reader() {
        let rdn = rdn?.expect(tag::SET)?;
        let mut entries = Vec::new();
        for atv in rdn.reader() {
            let atv = atv?.expect(tag::SEQUENCE)?;
            let mut r = atv.reader();
            let oid = r.expect(tag::OID)?;
            if !oid::is_valid_encoding(oid.value) {
                return Err(Asn1Error::BadValue);
            }
            let value = name_value(r.any()?)?;
            r.finish()?;
            let mut entry = Vec::new();
            let mut body = oid.raw.to_vec();
            canonical_value(&value, &mut body)?;
            asn1::push_tlv(&mut entry, tag::SEQUENCE, &body);
            entries.push(entry);
        }
        if entries.is_empty() {
            continue;
        }
        entries.sort();
        let body: Vec<u8> = entries.concat();
        asn1::push_tlv(&mut out, tag::SET, &body);
    }
    Ok(out)
}

/// Short names for the attribute types operators see in certificates.
fn short_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    Some(match oid.to_string().as_str() {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.5" => "serialNumber",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

fn render_atv(atv: Tlv<'_>) -> Option<String> {
    let mut r = atv.reader();
    let oid = r.expect(tag::OID).ok()?;
    let value = r.any().ok()?;
    let oid = ObjectIdentifier::from_bytes(oid.value).ok()?;
    let key = short_name(&oid).map_or_else(|| oid.to_string(), str::to_owned);
    let text = name_value(value)
        .ok()
        .and_then(|v| to_utf8(v.tag, &v.value))
        .unwrap_or_else(|| String::from_utf8_lossy(value.value).into_owned());
    // Control characters (a NUL in a CN, say) are shown escaped, never
    // written raw into a message.
    let text: String = text
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    Some(format!("{key}={text}"))
}

/// Renders a DER `Name` the way `openssl x509 -subject` lists it
/// (`C=US, O=Example, CN=Keystone`); malformed parts render as `?`.
pub(crate) fn display(name_der: &[u8]) -> String {
    let Ok(name) = asn1::parse_one(name_der) else {
        return "?".into();
    };
    let mut parts = Vec::new();
    for rdn in Reader::new(name.value) {
        let Ok(rdn) = rdn else {
            parts.push("?".to_owned());
            break;
        };
        if rdn.value.is_empty() {
            // An empty RDN: no entry, as for OpenSSL.
            continue;
        }
        let values: Vec<String> = rdn
            .reader()
            .map(|atv| atv.ok().and_then(render_atv).unwrap_or_else(|| "?".into()))
            .collect();
        parts.push(values.join(" + "));
    }
    if parts.is_empty() {
        "(empty name)".into()
    } else {
        parts.join(", ")
    }
}

/// The number of attributes of a name, over all its RDNs
/// (`X509_NAME_entry_count()`); 0 for a malformed name.
pub(crate) fn entry_count(name_der: &[u8]) -> usize {
    asn1::parse_one(name_der).map_or(0, |name| {
        Reader::new(name.value)
            .flatten()
            .map(|rdn| rdn.reader().flatten().count())
            .sum()
    })
}

/// Returns the values of the given attribute type (e.g. emailAddress, CN)
/// in a name, in order, as OpenSSL decodes them; values it cannot decode are
/// left out (a certificate holding one does not load).
pub(crate) fn attribute_values<'a>(
    name_der: &'a [u8],
    wanted: &ObjectIdentifier,
) -> Vec<NameValue<'a>> {
    let mut found = Vec::new();
    let Ok(name) = asn1::parse_one(name_der) else {
        return found;
    };
    for atv in Reader::new(name.value)
        .flatten()
        .flat_map(|rdn| rdn.reader().flatten().collect::<Vec<_>>())
    {
        let mut r = atv.reader();
        let (Ok(oid), Ok(value)) = (r.expect(tag::OID), r.any()) else {
            continue;
        };
        if oid.value == wanted.as_bytes() {
            if let Ok(value) = name_value(value) {
                found.push(value);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(rdns: &[&[(&str, u8, &[u8])]]) -> Vec<u8> {
        let mut body = Vec::new();
        for rdn in rdns {
            let mut set = Vec::new();
            for (oid, t, v) in *rdn {
                let oid: ObjectIdentifier = oid.parse().unwrap();
                let mut atv = Vec::new();
                asn1::push_tlv(&mut atv, tag::OID, oid.as_bytes());
                asn1::push_tlv(&mut atv, *t, v);
                asn1::push_tlv(&mut set, tag::SEQUENCE, &atv);
            }
            asn1::push_tlv(&mut body, tag::SET, &set);
        }
        let mut out = Vec::new();
        asn1::push_tlv(&mut out, tag::SEQUENCE, &body);
        out
    }

    #[test]
    fn case_space_and_string_type_do_not_matter() {
        let a = name(&[
            &[("2.5.4.10", PRINTABLE, b"EXAMPLE")],
            &[("2.5.4.3", PRINTABLE, b"  case   root ca ")],
        ]);
        let b = name(&[
            &[("2.5.4.10", UTF8, b"Example")],
            &[("2.5.4.3", UTF8, b"Case Root CA")],
        ]);
        assert_eq!(canonical(&a).unwrap(), canonical(&b).unwrap());
    }

    #[test]
    fn rdn_order_matters() {
        let a = name(&[&[("2.5.4.10", UTF8, b"O")], &[("2.5.4.3", UTF8, b"C")]]);
        let b = name(&[&[("2.5.4.3", UTF8, b"C")], &[("2.5.4.10", UTF8, b"O")]]);
        assert_ne!(canonical(&a).unwrap(), canonical(&b).unwrap());
    }

    #[test]
    fn bmp_strings_compare_as_text() {
        let a = name(&[&[("2.5.4.3", BMP, &[0, b'K', 0, b'S'])]]);
        let b = name(&[&[("2.5.4.3", UTF8, b"ks")]]);
        assert_eq!(canonical(&a).unwrap(), canonical(&b).unwrap());
    }

    fn raw_name(rdns: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        for rdn in rdns {
            asn1::push_tlv(&mut body, tag::SET, rdn);
        }
        let mut out = Vec::new();
        asn1::push_tlv(&mut out, tag::SEQUENCE, &body);
        out
    }

    fn cn(value_tlv: &[u8]) -> Vec<u8> {
        let mut atv = vec![0x06, 0x03, 0x55, 0x04, 0x03];
        atv.extend_from_slice(value_tlv);
        let mut out = Vec::new();
        asn1::push_tlv(&mut out, tag::SEQUENCE, &atv);
        out
    }

    #[test]
    fn empty_rdns_leave_no_trace() {
        let plain = canonical(&raw_name(&[&cn(b"\x0c\x01x")])).unwrap();
        let leading = canonical(&raw_name(&[b"", &cn(b"\x0c\x01x")])).unwrap();
        let trailing = canonical(&raw_name(&[&cn(b"\x0c\x01x"), b""])).unwrap();
        assert_eq!(plain, leading);
        assert_eq!(plain, trailing);
        assert_eq!(canonical(&raw_name(&[b"", b""])).unwrap(), Vec::<u8>::new());
        assert_eq!(display(&raw_name(&[b"", &cn(b"\x0c\x01x")])), "CN=x");
        assert_eq!(entry_count(&raw_name(&[b"", &cn(b"\x0c\x01x"), b""])), 1);
        let two = [cn(b"\x0c\x01x"), cn(b"\x0c\x01y")].concat();
        assert_eq!(entry_count(&raw_name(&[&two, &cn(b"\x0c\x01z")])), 3);
    }

    #[test]
    fn bmp_is_ucs2_and_surrogates_fail() {
        // U+1F600 as a UTF-16 surrogate pair: ASN1_STRING_to_UTF8 fails.
        let pair = name(&[&[("2.5.4.3", BMP, &[0xD8, 0x3D, 0xDE, 0x00])]]);
        assert_eq!(canonical(&pair), Err(Asn1Error::BadString));
        let lone = name(&[&[("2.5.4.3", BMP, &[0xDC, 0x00])]]);
        assert_eq!(canonical(&lone), Err(Asn1Error::BadString));
        let odd = name(&[&[("2.5.4.3", BMP, &[0, b'a', 0])]]);
        assert_eq!(canonical(&odd), Err(Asn1Error::BadString));
        let beyond = name(&[&[("2.5.4.3", UNIVERSAL, &[0, 0x11, 0, 0])]]);
        assert_eq!(canonical(&beyond), Err(Asn1Error::BadString));
        let bad_utf8 = name(&[&[("2.5.4.3", UTF8, &[0xFF])]]);
        assert_eq!(canonical(&bad_utf8), Err(Asn1Error::BadString));
        // Latin-1 bytes of single-byte types are characters.
        let ia5 = name(&[&[("2.5.4.3", IA5, &[0xC9])]]);
        let utf8 = name(&[&[("2.5.4.3", UTF8, "\u{c9}".as_bytes())]]);
        assert_eq!(canonical(&ia5).unwrap(), canonical(&utf8).unwrap());
    }

    #[test]
    fn value_types_outside_asn1_printable_are_refused() {
        for t in [
            0x01, 0x02, 0x04, 0x05, 0x06, 0x0A, 0x15, 0x17, 0x18, 0x19, 0x1A, 0x1B,
        ] {
            let n = name(&[&[("2.5.4.3", t, b"ab")]]);
            assert_eq!(
                canonical(&n),
                Err(Asn1Error::NameValueType(t)),
                "tag {t:#x}"
            );
        }
        for t in [0x31, 0x80, 0xA0, 0x10] {
            let n = raw_name(&[&cn(&[t, 0])]);
            assert_eq!(
                canonical(&n),
                Err(Asn1Error::NameValueType(t)),
                "tag {t:#x}"
            );
        }
        for t in [0x07, 0x08, 0x09, 0x0B, 0x0D, 0x0E, 0x0F, 0x12, 0x1D] {
            let n = name(&[&[("2.5.4.3", t, b"AB")]]);
            let c = canonical(&n).unwrap();
            assert!(c.ends_with(&[t, 2, b'A', b'B']), "tag {t:#x} is kept as is");
        }
    }

    #[test]
    fn constructed_strings_are_collected() {
        let parts = raw_name(&[&cn(b"\x2c\x06\x0c\x01K\x04\x01s")]);
        let whole = name(&[&[("2.5.4.3", UTF8, b"ks")]]);
        assert_eq!(canonical(&parts).unwrap(), canonical(&whole).unwrap());
        let nested = raw_name(&[&cn(b"\x2c\x08\x2c\x06\x0c\x01K\x0c\x01s")]);
        assert_eq!(canonical(&nested).unwrap(), canonical(&whole).unwrap());
        // asn1_collect() recurses into five constructed levels below the
        // value's own: six wrappers decode, seven do not (as openssl x509).
        let wrapped = |levels: usize| {
            let mut v = b"\x0c\x01x".to_vec();
            for _ in 0..levels {
                let mut outer = Vec::new();
                asn1::push_tlv(&mut outer, 0x2C, &v);
                v = outer;
            }
            raw_name(&[&cn(&v)])
        };
        let x = name(&[&[("2.5.4.3", UTF8, b"x")]]);
        assert_eq!(canonical(&wrapped(6)).unwrap(), canonical(&x).unwrap());
        assert_eq!(canonical(&wrapped(7)), Err(Asn1Error::TooDeep));
    }

    #[test]
    fn attribute_types_must_be_valid_oids() {
        let atv = |oid: &[u8]| {
            let mut body = Vec::new();
            asn1::push_tlv(&mut body, tag::OID, oid);
            body.extend_from_slice(b"\x0c\x01x");
            let mut out = Vec::new();
            asn1::push_tlv(&mut out, tag::SEQUENCE, &body);
            out
        };
        assert!(canonical(&raw_name(&[&atv(b"\x55\x04\x03")])).is_ok());
        for bad in [&b"\x55\x80\x04"[..], b"\x55\x04\x83"] {
            assert_eq!(canonical(&raw_name(&[&atv(bad)])), Err(Asn1Error::BadValue));
        }
    }

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

    #[test]
    fn bit_strings_are_reencoded() {
        // Unused bits cleared; an empty bit string keeps no unused bits.
        let n = raw_name(&[&cn(b"\x03\x02\x03\xff")]);
        assert!(canonical(&n).unwrap().ends_with(b"\x03\x02\x03\xf8"));
        let n = raw_name(&[&cn(b"\x03\x01\x05")]);
        assert!(canonical(&n).unwrap().ends_with(b"\x03\x01\x00"));
        assert_eq!(
            canonical(&raw_name(&[&cn(b"\x03\x00")])),
            Err(Asn1Error::BadValue)
        );
        assert_eq!(
            canonical(&raw_name(&[&cn(b"\x03\x01\x08")])),
            Err(Asn1Error::BadValue)
        );
    }

    #[test]
    fn renders_like_openssl() {
        let a = name(&[
            &[("2.5.4.6", PRINTABLE, b"US")],
            &[("2.5.4.3", UTF8, b"Keystone")],
        ]);
        assert_eq!(display(&a), "C=US, CN=Keystone");
        let nul = name(&[&[("2.5.4.3", UTF8, b"a\0b\n")]]);
        assert_eq!(display(&nul), "CN=a\\u{0}b\\n");
        assert_eq!(display(&name(&[])), "(empty name)");
    }
}
