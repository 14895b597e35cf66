//! A minimal, borrowing DER reader and a BER-to-DER normaliser.
//!
//! CMS messages are parsed through views that borrow the input. The reader here
//! walks tag-length-value triples of *normalised* input: definite, minimal
//! lengths and single-byte tags. [`normalize`] turns BER (indefinite lengths,
//! non-minimal lengths, constructed strings, as `openssl cms -sign -stream`
//! writes) into that form, borrowing the input when it already is.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)] // TEMPORARY: fixed on the budget branch

use std::borrow::Cow;

/// Universal and context tags used by the views (identifier octets).
pub(crate) mod tag {
    pub(crate) const BOOLEAN: u8 = 0x01;
    pub(crate) const INTEGER: u8 = 0x02;
    pub(crate) const BIT_STRING: u8 = 0x03;
    pub(crate) const OCTET_STRING: u8 = 0x04;
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

    /// Fails unless the element carries `expected`.
    pub(crate) fn expect(self, expected: u8) -> Result<Self, Asn1Error> {
        if self.tag == expected {
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

    /// Reads the next element if it carries `tag`.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, Asn1Error> {
        if self.peek_tag() == Some(tag) {
            self.any().map(Some)
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
                && v.iter()
                    .enumerate()
                    .all(|(i, &b)| b != 0x80 || (i > 0 && v[i - 1] >= 0x80))
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
    if octets[0] == 0 || len < 0x80 {
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
            value: &raw[hlen..],
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
    let significant = &bytes[skip..];
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
    &value[skip..]
}

// ---------------------------------------------------------------------------
// BER -> DER

/// The BER header of an element: tag, header length, `None` for indefinite length.
fn ber_header(bytes: &[u8]) -> Result<(u8, usize, Option<usize>, bool), Asn1Error> {
    let (&tag, rest) = bytes.split_first().ok_or(Asn1Error::Truncated)?;
    if tag & 0x1F == 0x1F {
        return Err(Asn1Error::HighTagNumber);
    }
    let (&first, rest) = rest.split_first().ok_or(Asn1Error::Truncated)?;
    if first < 0x80 {
        return Ok((tag, 2, Some(usize::from(first)), false));
    }
    if first == 0x80 {
        if tag & 0x20 == 0 {
            return Err(Asn1Error::BadLength);
        }
        return Ok((tag, 2, None, true));
    }
    let n = usize::from(first & 0x7F);
    let octets = rest.get(..n).ok_or(Asn1Error::Truncated)?;
    let significant: &[u8] = {
        let skip = octets.iter().take_while(|&&b| b == 0).count();
        &octets[skip..]
    };
    if significant.len() > 4 {
        return Err(Asn1Error::BadLength);
    }
    let len = significant
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    let minimal = significant.len() == octets.len() && len >= 0x80;
    Ok((tag, 2 + n, Some(len), !minimal))
}

/// True for universal string types, whose constructed BER form DER flattens.
fn is_string_tag(tag: u8) -> bool {
    matches!(
        tag & 0x1F,
        0x03 | 0x04 | 0x0C | 0x12..=0x16 | 0x19..=0x1E
    ) && tag & 0xC0 == 0
}

/// Scans one BER element; returns its encoded length and whether DER differs.
fn scan(bytes: &[u8], depth: usize, max_depth: usize) -> Result<(usize, bool), Asn1Error> {
    if depth > max_depth {
        return Err(Asn1Error::TooDeep);
    }
    let (tag, hlen, len, mut changed) = ber_header(bytes)?;
    let constructed = tag & 0x20 != 0;
    if constructed && is_string_tag(tag) {
        changed = true;
    }
    match len {
        Some(len) => {
            let end = hlen.checked_add(len).ok_or(Asn1Error::BadLength)?;
            let value = bytes.get(hlen..end).ok_or(Asn1Error::Truncated)?;
            if constructed {
                let mut pos = 0;
                while pos < value.len() {
                    let (n, c) = scan(&value[pos..], depth + 1, max_depth)?;
                    changed |= c;
                    pos += n;
                }
            }
            Ok((end, changed))
        }
        None => {
            let mut pos = hlen;
            loop {
                let rest = bytes.get(pos..).ok_or(Asn1Error::Truncated)?;
                if rest.starts_with(&[0, 0]) {
                    return Ok((pos + 2, true));
                }
                let (n, _) = scan(rest, depth + 1, max_depth)?;
                pos += n;
            }
        }
    }
}

/// A parsed BER element ready to be written as DER.
enum Node<'a> {
    Primitive {
        tag: u8,
        value: &'a [u8],
    },
    Constructed {
        tag: u8,
        children: Vec<Node<'a>>,
        len: usize,
    },
    /// A constructed string flattened to its primitive form.
    String {
        tag: u8,
        parts: Vec<&'a [u8]>,
        len: usize,
    },
}

impl Node<'_> {
    fn content_len(&self) -> usize {
        match self {
            Node::Primitive { value, .. } => value.len(),
            Node::Constructed { len, .. } | Node::String { len, .. } => *len,
        }
    }

    fn encoded_len(&self) -> usize {
        let len = self.content_len();
        let len_octets = if len < 0x80 {
            1
        } else {
            1 + len.to_be_bytes().iter().skip_while(|&&b| b == 0).count()
        };
        1 + len_octets + len
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Node::Primitive { tag, value } => push_tlv(out, *tag, value),
            Node::Constructed { tag, children, len } => {
                out.push(*tag);
                push_length(out, *len);
                children.iter().for_each(|c| c.write(out));
            }
            Node::String { tag, parts, len } => {
                out.push(*tag);
                push_length(out, *len);
                parts.iter().for_each(|p| out.extend_from_slice(p));
            }
        }
    }
}

/// Parses one BER element into a tree; returns the node and its encoded length.
fn build(bytes: &[u8], depth: usize, max_depth: usize) -> Result<(Node<'_>, usize), Asn1Error> {
    if depth > max_depth {
        return Err(Asn1Error::TooDeep);
    }
    let (tag, hlen, len, _) = ber_header(bytes)?;
    let constructed = tag & 0x20 != 0;
    let (children, consumed) = if constructed {
        let mut children = Vec::new();
        let consumed = match len {
            Some(len) => {
                let end = hlen.checked_add(len).ok_or(Asn1Error::BadLength)?;
                let value = bytes.get(hlen..end).ok_or(Asn1Error::Truncated)?;
                let mut pos = 0;
                while pos < value.len() {
                    let (child, n) = build(&value[pos..], depth + 1, max_depth)?;
                    children.push(child);
                    pos += n;
                }
                end
            }
            None => {
                let mut pos = hlen;
                loop {
                    let rest = bytes.get(pos..).ok_or(Asn1Error::Truncated)?;
                    if rest.starts_with(&[0, 0]) {
                        break pos + 2;
                    }
                    let (child, n) = build(rest, depth + 1, max_depth)?;
                    children.push(child);
                    pos += n;
                }
            }
        };
        (children, consumed)
    } else {
        let len = len.ok_or(Asn1Error::BadLength)?;
        let end = hlen.checked_add(len).ok_or(Asn1Error::BadLength)?;
        let value = bytes.get(hlen..end).ok_or(Asn1Error::Truncated)?;
        return Ok((Node::Primitive { tag, value }, end));
    };
    let node = if is_string_tag(tag) {
        let primitive_tag = tag & !0x20;
        let mut parts = Vec::new();
        flatten(&children, primitive_tag, &mut parts)?;
        let len = parts.iter().map(|p| p.len()).sum();
        Node::String {
            tag: primitive_tag,
            parts,
            len,
        }
    } else {
        let len = children.iter().map(Node::encoded_len).sum();
        Node::Constructed { tag, children, len }
    };
    Ok((node, consumed))
}

/// Collects the primitive segments of a constructed string.
fn flatten<'a>(children: &[Node<'a>], tag: u8, parts: &mut Vec<&'a [u8]>) -> Result<(), Asn1Error> {
    for child in children {
        match child {
            Node::Primitive { tag: t, value } if *t == tag => parts.push(value),
            Node::String {
                tag: t, parts: p, ..
            } if *t == tag => parts.extend_from_slice(p),
            _ => return Err(Asn1Error::BadValue),
        }
    }
    Ok(())
}

