//! What each certificate on a path must satisfy, as tables of rules.
//!
//! Every row reproduces one check of OpenSSL 3.0's `x509_vfy.c:
//! check_extensions()` or of the `smime_sign` purpose (`v3_purp.c:
//! check_purpose_smime_sign()`); the path walk in [`super::path`] only asks
//! [`check_path`]. See docs/compatibility.md, OpenSSL facts.

use crate::budget::Budget;
use crate::cert::Certificate;
use crate::error::{CertProblem, Error, NotCaReason, PurposeProblem};
use crate::extensions::{ku, ns};
use crate::oid;
use crate::time::UnixTime;

/// The purpose a signer's path is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Purpose {
    /// OpenSSL's `smime_sign` purpose, which `openssl cms -verify` applies
    /// (keyUsage, extendedKeyUsage and Netscape cert type rules for the signer
    /// and the CAs).
    #[default]
    SmimeSign,
    /// No purpose rules (OpenSSL's `-purpose any`); CA checks still apply.
    Any,
}

/// Where a certificate sits on the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Leaf,
    Intermediate,
    Top,
}

/// One check of the policy, as data: a name, the OpenSSL code it
/// reproduces, and the check itself.
struct Rule {
    /// A short stable name (printed by [`rows`] and the docs table).
    name: &'static str,
    /// The OpenSSL 3.0 function and error it reproduces.
    openssl: &'static str,
    check: fn(&Certificate, Position) -> Result<(), CertProblem>,
}

/// One row of the policy table, for printing and review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PolicyRow {
    /// Which certificates it applies to.
    pub applies_to: &'static str,
    /// Its short stable name.
    pub name: &'static str,
    /// The OpenSSL 3.0 code it reproduces.
    pub openssl: &'static str,
}

/// Every table-driven check, in the order it runs, followed by the checks
/// that need the whole path (path length, validity, name constraints).
pub(crate) fn rows() -> Vec<PolicyRow> {
    let table = |applies_to, rules: &'static [Rule]| {
        rules.iter().map(move |r| PolicyRow {
            applies_to,
            name: r.name,
            openssl: r.openssl,
        })
    };
    let whole_path = [
        (
            "CAs above the signer's issuer",
            "path-length",
            "check_extensions: pathlen -> X509_V_ERR_PATH_LENGTH_EXCEEDED",
        ),
        (
            "every certificate, top down",
            "validity",
            "internal_verify: ossl_x509_check_cert_time",
        ),
        (
            "every certificate below a constraining CA",
            "name-constraints",
            "check_name_constraints: NAME_CONSTRAINTS_check",
        ),
        (
            "the signer's resources, up the path",
            "rfc3779-resources",
            "X509v3_asid_validate_path, X509v3_addr_validate_path -> X509_V_ERR_UNNESTED_RESOURCE",
        ),
    ]
    .map(|(applies_to, name, openssl)| PolicyRow {
        applies_to,
        name,
        openssl,
    });
    table("every certificate", EVERY_CERT)
        .chain(table("the signer (S/MIME signing purpose)", SMIME_SIGNER))
        .chain(table(
            "every CA, anchor included (S/MIME signing purpose)",
            SMIME_CA,
        ))
        .chain(whole_path)
        .collect()
}

/// Checks on every certificate, anchor included.
const EVERY_CERT: &[Rule] = &[
    Rule {
        name: "unhandled-critical-extension",
        openssl: "check_extensions: EXFLAG_CRITICAL -> X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION",
        check: |c, _| match &c.extensions().unhandled_critical {
            Some(ext) => Err(CertProblem::UnhandledCriticalExtension(ext.clone())),
            None => Ok(()),
        },
    },
    Rule {
        name: "invalid-extension",
        openssl: "ossl_x509v3_cache_extensions: EXFLAG_INVALID (certificate unusable)",
        check: |c, _| match &c.extensions().invalid {
            Some(e) => Err(CertProblem::InvalidExtension(e.clone())),
            None => Ok(()),
        },
    },
    Rule {
        name: "proxy-certificate",
        openssl: "check_extensions: EXFLAG_PROXY -> X509_V_ERR_PROXY_CERTIFICATES_NOT_ALLOWED",
        check: |c, _| {
            if c.extensions().proxy_cert_info {
                Err(CertProblem::ProxyCertificate)
            } else {
                Ok(())
            }
        },
    },
    Rule {
        name: "ca-status",
        openssl: "check_extensions: X509_check_ca() == 1 for intermediates, != 0 for the top",
        check: |c, pos| match (pos, check_ca(c)) {
            (Position::Leaf, _)
            | (Position::Top, Ok(_))
            | (Position::Intermediate, Ok(CaKind::BasicConstraints)) => Ok(()),
            (Position::Intermediate, Ok(_)) => Err(CertProblem::NotCa(
                NotCaReason::IntermediateWithoutBasicConstraints,
            )),
            (_, Err(why)) => Err(CertProblem::NotCa(why)),
        },
    },
];

