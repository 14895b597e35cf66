//! BER to DER: indefinite lengths, non-minimal lengths and constructed
//! strings (as `openssl cms -sign -stream` writes them) become the definite,
//! minimal form the [`crate::asn1`] reader walks.
//!
//! Two passes over the input and no tree: the first validates the encoding
//! and records the DER content length of every constructed element in the
//! order the elements start (two bytes each; the rare length of 64 KiB or
//! more is kept aside), the second writes the DER. Working memory is at most
//! the input's size (every constructed element takes at least two input
//! bytes) and the output is the input's size plus a few bytes per nesting
//! level, so a small BER message cannot make the normaliser allocate much
//! more than the message itself. DER input is returned borrowed.
//!
//! Hand-written: `der` reads BER only partially and re-encodes through typed
//! structures, while OpenSSL verifies over the received element order.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::asn1::{push_length, push_tlv, Asn1Error};

/// Normalises the first BER element of `bytes` to DER.
///
/// Returns the element (trailing bytes are ignored, as OpenSSL does), borrowed
/// when it already is DER-shaped. Nesting deeper than `max_depth`, counting
/// the segments of constructed strings, is an error. SET OF elements keep
/// their received order: OpenSSL verifies signed attributes over their
/// re-encoding in that order.
pub(crate) fn normalize(bytes: &[u8], max_depth: usize) -> Result<Cow<'_, [u8]>, Asn1Error> {
    let mut lengths = DerLengths::default();
    let element = measure(bytes, 0, max_depth, &mut lengths)?;
    if !element.changed {
        return bytes
            .get(..element.consumed)
            .map(Cow::Borrowed)
            .ok_or(Asn1Error::Truncated);
    }
    let mut out = Vec::new();
    out.try_reserve_exact(element.der_len)
        .map_err(|_| Asn1Error::BadLength)?;
    let mut next = 0;
    write(bytes, &lengths, &mut next, &mut out)?;
    Ok(Cow::Owned(out))
}

/// DER content lengths of constructed elements, by the order they start.
#[derive(Default)]
struct DerLengths {
    small: Vec<u16>,
    /// Lengths of `u16::MAX` or more, by slot (an element that long takes at
    /// least 64 KiB of input, so there are few).
    large: HashMap<usize, usize>,
}

impl DerLengths {
    fn reserve(&mut self) -> usize {
        self.small.push(0);
        self.small.len() - 1
    }

    fn set(&mut self, slot: usize, len: usize) {
        let short = u16::try_from(len).ok().filter(|&l| l < u16::MAX);
        if short.is_none() {
            self.large.insert(slot, len);
        }
        if let Some(entry) = self.small.get_mut(slot) {
            *entry = short.unwrap_or(u16::MAX);
        }
    }

    fn get(&self, slot: usize) -> Option<usize> {
        match *self.small.get(slot)? {
            u16::MAX => self.large.get(&slot).copied(),
            len => Some(usize::from(len)),
        }
    }
}

/// What the first pass learned about one element.
struct Measured {
    /// Input bytes it takes.
    consumed: usize,
    /// Bytes its DER encoding takes.
    der_len: usize,
    /// Whether the DER encoding differs from the input.
    changed: bool,
}

