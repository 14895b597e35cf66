//! The problem enums an [`Error`](super::Error) carries: which file, which
//! PEM, token or attribute rule, which certificate check.

use std::fmt;

use crate::algorithm::{KeyProblem, SignatureProblem};
use crate::cert::ValidityField;
use crate::extensions::InvalidExtension;
use crate::time::UnixTime;

/// Which configured input an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileRole {
    /// The untrusted certificates (`-certfile`, Keystone's signing_cert.pem).
    Certfile,
    /// The trust anchors (`-CAfile`, Keystone's cacert.pem).
    Cafile,
    /// The message to verify.
    Input,
    /// The signer's certificate (`-signer`, Keystone's signing_cert.pem).
    SignerCertificate,
    /// The signer's private key (`-inkey`, Keystone's signing_key.pem).
    SigningKey,
}

impl fmt::Display for FileRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Certfile => "certfile",
            Self::Cafile => "CAfile",
            Self::Input => "input file",
            Self::SignerCertificate => "signer certificate",
            Self::SigningKey => "signing key",
        })
    }
}

/// What is wrong with PEM text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PemProblem {
    /// No `-----BEGIN CMS-----` or `-----BEGIN PKCS7-----` line.
    NoBeginLine,
    /// The block has no matching END line.
    NoEndLine,
    /// The block has RFC 1421 headers (`Proc-Type:`), i.e. is encrypted.
    Headers,
    /// The body is not valid base64.
    Base64,
}

impl fmt::Display for PemProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoBeginLine => "no \"-----BEGIN CMS-----\" or \"-----BEGIN PKCS7-----\" line",
            Self::NoEndLine => "the PEM block has no END line",
            Self::Headers => "the PEM block has headers (encrypted PEM is not supported)",
            Self::Base64 => "the PEM body is not valid base64",
        })
    }
}

/// What is wrong with a Keystone token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenProblem {
    /// The PKI token text is not base64 (with '-' for '/').
    Base64,
    /// The PKIZ payload is not URL-safe base64.
    PkizBase64,
    /// The PKIZ payload is not valid zlib data.
    Inflate,
}

impl fmt::Display for TokenProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Base64 => "the PKI token is not base64 text",
            Self::PkizBase64 => "the PKIZ token is not URL-safe base64",
            Self::Inflate => "the PKIZ token does not inflate (corrupt zlib data)",
        })
    }
}

/// Signed-attribute rules (RFC 5652 section 11, OpenSSL's `ossl_cms_si_check_attributes()`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttributeProblem {
    /// signedAttrs without a contentType attribute.
    MissingContentType,
    /// signedAttrs without a messageDigest attribute.
    MissingMessageDigest,
    /// An attribute that may occur once occurs several times.
    Repeated(String),
    /// An attribute that must have exactly one value has another count.
    ValueCount(String),
    /// A countersignature among the signed attributes.
    SignedCountersignature,
    /// A signed-only attribute among the unsigned attributes.
    UnsignedOnlySigned(String),
    /// The messageDigest value is not an OCTET STRING.
    MessageDigestType,
    /// The messageDigest value has the wrong length for the digest.
    MessageDigestLength {
        /// Length of the computed digest.
        expected: usize,
        /// Length of the attribute value.
        found: usize,
    },
}

impl fmt::Display for AttributeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingContentType => f.write_str("the signed attributes lack contentType"),
            Self::MissingMessageDigest => f.write_str("the signed attributes lack messageDigest"),
            Self::Repeated(a) => write!(f, "attribute {a} occurs more than once"),
            Self::ValueCount(a) => write!(f, "attribute {a} must have exactly one value"),
            Self::SignedCountersignature => {
                f.write_str("a countersignature is among the signed attributes")
            }
            Self::UnsignedOnlySigned(a) => {
                write!(f, "attribute {a} may only be signed but is unsigned")
            }
            Self::MessageDigestType => {
                f.write_str("the messageDigest value is not an OCTET STRING")
            }
            Self::MessageDigestLength { expected, found } => write!(
                f,
                "the messageDigest value is {found} bytes, the digest is {expected}"
            ),
        }
    }
}

