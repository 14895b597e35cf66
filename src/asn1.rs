//! A minimal, borrowing DER reader and writer.
//!
//! CMS messages are parsed through views that borrow the input. The reader here
//! walks tag-length-value triples of *normalised* input: definite, minimal
//! lengths and single-byte tags; [`crate::ber::normalize`] turns BER into that
//! form first.
//!
//! Hand-written rather than `der`: OpenSSL accepts encodings `der` refuses
//! (and the reverse), SET OF order must be kept as received, and every view
//! borrows the input without copying.

/// Universal and context tags used by the views (identifier octets).
pub(crate) mod tag {
    pub(crate) const BOOLEAN: u8 = 0x01;
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
    pub(crate) const NULL: u8 = 0x05;
    pub(crate) const OID: u8 = 0x06;
    pub(crate) const UTC_TIME: u8 = 0x17;
    pub(crate) const GENERALIZED_TIME: u8 = 0x18;
    pub(crate) const SEQUENCE: u8 = 0x30;
    pub(crate) const SET: u8 = 0x31;
    /// `[n]` constructed, context-specific.
    pub(crate) const fn ctx_cons(n: u8) -> u8 {
        0xA0 | n
    }
    /// `[n]` primitive, context-specific.
    pub(crate) const fn ctx_prim(n: u8) -> u8 {
        0x80 | n
    }
}

/// Why bytes are not the ASN.1 the caller expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Asn1Error {
    /// The input ends inside an element.
    Truncated,
    /// A length field is malformed or larger than the input.
    BadLength,
    /// An element carries a different tag than the structure requires.
    UnexpectedTag {
        /// The tag the structure requires.
        expected: u8,
        /// The tag found.
        found: u8,
    },
    /// Multi-byte (high-number) tags are not supported.
    HighTagNumber,
    /// Elements are nested deeper than the configured limit.
    TooDeep,
    /// An element's value does not fit its type (e.g. an empty INTEGER).
    BadValue,
    /// Bytes remain after the last element of a structure.
    TrailingData,
    /// A name's string value cannot be converted to UTF-8, which OpenSSL
    /// does when it decodes a name (`x509_name_canon()` calls
    /// `ASN1_STRING_to_UTF8()`): invalid UTF-8, a BMPString holding a UTF-16
    /// surrogate (OpenSSL reads BMPStrings as UCS-2), a UniversalString
    /// character outside Unicode, or a length not a multiple of the width.
    BadString,
    /// A name attribute's value has a type OpenSSL does not accept in names
    /// (its `ASN1_PRINTABLE` set): e.g. a VisibleString, an INTEGER or a
    /// UTCTime. The tag found.
    NameValueType(u8),
}

impl std::fmt::Display for Asn1Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Truncated => f.write_str("the data ends inside an element"),
            Self::BadLength => f.write_str("an element has an invalid length"),
            Self::UnexpectedTag { expected, found } => {
                write!(f, "expected tag 0x{expected:02x}, found 0x{found:02x}")
            }
            Self::HighTagNumber => f.write_str("multi-byte ASN.1 tags are not supported"),
            Self::TooDeep => f.write_str("elements are nested too deeply"),
            Self::BadValue => f.write_str("an element's value is malformed"),
            Self::TrailingData => f.write_str("unexpected data after the last element"),
            Self::BadString => f.write_str(
                "a name holds a string that cannot be converted to UTF-8 (invalid UTF-8, a UTF-16 surrogate in a BMPString, or a bad length)",
            ),
            Self::NameValueType(found) => write!(
                f,
                "a name attribute's value has tag 0x{found:02x}, a type OpenSSL does not accept in names"
            ),
        }
    }
}

/// One element: its tag, its value, and its complete encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
    pub raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Reads the value as a sequence of elements.
    pub(crate) fn reader(&self) -> Reader<'a> {
        Reader::new(self.value)
    }

    /// Fails unless the element carries `expected` and, for INTEGER, OBJECT
    /// IDENTIFIER and BOOLEAN, an encoding OpenSSL's decoder accepts.
    pub(crate) fn expect(self, expected: u8) -> Result<Self, Asn1Error> {
        if self.tag == expected {
            check_primitive(self)?;
            Ok(self)
        } else {
            Err(Asn1Error::UnexpectedTag {
                expected,
                found: self.tag,
            })
        }
    }
}