/// The BER header of an element: tag, header length, `None` for indefinite
/// length, and whether the header is not DER.
fn header(bytes: &[u8]) -> Result<(u8, usize, Option<usize>, bool), Asn1Error> {
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
    // OpenSSL's asn1_get_length() wants a byte after the length octets
    // within the enclosing element: a long-form length cannot end it.
    if rest.len() <= n {
        return Err(Asn1Error::BadLength);
    }
    let octets = rest.get(..n).ok_or(Asn1Error::Truncated)?;
    let significant = octets.get(octets.iter().take_while(|&&b| b == 0).count()..);
    let significant = significant.unwrap_or_default();
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

/// The DER size of an element with `content` bytes of content.
fn der_size(content: usize) -> Result<usize, Asn1Error> {
    let length_octets = if content < 0x80 {
        1
    } else {
        1 + content
            .to_be_bytes()
            .iter()
            .skip_while(|&&b| b == 0)
            .count()
    };
    content
        .checked_add(1 + length_octets)
        .ok_or(Asn1Error::BadLength)
}

/// Runs `each` on every child of a constructed element (header `hlen` bytes,
/// length `len`, `None` for indefinite); `each` returns the bytes the child
/// takes. Returns the bytes the whole element takes.
fn for_each_child(
    bytes: &[u8],
    hlen: usize,
    len: Option<usize>,
    mut each: impl FnMut(&[u8]) -> Result<usize, Asn1Error>,
) -> Result<usize, Asn1Error> {
    match len {
        Some(len) => {
            let end = hlen.checked_add(len).ok_or(Asn1Error::BadLength)?;
            let value = bytes.get(hlen..end).ok_or(Asn1Error::Truncated)?;
            let mut pos = 0;
            while let Some(rest) = value.get(pos..).filter(|r| !r.is_empty()) {
                pos += each(rest)?;
            }
            Ok(end)
        }
        None => {
            let mut pos = hlen;
            loop {
                let rest = bytes.get(pos..).ok_or(Asn1Error::Truncated)?;
                if rest.starts_with(&[0, 0]) {
                    return Ok(pos + 2);
                }
                pos += each(rest)?;
            }
        }
    }
}

/// First pass over one element: validates it and records the DER content
/// length of each constructed element in `lengths`.
fn measure(
    bytes: &[u8],
    depth: usize,
    max_depth: usize,
    lengths: &mut DerLengths,
) -> Result<Measured, Asn1Error> {
    if depth > max_depth {
        return Err(Asn1Error::TooDeep);
    }
    let (tag, hlen, len, mut changed) = header(bytes)?;
    if tag & 0x20 == 0 {
        let len = len.ok_or(Asn1Error::BadLength)?;
        let end = hlen.checked_add(len).ok_or(Asn1Error::BadLength)?;
        bytes.get(..end).ok_or(Asn1Error::Truncated)?;
        return Ok(Measured {
            consumed: end,
            der_len: der_size(len)?,
            changed,
        });
    }
    let slot = lengths.reserve();
    let mut content = 0usize;
    let consumed = if is_string_tag(tag) {
        changed = true;
        string_content(bytes, tag & !0x20, depth, max_depth, &mut content)?
    } else {
        for_each_child(bytes, hlen, len, |child| {
            let m = measure(child, depth + 1, max_depth, lengths)?;
            content = content.checked_add(m.der_len).ok_or(Asn1Error::BadLength)?;
            changed |= m.changed;
            Ok(m.consumed)
        })?
    };
    lengths.set(slot, content);
    Ok(Measured {
        consumed,
        der_len: der_size(content)?,
        changed,
    })
}

/// Adds the segment lengths of a constructed string (whose primitive tag is
/// `primitive`) to `content`; segments are primitive strings of that tag or
/// constructed strings of it. Returns the bytes the string takes.
fn string_content(
    bytes: &[u8],
    primitive: u8,
    depth: usize,
    max_depth: usize,
    content: &mut usize,
) -> Result<usize, Asn1Error> {
    if depth > max_depth {
        return Err(Asn1Error::TooDeep);
    }
    let (_, hlen, len, _) = header(bytes)?;
    for_each_child(bytes, hlen, len, |segment| {
        let (tag, seg_hlen, seg_len, _) = header(segment)?;
        if tag == primitive {
            let seg_len = seg_len.ok_or(Asn1Error::BadLength)?;
            let end = seg_hlen.checked_add(seg_len).ok_or(Asn1Error::BadLength)?;
            segment.get(..end).ok_or(Asn1Error::Truncated)?;
            *content = content.checked_add(seg_len).ok_or(Asn1Error::BadLength)?;
            Ok(end)
        } else if tag == primitive | 0x20 {
            string_content(segment, primitive, depth + 1, max_depth, content)
        } else {
            Err(Asn1Error::BadValue)
        }
    })
}

/// Second pass: writes one element (validated by [`measure`]) as DER;
/// `next` is the slot of the next constructed element. Returns the bytes it
/// takes in the input.
fn write(
    bytes: &[u8],
    lengths: &DerLengths,
    next: &mut usize,
    out: &mut Vec<u8>,
) -> Result<usize, Asn1Error> {
    let (tag, hlen, len, _) = header(bytes)?;
    if tag & 0x20 == 0 {
        let len = len.ok_or(Asn1Error::BadLength)?;
        let end = hlen.checked_add(len).ok_or(Asn1Error::BadLength)?;
        push_tlv(out, tag, bytes.get(hlen..end).ok_or(Asn1Error::Truncated)?);
        return Ok(end);
    }
    let content = lengths.get(*next).ok_or(Asn1Error::BadLength)?;
    *next += 1;
    if is_string_tag(tag) {
        out.push(tag & !0x20);
        push_length(out, content);
        return write_segments(bytes, out);
    }
    out.push(tag);
    push_length(out, content);
    for_each_child(bytes, hlen, len, |child| write(child, lengths, next, out))
}

/// Writes the contents of a constructed string's segments, in order.
fn write_segments(bytes: &[u8], out: &mut Vec<u8>) -> Result<usize, Asn1Error> {
    let (_, hlen, len, _) = header(bytes)?;
    for_each_child(bytes, hlen, len, |segment| {
        let (tag, seg_hlen, seg_len, _) = header(segment)?;
        if tag & 0x20 != 0 {
            return write_segments(segment, out);
        }
        let seg_len = seg_len.ok_or(Asn1Error::BadLength)?;
        let end = seg_hlen.checked_add(seg_len).ok_or(Asn1Error::BadLength)?;
        out.extend_from_slice(segment.get(seg_hlen..end).ok_or(Asn1Error::Truncated)?);
        Ok(end)
    })
}

/// One element of BER input as received: its tag and its bytes (header,
/// content and, in the indefinite form, the end-of-contents octets). Lets
/// a caller find the received bytes of what [`normalize`] re-encoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Element<'a> {
    pub tag: u8,
    pub raw: &'a [u8],
    hlen: usize,
    /// Content length, `None` for the indefinite form.
    len: Option<usize>,
}