/// Why an extension makes its certificate invalid: what OpenSSL's
/// `ossl_x509v3_cache_extensions()` sets `EXFLAG_INVALID` for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExtensionProblem {
    /// The extension occurs more than once (`X509_get_ext_d2i()` refuses
    /// duplicates of the extensions OpenSSL caches).
    Duplicate,
    /// Its value does not decode as the extension's ASN.1 type.
    Malformed,
    /// keyUsage with no bit set (RFC 5280 section 4.2.1.3).
    EmptyKeyUsage,
    /// basicConstraints with a negative pathLenConstraint.
    NegativePathLength,
    /// A CRL distribution point naming neither a distributionPoint nor a
    /// cRLIssuer (OpenSSL's `setup_dp()`).
    EmptyDistributionPoint,
    /// RFC 3779 resources not in canonical form (unsorted, overlapping or
    /// adjacent blocks, a range that is a prefix; OpenSSL's
    /// `X509v3_addr_is_canonical()`, `X509v3_asid_is_canonical()`), found
    /// by path validation.
    NotCanonical,
}

impl fmt::Display for ExtensionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Duplicate => "it occurs more than once",
            Self::Malformed => "its value does not decode",
            Self::EmptyKeyUsage => "no key usage bit is set",
            Self::NegativePathLength => "its pathLenConstraint is negative",
            Self::EmptyDistributionPoint => {
                "a distribution point names neither a distributionPoint nor a cRLIssuer"
            }
            Self::NotCanonical => "its resources are not in canonical form (RFC 3779)",
        })
    }
}

/// Where a certificate sits in the path being checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertRole {
    /// The certificate of a SignerInfo.
    Signer,
    /// A CA between the signer and the trust anchor.
    Intermediate,
    /// A certificate from the CAfile ending the path.
    Anchor,
}

impl fmt::Display for CertRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Signer => "signing certificate",
            Self::Intermediate => "CA certificate",
            Self::Anchor => "trust anchor",
        })
    }
}

/// Why a certificate is unsuitable for S/MIME signing (OpenSSL's `smime_sign` purpose).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PurposeProblem {
    /// extendedKeyUsage present without emailProtection.
    ExtendedKeyUsage {
        /// The usages it does list.
        found: Vec<String>,
    },
    /// keyUsage present without digitalSignature and nonRepudiation.
    KeyUsage,
    /// Netscape cert type present without the S/MIME (or SSL client) bit.
    NetscapeCertType,
    /// A CA whose only CA marking is a Netscape type without the S/MIME CA bit.
    NetscapeCa,
}

impl fmt::Display for PurposeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ExtendedKeyUsage { found } => write!(
                f,
                "has extendedKeyUsage {} only; S/MIME signing needs emailProtection",
                if found.is_empty() {
                    "(empty)".to_owned()
                } else {
                    found.join(", ")
                }
            ),
            Self::KeyUsage => f.write_str(
                "has keyUsage without digitalSignature or nonRepudiation, which signing needs",
            ),
            Self::NetscapeCertType => {
                f.write_str("has a Netscape cert type without the S/MIME bit")
            }
            Self::NetscapeCa => {
                f.write_str("is a CA only by a Netscape cert type without the S/MIME CA bit")
            }
        }
    }
}

/// Why a certificate above the signer is not a CA (OpenSSL's `check_ca()`
/// and `check_extensions()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotCaReason {
    /// Its keyUsage lacks keyCertSign.
    NoKeyCertSign,
    /// Its basicConstraints say CA:FALSE.
    BasicConstraintsFalse,
    /// It has no basicConstraints (and nothing else making it a CA).
    NoBasicConstraints,
    /// An intermediate qualifies only by keyUsage or a Netscape type, but
    /// OpenSSL requires basicConstraints CA:TRUE of intermediates.
    IntermediateWithoutBasicConstraints,
}

impl fmt::Display for NotCaReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoKeyCertSign => "its keyUsage lacks keyCertSign",
            Self::BasicConstraintsFalse => "its basicConstraints say CA:FALSE",
            Self::NoBasicConstraints => "it has no basicConstraints extension",
            Self::IntermediateWithoutBasicConstraints => {
                "it lacks basicConstraints CA:TRUE (required for intermediate CAs)"
            }
        })
    }
}