/// Reads consecutive DER elements from a slice.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// Reads the next element, whatever its tag.
    pub(crate) fn any(&mut self) -> Result<Tlv<'a>, Asn1Error> {
        let (tlv, rest) = split_tlv(self.rest)?;
        self.rest = rest;
        Ok(tlv)
    }

    /// Reads the next element, which must carry `tag`. INTEGER, OID and
    /// BOOLEAN values are checked as OpenSSL's decoder checks them.
    pub(crate) fn expect(&mut self, tag: u8) -> Result<Tlv<'a>, Asn1Error> {
        let tlv = self.any()?.expect(tag)?;
        check_primitive(tlv)?;
        Ok(tlv)
    }

    /// Reads the next element if it carries `tag`, checked as [`Self::expect`] checks.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, Asn1Error> {
        if self.peek_tag() == Some(tag) {
            self.expect(tag).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fails if bytes remain.
    pub(crate) fn finish(&self) -> Result<(), Asn1Error> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(Asn1Error::TrailingData)
        }
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Result<Tlv<'a>, Asn1Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let item = self.any();
        if item.is_err() {
            self.rest = &[];
        }
        Some(item)
    }
}

/// Rejects the primitive encodings OpenSSL's decoder rejects: empty or
/// non-minimal INTEGERs, malformed OBJECT IDENTIFIERs, BOOLEANs that are not
/// one octet.
fn check_primitive(tlv: Tlv<'_>) -> Result<(), Asn1Error> {
    let v = tlv.value;
    let ok = match tlv.tag {
        tag::INTEGER => match v {
            [] => false,
            [0x00, next, ..] => *next >= 0x80,
            [0xFF, next, ..] => *next < 0x80,
            _ => true,
        },
        tag::OID => {
            !v.is_empty()
                && v.last().is_some_and(|&b| b < 0x80)
                && v.iter().enumerate().all(|(i, &b)| {
                    b != 0x80
                        || i.checked_sub(1)
                            .and_then(|p| v.get(p))
                            .is_some_and(|&p| p >= 0x80)
                })
        }
        tag::BOOLEAN => v.len() == 1,
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(Asn1Error::BadValue)
    }
}

/// Rejects an ANY value (an attribute value, algorithm parameters) that
/// OpenSSL's decoder refuses (`asn1_d2i_ex_primitive()`, `asn1_ex_c2i()`):
/// a SEQUENCE or SET must be constructed and is kept as it is, as is any
/// value of another class; end-of-contents is no value; BOOLEAN, INTEGER,
/// ENUMERATED, NULL and OBJECT IDENTIFIER must be primitive and well formed
/// (NULL empty, a BIT STRING's unused-bit count under 8, a BMPString of whole
/// code units, a UniversalString of whole characters).
pub(crate) fn check_any(tlv: Tlv<'_>) -> Result<(), Asn1Error> {
    const ENUMERATED: u8 = 0x0A;
    const UNIVERSAL_STRING: u8 = 0x1C;
    const BMP_STRING: u8 = 0x1E;
    if tlv.tag & 0xC0 != 0 {
        return Ok(());
    }
    let constructed = tlv.tag & 0x20 != 0;
    let number = tlv.tag & 0x1F;
    let v = tlv.value;
    let ok = match number {
        0 => false,
        0x10 | 0x11 => constructed,
        _ if constructed => {
            ![tag::BOOLEAN, tag::INTEGER, ENUMERATED, tag::NULL, tag::OID].contains(&number)
        }
        tag::NULL => v.is_empty(),
        tag::BIT_STRING => v.first().is_some_and(|&unused| unused < 8),
        BMP_STRING => v.len().is_multiple_of(2),
        UNIVERSAL_STRING => v.len().is_multiple_of(4),
        ENUMERATED => check_primitive(Tlv {
            tag: tag::INTEGER,
            ..tlv
        })
        .is_ok(),
        _ => check_primitive(tlv).is_ok(),
    };
    if ok {
        Ok(())
    } else {
        Err(Asn1Error::BadValue)
    }
}

/// Parses the header of a DER element: `(tag, header length, value length)`.
fn header(bytes: &[u8]) -> Result<(u8, usize, usize), Asn1Error> {
    let (&tag, rest) = bytes.split_first().ok_or(Asn1Error::Truncated)?;
    if tag & 0x1F == 0x1F {
        return Err(Asn1Error::HighTagNumber);
    }
    let (&first, rest) = rest.split_first().ok_or(Asn1Error::Truncated)?;
    if first < 0x80 {
        return Ok((tag, 2, usize::from(first)));
    }
    let n = usize::from(first & 0x7F);
    if n == 0 || n > 4 {
        // 0x80 is the indefinite form, which DER forbids; > 4 bytes exceeds any input limit.
        return Err(Asn1Error::BadLength);
    }
    let octets = rest.get(..n).ok_or(Asn1Error::Truncated)?;
    let len = octets
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    if octets.first().is_none_or(|&b| b == 0) || len < 0x80 {
        return Err(Asn1Error::BadLength);
    }
    Ok((tag, 2 + n, len))
}