impl<'a> Element<'a> {
    /// The first element of `bytes`. Finding the end of an indefinite-length
    /// element walks its content, nested at most `max_depth` deep.
    pub(crate) fn first(bytes: &'a [u8], max_depth: usize) -> Result<Self, Asn1Error> {
        let (tag, hlen, len, _) = header(bytes)?;
        let end = extent(bytes, 0, max_depth)?;
        Ok(Self {
            tag,
            raw: bytes.get(..end).ok_or(Asn1Error::Truncated)?,
            hlen,
            len,
        })
    }

    /// The elements inside a constructed element, in order. Each is read
    /// in the window [`normalize`] read it in (to the end of an indefinite
    /// element's end-of-contents octets), so the same headers are accepted.
    pub(crate) fn children(&self, max_depth: usize) -> Result<Vec<Self>, Asn1Error> {
        if self.tag & 0x20 == 0 {
            return Err(Asn1Error::BadValue);
        }
        let window = match self.len {
            Some(len) => {
                let end = self.hlen.checked_add(len).ok_or(Asn1Error::BadLength)?;
                self.raw.get(self.hlen..end)
            }
            None => self.raw.get(self.hlen..),
        }
        .ok_or(Asn1Error::Truncated)?;
        let mut children = Vec::new();
        let mut pos = 0;
        while let Some(rest) = window.get(pos..).filter(|r| !r.is_empty()) {
            if self.len.is_none() && rest.starts_with(&[0, 0]) {
                break;
            }
            let child = Self::first(rest, max_depth)?;
            pos += child.raw.len();
            children.push(child);
        }
        Ok(children)
    }
}

