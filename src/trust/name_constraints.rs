//! Name constraints (RFC 5280 section 4.2.1.10) as OpenSSL 3.0 applies them in
//! `check_name_constraints()`, for directoryName, rfc822Name and dNSName.
//!
//! A CA constraint of any other form makes the path fail closed
//! (docs/compatibility.md item 7).

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
    for value in name::attribute_values(subject, &oid::AT_EMAIL_ADDRESS) {
        let email = GeneralName::Rfc822(value.value.to_vec());
        // OpenSSL refuses an emailAddress of any other string type
        // (X509_V_ERR_UNSUPPORTED_NAME_SYNTAX), whatever the constraints.
        if value.tag != name::IA5 {
            return Err(violation(&email, false));
        }
        check_name(&email, nc)?;
    }
    let sans = &cert.extensions().subject_alt_names;
    for san in sans {
        check_name(san, nc)?;
    }
    if is_leaf && !sans.iter().any(|n| matches!(n, GeneralName::Dns(_))) {
        for cn in name::attribute_values(subject, &oid::AT_COMMON_NAME)
            .into_iter()
            .filter_map(name::text)
        {
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

/// An e-mail address for messages: as is when it is UTF-8, else with its
/// bytes escaped (`a@\xe9xy`).
fn email_text(email: &[u8]) -> String {
    std::str::from_utf8(email).map_or_else(|_| email.escape_ascii().to_string(), str::to_owned)
}

fn describe(n: &GeneralName) -> String {
    match n {
        GeneralName::Rfc822(e) => format!("email:{}", email_text(e)),
        GeneralName::Dns(d) => format!("DNS:{d}"),
        GeneralName::Directory { display, .. } => format!("DirName:{display}"),
        GeneralName::Other(form) => (*form).to_owned(),
    }
}

fn violation(n: &GeneralName, excluded: bool) -> CertProblem {
    CertProblem::NameConstraint {
        name: describe(n),
        excluded,
    }
}

/// The result of matching one name against one subtree base, as OpenSSL's
/// `nc_match_single()` returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// The name is inside the subtree (`X509_V_OK`).
    Inside,
    /// The name is outside the subtree (`X509_V_ERR_PERMITTED_VIOLATION`).
    Outside,
    /// The name cannot be compared (`X509_V_ERR_UNSUPPORTED_NAME_SYNTAX`):
    /// the path fails whichever subtree list is being checked.
    BadSyntax,
}

impl From<bool> for Match {
    fn from(inside: bool) -> Self {
        if inside {
            Self::Inside
        } else {
            Self::Outside
        }
    }
}

/// OpenSSL's `nc_match()`: if permitted subtrees of the name's form exist,
/// one must match; no excluded subtree may match. The first subtree the name
/// is not plainly outside of decides each list, so a name of bad syntax
/// fails unless an earlier permitted subtree matched.
///
/// A name of bad syntax is reported as outside the list being checked.
fn check_name(n: &GeneralName, nc: &NameConstraints) -> Result<(), CertProblem> {
    let mut permitted = nc.permitted.iter().filter(|b| same_form(n, b)).peekable();
    if permitted.peek().is_some()
        && permitted
            .map(|base| matches(n, base))
            .find(|m| *m != Match::Outside)
            != Some(Match::Inside)
    {
        return Err(violation(n, false));
    }
    if nc
        .excluded
        .iter()
        .filter(|base| same_form(n, base))
        .any(|base| matches(n, base) != Match::Outside)
    {
        return Err(violation(n, true));
    }
    Ok(())
}

fn matches(n: &GeneralName, base: &GeneralName) -> Match {
    match (n, base) {
        (GeneralName::Directory { canonical, .. }, GeneralName::Directory { canonical: b, .. }) => {
            canonical.starts_with(b).into()
        }
        (GeneralName::Dns(name), GeneralName::Dns(base)) => {
            dns_matches(name.as_bytes(), base.as_bytes()).into()
        }
        (GeneralName::Rfc822(email), GeneralName::Rfc822(base)) => email_matches(email, base),
        _ => Match::Outside,
    }
}

/// `name` ends with `suffix`, ASCII case-insensitively; returns what precedes
/// the suffix.
fn strip_suffix_ignore_case<'a>(name: &'a [u8], suffix: &[u8]) -> Option<&'a [u8]> {
    let (head, tail) = name.split_at_checked(name.len().checked_sub(suffix.len())?)?;
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