/// Normalises the first BER element of `bytes` to DER.
///
/// Returns the element (trailing bytes are ignored, as OpenSSL does), borrowed
/// when it already is DER-shaped. Nesting deeper than `max_depth` is an error.
/// SET OF elements keep their received order: OpenSSL verifies signed
/// attributes over their re-encoding in that order.
pub(crate) fn normalize(bytes: &[u8], max_depth: usize) -> Result<Cow<'_, [u8]>, Asn1Error> {
    let (len, changed) = scan(bytes, 0, max_depth)?;
    if !changed {
        return Ok(Cow::Borrowed(&bytes[..len]));
    }
    let (node, _) = build(bytes, 0, max_depth)?;
    let mut out = Vec::with_capacity(node.encoded_len());
    node.write(&mut out);
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn der_input_is_borrowed() {
        let der = [0x30, 0x03, 0x04, 0x01, 0xAA, 0xFF];
        let out = normalize(&der, 8).unwrap();
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(&*out, &der[..5]);
    }

    #[test]
    fn indefinite_and_constructed_strings_become_der() {
        // SEQUENCE (indefinite) { OCTET STRING constructed { "ab", "c" } }
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0x00, 0x00, 0x00,
            0x00,
        ];
        let out = normalize(&ber, 8).unwrap();
        assert_eq!(&*out, &[0x30, 0x05, 0x04, 0x03, b'a', b'b', b'c']);
    }

    #[test]
    fn non_minimal_lengths_are_shortened() {
        let ber = [0x30, 0x81, 0x04, 0x04, 0x81, 0x01, 0xAA];
        assert_eq!(
            &*normalize(&ber, 8).unwrap(),
            &[0x30, 0x03, 0x04, 0x01, 0xAA]
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut ber = Vec::new();
        for _ in 0..100 {
            ber.extend_from_slice(&[0x30, 0x80]);
        }
        ber.extend(std::iter::repeat_n(0u8, 200));
        assert_eq!(normalize(&ber, 64).unwrap_err(), Asn1Error::TooDeep);
    }

    #[test]
    fn long_lengths_round_trip() {
        let value = vec![7u8; 300];
        let mut der = Vec::new();
        push_tlv(&mut der, tag::OCTET_STRING, &value);
        assert_eq!(&der[..4], &[0x04, 0x82, 0x01, 0x2C]);
        assert_eq!(parse_one(&der).unwrap().value, &value[..]);
    }
}
