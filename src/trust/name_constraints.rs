//! Name constraints (RFC 5280 section 4.2.1.10) as OpenSSL 3.0 applies them in
//! `check_name_constraints()`, for directoryName, rfc822Name and dNSName.
//!
//! A CA constraint of any other form makes the path fail closed
//! (REFERENCE.md section 7 item 7).

use crate::budget::Budget;
use crate::cert::Certificate;
use crate::error::{CertProblem, Error};
use crate::extensions::{GeneralName, NameConstraints};
use crate::name;
use crate::oid;

/// Checks every certificate of `path` (signer first) against the constraints
/// of every CA above it. Self-issued intermediates are skipped, as OpenSSL does.
/// Each (certificate, CA) pair is charged to `budget` before it is compared;
/// the outer error is the budget running out.
pub(crate) fn check(
    path: &[Certificate],
    budget: &mut Budget,
) -> Result<Result<(), (usize, CertProblem)>, Error> {
    for (j, ca) in path.iter().enumerate().skip(1) {
        let Some(nc) = &ca.extensions().name_constraints else {
            continue;
        };
        if let Some(form) = nc
            .permitted
            .iter()
            .chain(&nc.excluded)
            .find_map(|g| match g {
                GeneralName::Other(form) => Some(*form),
                _ => None,
            })
        {
            return Ok(Err((j, CertProblem::UnsupportedNameConstraint(form))));
        }
        for (i, cert) in path.iter().enumerate().take(j) {
            if i > 0 && cert.is_self_issued() {
                continue;
            }
            budget.charge_name_checks(comparisons(cert, nc))?;
            if let Err(problem) = check_cert(cert, nc, i == 0) {
                return Ok(Err((i, problem)));
            }
        }
    }
    Ok(Ok(()))
}

/// An upper bound of the comparisons [`check_cert`] makes: every name the
/// certificate can present (its subject, each SAN, each subject attribute,
/// which takes at least 9 DER bytes) against every subtree.
fn comparisons(cert: &Certificate, nc: &NameConstraints) -> u64 {
    let names = 1 + cert.extensions().subject_alt_names.len() + cert.subject_der().len() / 9;
    let subtrees = nc.permitted.len() + nc.excluded.len();
    u64::try_from(names.saturating_mul(subtrees)).unwrap_or(u64::MAX)
}

fn check_cert(cert: &Certificate, nc: &NameConstraints, is_leaf: bool) -> Result<(), CertProblem> {
    let subject = cert.subject_der();
    let canonical = cert.canonical_subject();
    if !canonical.is_empty() {
        let dn = GeneralName::Directory {
            canonical: canonical.to_vec(),
            display: cert.subject(),
        };
        check_name(&dn, nc)?;
    }
    for email in name::attribute_values(subject, &oid::AT_EMAIL_ADDRESS) {
        check_name(&GeneralName::Rfc822(email), nc)?;
    }
    let sans = &cert.extensions().subject_alt_names;
    for san in sans {
        check_name(san, nc)?;
    }
    if is_leaf && !sans.iter().any(|n| matches!(n, GeneralName::Dns(_))) {
        for cn in name::attribute_values(subject, &oid::AT_COMMON_NAME) {
            if looks_like_host(&cn) {
                check_name(&GeneralName::Dns(cn.to_ascii_lowercase()), nc)?;
            }
        }
    }
    Ok(())
}