/// `check_purpose_smime_sign(x, require_ca = 0)` for the signer.
const SMIME_SIGNER: &[Rule] = &[
    Rule {
        name: "signer-extended-key-usage",
        openssl: "purpose_smime: xku_reject(x, XKU_SMIME)",
        check: |c, _| eku_allows_email(c),
    },
    Rule {
        name: "signer-netscape-type",
        openssl: "purpose_smime: nsCertType must have NS_SMIME or NS_SSL_CLIENT",
        check: |c, _| match c.extensions().ns_cert_type {
            Some(t) if t & (ns::SMIME | ns::SSL_CLIENT) == 0 => {
                Err(CertProblem::Purpose(PurposeProblem::NetscapeCertType))
            }
            _ => Ok(()),
        },
    },
    Rule {
        name: "signer-key-usage",
        openssl:
            "check_purpose_smime_sign: ku_reject(x, KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)",
        check: |c, _| match c.extensions().key_usage {
            Some(k) if k & (ku::DIGITAL_SIGNATURE | ku::NON_REPUDIATION) == 0 => {
                Err(CertProblem::Purpose(PurposeProblem::KeyUsage))
            }
            _ => Ok(()),
        },
    },
];

/// `check_purpose_smime_sign(x, require_ca = 1)` for every CA, anchor included.
const SMIME_CA: &[Rule] = &[
    Rule {
        name: "ca-extended-key-usage",
        openssl: "purpose_smime: xku_reject(x, XKU_SMIME)",
        check: |c, _| eku_allows_email(c),
    },
    Rule {
        name: "ca-netscape-type",
        openssl: "purpose_smime: check_ca() == 5 requires NS_SMIME_CA",
        check: |c, _| match check_ca(c) {
            Ok(CaKind::NetscapeType)
                if c.extensions().ns_cert_type.unwrap_or(0) & ns::SMIME_CA == 0 =>
            {
                Err(CertProblem::Purpose(PurposeProblem::NetscapeCa))
            }
            _ => Ok(()),
        },
    },
];

/// How a certificate qualifies as a CA (`X509_check_ca()`'s non-zero results).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaKind {
    /// 1: basicConstraints CA:TRUE.
    BasicConstraints,
    /// 3: a v1 self-signed root.
    V1Root,
    /// 4: no basicConstraints, keyUsage with keyCertSign.
    KeyUsage,
    /// 5: no basicConstraints, a Netscape CA type.
    NetscapeType,
}

/// OpenSSL's `check_ca()`.
fn check_ca(c: &Certificate) -> Result<CaKind, NotCaReason> {
    let ext = c.extensions();
    if ext.key_usage.is_some_and(|k| k & ku::KEY_CERT_SIGN == 0) {
        return Err(NotCaReason::NoKeyCertSign);
    }
    match ext.basic_constraints {
        Some(bc) if bc.ca => Ok(CaKind::BasicConstraints),
        Some(_) => Err(NotCaReason::BasicConstraintsFalse),
        None if c.is_v1() && c.is_self_signed() => Ok(CaKind::V1Root),
        None if ext.key_usage.is_some() => Ok(CaKind::KeyUsage),
        None if ext.ns_cert_type.is_some_and(|t| t & ns::ANY_CA != 0) => Ok(CaKind::NetscapeType),
        None => Err(NotCaReason::NoBasicConstraints),
    }
}