/// The bytes the first element of `bytes` takes.
fn extent(bytes: &[u8], depth: usize, max_depth: usize) -> Result<usize, Asn1Error> {
    if depth > max_depth {
        return Err(Asn1Error::TooDeep);
    }
    let (_, hlen, len, _) = header(bytes)?;
    match len {
        Some(len) => {
            let end = hlen.checked_add(len).ok_or(Asn1Error::BadLength)?;
            bytes.get(..end).ok_or(Asn1Error::Truncated)?;
            Ok(end)
        }
        None => for_each_child(bytes, hlen, None, |child| {
            extent(child, depth + 1, max_depth)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn nested_constructed_strings_flatten() {
        // OCTET STRING { OCTET STRING { "a", OCTET STRING { "b" } }, "c" }
        let ber = [
            0x24, 0x80, 0x24, 0x08, 0x04, 0x01, b'a', 0x24, 0x03, 0x04, 0x01, b'b', 0x04, 0x01,
            b'c', 0x00, 0x00,
        ];
        assert_eq!(
            &*normalize(&ber, 8).unwrap(),
            &[0x04, 0x03, b'a', b'b', b'c']
        );
        // A segment of another type is refused.
        let mixed = [0x24, 0x03, 0x0C, 0x01, b'a'];
        assert_eq!(normalize(&mixed, 8).unwrap_err(), Asn1Error::BadValue);
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
        // Constructed strings nest too.
        let mut ber = Vec::new();
        for _ in 0..100 {
            ber.extend_from_slice(&[0x24, 0x80]);
        }
        ber.extend(std::iter::repeat_n(0u8, 200));
        assert_eq!(normalize(&ber, 64).unwrap_err(), Asn1Error::TooDeep);
    }

    #[test]
    fn long_contents_get_long_lengths() {
        // SEQUENCE (indefinite) { OCTET STRING constructed { 70000 bytes in 7 segments } }
        let mut ber = vec![0x30, 0x80, 0x24, 0x80];
        for _ in 0..7 {
            ber.extend_from_slice(&[0x04, 0x82, 0x27, 0x10]);
            ber.extend(std::iter::repeat_n(7u8, 10_000));
        }
        ber.extend_from_slice(&[0, 0, 0, 0]);
        let out = normalize(&ber, 8).unwrap();
        assert_eq!(
            &out[..9],
            &[0x30, 0x83, 0x01, 0x11, 0x75, 0x04, 0x83, 0x01, 0x11]
        );
        assert_eq!(out.len(), 9 + 70_000 + 1);
    }

    #[test]
    fn working_memory_stays_within_the_input_size() {
        // Many tiny indefinite constructed strings: the worst case of the old
        // tree-building normaliser.
        let mut ber = vec![0x30, 0x80];
        for _ in 0..100_000 {
            ber.extend_from_slice(&[0x24, 0x80, 0x04, 0x00, 0x00, 0x00]);
        }
        ber.extend_from_slice(&[0, 0]);
        let mut lengths = DerLengths::default();
        let m = measure(&ber, 0, 64, &mut lengths).unwrap();
        assert!(m.changed);
        assert!(lengths.small.len() * 2 <= ber.len());
        assert!(lengths.large.len() <= 1);
        assert!(m.der_len <= ber.len());
        assert_eq!(normalize(&ber, 64).unwrap().len(), m.der_len);
    }

    #[test]
    fn truncated_and_bad_inputs_are_errors() {
        assert_eq!(
            normalize(&[0x30, 0x80, 0x04], 8).unwrap_err(),
            Asn1Error::Truncated
        );
        assert_eq!(
            normalize(&[0x04, 0x80, 0, 0], 8).unwrap_err(),
            Asn1Error::BadLength
        );
        assert_eq!(
            normalize(&[0x30, 0x05, 0x04], 8).unwrap_err(),
            Asn1Error::Truncated
        );
    }

    #[test]
    fn elements_keep_their_received_bytes() {
        // SEQUENCE (indefinite) { INTEGER with a non-minimal length, SEQUENCE { NULL } }
        let ber = [
            0x30, 0x80, 0x02, 0x81, 0x01, 0x07, 0x30, 0x02, 0x05, 0x00, 0x00, 0x00, 0xFF,
        ];
        let outer = Element::first(&ber, 8).unwrap();
        assert_eq!(outer.raw, &ber[..12]);
        let children = outer.children(8).unwrap();
        assert_eq!(children.len(), 2);
        assert_eq!(children[0].raw, &[0x02, 0x81, 0x01, 0x07]);
        assert_eq!(children[1].tag, 0x30);
        assert_eq!(children[1].children(8).unwrap()[0].raw, &[0x05, 0x00]);
        assert_eq!(children[0].children(8).unwrap_err(), Asn1Error::BadValue);
        assert_eq!(Element::first(&ber, 0).unwrap_err(), Asn1Error::TooDeep);
    }

    #[test]
    fn a_long_form_length_cannot_end_its_window() {
        // SEQUENCE { NULL with the length 81 00 }: nothing follows the
        // length octets inside the SEQUENCE, which OpenSSL refuses.
        assert_eq!(
            normalize(&[0x30, 0x03, 0x05, 0x81, 0x00], 8).unwrap_err(),
            Asn1Error::BadLength
        );
        // Followed by another element, or inside an indefinite SEQUENCE
        // (whose window runs on), it is taken.
        let ok = [0x30, 0x05, 0x05, 0x81, 0x00, 0x05, 0x00];
        assert_eq!(
            &*normalize(&ok, 8).unwrap(),
            &[0x30, 0x04, 0x05, 0x00, 0x05, 0x00]
        );
        let indefinite = [0x30, 0x80, 0x05, 0x81, 0x00, 0x00, 0x00];
        assert_eq!(
            &*normalize(&indefinite, 8).unwrap(),
            &[0x30, 0x02, 0x05, 0x00]
        );
        let outer = Element::first(&indefinite, 8).unwrap();
        assert_eq!(outer.children(8).unwrap()[0].raw, &[0x05, 0x81, 0x00]);
    }
}
