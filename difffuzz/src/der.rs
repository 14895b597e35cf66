//! Just enough DER (and BER) writing to build certificates and SignedData
//! byte by byte, including the non-canonical forms the mutations ask for.

/// Universal and context tags used by the builders.
pub mod tag {
    pub const BOOLEAN: u8 = 0x01;
    pub const INTEGER: u8 = 0x02;
    pub const BIT_STRING: u8 = 0x03;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const UTF8: u8 = 0x0C;
    pub const PRINTABLE: u8 = 0x13;
    pub const T61: u8 = 0x14;
    pub const IA5: u8 = 0x16;
    pub const UTC_TIME: u8 = 0x17;
    pub const GENERALIZED_TIME: u8 = 0x18;
    pub const VISIBLE: u8 = 0x1A;
    pub const UNIVERSAL: u8 = 0x1C;
    pub const BMP: u8 = 0x1E;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
}

/// The DER length octets of `len`.
pub fn length(len: usize) -> Vec<u8> {
    if len < 0x80 {
        return vec![len as u8];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|&b| b == 0)
        .collect();
    let mut out = vec![0x80 | bytes.len() as u8];
    out.extend_from_slice(&bytes);
    out
}

/// A definite-length TLV.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    out.extend_from_slice(&length(content.len()));
    out.extend_from_slice(content);
    out
}

/// A TLV whose length is written in a non-minimal long form (`0x82 00 LL`
/// for short contents): valid BER, invalid DER.
pub fn tlv_long_length(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag, 0x84];
    out.extend_from_slice(&(content.len() as u32).to_be_bytes());
    out.extend_from_slice(content);
    out
}

/// A constructed TLV, indefinite-length when `indefinite` (BER).
pub fn cons(tag: u8, content: &[u8], indefinite: bool) -> Vec<u8> {
    if !indefinite {
        return tlv(tag, content);
    }
    let mut out = Vec::with_capacity(content.len() + 4);
    out.push(tag);
    out.push(0x80);
    out.extend_from_slice(content);
    out.extend_from_slice(&[0, 0]);
    out
}

/// Concatenates encodings.
pub fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A SEQUENCE of the given encodings.
pub fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(tag::SEQUENCE, &parts.concat())
}

/// A SET of the given encodings, sorted as DER requires for SET OF.
pub fn set_sorted(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut sorted: Vec<&Vec<u8>> = parts.iter().collect();
    sorted.sort();
    tlv(
        tag::SET,
        &sorted
            .iter()
            .flat_map(|p| p.iter().copied())
            .collect::<Vec<u8>>(),
    )
}

/// A SET of the given encodings, in the given order.
pub fn set_as_is(parts: &[Vec<u8>]) -> Vec<u8> {
    tlv(tag::SET, &parts.concat())
}

/// The content octets of an OBJECT IDENTIFIER in dotted form.
pub fn oid_content(dotted: &str) -> Vec<u8> {
    let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap_or(0)).collect();
    let mut out = Vec::new();
    let first = arcs.first().copied().unwrap_or(0) * 40 + arcs.get(1).copied().unwrap_or(0);
    for arc in std::iter::once(first).chain(arcs.iter().skip(2).copied()) {
        let mut groups = vec![(arc & 0x7F) as u8];
        let mut rest = arc >> 7;
        while rest > 0 {
            groups.push(0x80 | (rest & 0x7F) as u8);
            rest >>= 7;
        }
        groups.reverse();
        out.extend_from_slice(&groups);
    }
    out
}

/// An OBJECT IDENTIFIER TLV.
pub fn oid(dotted: &str) -> Vec<u8> {
    tlv(tag::OID, &oid_content(dotted))
}

/// An INTEGER TLV holding a small non-negative number, minimally encoded.
pub fn int(value: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = value
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|&b| b == 0)
        .collect();
    if bytes.first().is_none_or(|&b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    tlv(tag::INTEGER, &bytes)
}

/// A BOOLEAN TLV (DER: TRUE is 0xFF).
pub fn boolean(value: bool) -> Vec<u8> {
    tlv(tag::BOOLEAN, &[if value { 0xFF } else { 0 }])
}

/// NULL.
pub fn null() -> Vec<u8> {
    vec![tag::NULL, 0]
}

