//! X.509 distinguished names: OpenSSL's canonical comparison form and a
//! readable rendering.
//!
//! OpenSSL compares names (issuer/subject chaining, issuerAndSerialNumber
//! lookup, name constraints) through `x509_name_canon()`: string values are
//! converted to UTF-8, trimmed, internal whitespace runs collapsed and ASCII
//! lower-cased; attribute types, RDN order and multi-valued RDN grouping stay
//! significant. [`canonical`] reproduces that encoding.

use crate::asn1::{self, tag, Asn1Error, Reader, Tlv};
use const_oid::ObjectIdentifier;

/// String types OpenSSL canonicalises (`ASN1_MASK_CANON`).
const UTF8: u8 = 0x0C;
const PRINTABLE: u8 = 0x13;
const T61: u8 = 0x14;
/// IA5String, the type of e-mail address attributes.
pub(crate) const IA5: u8 = 0x16;
const VISIBLE: u8 = 0x1A;
const UNIVERSAL: u8 = 0x1C;
const BMP: u8 = 0x1E;

/// Decodes a string value of a canonicalisable type to Rust text.
fn decode_string(tag: u8, value: &[u8]) -> Option<String> {
    match tag {
        UTF8 => std::str::from_utf8(value).ok().map(str::to_owned),
        PRINTABLE | IA5 | VISIBLE | T61 => Some(value.iter().map(|&b| char::from(b)).collect()),
        BMP => {
            if !value.len().is_multiple_of(2) {
                return None;
            }
            let units = value
                .chunks_exact(2)
                .filter_map(|c| c.try_into().ok())
                .map(u16::from_be_bytes);
            char::decode_utf16(units)
                .collect::<Result<String, _>>()
                .ok()
        }
        UNIVERSAL => {
            if !value.len().is_multiple_of(4) {
                return None;
            }
            value
                .chunks_exact(4)
                .filter_map(|c| c.try_into().ok())
                .map(|c| char::from_u32(u32::from_be_bytes(c)))
                .collect()
        }
        _ => None,
    }
}

fn is_canon_type(tag: u8) -> bool {
    matches!(
        tag,
        UTF8 | PRINTABLE | T61 | IA5 | VISIBLE | UNIVERSAL | BMP
    )
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

/// Returns the canonical encoding of a DER `Name` (the complete TLV).
///
/// Two names are equal for OpenSSL exactly when their canonical encodings are
/// equal; a name constraint's directoryName permits a subject when its
/// canonical encoding is a prefix of the subject's.
///
/// # Errors
/// The name is not a well-formed `Name`, or a string value cannot be decoded.
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
            let value = r.any()?;
            r.finish()?;
            let mut entry = Vec::new();
            let mut body = oid.raw.to_vec();
            if is_canon_type(value.tag) {
                let text = decode_string(value.tag, value.value).ok_or(Asn1Error::BadValue)?;
                asn1::push_tlv(&mut body, UTF8, &canon_text(&text));
            } else {
                body.extend_from_slice(value.raw);
            }
            asn1::push_tlv(&mut entry, tag::SEQUENCE, &body);
            entries.push(entry);
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
    let text = decode_string(value.tag, value.value)
        .unwrap_or_else(|| String::from_utf8_lossy(value.value).into_owned());
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

/// Returns the values (tag and content, undecoded) of the given attribute
/// type (e.g. emailAddress, CN) in a name.
pub(crate) fn attribute_values<'a>(name_der: &'a [u8], wanted: &ObjectIdentifier) -> Vec<Tlv<'a>> {
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
            found.push(value);
        }
    }
    found
}

/// Decodes an attribute value of a string type to text; `None` for other
/// types and undecodable strings.
pub(crate) fn text(value: Tlv<'_>) -> Option<String> {
    decode_string(value.tag, value.value)
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

    #[test]
    fn renders_like_openssl() {
        let a = name(&[
            &[("2.5.4.6", PRINTABLE, b"US")],
            &[("2.5.4.3", UTF8, b"Keystone")],
        ]);
        assert_eq!(display(&a), "C=US, CN=Keystone");
        assert_eq!(display(&name(&[])), "(empty name)");
    }
}