/// Why a name cannot be compared with a CA's name constraints: where OpenSSL's
/// `NAME_CONSTRAINTS_check()` and `NAME_CONSTRAINTS_check_CN()` stop with
/// "unsupported or invalid name syntax" (`X509_V_ERR_UNSUPPORTED_NAME_SYNTAX`),
/// or with an error of their own (noted), the path fails whichever subtree,
/// permitted or excluded, was being compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum NameSyntax {
    /// A subject emailAddress attribute that is not an IA5String (checked
    /// under any name constraints, of whatever form).
    EmailAddressNotIa5,
    /// An e-mail address without '@', compared with an rfc822Name constraint.
    NoAtSign,
    /// A NUL byte in a local part compared with a constraint's local part.
    NulInLocalPart,
    /// An rfc822Name constraint holding a NUL byte, compared with an
    /// SmtpUTF8Mailbox (`nc_email_eai()`).
    NulInConstraint,
    /// An otherName SmtpUTF8Mailbox whose value is not a UTF8String.
    SmtpUtf8MailboxNotUtf8String,
    /// An rfc822Name constraint that does not convert to U-labels for an
    /// SmtpUTF8Mailbox: an `xn--` label that is not valid punycode, or a
    /// result over 255 bytes (`ossl_a2ulabel()` fails; OpenSSL reports
    /// "unspecified certificate verification error").
    ConstraintNotConvertible,
    /// The signer's commonName, checked as a host name because the signer has
    /// no DNS name, holds a NUL byte before its end (`cn2dnsid()`).
    NulInCommonName,
    /// The signer's commonName, checked because the signer has no DNS name,
    /// has a type without a UTF-8 form, such as a BIT STRING (OpenSSL's
    /// `ASN1_STRING_to_UTF8()` fails and verification stops).
    CommonNameNotText,
}

impl fmt::Display for NameSyntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EmailAddressNotIa5 => "a subject emailAddress must be an IA5String",
            Self::NoAtSign => "an e-mail address without '@' cannot be matched with an rfc822Name constraint",
            Self::NulInLocalPart => "a local part holding a NUL byte cannot be compared",
            Self::NulInConstraint => "an rfc822Name constraint holding a NUL byte cannot be compared with an SmtpUTF8Mailbox",
            Self::SmtpUtf8MailboxNotUtf8String => "an SmtpUTF8Mailbox must be a UTF8String",
            Self::ConstraintNotConvertible => "an rfc822Name constraint does not convert to U-labels (bad punycode, or longer than 255 bytes)",
            Self::NulInCommonName => "a commonName holding a NUL byte before its end cannot be checked as a host name",
            Self::CommonNameNotText => "a commonName of a type without text cannot be checked as a host name",
        })
    }
}

/// A check a certificate on the path failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertProblem {
    /// notAfter is not later than the verification time.
    Expired {
        /// The certificate's notAfter.
        not_after: UnixTime,
        /// The verification time.
        at: UnixTime,
    },
    /// notBefore is later than the verification time.
    NotYetValid {
        /// The certificate's notBefore.
        not_before: UnixTime,
        /// The verification time.
        at: UnixTime,
    },
    /// A validity field is not a strictly formatted UTCTime/GeneralizedTime.
    BadTimeFormat(ValidityField),
    /// No certificate of the CAfile, the certfile or the message issued it.
    UnknownIssuer {
        /// The issuer it names.
        issuer: String,
    },
    /// The path reached a CAfile certificate that is not self-signed and whose
    /// issuer is nowhere (OpenSSL: "unable to get issuer certificate").
    IncompletePath {
        /// The issuer the top certificate names.
        issuer: String,
    },
    /// The signer is self-signed and not in the CAfile.
    SelfSignedNotTrusted,
    /// The path ends in a self-signed certificate that is not in the CAfile.
    UntrustedRoot,
    /// A certificate used as a CA is not one.
    NotCa(NotCaReason),
    /// Unsuitable for the S/MIME signing purpose.
    Purpose(PurposeProblem),
    /// A CA's pathLenConstraint is exceeded.
    PathLength {
        /// The constraint.
        limit: u64,
        /// CA certificates below it on the path.
        below: u64,
    },
    /// A critical extension OpenSSL does not handle.
    UnhandledCriticalExtension(String),
    /// A malformed extension makes the certificate unusable.
    InvalidExtension(InvalidExtension),
    /// A proxy certificate (not allowed).
    ProxyCertificate,
    /// The issuer's signature on the certificate does not verify.
    Signature(SignatureProblem),
    /// The issuer's key cannot be used.
    IssuerKey(KeyProblem),
    /// A name of the certificate is outside a CA's name constraints.
    NameConstraint {
        /// The offending name.
        name: String,
        /// True for an excluded subtree, false for a missing permitted one.
        excluded: bool,
    },
    /// A CA carries a name constraint of a form cmsverify does not evaluate.
    UnsupportedNameConstraint(&'static str),
    /// A name of the certificate cannot be compared with a CA's name
    /// constraints (OpenSSL: "unsupported or invalid name syntax").
    UnsupportedNameSyntax {
        /// The name.
        name: String,
        /// Why it cannot be compared.
        reason: NameSyntax,
    },
    /// The certificate's names times a CA's name constraints exceed what
    /// OpenSSL compares (`NAME_CHECK_MAX`, 2^20, in `NAME_CONSTRAINTS_check()`).
    TooManyNameConstraintChecks {
        /// Subject attributes plus subjectAltNames.
        names: usize,
        /// Permitted plus excluded subtrees of the CA.
        constraints: usize,
    },
    /// RFC 3779 resources the signer claims are not listed by a certificate
    /// above it, or the anchor inherits them (OpenSSL's
    /// `X509_V_ERR_UNNESTED_RESOURCE`).
    UnnestedResources {
        /// `ipAddrBlocks` or `ASIdentifiers`.
        extension: &'static str,
    },
    /// The path would be longer than the limit.
    PathTooLong {
        /// The limit.
        max: usize,
    },
}