/// Splits the first DER element off `bytes`.
pub(crate) fn split_tlv(bytes: &[u8]) -> Result<(Tlv<'_>, &[u8]), Asn1Error> {
    let (tag, hlen, vlen) = header(bytes)?;
    let end = hlen.checked_add(vlen).ok_or(Asn1Error::BadLength)?;
    if end > bytes.len() {
        return Err(Asn1Error::Truncated);
    }
    let (raw, rest) = bytes.split_at(end);
    Ok((
        Tlv {
            tag,
            value: raw.get(hlen..).unwrap_or_default(),
            raw,
        },
        rest,
    ))
}

/// Parses exactly one DER element filling `bytes`.
pub(crate) fn parse_one(bytes: &[u8]) -> Result<Tlv<'_>, Asn1Error> {
    let (tlv, rest) = split_tlv(bytes)?;
    if rest.is_empty() {
        Ok(tlv)
    } else {
        Err(Asn1Error::TrailingData)
    }
}

/// Encodes a DER length.
pub(crate) fn push_length(out: &mut Vec<u8>, len: usize) {
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count();
    let significant = bytes.get(skip..).unwrap_or_default();
    if len < 0x80 {
        out.extend_from_slice(significant.last().map_or(&[0][..], std::slice::from_ref));
        return;
    }
    let count = u8::try_from(significant.len()).unwrap_or(0x7F);
    out.push(0x80 | count);
    out.extend_from_slice(significant);
}

/// Encodes a complete DER element.
pub(crate) fn push_tlv(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    push_length(out, value.len());
    out.extend_from_slice(value);
}

/// Returns the unsigned magnitude of a DER INTEGER value without leading zero octets.
pub(crate) fn integer_magnitude(value: &[u8]) -> &[u8] {
    let skip = value
        .iter()
        .take_while(|&&b| b == 0)
        .count()
        .min(value.len().saturating_sub(1));
    value.get(skip..).unwrap_or_default()
}

/// Whether two INTEGER contents are the same signed value (OpenSSL's
/// `ASN1_INTEGER_cmp`): two's complement, so `80 AB` (negative) differs from
/// `00 80 AB`; redundant leading octets are ignored.
pub(crate) fn integers_equal(a: &[u8], b: &[u8]) -> bool {
    minimal_integer(a) == minimal_integer(b)
}

/// The value of a (valid) INTEGER's content, `None` when it does not fit an
/// `i64`.
pub(crate) fn integer_i64(value: &[u8]) -> Option<i64> {
    let value = minimal_integer(value);
    if value.is_empty() || value.len() > 8 {
        return None;
    }
    let negative = value.first().is_some_and(|b| b & 0x80 != 0);
    let start = if negative { -1i64 } else { 0 };
    Some(
        value
            .iter()
            .fold(start, |acc, &b| (acc << 8) | i64::from(b)),
    )
}

/// What OpenSSL's `int x = ASN1_INTEGER_get(i)` holds for an INTEGER's
/// content: -1 when the value does not fit a `long` (64 bits), else its low
/// 32 bits as a signed `int` (so 2^32 + 32 reads as 32).
pub(crate) fn openssl_int(value: &[u8]) -> i32 {
    let [.., a, b, c, d] = integer_i64(value).unwrap_or(-1).to_be_bytes();
    i32::from_be_bytes([a, b, c, d])
}