/// `nc_dns()`: empty base matches all; else the name ends with the base, on a
/// label boundary unless the base starts with '.'. Case-insensitive (ASCII).
fn dns_matches(name: &[u8], base: &[u8]) -> bool {
    if base.is_empty() {
        return true;
    }
    let Some(head) = strip_suffix_ignore_case(name, base) else {
        return false;
    };
    head.is_empty() || base.first() == Some(&b'.') || head.last() == Some(&b'.')
}

/// Splits at the last '@': (local part, host).
fn split_at_last_at(address: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = address.iter().rposition(|&b| b == b'@')?;
    let (local, at_host) = address.split_at_checked(at)?;
    Some((local, at_host.get(1..)?))
}

/// `nc_email()`, on bytes: an address without '@' is bad syntax; a base
/// without '@' starting with '.' matches a longer address's right-hand end; a
/// base with a local part matches that local part exactly (case-sensitive,
/// bad syntax if either holds a NUL); then the hosts must be equal, ASCII
/// case-insensitively. Other bytes compare exactly.
fn email_matches(email: &[u8], base: &[u8]) -> Match {
    let Some((local, host)) = split_at_last_at(email) else {
        return Match::BadSyntax;
    };
    let base_host = match split_at_last_at(base) {
        None if base.first() == Some(&b'.') => {
            return (email.len() > base.len() && strip_suffix_ignore_case(email, base).is_some())
                .into();
        }
        None => base,
        Some((base_local, base_host)) => {
            if !base_local.is_empty() {
                if base_local.len() != local.len() {
                    return Match::Outside;
                }
                if base_local.contains(&0) || local.contains(&0) {
                    return Match::BadSyntax;
                }
                if base_local != local {
                    return Match::Outside;
                }
            }
            base_host
        }
    };
    host.eq_ignore_ascii_case(base_host).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_rules() {
        assert!(dns_matches(b"a.example.com", b"example.com"));
        assert!(dns_matches(b"example.com", b"EXAMPLE.com"));
        assert!(!dns_matches(b"badexample.com", b"example.com"));
        assert!(dns_matches(b"a.example.com", b".example.com"));
        assert!(dns_matches(b"anything", b""));
        assert!(!dns_matches(b"com", b"example.com"));
        // Non-ASCII bytes compare exactly, at any offset.
        assert!(!dns_matches(b"\xC3\xA9.com", b"\xA9.com"));
        assert!(dns_matches(b"x.\xC3\xA9.com", b".\xC3\xA9.COM"));
    }

    #[test]
    fn email_rules() {
        use Match::{BadSyntax, Inside, Outside};
        let cases: &[(&[u8], &[u8], Match)] = &[
            (b"alice@example.com", b"example.com", Inside),
            (b"alice@EXAMPLE.com", b"example.COM", Inside),
            (b"alice@sub.example.com", b"example.com", Outside),
            (b"alice@sub.example.com", b".example.com", Inside),
            // A '.' base needs a longer address, not a label boundary.
            (b"@example.com", b".example.com", Outside),
            (b"a@xexample.com", b".example.com", Outside),
            (b"alice@example.com", b"alice@example.com", Inside),
            (b"Alice@example.com", b"alice@example.com", Outside),
            (b"bob@example.com", b"@example.com", Inside),
            (b"no-at-sign", b"example.com", BadSyntax),
            (b"no-at-sign", b".example.com", BadSyntax),
            (b"", b"", BadSyntax),
            // The last '@' splits, in the address and in the base.
            (b"a@b@example.com", b"example.com", Inside),
            (b"a@b@example.com", b"a@b@example.com", Inside),
            (b"a@b@example.com", b"b@example.com", Outside),
            (b"a@", b"", Inside),
            // NUL in a local part that is compared: bad syntax.
            (b"a\0@example.com", b"a\0@example.com", BadSyntax),
            (b"ab@example.com", b"a\0@example.com", BadSyntax),
            (b"a\0@example.com", b"example.com", Inside),
            (b"abc@example.com", b"a\0@example.com", Outside),
        ];
        for (email, base, want) in cases {
            assert_eq!(
                email_matches(email, base),
                *want,
                "{} under {}",
                email.escape_ascii(),
                base.escape_ascii()
            );
        }
    }

    #[test]
    fn email_non_ascii_bytes() {
        use Match::{Inside, Outside};
        let cases: &[(&[u8], &[u8], Match)] = &[
            // The panic case: the suffix starts on a byte inside a multi-byte
            // character of the text form.
            (b"a@\xE9xy", b".xy", Outside),
            (b"a@\xC3\xA9xy", b".xy", Outside),
            (b"a@\xC3\xA9xy", b"\xA9xy", Outside),
            (b"a@\xC3\xA9.xy", b".xy", Inside),
            (b"a@\xE9.xy", b".XY", Inside),
            // No case folding beyond ASCII: 0xC9 is not 0xE9's upper case.
            (b"a@\xE9xy", b"\xC9xy", Outside),
            (b"a@\xE9xy", b"\xE9XY", Inside),
            (b"\xE9@xy", b"\xE9@xy", Inside),
            (b"\xE9@xy", b"\xC9@xy", Outside),
            // A truncated UTF-8 sequence is just bytes.
            (b"a@\xC3", b"\xC3", Inside),
        ];
        for (email, base, want) in cases {
            assert_eq!(
                email_matches(email, base),
                *want,
                "{} under {}",
                email.escape_ascii(),
                base.escape_ascii()
            );
        }
    }

    fn email_nc(permitted: &[&[u8]], excluded: &[&[u8]]) -> NameConstraints {
        let names = |l: &[&[u8]]| l.iter().map(|b| GeneralName::Rfc822(b.to_vec())).collect();
        NameConstraints {
            permitted: names(permitted),
            excluded: names(excluded),
        }
    }

    fn check_email(email: &[u8], nc: &NameConstraints) -> Result<(), CertProblem> {
        check_name(&GeneralName::Rfc822(email.to_vec()), nc)
    }

    fn refused(name: &str, excluded: bool) -> Result<(), CertProblem> {
        Err(CertProblem::NameConstraint {
            name: name.to_owned(),
            excluded,
        })
    }

    #[test]
    fn non_ascii_subject_email_under_dot_constraint_is_not_permitted() {
        let nc = email_nc(&[b".xy"], &[]);
        assert_eq!(
            check_email(b"a@\xE9xy", &nc),
            refused(r"email:a@\xe9xy", false)
        );
        assert_eq!(
            check_email("a@é.xy".as_bytes(), &nc),
            Ok(()),
            "UTF-8 text is matched as its bytes"
        );
    }

    #[test]
    fn bad_syntax_fails_either_list() {
        let permitted = email_nc(&[b"example.com"], &[]);
        assert_eq!(
            check_email(b"nobody", &permitted),
            refused("email:nobody", false)
        );
        let excluded = email_nc(&[], &[b"example.com"]);
        assert_eq!(
            check_email(b"nobody", &excluded),
            refused("email:nobody", true)
        );
        // An earlier permitted match wins over a later bad-syntax comparison.
        let both = email_nc(&[b"a\0@x.org", b"@example.com"], &[]);
        assert_eq!(
            check_email(b"ab@x.org", &both),
            refused("email:ab@x.org", false)
        );
        let both = email_nc(&[b"@example.com", b"a\0@example.com"], &[]);
        assert_eq!(check_email(b"ab@example.com", &both), Ok(()));
    }

    #[test]
    fn permitted_and_excluded() {
        let nc = email_nc(&[b"example.com"], &[b"bad@example.com"]);
        assert_eq!(check_email(b"ok@example.com", &nc), Ok(()));
        assert_eq!(
            check_email(b"x@other.org", &nc),
            refused("email:x@other.org", false)
        );
        assert_eq!(
            check_email(b"bad@example.com", &nc),
            refused("email:bad@example.com", true)
        );
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