impl fmt::Display for CertProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired { not_after, at } => {
                write!(f, "expired at {not_after} (verification time {at})")
            }
            Self::NotYetValid { not_before, at } => {
                write!(f, "is not valid before {not_before} (verification time {at})")
            }
            Self::BadTimeFormat(field) => {
                write!(f, "has a malformed {field} time (not strict UTCTime/GeneralizedTime)")
            }
            Self::UnknownIssuer { issuer } => write!(
                f,
                "was issued by \"{issuer}\", which is not in the CAfile, the certfile or the message"
            ),
            Self::IncompletePath { issuer } => write!(
                f,
                "is in the CAfile but is not self-signed, and its issuer \"{issuer}\" is nowhere"
            ),
            Self::SelfSignedNotTrusted => f.write_str("is self-signed and not in the CAfile"),
            Self::UntrustedRoot => f.write_str("is a self-signed root that is not in the CAfile"),
            Self::NotCa(why) => write!(f, "is used as a CA but {why}"),
            Self::Purpose(p) => p.fmt(f),
            Self::PathLength { limit, below } => write!(
                f,
                "allows {limit} CA certificate(s) below it (pathLenConstraint) but has {below}"
            ),
            Self::UnhandledCriticalExtension(ext) => {
                write!(f, "has the unsupported critical extension {ext}")
            }
            Self::InvalidExtension(e) => {
                write!(f, "has an invalid {} extension: {}", e.extension, e.problem)
            }
            Self::ProxyCertificate => f.write_str("is a proxy certificate, which is not allowed"),
            Self::Signature(p) => write!(f, "has an issuer signature that fails: {p}"),
            Self::IssuerKey(p) => write!(f, "cannot be checked: its issuer's key fails: {p}"),
            Self::NameConstraint { name, excluded: true } => {
                write!(f, "has the name {name}, which a CA's name constraints exclude")
            }
            Self::NameConstraint { name, excluded: false } => {
                write!(f, "has the name {name}, which a CA's name constraints do not permit")
            }
            Self::UnsupportedNameConstraint(form) => write!(
                f,
                "has a name constraint of form {form}, which cmsverify does not evaluate (fails closed)"
            ),
            Self::UnsupportedNameSyntax { name, reason } => write!(
                f,
                "has the name {name}, which cannot be checked against a CA's name constraints: {reason}"
            ),
            Self::TooManyNameConstraintChecks { names, constraints } => write!(
                f,
                "has {names} names and a CA above it {constraints} name constraints, more pairs than OpenSSL compares (2^20)"
            ),
            Self::UnnestedResources { extension } => write!(
                f,
                "does not list the RFC 3779 resources ({extension}) of the certificates below it"
            ),
            Self::PathTooLong { max } => write!(f, "needs a path of more than {max} certificates"),
        }
    }
}
