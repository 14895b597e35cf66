//! PEM armour as OpenSSL reads it: `-----BEGIN LABEL-----`, optional RFC 1421
//! headers (refused), a base64 body, `-----END LABEL-----`; CRLF or LF line
//! ends; text outside blocks ignored; labels case-sensitive.

use crate::base64::{self, Alphabet};
use crate::error::PemProblem;

/// One PEM block.
#[derive(Debug)]
pub(crate) struct Block<'a> {
    /// The label between `BEGIN ` and the dashes.
    pub label: &'a str,
    /// The decoded body, or why it could not be decoded.
    pub body: Result<Vec<u8>, PemProblem>,
}

fn lines(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

fn label_of<'a>(line: &'a [u8], prefix: &[u8]) -> Option<&'a str> {
    let rest = line.strip_prefix(prefix)?;
    let rest = rest.trim_ascii_end();
    let label = rest.strip_suffix(b"-----")?;
    std::str::from_utf8(label).ok()
}

/// Iterates over the PEM blocks of `text`. A block whose END line is missing
/// ends the iteration with [`PemProblem::NoEndLine`].
pub(crate) fn blocks(text: &[u8]) -> impl Iterator<Item = Block<'_>> {
    let mut lines = lines(text);
    std::iter::from_fn(move || {
        let label = lines.by_ref().find_map(|l| label_of(l, b"-----BEGIN "))?;
        let mut body_lines: Vec<&[u8]> = Vec::new();
        let mut first = true;
        let mut headers = false;
        for line in lines.by_ref() {
            if let Some(end) = label_of(line, b"-----END ") {
                let body = if end != label {
                    Err(PemProblem::NoEndLine)
                } else if headers {
                    Err(PemProblem::Headers)
                } else {
                    decode_body(&body_lines)
                };
                return Some(Block { label, body });
            }
            if first && line.contains(&b':') {
                headers = true;
            }
            first = false;
            body_lines.push(line);
        }
        Some(Block {
            label,
            body: Err(PemProblem::NoEndLine),
        })
    })
}

fn decode_body(lines: &[&[u8]]) -> Result<Vec<u8>, PemProblem> {
    base64::decode_parts(lines, Alphabet::Standard).ok_or(PemProblem::Base64)
}

/// Wraps DER in PEM with 64-column lines and a trailing newline.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::encode(der, Alphabet::Standard);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_blocks_among_text() {
        let text = b"hello\r\n-----BEGIN KEY-----\r\nAAEC\r\n-----END KEY-----\r\njunk\n-----BEGIN CMS-----\nZm9v\nYmFy\n-----END CMS-----\n";
        let found: Vec<_> = blocks(text).collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].label, "KEY");
        assert_eq!(found[0].body.as_deref(), Ok(&[0u8, 1, 2][..]));
        assert_eq!(found[1].label, "CMS");
        assert_eq!(found[1].body.as_deref(), Ok(&b"foobar"[..]));
    }

    #[test]
    fn headers_and_missing_end_are_errors() {
        let text = b"-----BEGIN CMS-----\nProc-Type: 4,MIC-ONLY\n\nZm9v\n-----END CMS-----\n";
        assert_eq!(blocks(text).next().unwrap().body, Err(PemProblem::Headers));
        let text = b"-----BEGIN CMS-----\nZm9v\n";
        assert_eq!(
            blocks(text).next().unwrap().body,
            Err(PemProblem::NoEndLine)
        );
    }

    #[test]
    fn encode_round_trips() {
        let der: Vec<u8> = (0..=255).collect();
        let text = encode("CMS", &der);
        assert!(text.lines().all(|l| l.len() <= 64));
        assert_eq!(blocks(text.as_bytes()).next().unwrap().body.unwrap(), der);
    }
}
