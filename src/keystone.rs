//! Keystone token forms (docs/keystone.md), as keystoneclient's cms.py
//! converts them.

use std::io::Write;

use crate::base64::{self, Alphabet};
use crate::decode;
use crate::error::Result;
use crate::limits::Limits;

pub use crate::decode::PKIZ_PREFIX;

/// The first characters of every PKI token (a DER SEQUENCE with a two-byte length).
pub const PKI_ASN1_PREFIX: &str = "MII";

/// keystoneclient's default zlib level for PKIZ tokens (`pkiz_sign`).
pub const PKIZ_COMPRESSION_LEVEL: u32 = 6;

/// True for PKIZ tokens (`PKIZ_` prefix).
pub fn is_pkiz(token: &str) -> bool {
    token.starts_with(PKIZ_PREFIX)
}

/// True for PKI tokens (`MII` prefix).
pub fn is_asn1_token(token: &str) -> bool {
    token.starts_with(PKI_ASN1_PREFIX)
}

/// keystoneclient's `token_to_cms`: '-' back to '/', 64-column lines, CMS armour.
///
/// ```
/// let pem = cmsverify::keystone::token_to_cms("MIIB-w==");
/// assert_eq!(pem, "-----BEGIN CMS-----\nMIIB/w==\n-----END CMS-----\n");
/// ```
pub fn token_to_cms(token: &str) -> String {
    let body = token.replace('-', "/");
    let mut lines = vec!["-----BEGIN CMS-----"];
    let mut rest = body.as_str();
    while !rest.is_empty() {
        let cut = rest.char_indices().nth(64).map_or(rest.len(), |(i, _)| i);
        let (line, tail) = rest.split_at(cut);
        lines.push(line);
        rest = tail;
    }
    lines.push("-----END CMS-----\n");
    lines.join("\n")
}

/// keystoneclient's `cms_to_token`: '/' to '-', armour and newlines removed.
///
/// ```
/// let token = cmsverify::keystone::cms_to_token("-----BEGIN CMS-----\nMIIB/w==\n-----END CMS-----\n");
/// assert_eq!(token, "MIIB-w==");
/// ```
pub fn cms_to_token(cms_text: &str) -> String {
    cms_text
        .replace('/', "-")
        .replace("-----BEGIN CMS-----", "")
        .replace("-----END CMS-----", "")
        .replace('\n', "")
}

/// The content `openssl cms -sign` signs when not given `-binary`, as
/// keystoneclient calls it: OpenSSL's `SMIME_crlf_copy()` reads lines of at
/// most 1023 bytes, strips trailing CR/LF and ends every line that had a LF
/// with CRLF. Signing keystoneclient-compatibly means signing this.
///
/// ```
/// assert_eq!(cmsverify::keystone::openssl_text_canonical(b"a\nb\r\nc"), b"a\r\nb\r\nc");
/// ```
pub fn openssl_text_canonical(data: &[u8]) -> Vec<u8> {
    const LINE: usize = 1023;
    let mut out = Vec::with_capacity(data.len() + data.len() / 32);
    let mut rest = data;
    while !rest.is_empty() {
        let take = rest
            .iter()
            .take(LINE)
            .position(|&b| b == b'\n')
            .map_or(rest.len().min(LINE), |i| i + 1);
        let (line, tail) = rest.split_at(take);
        rest = tail;
        let eol = line.ends_with(b"\n");
        out.extend_from_slice(trim_line_ends(line));
        if eol {
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// The line without its trailing CRs and LFs.
fn trim_line_ends(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\n' | b'\r'] = line {
        line = rest;
    }
    line
}

/// keystoneclient's `pkiz_uncompress`: the inflated payload (PEM text in real
/// tokens), capped at `limits.max_inflated_bytes`.
///
/// # Errors
/// Malformed token or payload above the cap.
pub fn pkiz_uncompress(token: &str, limits: &Limits) -> Result<Vec<u8>> {
    decode::pkiz_payload(token.as_bytes(), limits)
}

/// keystoneclient's PKIZ compression: `PKIZ_` + URL-safe base64 of zlib data
/// at `level` (keystoneclient's default is [`PKIZ_COMPRESSION_LEVEL`]).
pub fn pkiz_compress(payload: &[u8], level: u32) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level.min(9)));
    // Writing to a Vec cannot fail.
    let compressed = z
        .write_all(payload)
        .and_then(|()| z.finish())
        .unwrap_or_default();
    format!(
        "{PKIZ_PREFIX}{}",
        base64::encode(&compressed, Alphabet::UrlSafe)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_and_cms_round_trip() {
        let body = "MII".to_owned() + &"A/+b".repeat(40);
        let pem = token_to_cms(&cms_to_token(&crate::pem::encode("CMS", b"x")));
        assert!(pem.starts_with("-----BEGIN CMS-----\n"));
        let token = cms_to_token(&token_to_cms(&body.replace('/', "-")));
        assert_eq!(token, body.replace('/', "-"));
        assert!(token_to_cms(&token).lines().all(|l| l.len() <= 64));
    }

    #[test]
    fn pkiz_round_trip() {
        let token = pkiz_compress(b"hello world", 6);
        assert!(is_pkiz(&token));
        assert_eq!(
            pkiz_uncompress(&token, &Limits::default()).unwrap(),
            b"hello world"
        );
    }
}
