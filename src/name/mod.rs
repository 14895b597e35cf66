//! X.509 distinguished names: OpenSSL's canonical comparison form and a
//! readable rendering.
//!
//! OpenSSL compares names (issuer/subject chaining, issuerAndSerialNumber
//! lookup, name constraints) through `x509_name_canon()`: string values are
//! converted to UTF-8, trimmed, internal whitespace runs collapsed and ASCII
//! lower-cased; attribute types, RDN order and multi-valued RDN grouping stay
//! significant. [`canonical`] reproduces that encoding, and refuses the names
//! OpenSSL's decoder (`x509_name_ex_d2i()`) refuses.

mod string;

use crate::asn1::{self, tag, Asn1Error, Reader, Tlv};
use crate::oid;
use const_oid::ObjectIdentifier;

use string::{canon_text, canonical_bit_string, is_canon_type, BIT_STRING};
pub(crate) use string::{
    directory_string, name_value, string_contents, to_utf8, NameValue, IA5, UTF8,
};

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

/// Returns `name_der` if OpenSSL's decoder takes it as a `Name` (a
/// SignerInfo's issuer, say: one it refuses makes the message unparsable).
///
/// # Errors
/// As [`canonical`].
pub(crate) fn decodable(name_der: &[u8]) -> Result<&[u8], Asn1Error> {
    canonical(name_der).map(|_| name_der)
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
    use super::string::{BMP, PRINTABLE, UNIVERSAL};
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
