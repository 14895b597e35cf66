//! Minimal hand-written DER: writing tag-length-value elements, and reading
//! one element's header back (definite or BER indefinite length).

/// Tag numbers (first identifier octet) of the elements the generator writes.
pub mod tag {
    /// INTEGER
    pub const INTEGER: u8 = 0x02;
    /// BIT STRING
    pub const BIT_STRING: u8 = 0x03;
    /// OCTET STRING (primitive)
    pub const OCTET_STRING: u8 = 0x04;
    /// OCTET STRING (constructed, BER only)
    pub const OCTET_STRING_CONSTRUCTED: u8 = 0x24;
    /// NULL
    pub const NULL: u8 = 0x05;
    /// OBJECT IDENTIFIER
    pub const OID: u8 = 0x06;
    /// UTF8String
    pub const UTF8_STRING: u8 = 0x0C;
    /// UTCTime
    pub const UTC_TIME: u8 = 0x17;
    /// SEQUENCE (always constructed)
    pub const SEQUENCE: u8 = 0x30;
    /// SET (always constructed)
    pub const SET: u8 = 0x31;
    /// `[0]` constructed (EXPLICIT or IMPLICIT SET OF)
    pub const CTX0: u8 = 0xA0;
}

/// The DER length octets of a content of `len` bytes.
pub fn length(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![u8::try_from(len).unwrap_or(0)];
    }
    let bytes = len.to_be_bytes();
    let significant: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
    let mut out = vec![0x80 | u8::try_from(significant.len()).unwrap_or(0)];
    out.extend(significant);
    out
}

/// One element: `tag`, DER length, `content`.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    out.extend(length(content.len()));
    out.extend_from_slice(content);
    out
}

/// An element whose content is the concatenation of `parts`.
pub fn constructed(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &parts.concat())
}

/// SEQUENCE of the already-encoded `parts`.
pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    constructed(tag::SEQUENCE, parts)
}

/// SET of the already-encoded `parts`, in the given order.
pub fn set(parts: &[&[u8]]) -> Vec<u8> {
    constructed(tag::SET, parts)
}

/// An INTEGER holding the unsigned big-endian `magnitude` (a 0x00 octet is
/// prepended when the top bit is set, as DER requires).
pub fn uint(magnitude: &[u8]) -> Vec<u8> {
    let trimmed = &magnitude[magnitude.iter().take_while(|&&b| b == 0).count()..];
    let mut content = Vec::with_capacity(trimmed.len() + 1);
    if trimmed.first().is_none_or(|&b| b & 0x80 != 0) {
        content.push(0);
    }
    content.extend_from_slice(trimmed);
    tlv(tag::INTEGER, &content)
}

/// An OBJECT IDENTIFIER from its dotted arcs (at least two).
pub fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut content = Vec::new();
    let (first, rest) = match arcs {
        [a, b, rest @ ..] => (a * 40 + b, rest),
        _ => (0, &[][..]),
    };
    for arc in std::iter::once(first).chain(rest.iter().copied()) {
        let mut base128 = vec![u8::try_from(arc & 0x7F).unwrap_or(0)];
        let mut v = arc >> 7;
        while v > 0 {
            base128.push(0x80 | u8::try_from(v & 0x7F).unwrap_or(0));
            v >>= 7;
        }
        content.extend(base128.iter().rev());
    }
    tlv(tag::OID, &content)
}

/// A BIT STRING with no unused bits.
pub fn bit_string(bits: &[u8]) -> Vec<u8> {
    let mut content = Vec::with_capacity(bits.len() + 1);
    content.push(0);
    content.extend_from_slice(bits);
    tlv(tag::BIT_STRING, &content)
}

/// A primitive OCTET STRING.
pub fn octets(value: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, value)
}

/// One element's header as read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// The identifier octet (low-tag-number form only).
    pub tag: u8,
    /// Identifier plus length octets.
    pub header_len: usize,
    /// Content length; `None` for BER's indefinite form (`0x80`).
    pub len: Option<usize>,
}

impl Header {
    /// Whether the constructed bit is set.
    pub fn is_constructed(&self) -> bool {
        self.tag & 0x20 != 0
    }
}

/// Reads the header at the start of `bytes`; `None` when it is truncated,
/// uses a high tag number or a length of more than 8 octets.
pub fn header(bytes: &[u8]) -> Option<Header> {
    let (&tag, rest) = bytes.split_first()?;
    if tag & 0x1F == 0x1F {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    if first < 0x80 {
        return Some(Header {
            tag,
            header_len: 2,
            len: Some(usize::from(first)),
        });
    }
    let count = usize::from(first & 0x7F);
    if count == 0 {
        return Some(Header {
            tag,
            header_len: 2,
            len: None,
        });
    }
    let octets = rest.get(..count).filter(|_| count <= 8)?;
    let len = octets
        .iter()
        .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
    Some(Header {
        tag,
        header_len: 2 + count,
        len: Some(len),
    })
}

/// Splits a definite-length element off the front of `bytes`: its header,
/// its content and the bytes after it.
pub fn split(bytes: &[u8]) -> Option<(Header, &[u8], &[u8])> {
    let h = header(bytes)?;
    let end = h.header_len.checked_add(h.len?)?;
    let content = bytes.get(h.header_len..end)?;
    Some((h, content, &bytes[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_minimal() {
        assert_eq!(length(5), [5]);
        assert_eq!(length(0x80), [0x81, 0x80]);
        assert_eq!(length(0x1_0000), [0x83, 1, 0, 0]);
    }

    #[test]
    fn integers_and_oids_encode_as_der() {
        assert_eq!(uint(&[0x00, 0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(uint(&[]), [0x02, 0x01, 0x00]);
        // sha256WithRSAEncryption
        assert_eq!(
            oid(&[1, 2, 840, 113549, 1, 1, 11]),
            [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B]
        );
    }

    #[test]
    fn headers_read_back() {
        let e = tlv(tag::SEQUENCE, &[0u8; 300]);
        let (h, content, rest) = split(&e).unwrap();
        assert_eq!(h.tag, tag::SEQUENCE);
        assert_eq!(h.header_len, 4);
        assert_eq!(content.len(), 300);
        assert!(rest.is_empty());
        assert_eq!(header(&[0x24, 0x80]).unwrap().len, None);
        assert_eq!(header(&[0x04, 0x82, 1]), None);
    }
}
