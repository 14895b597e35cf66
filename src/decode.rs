//! From input bytes to one DER `ContentInfo`: PEM (labels CMS and PKCS7),
//! DER or BER, Keystone PKI tokens and PKIZ tokens, with every size capped.

use std::borrow::Cow;
use std::io::Read;

use crate::base64::{self, Alphabet};
use crate::error::{Error, PemProblem, Result, TokenProblem};
use crate::limits::Limits;
use crate::pem;

/// The form of a message given to [`Verifier::verify_form`](crate::Verifier::verify_form).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum InputForm {
    /// Recognise PEM, DER/BER, Keystone PKI token and PKIZ token.
    #[default]
    Auto,
    /// PEM only, exactly as `openssl cms -inform PEM` reads it.
    Pem,
    /// DER or BER.
    Der,
    /// A Keystone PKI token (the PEM body, '/' written as '-').
    Token,
    /// A Keystone PKIZ token (`PKIZ_` + URL-safe base64 of zlib data).
    Pkiz,
    /// PEM or DER/BER, recognised; a Keystone token is refused with
    /// [`Error::UnexpectedForm`] (what `openssl cms` itself reads).
    AutoCms,
    /// A Keystone PKI or PKIZ token, recognised by the `PKIZ_` prefix.
    AutoToken,
}

/// A form [`InputForm`] resolves to for one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Concrete {
    Pem,
    Der,
    Token,
    Pkiz,
}

impl From<Concrete> for InputForm {
    fn from(form: Concrete) -> Self {
        match form {
            Concrete::Pem => Self::Pem,
            Concrete::Der => Self::Der,
            Concrete::Token => Self::Token,
            Concrete::Pkiz => Self::Pkiz,
        }
    }
}

impl InputForm {
    /// The concrete form of `input` under this (possibly automatic) form.
    fn resolve(self, input: &[u8]) -> Result<Concrete> {
        match self {
            Self::Auto => detect(input),
            Self::AutoCms => match detect(input) {
                Ok(found @ (Concrete::Token | Concrete::Pkiz)) => Err(Error::UnexpectedForm {
                    found: found.into(),
                    expected: "CMS in PEM, DER or BER",
                }),
                Ok(Concrete::Pem) => Ok(Concrete::Pem),
                // Anything else is read as DER/BER and fails there if it is not.
                _ => Ok(Concrete::Der),
            },
            Self::AutoToken => Ok(
                if input.trim_ascii_start().starts_with(PKIZ_PREFIX.as_bytes()) {
                    Concrete::Pkiz
                } else {
                    Concrete::Token
                },
            ),
            Self::Pem => Ok(Concrete::Pem),
            Self::Der => Ok(Concrete::Der),
            Self::Token => Ok(Concrete::Token),
            Self::Pkiz => Ok(Concrete::Pkiz),
        }
    }
}

impl std::fmt::Display for InputForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Auto => "any form",
            Self::Pem => "PEM",
            Self::Der => "DER/BER",
            Self::Token => "a Keystone PKI token",
            Self::Pkiz => "a Keystone PKIZ token",
            Self::AutoCms => "CMS in PEM, DER or BER",
            Self::AutoToken => "a Keystone PKI or PKIZ token",
        })
    }
}

/// The prefix of PKIZ tokens.
pub const PKIZ_PREFIX: &str = "PKIZ_";

/// Detects the form of `input`.
fn detect(input: &[u8]) -> Result<Concrete> {
    let text = input.trim_ascii_start();
    if text.starts_with(PKIZ_PREFIX.as_bytes()) {
        Ok(Concrete::Pkiz)
    } else if text.first() == Some(&0x30) {
        Ok(Concrete::Der)
    } else if text.starts_with(b"MII")
        && base64::all_symbols_or_pad(text.trim_ascii_end(), Alphabet::KeystoneToken)
    {
        Ok(Concrete::Token)
    } else if text.windows(11).any(|w| w == b"-----BEGIN ") {
        Ok(Concrete::Pem)
    } else {
        Err(Error::UnrecognisedInput)
    }
}

/// Decodes `input` of the given form into one DER ContentInfo (BER is
/// normalised; bytes after the first element are ignored, as OpenSSL does).
///
/// # Errors
/// Size limits, or input that is not of the form (exit code 3).
pub(crate) fn content_info<'a>(
    input: &'a [u8],
    form: InputForm,
    limits: &Limits,
) -> Result<Cow<'a, [u8]>> {
    message(input, form, limits).map(|m| m.der)
}

/// A message decoded to one DER `ContentInfo`, with its bytes as received
/// when BER normalisation changed them: certificate signatures are checked
/// over the TBSCertificate bytes as received, as OpenSSL checks them.
pub(crate) struct Message<'a> {
    /// The normalised DER.
    pub der: Cow<'a, [u8]>,
    /// The BER as received, when it differs from [`Message::der`].
    pub received: Option<Cow<'a, [u8]>>,
}

/// As [`content_info`], keeping the received bytes when they were not DER.
///
/// # Errors
/// As [`content_info`].
pub(crate) fn message<'a>(
    input: &'a [u8],
    form: InputForm,
    limits: &Limits,
) -> Result<Message<'a>> {
    if input.len() > limits.max_message_bytes {
        return Err(Error::MessageTooLarge {
            size: input.len(),
            max: limits.max_message_bytes,
        });
    }
    match form.resolve(input)? {
        Concrete::Der => normalize(Cow::Borrowed(input), limits),
        Concrete::Pem => normalize(Cow::Owned(pem_message(input)?), limits),
        Concrete::Token => {
            let der = base64::decode(input.trim_ascii(), Alphabet::KeystoneToken)
                .ok_or(Error::Token(TokenProblem::Base64))?;
            normalize(Cow::Owned(der), limits)
        }
        Concrete::Pkiz => {
            let payload = pkiz_payload(input, limits)?;
            let der = if payload.trim_ascii_start().starts_with(b"-----BEGIN ") {
                pem_message(&payload)?
            } else {
                payload
            };
            normalize(Cow::Owned(der), limits)
        }
    }
}