/// Two's complement content without redundant leading `00` or `FF` octets.
fn minimal_integer(mut value: &[u8]) -> &[u8] {
    while let [first, second, ..] = value {
        let redundant =
            (*first == 0 && second & 0x80 == 0) || (*first == 0xFF && second & 0x80 != 0);
        if !redundant {
            break;
        }
        value = value.get(1..).unwrap_or_default();
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_as_i64() {
        assert_eq!(integer_i64(&[0x00]), Some(0));
        assert_eq!(integer_i64(&[0x03]), Some(3));
        assert_eq!(integer_i64(&[0xFF]), Some(-1));
        assert_eq!(integer_i64(&[0x80]), Some(-128));
        assert_eq!(integer_i64(&[0x00, 0x80]), Some(128));
        assert_eq!(
            integer_i64(&[0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
            Some(i64::MAX)
        );
        assert_eq!(integer_i64(&[0x80, 0, 0, 0, 0, 0, 0, 0]), Some(i64::MIN));
        assert_eq!(integer_i64(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0]), None);
        assert_eq!(integer_i64(&[]), None);
    }

    #[test]
    fn integers_read_as_openssl_ints() {
        assert_eq!(openssl_int(&[0x20]), 32);
        assert_eq!(openssl_int(&[0x01, 0, 0, 0, 0x20]), 32);
        assert_eq!(openssl_int(&[0x00, 0x80, 0, 0, 0]), i32::MIN);
        assert_eq!(openssl_int(&[0xFF]), -1);
        assert_eq!(openssl_int(&[0x01, 0, 0, 0, 0, 0, 0, 0, 0x20]), -1);
    }

    #[test]
    fn integers_compare_as_signed_values() {
        assert!(integers_equal(&[0x01], &[0x00, 0x01]));
        assert!(integers_equal(&[0x00, 0x80, 0xAB], &[0x00, 0x80, 0xAB]));
        assert!(!integers_equal(&[0x80, 0xAB], &[0x00, 0x80, 0xAB]));
        assert!(integers_equal(&[0xFF, 0x80], &[0x80]));
        assert!(!integers_equal(&[0xFF], &[0x00, 0xFF]));
    }

    #[test]
    fn reads_nested_der() {
        let der = [0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xAA];
        let seq = parse_one(&der).unwrap().expect(tag::SEQUENCE).unwrap();
        let mut r = seq.reader();
        assert_eq!(r.expect(tag::INTEGER).unwrap().value, &[5]);
        assert_eq!(r.expect(tag::OCTET_STRING).unwrap().value, &[0xAA]);
        r.finish().unwrap();
    }

    #[test]
    fn rejects_bad_lengths() {
        assert_eq!(
            parse_one(&[0x04, 0x05, 1]).unwrap_err(),
            Asn1Error::Truncated
        );
        assert_eq!(
            parse_one(&[0x04, 0x81, 0x05, 1, 2, 3, 4, 5]).unwrap_err(),
            Asn1Error::BadLength
        );
        assert_eq!(
            parse_one(&[0x30, 0x80, 0, 0]).unwrap_err(),
            Asn1Error::BadLength
        );
        assert_eq!(
            parse_one(&[0x1F, 0x01, 0]).unwrap_err(),
            Asn1Error::HighTagNumber
        );
    }

    #[test]
    fn long_lengths_round_trip() {
        let value = vec![7u8; 300];
        let mut der = Vec::new();
        push_tlv(&mut der, tag::OCTET_STRING, &value);
        assert_eq!(&der[..4], &[0x04, 0x82, 0x01, 0x2C]);
        assert_eq!(parse_one(&der).unwrap().value, &value[..]);
    }

    #[test]
    fn any_values_follow_openssls_decoder() {
        let any = |raw: &[u8]| check_any(parse_one(raw).unwrap()).is_ok();
        for ok in [
            &[0x05, 0x00][..],
            &[0x02, 0x01, 0x05],
            &[0x0A, 0x01, 0x01],
            &[0x01, 0x01, 0xFF],
            &[0x03, 0x02, 0x07, 0x80],
            &[0x1E, 0x02, 0x00, 0x41],
            &[0x1C, 0x04, 0x00, 0x00, 0x00, 0x41],
            &[0x30, 0x03, 0x02, 0x01, 0x05],
            &[0x31, 0x00],
            &[0xA0, 0x01, 0xFF],
            &[0x80, 0x00],
            &[0x0C, 0x01, 0xFF],
        ] {
            assert!(any(ok), "{ok:02x?}");
        }
        for bad in [
            &[0x05, 0x01, 0x00][..],
            &[0x02, 0x02, 0x00, 0x05],
            &[0x02, 0x00],
            &[0x0A, 0x02, 0xFF, 0x80],
            &[0x01, 0x02, 0x00, 0xFF],
            &[0x06, 0x02, 0x80, 0x01],
            &[0x03, 0x01, 0x08],
            &[0x03, 0x00],
            &[0x1E, 0x01, 0x41],
            &[0x1C, 0x02, 0x00, 0x41],
            &[0x10, 0x00],
            &[0x11, 0x00],
            &[0x00, 0x00],
            &[0x22, 0x03, 0x02, 0x01, 0x05],
            &[0x25, 0x00],
        ] {
            assert!(!any(bad), "{bad:02x?}");
        }
    }
}
