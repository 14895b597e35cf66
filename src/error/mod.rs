//! The one error type of cmsverify.
//!
//! Every variant names what failed (which file, which signer, which
//! certificate, which check) in a sentence an operator can act on;
//! [`Error::hint`] adds the usual fix and [`Error::exit_code`] gives the class
//! `openssl cms` would exit with (docs/compatibility.md).

use crate::algorithm::{KeyProblem, SignatureProblem};
use std::path::PathBuf;

mod class;
mod problems;

pub use class::ErrorClass;

pub use problems::{
    AttributeProblem, CertProblem, CertRole, ExtensionProblem, FileRole, NameSyntax, NotCaReason,
    PemProblem, PurposeProblem, TokenProblem,
};

use crate::asn1::Asn1Error;
use crate::budget::BudgetKind;
use crate::cert::CertId;

/// Every way verification can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file cannot be read.
    #[error("cannot read the {role} {}: {source}", path.display())]
    FileRead {
        /// Which file.
        role: FileRole,
        /// Its path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A certificate file holds no certificate.
    #[error("the {role} {origin} holds no certificate")]
    NoCertificates {
        /// Which file.
        role: FileRole,
        /// Its path (or `<memory>`).
        origin: String,
    },
    /// A certificate in a file does not parse.
    #[error("certificate #{index} of the {role} {origin} does not parse: {problem}")]
    BadCertificate {
        /// Which file.
        role: FileRole,
        /// Its path.
        origin: String,
        /// 1-based position of the certificate.
        index: usize,
        /// The DER problem.
        problem: Asn1Error,
    },
    /// A PEM block in a certificate file is corrupt.
    #[error("PEM block #{index} of the {role} {origin} is corrupt: {problem}")]
    BadPemBlock {
        /// Which file.
        role: FileRole,
        /// Its path.
        origin: String,
        /// 1-based position of the block.
        index: usize,
        /// What is wrong.
        problem: PemProblem,
    },
    /// A `TRUSTED CERTIFICATE` block (OpenSSL auxiliary trust) is refused.
    #[error("PEM block #{index} of the {role} {origin} is a TRUSTED CERTIFICATE, whose OpenSSL trust settings cmsverify does not support")]
    TrustedCertificate {
        /// Which file.
        role: FileRole,
        /// Its path.
        origin: String,
        /// 1-based position of the block.
        index: usize,
    },
    /// A certificate file holds more certificates than the limit.
    #[error("the {role} {origin} holds more than {max} certificates")]
    TooManyCertificates {
        /// Which file.
        role: FileRole,
        /// Its path.
        origin: String,
        /// The limit.
        max: usize,
    },
    /// The message exceeds the size limit.
    #[error("the message is {size} bytes, more than the limit of {max}")]
    MessageTooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The message is not acceptable PEM.
    #[error("the message is not readable PEM: {0}")]
    Pem(PemProblem),
    /// The input is of a form the caller did not accept (a Keystone token
    /// where CMS was expected).
    #[error("the message is {found}, not {expected}")]
    UnexpectedForm {
        /// The detected form.
        found: crate::InputForm,
        /// What was expected.
        expected: &'static str,
    },
    /// Automatic detection found no known form.
    #[error("the message is neither PEM, DER/BER, a Keystone PKI token nor a PKIZ token")]
    UnrecognisedInput,
    /// A Keystone token is malformed.
    #[error("the token is malformed: {0}")]
    Token(TokenProblem),
    /// A PKIZ token inflates beyond the limit.
    #[error(
        "the PKIZ token inflates to more than {max} bytes (the limit for its compressed size)"
    )]
    InflatedTooLarge {
        /// The limit.
        max: usize,
    },
    /// The message is not well-formed CMS.
    #[error("the message is not a valid CMS structure ({context}): {problem}")]
    Malformed {
        /// The structure being read.
        context: &'static str,
        /// The DER problem.
        problem: Asn1Error,
    },
    /// More SignerInfos than the limit.
    #[error("the message has {count} signers, more than the limit of {max}")]
    TooManySigners {
        /// SignerInfos in the message.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The ContentInfo is not SignedData.
    #[error("the message is CMS {content_type}, not SignedData")]
    NotSignedData {
        /// Its content type.
        content_type: String,
    },
    /// No encapsulated content and none supplied.
    #[error("the message carries no content (a detached signature) and none was supplied")]
    NoContent,
    /// Zero SignerInfos.
    #[error("the message has no signers")]
    NoSigners,
    /// SignedData.digestAlgorithms lists a digest OpenSSL cannot compute.
    #[error("the message lists the digest algorithm {digest}, which is unknown or unavailable")]
    DigestUnavailable {
        /// The OID, readable.
        digest: String,
    },
    /// SignedData.digestAlgorithms is empty.
    #[error("the message lists no digest algorithms")]
    NoDigestAlgorithms,
    /// A signer uses a digest cmsverify does not implement.
    #[error(
        "signer #{signer} uses the digest algorithm {digest}, which cmsverify does not implement"
    )]
    DigestNotImplemented {
        /// 1-based signer index.
        signer: usize,
        /// The digest.
        digest: String,
    },
    /// A signer's digest is not among SignedData.digestAlgorithms.
    #[error("signer #{signer} uses {digest}, which the message's digestAlgorithms do not list")]
    DigestNotListed {
        /// 1-based signer index.
        signer: usize,
        /// The digest.
        digest: String,
    },
    /// No certificate matches a SignerInfo's identifier.
    #[error("signer #{signer}'s certificate ({wanted}) is neither in the certfile nor in the message; the certfile holds {}", list_certs(.certfile))]
    SignerNotFound {
        /// 1-based signer index.
        signer: usize,
        /// The identifier looked for.
        wanted: String,
        /// What the certfile holds.
        certfile: Vec<CertId>,
    },
    /// The signed attributes break RFC 5652's rules.
    #[error("signer #{signer}: {problem}")]
    Attribute {
        /// 1-based signer index.
        signer: usize,
        /// The rule broken.
        problem: AttributeProblem,
    },
    /// The contentType attribute differs from eContentType.
    #[error(
        "signer #{signer}: the contentType attribute says {attribute} but the content is {content}"
    )]
    ContentTypeMismatch {
        /// 1-based signer index.
        signer: usize,
        /// The attribute's value.
        attribute: String,
        /// eContentType.
        content: String,
    },
    /// The messageDigest attribute does not match the content.
    #[error(
        "signer #{signer}: the content does not match the signed messageDigest (content altered)"
    )]
    MessageDigestMismatch {
        /// 1-based signer index.
        signer: usize,
    },
    /// The SignerInfo signature does not verify.
    #[error("signer #{signer}: the signature does not verify with the key of {cert}: {problem}")]
    Signature {
        /// 1-based signer index.
        signer: usize,
        /// The certificate whose key was used.
        cert: CertId,
        /// Why.
        problem: SignatureProblem,
    },
    /// The signer's key cannot be used.
    #[error("signer #{signer}: {cert} cannot verify: {problem}")]
    SignerKey {
        /// 1-based signer index.
        signer: usize,
        /// The certificate.
        cert: CertId,
        /// Why.
        problem: KeyProblem,
    },
    /// A certificate on the signer's path fails a check.
    #[error("{role} {cert} {problem}")]
    Certificate {
        /// The certificate.
        cert: CertId,
        /// Its place on the path.
        role: CertRole,
        /// The failed check.
        problem: CertProblem,
    },
    /// A private key cannot be used for signing.
    #[error("the private key cannot be used: {problem}")]
    BadPrivateKey {
        /// What is wrong.
        problem: &'static str,
    },
    /// The signing operation failed.
    #[error("signing failed")]
    SigningFailed,
    /// The verify call ran out of one of its work budgets ([`Limits`](crate::Limits)).
    #[error("verification gave up: the message needs more than {limit} {budget} (the limit for one message)")]
    BudgetExhausted {
        /// The counter that ran out.
        budget: BudgetKind,
        /// Its limit.
        limit: u64,
    },
    /// The message embeds more certificates than the limit (checked before
    /// any of them is parsed).
    #[error("the message embeds {count} certificates, more than the limit of {max}")]
    TooManyEmbeddedCertificates {
        /// Certificates in the message.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A SignerInfo carries more attributes than the limit.
    #[error("signer #{signer} has {count} attributes, more than the limit of {max}")]
    TooManyAttributes {
        /// 1-based SignerInfo index.
        signer: usize,
        /// Signed plus unsigned attributes.
        count: usize,
        /// The limit.
        max: usize,
    },
}

