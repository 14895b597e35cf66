//! How `openssl cms` reads the content it signs or checks a detached
//! signature over: as given (`-binary`) or as text, its default, with every
//! line ended by CRLF (see [`crate::keystone::openssl_text_canonical`]).

use std::borrow::Cow;

use crate::error::Result;
use crate::verifier::{Verified, Verifier};

/// Binary or text content, `openssl cms` with or without `-binary`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ContentMode {
    /// The bytes as given (`openssl cms -binary`); the library's default.
    #[default]
    Binary,
    /// Text with CRLF line ends, what `openssl cms` without `-binary` signs
    /// and checks (keystoneclient's `cms_sign_data` signs this way).
    Text,
}

impl ContentMode {
    /// The bytes signed or digested for `content` in this mode.
    ///
    /// ```
    /// use cmsverify::ContentMode;
    /// assert_eq!(&*ContentMode::Text.canonical(b"a\nb\n"), b"a\r\nb\r\n");
    /// assert_eq!(&*ContentMode::Binary.canonical(b"a\nb\n"), b"a\nb\n");
    /// ```
    pub fn canonical(self, content: &[u8]) -> Cow<'_, [u8]> {
        match self {
            ContentMode::Binary => Cow::Borrowed(content),
            ContentMode::Text => Cow::Owned(crate::keystone::openssl_text_canonical(content)),
        }
    }
}

impl Verifier {
    /// Verifies a detached signature over `content` read in `mode`, as
    /// `openssl cms -verify -content FILE` (text mode without `-binary`). The
    /// verified content is the canonical form, as openssl writes it.
    ///
    /// # Errors
    /// As [`Verifier::verify_detached`].
    pub fn verify_detached_as(
        &self,
        message: &[u8],
        content: &[u8],
        mode: ContentMode,
    ) -> Result<Verified> {
        self.verify_detached(message, &mode.canonical(content))
    }
}