/// OpenSSL's `cn2dnsid()`: a CN is checked as a DNS name when it has a dot
/// and only letters, digits, '-' and '.' in non-empty labels.
fn looks_like_host(cn: &str) -> bool {
    cn.contains('.')
        && cn.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

fn same_form(a: &GeneralName, b: &GeneralName) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn describe(n: &GeneralName) -> String {
    match n {
        GeneralName::Rfc822(e) => format!("email:{e}"),
        GeneralName::Dns(d) => format!("DNS:{d}"),
        GeneralName::Directory { display, .. } => format!("DirName:{display}"),
        GeneralName::Other(form) => (*form).to_owned(),
    }
}

/// OpenSSL's `nc_match()`: if permitted subtrees of the name's form exist,
/// one must match; no excluded subtree may match.
fn check_name(n: &GeneralName, nc: &NameConstraints) -> Result<(), CertProblem> {
    let mut permitted = nc.permitted.iter().filter(|b| same_form(n, b)).peekable();
    if permitted.peek().is_some() && !permitted.any(|base| matches(n, base)) {
        return Err(CertProblem::NameConstraint {
            name: describe(n),
            excluded: false,
        });
    }
    if nc
        .excluded
        .iter()
        .any(|base| same_form(n, base) && matches(n, base))
    {
        return Err(CertProblem::NameConstraint {
            name: describe(n),
            excluded: true,
        });
    }
    Ok(())
}

fn matches(n: &GeneralName, base: &GeneralName) -> bool {
    match (n, base) {
        (GeneralName::Directory { canonical, .. }, GeneralName::Directory { canonical: b, .. }) => {
            canonical.starts_with(b)
        }
        (GeneralName::Dns(name), GeneralName::Dns(base)) => dns_matches(name, base),
        (GeneralName::Rfc822(email), GeneralName::Rfc822(base)) => email_matches(email, base),
        _ => false,
    }
}

/// `nc_dns()`: empty base matches all; else the name ends with the base, on a
/// label boundary unless the base starts with '.'. Case-insensitive.
fn dns_matches(name: &str, base: &str) -> bool {
    if base.is_empty() {
        return true;
    }
    if name.len() < base.len() {
        return false;
    }
    let (head, tail) = name.split_at(name.len() - base.len());
    if !head.is_empty() && !base.starts_with('.') && !head.ends_with('.') {
        return false;
    }
    tail.eq_ignore_ascii_case(base)
}

/// `nc_email()`: a base starting with '.' matches the domain's right-hand
/// side; a base with '@' matches the whole mailbox (local part case-sensitive);
/// otherwise the host part must equal the base.
fn email_matches(email: &str, base: &str) -> bool {
    let Some(at) = email.rfind('@') else {
        return false;
    };
    let host = &email[at + 1..];
    if !base.contains('@') && base.starts_with('.') {
        return email.len() > base.len()
            && email[email.len() - base.len()..].eq_ignore_ascii_case(base);
    }
    let base_host = match base.rfind('@') {
        Some(base_at) => {
            let base_local = &base[..base_at];
            if !base_local.is_empty() && base_local != &email[..at] {
                return false;
            }
            &base[base_at + 1..]
        }
        None => base,
    };
    host.eq_ignore_ascii_case(base_host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_rules() {
        assert!(dns_matches("a.example.com", "example.com"));
        assert!(dns_matches("example.com", "EXAMPLE.com"));
        assert!(!dns_matches("badexample.com", "example.com"));
        assert!(dns_matches("a.example.com", ".example.com"));
        assert!(dns_matches("anything", ""));
    }

    #[test]
    fn email_rules() {
        assert!(email_matches("alice@example.com", "example.com"));
        assert!(!email_matches("alice@sub.example.com", "example.com"));
        assert!(email_matches("alice@sub.example.com", ".example.com"));
        assert!(email_matches("alice@example.com", "alice@example.com"));
        assert!(!email_matches("Alice@example.com", "alice@example.com"));
        assert!(!email_matches("no-at-sign", "example.com"));
    }

    #[test]
    fn permitted_and_excluded() {
        let nc = NameConstraints {
            permitted: vec![GeneralName::Rfc822("example.com".into())],
            excluded: vec![GeneralName::Rfc822("bad@example.com".into())],
        };
        assert!(check_name(&GeneralName::Rfc822("ok@example.com".into()), &nc).is_ok());
        assert!(matches!(
            check_name(&GeneralName::Rfc822("x@other.org".into()), &nc),
            Err(CertProblem::NameConstraint {
                excluded: false,
                ..
            })
        ));
        assert!(matches!(
            check_name(&GeneralName::Rfc822("bad@example.com".into()), &nc),
            Err(CertProblem::NameConstraint { excluded: true, .. })
        ));
        // Names of a form without constraints pass.
        assert!(check_name(&GeneralName::Dns("host.org".into()), &nc).is_ok());
    }

    #[test]
    fn cn_host_detection() {
        assert!(looks_like_host("www.example.com"));
        assert!(!looks_like_host("Keystone Signing"));
        assert!(!looks_like_host("localhost"));
    }
}