fn list_certs(certs: &[CertId]) -> String {
    if certs.is_empty() {
        return "no certificate".into();
    }
    certs
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl Error {
    /// The usual fix, when there is one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::FileRead { role: FileRole::Certfile | FileRole::Cafile, .. }
            | Self::NoCertificates { .. }
            | Self::BadCertificate { .. }
            | Self::BadPemBlock { .. } => Some(
                "fetch the certificates again (Keystone: delete signing_cert.pem and cacert.pem from signing_dir; auth_token refetches them)",
            ),
            Self::FileRead { role: FileRole::Input, .. } => None,
            Self::FileRead {
                role: FileRole::SignerCertificate | FileRole::SigningKey,
                ..
            } => Some("check the signing certificate and key paths (Keystone: certfile and keyfile in [signing])"),
            Self::BadPrivateKey { .. } => {
                Some("give the unencrypted PEM private key that belongs to the signing certificate")
            }
            Self::SigningFailed => None,
            Self::TrustedCertificate { .. } => {
                Some("convert it to a plain certificate: openssl x509 -in FILE -out FILE.pem")
            }
            Self::SignerNotFound { .. } => Some(
                "the certfile is stale or from another Keystone: delete signing_cert.pem and cacert.pem so they are fetched again",
            ),
            Self::Signature { .. } => Some(
                "the message was altered, or the certfile holds a different certificate with the same issuer and serial (stale signing_cert.pem)",
            ),
            Self::Certificate { problem, .. } => match problem {
                CertProblem::Expired { .. } | CertProblem::NotYetValid { .. } => Some(
                    "renew the certificate (Keystone: keystone-manage pki_setup or your CA), or check the system clock",
                ),
                CertProblem::UnknownIssuer { .. }
                | CertProblem::IncompletePath { .. }
                | CertProblem::SelfSignedNotTrusted
                | CertProblem::UntrustedRoot => Some(
                    "put the issuing CA chain up to its self-signed root into the CAfile (Keystone: cacert.pem)",
                ),
                CertProblem::Purpose(_) => Some(
                    "issue the signing certificate with keyUsage digitalSignature and, if it has extendedKeyUsage, emailProtection",
                ),
                CertProblem::NotCa(_) | CertProblem::PathLength { .. } => Some(
                    "the CA certificates must have basicConstraints CA:TRUE and keyUsage keyCertSign",
                ),
                CertProblem::BadTimeFormat(_)
                | CertProblem::UnhandledCriticalExtension(_)
                | CertProblem::InvalidExtension(_)
                | CertProblem::ProxyCertificate
                | CertProblem::Signature(_)
                | CertProblem::IssuerKey(_)
                | CertProblem::NameConstraint { .. }
                | CertProblem::UnsupportedNameConstraint(_)
                | CertProblem::UnsupportedNameSyntax { .. }
                | CertProblem::TooManyNameConstraintChecks { .. }
                | CertProblem::UnnestedResources { .. }
                | CertProblem::PathTooLong { .. } => None,
            },
            Self::MessageTooLarge { .. }
            | Self::TooManyCertificates { .. }
            | Self::InflatedTooLarge { .. }
            | Self::TooManySigners { .. }
            | Self::TooManyEmbeddedCertificates { .. }
            | Self::TooManyAttributes { .. }
            | Self::BudgetExhausted { .. } => {
                Some("raise the limit on the VerifierBuilder if the input is legitimate")
            }
            Self::UnexpectedForm { .. } => {
                Some("verify Keystone tokens with the token functions, CMS with the CMS ones")
            }
            Self::Pem(_) | Self::UnrecognisedInput | Self::Token(_) | Self::Malformed { .. } => {
                Some("the input is not a CMS signed message or token; check what was sent")
            }
            Self::NoContent => Some("supply the signed content with verify_detached"),
            Self::NotSignedData { .. }
            | Self::NoSigners
            | Self::DigestUnavailable { .. }
            | Self::NoDigestAlgorithms
            | Self::DigestNotImplemented { .. }
            | Self::DigestNotListed { .. }
            | Self::Attribute { .. }
            | Self::ContentTypeMismatch { .. }
            | Self::MessageDigestMismatch { .. }
            | Self::SignerKey { .. } => None,
        }
    }

    /// How specific the error is, for keeping the most useful one when several
    /// candidate certificates or paths failed (higher is more specific).
    pub(crate) fn rank(&self) -> u8 {
        match self {
            Self::Certificate { problem, .. } => match problem {
                CertProblem::UnknownIssuer { .. } => 10,
                CertProblem::IncompletePath { .. }
                | CertProblem::SelfSignedNotTrusted
                | CertProblem::UntrustedRoot
                | CertProblem::PathTooLong { .. } => 20,
                CertProblem::Signature(_) | CertProblem::IssuerKey(_) => 30,
                CertProblem::NotCa(_)
                | CertProblem::Purpose(_)
                | CertProblem::PathLength { .. }
                | CertProblem::UnhandledCriticalExtension(_)
                | CertProblem::InvalidExtension(_)
                | CertProblem::ProxyCertificate
                | CertProblem::NameConstraint { .. }
                | CertProblem::UnsupportedNameConstraint(_)
                | CertProblem::UnsupportedNameSyntax { .. }
                | CertProblem::TooManyNameConstraintChecks { .. }
                | CertProblem::UnnestedResources { .. } => 40,
                CertProblem::Expired { .. }
                | CertProblem::NotYetValid { .. }
                | CertProblem::BadTimeFormat(_) => 50,
            },
            Self::SignerKey { .. } => 55,
            Self::Signature { .. } => 60,
            Self::BudgetExhausted { .. } => 70,
            Self::FileRead { .. }
            | Self::NoCertificates { .. }
            | Self::BadCertificate { .. }
            | Self::BadPemBlock { .. }
            | Self::TrustedCertificate { .. }
            | Self::TooManyCertificates { .. }
            | Self::BadPrivateKey { .. }
            | Self::SigningFailed
            | Self::MessageTooLarge { .. }
            | Self::Pem(_)
            | Self::UnrecognisedInput
            | Self::UnexpectedForm { .. }
            | Self::Token(_)
            | Self::InflatedTooLarge { .. }
            | Self::Malformed { .. }
            | Self::TooManySigners { .. }
            | Self::TooManyEmbeddedCertificates { .. }
            | Self::TooManyAttributes { .. }
            | Self::NotSignedData { .. }
            | Self::NoContent
            | Self::NoSigners
            | Self::DigestUnavailable { .. }
            | Self::NoDigestAlgorithms
            | Self::DigestNotImplemented { .. }
            | Self::DigestNotListed { .. }
            | Self::SignerNotFound { .. }
            | Self::Attribute { .. }
            | Self::ContentTypeMismatch { .. }
            | Self::MessageDigestMismatch { .. } => 0,
        }
    }

    /// Errors that end a search instead of dropping one candidate.
    pub(crate) fn is_fatal(&self) -> bool {
        matches!(self, Self::BudgetExhausted { .. })
    }

    /// The certificate a verification error is about, if any.
    pub fn certificate(&self) -> Option<&CertId> {
        match self {
            Self::Certificate { cert, .. }
            | Self::Signature { cert, .. }
            | Self::SignerKey { cert, .. } => Some(cert),
            _ => None,
        }
    }

    /// The file a configuration error is about (its path, or `<memory>`).
    pub fn file(&self) -> Option<String> {
        match self {
            Self::FileRead { path, .. } => Some(path.display().to_string()),
            Self::NoCertificates { origin, .. }
            | Self::BadCertificate { origin, .. }
            | Self::BadPemBlock { origin, .. }
            | Self::TrustedCertificate { origin, .. }
            | Self::TooManyCertificates { origin, .. } => Some(origin.clone()),
            _ => None,
        }
    }

    /// True when the error means the certfile does not hold the message's
    /// signer, the symptom of stale Keystone certificates.
    pub fn is_signer_not_found(&self) -> bool {
        matches!(self, Self::SignerNotFound { .. })
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::UnixTime;

    #[test]
    fn exit_codes_follow_openssl_classes() {
        assert_eq!(Error::Pem(PemProblem::NoBeginLine).exit_code(), 3);
        assert_eq!(Error::NoSigners.exit_code(), 4);
        let e = Error::FileRead {
            role: FileRole::Cafile,
            path: "/etc/keystone/cacert.pem".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert_eq!(e.exit_code(), 2);
        assert!(e
            .to_string()
            .starts_with("cannot read the CAfile /etc/keystone/cacert.pem"));
    }

    #[test]
    fn certificate_errors_read_as_sentences() {
        let e = Error::Certificate {
            cert: CertId {
                subject: "CN=Keystone".into(),
                serial: "17".into(),
            },
            role: CertRole::Signer,
            problem: CertProblem::Purpose(PurposeProblem::ExtendedKeyUsage {
                found: vec!["serverAuth".into()],
            }),
        };
        assert_eq!(
            e.to_string(),
            "signing certificate \"CN=Keystone\" (serial 17) has extendedKeyUsage serverAuth only; S/MIME signing needs emailProtection"
        );
        assert!(e.hint().unwrap().contains("emailProtection"));
        assert_eq!(e.exit_code(), 4);
    }

    #[test]
    fn time_errors_outrank_missing_issuers() {
        let cert = CertId {
            subject: "CN=x".into(),
            serial: "01".into(),
        };
        let expired = Error::Certificate {
            cert: cert.clone(),
            role: CertRole::Anchor,
            problem: CertProblem::Expired {
                not_after: UnixTime(0),
                at: UnixTime(1),
            },
        };
        let unknown = Error::Certificate {
            cert,
            role: CertRole::Signer,
            problem: CertProblem::UnknownIssuer {
                issuer: "CN=y".into(),
            },
        };
        assert!(expired.rank() > unknown.rank());
    }
}
