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

/// Table entry of a character that is not base64.
const INVALID: u8 = 0xFF;
/// Table entry of ASCII whitespace (skipped).
const SPACE: u8 = 0xFE;
/// Table entry of `=`.
const PAD: u8 = 0xFD;

/// The decoding table of an alphabet: sextet values, or the markers above.
#[expect(
    clippy::as_conversions,
    reason = "const fn: `usize::from` is not const"
)]
#[expect(
    clippy::indexing_slicing,
    reason = "evaluated at compile time; every index is a `u8` cast to usize, below the table's 256"
)]
const fn table(c62: u8, c63: u8, also63: u8) -> [u8; 256] {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 26 {
        t[b'A' as usize + i] = i as u8;
        t[b'a' as usize + i] = 26 + i as u8;
        if i < 10 {
            t[b'0' as usize + i] = 52 + i as u8;
        }
        i += 1;
    }
    t[c62 as usize] = 62;
    t[c63 as usize] = 63;
    t[also63 as usize] = 63;
    // ASCII whitespace as `u8::is_ascii_whitespace` defines it.
    t[b' ' as usize] = SPACE;
    t[b'\t' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[0x0C] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[b'=' as usize] = PAD;
    t
}

static STANDARD: [u8; 256] = table(b'+', b'/', b'/');
static URL_SAFE: [u8; 256] = table(b'-', b'_', b'_');
static KEYSTONE_TOKEN: [u8; 256] = table(b'+', b'-', b'/');

impl Alphabet {
    fn table(self) -> &'static [u8; 256] {
        match self {
            Self::Standard => &STANDARD,
            Self::UrlSafe => &URL_SAFE,
            Self::KeystoneToken => &KEYSTONE_TOKEN,
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

/// Whether every byte of `text` is one of the alphabet's 64 symbols or `=`,
/// without an early exit so that the comparisons vectorise (a token's
/// form is decided on this scan).
pub(crate) fn all_symbols_or_pad(text: &[u8], alphabet: Alphabet) -> bool {
    let (c62, c63) = alphabet.symbols();
    let also63 = match alphabet {
        Alphabet::KeystoneToken => b'/',
        _ => c63,
    };
    let ok = |c: u8| c.is_ascii_alphanumeric() || c == c62 || c == c63 || c == also63 || c == b'=';
    text.chunks(64)
        .all(|chunk| chunk.iter().fold(true, |all, &c| all & ok(c)))
}

/// The table entry of `c` (the bounds check of a `u8` index into 256 entries
/// compiles away).
fn lookup(table: &[u8; 256], c: u8) -> u8 {
    table.get(usize::from(c)).copied().unwrap_or(INVALID)
}

/// Decodes base64, ignoring ASCII whitespace. Padding is optional; data after
/// padding is an error.
pub(crate) fn decode(input: &[u8], alphabet: Alphabet) -> Option<Vec<u8>> {
    decode_parts(&[input], alphabet)
}

/// Decodes the concatenation of `parts` (the lines of a PEM body, say)
/// without joining them first; rules as [`decode`].
pub(crate) fn decode_parts(parts: &[&[u8]], alphabet: Alphabet) -> Option<Vec<u8>> {
    let table = alphabet.table();
    let symbols: usize = parts.iter().map(|p| p.len()).sum();
    let mut out = Vec::with_capacity(symbols / 4 * 3 + 3);
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut padding = 0usize;
    for &part in parts {
        let mut rest = part;
        while let Some((&c, tail)) = rest.split_first() {
            // Fast path: four symbols at a sextet boundary make three bytes.
            if bits == 0 && padding == 0 {
                if let Some((quad, tail)) = rest.split_first_chunk::<4>() {
                    let [a, b, c, d] = quad.map(|c| lookup(table, c));
                    if [a, b, c, d].iter().all(|&x| x < 64) {
                        let n = u32::from(a) << 18
                            | u32::from(b) << 12
                            | u32::from(c) << 6
                            | u32::from(d);
                        let [_, b0, b1, b2] = n.to_be_bytes();
                        out.extend_from_slice(&[b0, b1, b2]);
                        rest = tail;
                        continue;
                    }
                }
            }
            rest = tail;
            match lookup(table, c) {
                SPACE => {}
                PAD => padding += 1,
                INVALID => return None,
                _ if padding > 0 => return None,
                v => {
                    acc = (acc << 6) | u32::from(v);
                    bits += 6;
                    if bits >= 8 {
                        bits -= 8;
                        out.push((acc >> bits).to_be_bytes()[3]);
                    }
                }
            }
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
        let mut b = [0u8; 3];
        for (to, from) in b.iter_mut().zip(chunk) {
            *to = *from;
        }
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
    fn the_symbol_scan_matches_the_table() {
        for alphabet in [
            Alphabet::Standard,
            Alphabet::UrlSafe,
            Alphabet::KeystoneToken,
        ] {
            for c in 0..=255u8 {
                let expected = lookup(alphabet.table(), c) < 64 || c == b'=';
                assert_eq!(all_symbols_or_pad(&[c], alphabet), expected, "{c}");
                let long = [[b'A'; 100].as_slice(), &[c], &[b'z'; 30]].concat();
                assert_eq!(all_symbols_or_pad(&long, alphabet), expected, "{c}");
            }
            assert!(all_symbols_or_pad(b"", alphabet));
        }
    }

    #[test]
    fn long_inputs_decode_with_a_break_anywhere() {
        let data: Vec<u8> = (0..300u16).map(|i| i.to_le_bytes()[0] ^ 0x5A).collect();
        let text = encode(&data, Alphabet::Standard);
        for cut in [0, 1, 3, 5, 8, 13, 64, 101] {
            // Whitespace at `cut` splits the four-symbol groups there.
            let mut spaced = text.clone().into_bytes();
            spaced.insert(cut, b'\n');
            assert_eq!(decode(&spaced, Alphabet::Standard).unwrap(), data);
            // A bad symbol at `cut` is refused wherever it falls.
            let mut bad = text.clone().into_bytes();
            bad[cut] = b'!';
            assert!(decode(&bad, Alphabet::Standard).is_none());
        }
    }

    #[test]
    fn rejects_garbage() {
        assert!(decode(b"Zm9v!", Alphabet::Standard).is_none());
        assert!(decode(b"Zm9=v", Alphabet::Standard).is_none());
        assert!(decode(b"Z", Alphabet::Standard).is_none());
        assert!(decode(b"-_8=", Alphabet::Standard).is_none());
        assert!(decode(b"Zm9v\x00", Alphabet::Standard).is_none());
        assert!(decode("Zm9vä".as_bytes(), Alphabet::Standard).is_none());
    }

    #[test]
    fn parts_decode_as_their_concatenation() {
        let text = encode(&(0..=255).collect::<Vec<u8>>(), Alphabet::Standard);
        let whole = decode(text.as_bytes(), Alphabet::Standard).unwrap();
        // Lines of 5 symbols split quads at every possible offset.
        let lines: Vec<&[u8]> = text.as_bytes().chunks(5).collect();
        assert_eq!(decode_parts(&lines, Alphabet::Standard).unwrap(), whole);
        assert_eq!(
            decode_parts(
                &[&b"Zm9v"[..], b" \r\n", b"YmE", b"=\n"],
                Alphabet::Standard
            )
            .unwrap(),
            b"fooba"
        );
        assert!(decode_parts(&[&b"Zm9=v"[..]], Alphabet::Standard).is_none());
        assert!(decode_parts(&[&b"Zm9="[..], b"v"], Alphabet::Standard).is_none());
    }
}