fn eku_allows_email(c: &Certificate) -> Result<(), CertProblem> {
    match &c.extensions().ext_key_usage {
        Some(list) if !list.iter().any(|o| oid::is(o, &oid::KP_EMAIL_PROTECTION)) => {
            Err(CertProblem::Purpose(PurposeProblem::ExtendedKeyUsage {
                found: list.iter().map(|o| oid::describe(o)).collect(),
            }))
        }
        _ => Ok(()),
    }
}

fn apply(rules: &[Rule], c: &Certificate, pos: Position) -> Result<(), CertProblem> {
    rules.iter().try_for_each(|r| (r.check)(c, pos))
}

/// The signer rules alone (extensions and the S/MIME signing purpose), for
/// describing a certificate outside any path.
pub(crate) fn check_signer(cert: &Certificate) -> Result<(), CertProblem> {
    apply(EVERY_CERT, cert, Position::Leaf)?;
    apply(SMIME_SIGNER, cert, Position::Leaf)
}

/// The checks an issuer candidate must pass wherever it ends up above the
/// signer (the weaker top-of-path CA rule, the CA purpose rules, validity):
/// run before its signature is checked, so that a candidate no path could
/// use costs no public-key work. [`check_path`] still runs on every path.
pub(crate) fn check_issuer_candidate(
    c: &Certificate,
    purpose: Purpose,
    at: UnixTime,
) -> Result<(), CertProblem> {
    apply(EVERY_CERT, c, Position::Top)?;
    if purpose == Purpose::SmimeSign {
        apply(SMIME_CA, c, Position::Top)?;
    }
    c.check_validity(at)
}

/// Checks a complete path (signer first, anchor last) whose signatures have
/// been verified: extensions, CA status, purpose and path length for each
/// certificate, then validity top-down, then name constraints, then the
/// signer's RFC 3779 resources. Returns the
/// index of the failing certificate with the problem.
///
/// The outer error is the budget running out: name constraints are charged,
/// and so is the size of the RFC 3779 extensions on the path, each time a
/// path is checked (many paths through one large extension would otherwise
/// repeat its checking without bound).
pub(crate) fn check_path(
    path: &[Certificate],
    purpose: Purpose,
    at: UnixTime,
    budget: &mut Budget,
) -> Result<Result<(), (usize, CertProblem)>, Error> {
    if let Err(failed) = check_rules(path, purpose, at) {
        return Ok(Err(failed));
    }
    if let Err(failed) = super::name_constraints::check(path, budget)? {
        return Ok(Err(failed));
    }
    if path
        .first()
        .is_some_and(|c| c.extensions().resources.is_present())
    {
        let bytes: usize = path
            .iter()
            .map(|c| c.extensions().resources.encoded_len())
            .sum();
        budget.charge_resource_bytes(u64::try_from(bytes).unwrap_or(u64::MAX))?;
    }
    Ok(super::rfc3779::check(path))
}

/// Extensions, CA status, purpose and path length, then validity top-down.
fn check_rules(
    path: &[Certificate],
    purpose: Purpose,
    at: UnixTime,
) -> Result<(), (usize, CertProblem)> {
    let last = path.len().saturating_sub(1);
    let mut ca_below: u64 = 0;
    for (i, c) in path.iter().enumerate() {
        let pos = match i {
            0 => Position::Leaf,
            i if i == last => Position::Top,
            _ => Position::Intermediate,
        };
        let fail = |p| (i, p);
        apply(EVERY_CERT, c, pos).map_err(fail)?;
        if purpose == Purpose::SmimeSign {
            let rules = if pos == Position::Leaf {
                SMIME_SIGNER
            } else {
                SMIME_CA
            };
            apply(rules, c, pos).map_err(fail)?;
        }
        // check_extensions: pathlen of CAs above the signer's direct issuer.
        if i > 1 {
            if let Some(limit) = c.extensions().basic_constraints.and_then(|bc| bc.path_len) {
                if ca_below > limit {
                    return Err(fail(CertProblem::PathLength {
                        limit,
                        below: ca_below,
                    }));
                }
            }
        }
        if i > 0 && !c.is_self_issued() {
            ca_below += 1;
        }
    }
    for (i, c) in path.iter().enumerate().rev() {
        c.check_validity(at).map_err(|p| (i, p))?;
    }
    Ok(())
}