fn normalize<'a>(input: Cow<'a, [u8]>, limits: &Limits) -> Result<Message<'a>> {
    let malformed = |problem| Error::Malformed {
        context: "ContentInfo",
        problem,
    };
    let der_len = match crate::ber::normalize(&input, limits.max_nesting_depth) {
        Ok(Cow::Owned(der)) => {
            return Ok(Message {
                der: Cow::Owned(der),
                received: Some(input),
            })
        }
        Ok(Cow::Borrowed(prefix)) => prefix.len(),
        Err(problem) => return Err(malformed(problem)),
    };
    // Already DER: the first element, without what trails it.
    let der = match input {
        Cow::Borrowed(b) => Cow::Borrowed(b.get(..der_len).unwrap_or(b)),
        Cow::Owned(mut v) => {
            v.truncate(der_len);
            Cow::Owned(v)
        }
    };
    Ok(Message {
        der,
        received: None,
    })
}

/// The first PEM block OpenSSL's `PEM_read_bio_CMS` accepts: label `CMS`,
/// `PKCS7` or (a legacy allowance) `CERTIFICATE`; other blocks are skipped.
fn pem_message(text: &[u8]) -> Result<Vec<u8>> {
    for block in pem::blocks(text) {
        if matches!(block.label, "CMS" | "PKCS7" | "CERTIFICATE") {
            return block.body.map_err(Error::Pem);
        }
        if block.body == Err(PemProblem::NoEndLine) {
            return Err(Error::Pem(PemProblem::NoEndLine));
        }
    }
    Err(Error::Pem(PemProblem::NoBeginLine))
}

/// Strips `PKIZ_`, decodes URL-safe base64 and inflates, reading at most the cap.
///
/// # Errors
/// Malformed token or an inflated size above [`Limits::max_inflated_bytes`] or
/// [`Limits::max_inflation_ratio`] times the compressed size.
pub(crate) fn pkiz_payload(input: &[u8], limits: &Limits) -> Result<Vec<u8>> {
    let text = input.trim_ascii();
    let body = text
        .strip_prefix(PKIZ_PREFIX.as_bytes())
        .ok_or(Error::Token(TokenProblem::PkizBase64))?;
    let compressed =
        base64::decode(body, Alphabet::UrlSafe).ok_or(Error::Token(TokenProblem::PkizBase64))?;
    inflate(&compressed, limits.inflation_cap(compressed.len()))
}

/// Inflates zlib data, failing once more than `max` bytes come out.
pub(crate) fn inflate(compressed: &[u8], max: usize) -> Result<Vec<u8>> {
    let cap = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut out = Vec::with_capacity(compressed.len().saturating_mul(4).min(max));
    // `bufread` reads the slice in place (`read` would copy it through a
    // 32 KiB buffer of its own).
    flate2::bufread::ZlibDecoder::new(compressed)
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|_| Error::Token(TokenProblem::Inflate))?;
    if out.len() > max {
        return Err(Error::InflatedTooLarge { max });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DER: &[u8] = &[0x30, 0x03, 0x02, 0x01, 0x07];

    fn decode(input: &[u8], form: InputForm) -> Result<Vec<u8>> {
        content_info(input, form, &Limits::default()).map(Cow::into_owned)
    }

    #[test]
    fn detects_each_form() {
        let pem = pem::encode("CMS", DER);
        assert_eq!(decode(pem.as_bytes(), InputForm::Auto).unwrap(), DER);
        assert_eq!(decode(DER, InputForm::Auto).unwrap(), DER);
        let pkcs7 = pem::encode("PKCS7", DER);
        assert_eq!(decode(pkcs7.as_bytes(), InputForm::Pem).unwrap(), DER);
        assert!(matches!(
            decode(b"hello", InputForm::Auto),
            Err(Error::UnrecognisedInput)
        ));
    }

    #[test]
    fn pem_mode_refuses_raw_der_and_odd_labels() {
        assert!(matches!(
            decode(DER, InputForm::Pem),
            Err(Error::Pem(PemProblem::NoBeginLine))
        ));
        let lower = pem::encode("cms", DER);
        assert!(matches!(
            decode(lower.as_bytes(), InputForm::Pem),
            Err(Error::Pem(PemProblem::NoBeginLine))
        ));
    }

    #[test]
    fn size_cap_applies_before_decoding() {
        let limits = Limits {
            max_message_bytes: 4,
            ..Limits::default()
        };
        assert!(matches!(
            content_info(DER, InputForm::Der, &limits),
            Err(Error::MessageTooLarge { size: 5, max: 4 })
        ));
    }

    #[test]
    fn zlib_bomb_is_cut_at_the_cap() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![0u8; 8 << 20]).unwrap();
        let bomb = z.finish().unwrap();
        assert!(
            matches!(inflate(&bomb, 1 << 20), Err(Error::InflatedTooLarge { max }) if max == 1 << 20)
        );
        assert_eq!(inflate(&bomb, 8 << 20).unwrap().len(), 8 << 20);
    }
}
