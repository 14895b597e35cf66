//! [`ErrorClass`]: the class of each [`Error`], as `openssl cms` exits.

use super::Error;

/// What kind of failure an [`Error`] is, as `openssl cms` classes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// A trust or key file cannot be read or used (exit status 2).
    Config,
    /// The message cannot be decoded or parsed, or exceeds a size limit
    /// (exit status 3; OpenSSL 3.0 says 2).
    Parse,
    /// The message parsed but did not verify (exit status 4).
    Verification,
    /// Signing failed (exit status 3).
    Signing,
}

impl ErrorClass {
    /// The exit status of this class.
    pub fn exit_code(self) -> i32 {
        match self {
            Self::Config => 2,
            Self::Parse | Self::Signing => 3,
            Self::Verification => 4,
        }
    }
}

impl Error {
    /// The exit status `openssl cms -verify` gives for this class of failure:
    /// 2 a file cannot be read or parsed, 3 the message cannot be parsed
    /// (OpenSSL 3.0 says 2), 4 verification failed.
    pub fn exit_code(&self) -> i32 {
        self.class().exit_code()
    }

    /// The class of this failure; every face (CLI exit status, C status,
    /// Python exception type) maps it exhaustively.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::FileRead { .. }
            | Self::NoCertificates { .. }
            | Self::BadCertificate { .. }
            | Self::BadPemBlock { .. }
            | Self::TrustedCertificate { .. }
            | Self::TooManyCertificates { .. }
            | Self::BadPrivateKey { .. } => ErrorClass::Config,
            Self::SigningFailed => ErrorClass::Signing,
            Self::MessageTooLarge { .. }
            | Self::Pem(_)
            | Self::UnrecognisedInput
            | Self::UnexpectedForm { .. }
            | Self::Token(_)
            | Self::InflatedTooLarge { .. }
            | Self::Malformed { .. }
            | Self::TooManySigners { .. }
            | Self::TooManyEmbeddedCertificates { .. }
            | Self::TooManyAttributes { .. } => ErrorClass::Parse,
            Self::NotSignedData { .. }
            | Self::NoContent
            | Self::NoSigners
            | Self::DigestUnavailable { .. }
            | Self::NoDigestAlgorithms
            | Self::DigestNotImplemented { .. }
            | Self::DigestNotListed { .. }
            | Self::SignerNotFound { .. }
            | Self::Attribute { .. }
            | Self::ContentTypeMismatch { .. }
            | Self::MessageDigestMismatch { .. }
            | Self::Signature { .. }
            | Self::SignerKey { .. }
            | Self::Certificate { .. }
            | Self::BudgetExhausted { .. } => ErrorClass::Verification,
        }
    }
}