/// An OCTET STRING TLV.
pub fn octets(content: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, content)
}

/// A BIT STRING TLV with no unused bits.
pub fn bits(content: &[u8]) -> Vec<u8> {
    let mut c = vec![0];
    c.extend_from_slice(content);
    tlv(tag::BIT_STRING, &c)
}

/// A named-bit BIT STRING (keyUsage, nsCertType): bit 0 is the MSB of the
/// first octet; trailing zero bits are dropped as DER requires.
pub fn named_bits(set_bits: &[u32]) -> Vec<u8> {
    let Some(&max) = set_bits.iter().max() else {
        return tlv(tag::BIT_STRING, &[0]);
    };
    let len = (max / 8 + 1) as usize;
    let mut bytes = vec![0u8; len];
    for &b in set_bits {
        bytes[(b / 8) as usize] |= 0x80 >> (b % 8);
    }
    let unused = (0..8)
        .take_while(|i| bytes[len - 1] & (1 << i) == 0)
        .count() as u8;
    let mut c = vec![unused];
    c.extend_from_slice(&bytes);
    tlv(tag::BIT_STRING, &c)
}

/// A context-specific tag number `n`, constructed or primitive.
pub fn ctx(n: u8, constructed: bool) -> u8 {
    0x80 | if constructed { 0x20 } else { 0 } | n
}

/// An OCTET STRING in BER constructed form: chunks of `chunk` bytes,
/// indefinite-length when `indefinite`.
pub fn octets_constructed(content: &[u8], chunk: usize, indefinite: bool) -> Vec<u8> {
    let chunks: Vec<u8> = content.chunks(chunk.max(1)).flat_map(octets).collect();
    cons(0x24, &chunks, indefinite)
}

/// Standard base64 with line breaks every 64 characters, for PEM.
pub fn pem(label: &str, der: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = Vec::with_capacity(der.len() * 4 / 3 + 4);
    for chunk in der.chunks(3) {
        let n =
            chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                b64.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]);
            } else {
                b64.push(b'=');
            }
        }
    }
    let mut out = format!("-----BEGIN {label}-----\n").into_bytes();
    for line in b64.chunks(64) {
        out.extend_from_slice(line);
        out.push(b'\n');
    }
    out.extend_from_slice(format!("-----END {label}-----\n").as_bytes());
    out
}

/// The DER of the first PEM block of `text` (any label), if it decodes.
pub fn unpem(text: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?;
    let start = text.find("-----BEGIN ")?;
    let body_start = start + text[start..].find('\n')? + 1;
    let end = body_start + text[body_start..].find("-----END ")?;
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text[body_start..end].bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\r' | b'\n' | b' ' | b'\t' => continue,
            _ => return None,
        };
        bits = bits << 6 | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    Some(out)
}

/// Splits `bytes` into consecutive definite-length TLVs (None if malformed).
pub fn split_tlvs(mut bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let first = *bytes.get(1)?;
        let (header, len) = if first < 0x80 {
            (2, usize::from(first))
        } else {
            let n = usize::from(first & 0x7F);
            let len = bytes
                .get(2..2 + n)?
                .iter()
                .fold(0usize, |a, &b| a << 8 | usize::from(b));
            (2 + n, len)
        };
        let total = header.checked_add(len)?;
        out.push(bytes.get(..total)?);
        bytes = &bytes[total..];
    }
    Some(out)
}

/// The content octets of a definite-length TLV.
pub fn content_of(tlv: &[u8]) -> Option<&[u8]> {
    let first = *tlv.get(1)?;
    let header = if first < 0x80 {
        2
    } else {
        2 + usize::from(first & 0x7F)
    };
    tlv.get(header..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_openssl() {
        assert_eq!(
            oid("1.2.840.113549.1.7.2"),
            b"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02"
        );
        assert_eq!(int(128), vec![2, 2, 0, 128]);
        assert_eq!(int(0), vec![2, 1, 0]);
        assert_eq!(length(300), vec![0x82, 1, 44]);
        assert_eq!(named_bits(&[0, 5]), vec![3, 2, 2, 0x84]);
        assert_eq!(
            pem("X", b"ab"),
            b"-----BEGIN X-----\nYWI=\n-----END X-----\n"
        );
    }
}
