//! The text forms a message travels in: PEM (`-----BEGIN CMS-----`), Keystone
//! PKI tokens and PKIZ tokens, exactly as keystoneclient writes them.

use std::io::Write;

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Padded base64 of `data` in `alphabet`.
fn base64(data: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let sextets = [
            b[0] >> 2,
            (b[0] & 3) << 4 | b[1] >> 4,
            (b[1] & 15) << 2 | b[2] >> 6,
            b[2] & 63,
        ];
        for (i, &s) in sextets.iter().enumerate() {
            out.push(if i <= chunk.len() {
                char::from(alphabet[usize::from(s)])
            } else {
                '='
            });
        }
    }
    out
}

/// Decodes standard base64, skipping whitespace; `None` on other bad input.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            break;
        }
        let v = STANDARD.iter().position(|&a| a == c)?;
        acc = acc << 6 | u32::try_from(v).ok()?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from(acc >> bits & 0xFF).ok()?);
        }
    }
    Some(out)
}

/// `der` armoured as `openssl cms -outform PEM` writes it: label CMS, 64 columns.
pub fn to_pem(der: &[u8]) -> String {
    let body = base64(der, STANDARD);
    let mut out = String::with_capacity(body.len() + body.len() / 64 + 40);
    out.push_str("-----BEGIN CMS-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CMS-----\n");
    out
}

/// A Keystone PKI token: the PEM body on one line, '/' written as '-'.
pub fn to_pki_token(der: &[u8]) -> String {
    base64(der, STANDARD).replace('/', "-")
}

/// A Keystone PKIZ token: `PKIZ_` + URL-safe base64 of the zlib-compressed
/// DER (maximum compression, the attacker's choice).
pub fn to_pkiz_token(der: &[u8]) -> String {
    to_pkiz_token_at(der, 9)
}

/// [`to_pkiz_token`] at zlib `level` (0 to 9; the fuzz target uses 1, which
/// is fast and still compresses the attacks' repetitive bytes well).
pub fn to_pkiz_token_at(der: &[u8], level: u32) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
    // Writing to a Vec cannot fail.
    let compressed = z
        .write_all(der)
        .and_then(|()| z.finish())
        .unwrap_or_default();
    format!("PKIZ_{}", base64(&compressed, URL_SAFE))
}

/// The DER body of the first PEM block labelled `label` in `text`.
pub fn pem_body(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = start + text[start..].find(&end)?;
    base64_decode(&text[start..stop])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn base64_round_trips() {
        for data in [&b""[..], b"f", b"fo", b"foo", b"foob", b"\xFF\xFE\xFD\xFC"] {
            assert_eq!(base64_decode(&base64(data, STANDARD)).unwrap(), data);
        }
        assert_eq!(base64(b"fo", STANDARD), "Zm8=");
    }

    #[test]
    fn pem_and_tokens_have_keystone_forms() {
        let der = [0x30, 0x03, 0x04, 0x01, 0xFF];
        let pem = to_pem(&der);
        assert!(pem.starts_with("-----BEGIN CMS-----\n"));
        assert_eq!(pem_body(&pem, "CMS").unwrap(), der);
        assert_eq!(to_pki_token(&[0xFF, 0xFF]), "--8=");
        let pkiz = to_pkiz_token(&der);
        let body = pkiz.strip_prefix("PKIZ_").unwrap();
        let compressed = base64_decode(&body.replace('-', "+").replace('_', "/")).unwrap();
        let mut inflated = Vec::new();
        flate2::read::ZlibDecoder::new(&compressed[..])
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated, der);
    }
}
