//! Base64 in the three alphabets cmsverify meets: standard (PEM), URL-safe
//! (PKIZ tokens) and Keystone's PKI token alphabet ('-' written for '/').
//!
//! Decoding skips ASCII whitespace, so PEM bodies decode without first being
//! copied line by line.

/// Which characters encode 62 and 63.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Alphabet {
    /// `+` and `/` (RFC 4648 section 4).
    Standard,
    /// `-` and `_` (RFC 4648 section 5).
    UrlSafe,
    /// Keystone PKI tokens: `+` and `-` (also accepts `/`).
    KeystoneToken,
}

impl Alphabet {
    fn value(self, c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' if self != Self::UrlSafe => Some(62),
            b'/' if self != Self::UrlSafe => Some(63),
            b'-' if self == Self::UrlSafe => Some(62),
            b'_' if self == Self::UrlSafe => Some(63),
            b'-' if self == Self::KeystoneToken => Some(63),
            _ => None,
        }
    }

    fn symbols(self) -> (u8, u8) {
        match self {
            Self::Standard => (b'+', b'/'),
            Self::UrlSafe => (b'-', b'_'),
            Self::KeystoneToken => (b'+', b'-'),
        }
    }
}

/// Decodes base64, ignoring ASCII whitespace. Padding is optional; data after
/// padding is an error.
pub(crate) fn decode(input: &[u8], alphabet: Alphabet) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 3);
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut padding = 0usize;
    for &c in input {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            padding += 1;
            continue;
        }
        if padding > 0 {
            return None;
        }
        acc = (acc << 6) | u32::from(alphabet.value(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits).to_be_bytes()[3]);
        }
    }
    // A lone leftover sextet cannot encode a byte; more than two '=' is malformed.
    if bits >= 6 || padding > 2 {
        return None;
    }
    Some(out)
}

/// Encodes with padding, as one line.
pub(crate) fn encode(input: &[u8], alphabet: Alphabet) -> String {
    let (c62, c63) = alphabet.symbols();
    let symbol = |v: u32| -> char {
        let v = v.to_be_bytes()[3] & 63;
        char::from(match v {
            0..=25 => b'A' + v,
            26..=51 => b'a' + v - 26,
            52..=61 => b'0' + v - 52,
            62 => c62,
            _ => c63,
        })
    };
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        out.push(symbol(n >> 18));
        out.push(symbol(n >> 12));
        out.push(if chunk.len() > 1 { symbol(n >> 6) } else { '=' });
        out.push(if chunk.len() > 2 { symbol(n) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length() {
        for len in 0..40u8 {
            let data: Vec<u8> = (0..len)
                .map(|i| i.wrapping_mul(97).wrapping_add(250))
                .collect();
            for alphabet in [
                Alphabet::Standard,
                Alphabet::UrlSafe,
                Alphabet::KeystoneToken,
            ] {
                let text = encode(&data, alphabet);
                assert_eq!(
                    decode(text.as_bytes(), alphabet).unwrap(),
                    data,
                    "{alphabet:?} {len}"
                );
            }
        }
    }

    #[test]
    fn known_vectors_and_whitespace() {
        assert_eq!(encode(b"foobar", Alphabet::Standard), "Zm9vYmFy");
        assert_eq!(
            decode(b"Zm9v\r\nYmE=\n", Alphabet::Standard).unwrap(),
            b"fooba"
        );
        assert_eq!(encode(&[0xFB, 0xFF], Alphabet::UrlSafe), "-_8=");
        assert_eq!(encode(&[0xFB, 0xFF], Alphabet::KeystoneToken), "+-8=");
    }

    #[test]
    fn rejects_garbage() {
        assert!(decode(b"Zm9v!", Alphabet::Standard).is_none());
        assert!(decode(b"Zm9=v", Alphabet::Standard).is_none());
        assert!(decode(b"Z", Alphabet::Standard).is_none());
        assert!(decode(b"-_8=", Alphabet::Standard).is_none());
    }
}
