//! Name constraints (RFC 5280 section 4.2.1.10) as OpenSSL 3.0 applies them in
//! `check_name_constraints()` (x509_vfy.c) through `NAME_CONSTRAINTS_check()`
//! and `NAME_CONSTRAINTS_check_CN()` (v3_ncons.c), for directoryName,
//! rfc822Name (including otherName SmtpUTF8Mailbox names) and dNSName.
//!
//! A CA constraint of any other form makes the path fail closed
//! (docs/compatibility.md item 7).

mod email;
mod host;
mod punycode;

use crate::budget::Budget;
use crate::cert::Certificate;
use crate::error::{CertProblem, Error, NameSyntax};
use crate::extensions::{GeneralName, NameConstraints};
use crate::name;
use crate::oid;

use email::EaiBase;

/// Checks every certificate of `path` (signer first) against the constraints
/// of every CA above it, in OpenSSL's order: from the top certificate down
/// to the signer, each against the CAs from the top down. Self-issued
/// intermediates are skipped, as OpenSSL does. Each (certificate, CA) pair
/// is charged to `budget` before it is compared; the outer error is the
/// budget running out.
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
            .find_map(unsupported_form)
        {
            return Ok(Err((j, CertProblem::UnsupportedNameConstraint(form))));
        }
    }
    for (i, cert) in path.iter().enumerate().rev() {
        if i > 0 && cert.is_self_issued() {
            continue;
        }
        for ca in path.iter().skip(i + 1).rev() {
            let Some(nc) = &ca.extensions().name_constraints else {
                continue;
            };
            budget.charge_name_checks(comparisons(cert, nc))?;
            let eai = if has_smtp_utf8_mailbox(cert) {
                budget.charge_name_checks(eai_cost(nc))?;
                Some(EaiBases::new(nc))
            } else {
                None
            };
            let nc = Constraints {
                nc,
                eai: eai.as_ref(),
            };
            if let Err(problem) = check_cert(cert, &nc, i == 0) {
                return Ok(Err((i, problem)));
            }
        }
    }
    Ok(Ok(()))
}

/// A constraint form cmsverify does not evaluate. An otherName constraint
/// is one, SmtpUTF8Mailbox included: OpenSSL compares an SmtpUTF8Mailbox
/// name with rfc822Name constraints only.
fn unsupported_form(base: &GeneralName) -> Option<&'static str> {
    match base {
        GeneralName::Other(form) => Some(*form),
        GeneralName::SmtpUtf8Mailbox { .. } => Some("otherName"),
        GeneralName::Rfc822(_) | GeneralName::Dns(_) | GeneralName::Directory { .. } => None,
    }
}

/// An upper bound of the work [`check_cert`] does, in comparisons: every
/// name the certificate can present (its subject, each SAN, each subject
/// attribute) against every subtree, plus, per subtree, one comparison for
/// each [`NAME_BYTES_PER_COMPARISON`] bytes of those names, since one
/// comparison may read a whole name (an e-mail address is split at its last
/// '@' each time).
fn comparisons(cert: &Certificate, nc: &NameConstraints) -> u64 {
    let sans = &cert.extensions().subject_alt_names;
    let names = 1 + sans.len() + name::entry_count(cert.subject_der());
    let name_bytes =
        cert.subject_der().len() + sans.iter().map(GeneralName::byte_len).sum::<usize>();
    let per_subtree = names.saturating_add(name_bytes / NAME_BYTES_PER_COMPARISON);
    let subtrees = nc.permitted.len() + nc.excluded.len();
    u64::try_from(per_subtree.saturating_mul(subtrees)).unwrap_or(u64::MAX)
}

/// Name bytes one comparison is charged for: a certificate's names under a
/// few hundred bytes cost nothing extra; a 200 KB address costs as much as
/// 800 short names.
const NAME_BYTES_PER_COMPARISON: usize = 256;

fn has_smtp_utf8_mailbox(cert: &Certificate) -> bool {
    cert.extensions()
        .subject_alt_names
        .iter()
        .any(|n| matches!(n, GeneralName::SmtpUtf8Mailbox { .. }))
}

/// The rfc822Name constraints of one CA converted for SmtpUTF8Mailbox
/// names, in the order of the subtrees (`None` for other forms).
struct EaiBases {
    permitted: Vec<Option<EaiBase>>,
    excluded: Vec<Option<EaiBase>>,
}

impl EaiBases {
    fn new(nc: &NameConstraints) -> Self {
        let convert = |list: &[GeneralName]| {
            list.iter()
                .map(|b| match b {
                    GeneralName::Rfc822(base) => Some(EaiBase::new(base)),
                    _ => None,
                })
                .collect()
        };
        Self {
            permitted: convert(&nc.permitted),
            excluded: convert(&nc.excluded),
        }
    }
}

/// What converting a CA's rfc822Name constraints costs, in comparisons.
fn eai_cost(nc: &NameConstraints) -> u64 {
    nc.permitted
        .iter()
        .chain(&nc.excluded)
        .map(|b| match b {
            GeneralName::Rfc822(base) => EaiBase::cost(base),
            _ => 0,
        })
        .fold(0, u64::saturating_add)
}

/// One CA's constraints, with their SmtpUTF8Mailbox form when needed.
struct Constraints<'a> {
    nc: &'a NameConstraints,
    eai: Option<&'a EaiBases>,
}

/// `NAME_CONSTRAINTS_check()`, then, for the signer without a dNSName SAN,
/// `NAME_CONSTRAINTS_check_CN()` (x509_vfy.c `check_name_constraints()`).
fn check_cert(cert: &Certificate, nc: &Constraints<'_>, is_leaf: bool) -> Result<(), CertProblem> {
    let subject = cert.subject_der();
    let names = name::entry_count(subject) + cert.extensions().subject_alt_names.len();
    let constraints = nc.nc.permitted.len() + nc.nc.excluded.len();
    if too_many_checks(names, constraints) {
        return Err(CertProblem::TooManyNameConstraintChecks { names, constraints });
    }
    let canonical = cert.canonical_subject();
    // X509_NAME_entry_count(nm) > 0: a subject of no entry has the empty
    // canonical encoding (empty RDNs hold none).
    if !canonical.is_empty() {
        let dn = GeneralName::Directory {
            canonical: canonical.to_vec(),
            display: cert.subject(),
        };
        check_name(&dn, nc)?;
        for value in name::attribute_values(subject, &oid::AT_EMAIL_ADDRESS) {
            let email = GeneralName::Rfc822(value.value.into_owned());
            // Whatever the constraints' forms, OpenSSL refuses an
            // emailAddress of another string type.
            if value.tag != name::IA5 {
                return Err(bad_syntax(&email, NameSyntax::EmailAddressNotIa5));
            }
            check_name(&email, nc)?;
        }
    }
    let sans = &cert.extensions().subject_alt_names;
    for san in sans {
        check_name(san, nc)?;
    }
    if is_leaf && !sans.iter().any(|n| matches!(n, GeneralName::Dns(_))) {
        for value in name::attribute_values(subject, &oid::AT_COMMON_NAME) {
            let cn = match host::cn_host(&value) {
                Ok(Some(host)) => host,
                Ok(None) => continue,
                Err(reason) => {
                    let name = name::to_utf8(value.tag, &value.value).map_or_else(
                        || format!("CN of type 0x{:02x}", value.tag),
                        |t| format!("CN={}", t.escape_debug()),
                    );
                    return Err(CertProblem::UnsupportedNameSyntax { name, reason });
                }
            };
            check_name(&GeneralName::Dns(cn), nc)?;
        }
    }
    Ok(())
}

/// `NAME_CHECK_MAX`: OpenSSL refuses to compare more than about 2^20 (name,
/// constraint) pairs of one certificate and one CA (the default work budget
/// stops far earlier; this matters with raised limits).
const NAME_CHECK_MAX: usize = 1 << 20;

/// OpenSSL's guard, to the integer division: `name_count > 0 &&
/// constraint_count > NAME_CHECK_MAX / name_count`.
fn too_many_checks(names: usize, constraints: usize) -> bool {
    names > 0 && constraints > NAME_CHECK_MAX / names
}

/// The subtree form a name is compared with (`nc_match()`'s "effective
/// type"): an SmtpUTF8Mailbox is an e-mail name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Directory,
    Email,
    Dns,
}

fn form(n: &GeneralName) -> Option<Form> {
    match n {
        GeneralName::Directory { .. } => Some(Form::Directory),
        GeneralName::Rfc822(_) | GeneralName::SmtpUtf8Mailbox { .. } => Some(Form::Email),
        GeneralName::Dns(_) => Some(Form::Dns),
        GeneralName::Other(_) => None,
    }
}

fn base_form(base: &GeneralName) -> Option<Form> {
    match base {
        GeneralName::SmtpUtf8Mailbox { .. } => None,
        other => form(other),
    }
}

/// Bytes for messages: as is when they are UTF-8, else escaped (`a@\xe9xy`).
fn bytes_text(bytes: &[u8]) -> String {
    std::str::from_utf8(bytes).map_or_else(|_| bytes.escape_ascii().to_string(), str::to_owned)
}

fn describe(n: &GeneralName) -> String {
    match n {
        GeneralName::Rfc822(e) => format!("email:{}", bytes_text(e)),
        GeneralName::SmtpUtf8Mailbox { value, .. } => {
            format!("othername:SmtpUTF8Mailbox:{}", bytes_text(value))
        }
        GeneralName::Dns(d) => format!("DNS:{}", bytes_text(d)),
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

fn bad_syntax(n: &GeneralName, reason: NameSyntax) -> CertProblem {
    CertProblem::UnsupportedNameSyntax {
        name: describe(n),
        reason,
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
    /// The name cannot be compared (`X509_V_ERR_UNSUPPORTED_NAME_SYNTAX`, or
    /// another error): the path fails whichever list is being checked.
    Bad(NameSyntax),
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
fn check_name(n: &GeneralName, nc: &Constraints<'_>) -> Result<(), CertProblem> {
    let Some(form) = form(n) else {
        return Ok(());
    };
    let mut permitted = nc
        .nc
        .permitted
        .iter()
        .enumerate()
        .filter(|(_, b)| base_form(b) == Some(form))
        .peekable();
    if permitted.peek().is_some() {
        let decided = permitted
            .map(|(k, base)| matches(n, base, prepared(nc.eai.map(|e| &e.permitted), k)))
            .find(|m| *m != Match::Outside);
        match decided {
            Some(Match::Inside) => {}
            Some(Match::Bad(reason)) => return Err(bad_syntax(n, reason)),
            Some(Match::Outside) | None => return Err(violation(n, false)),
        }
    }
    let decided = nc
        .nc
        .excluded
        .iter()
        .enumerate()
        .filter(|(_, b)| base_form(b) == Some(form))
        .map(|(k, base)| matches(n, base, prepared(nc.eai.map(|e| &e.excluded), k)))
        .find(|m| *m != Match::Outside);
    match decided {
        Some(Match::Inside) => Err(violation(n, true)),
        Some(Match::Bad(reason)) => Err(bad_syntax(n, reason)),
        Some(Match::Outside) | None => Ok(()),
    }
}

/// The converted form of subtree `k` of a list, if prepared.
fn prepared(list: Option<&Vec<Option<EaiBase>>>, k: usize) -> Option<&EaiBase> {
    list.and_then(|l| l.get(k)).and_then(Option::as_ref)
}

/// `nc_match_single()` for the forms cmsverify evaluates.
fn matches(n: &GeneralName, base: &GeneralName, eai: Option<&EaiBase>) -> Match {
    match (n, base) {
        (GeneralName::Directory { canonical, .. }, GeneralName::Directory { canonical: b, .. }) => {
            // nc_dn(): the constraint's canonical encoding is a prefix.
            canonical.starts_with(b).into()
        }
        (GeneralName::Dns(name), GeneralName::Dns(base)) => host::dns_matches(name, base).into(),
        (GeneralName::Rfc822(email), GeneralName::Rfc822(base)) => {
            email::email_matches(email, base)
        }
        (GeneralName::SmtpUtf8Mailbox { utf8, value }, GeneralName::Rfc822(base)) => {
            let converted;
            let eai = match eai {
                Some(e) => e,
                None => {
                    converted = EaiBase::new(base);
                    &converted
                }
            };
            email::eai_matches(*utf8, value, eai)
        }
        _ => Match::Outside,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email_nc(permitted: &[&[u8]], excluded: &[&[u8]]) -> NameConstraints {
        let names = |l: &[&[u8]]| l.iter().map(|b| GeneralName::Rfc822(b.to_vec())).collect();
        NameConstraints {
            permitted: names(permitted),
            excluded: names(excluded),
        }
    }

    fn check_with(n: &GeneralName, nc: &NameConstraints) -> Result<(), CertProblem> {
        let eai = EaiBases::new(nc);
        check_name(
            n,
            &Constraints {
                nc,
                eai: Some(&eai),
            },
        )
    }

    fn check_email(email: &[u8], nc: &NameConstraints) -> Result<(), CertProblem> {
        check_with(&GeneralName::Rfc822(email.to_vec()), nc)
    }

    fn refused(name: &str, excluded: bool) -> Result<(), CertProblem> {
        Err(CertProblem::NameConstraint {
            name: name.to_owned(),
            excluded,
        })
    }

    fn unsupported(name: &str, reason: NameSyntax) -> Result<(), CertProblem> {
        Err(CertProblem::UnsupportedNameSyntax {
            name: name.to_owned(),
            reason,
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
            unsupported("email:nobody", NameSyntax::NoAtSign)
        );
        let excluded = email_nc(&[], &[b"example.com"]);
        assert_eq!(
            check_email(b"nobody", &excluded),
            unsupported("email:nobody", NameSyntax::NoAtSign)
        );
        // An earlier permitted match wins over a later bad-syntax comparison.
        let both = email_nc(&[b"a\0@x.org", b"@example.com"], &[]);
        assert_eq!(
            check_email(b"ab@x.org", &both),
            unsupported("email:ab@x.org", NameSyntax::NulInLocalPart)
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
        assert!(check_with(&GeneralName::Dns(b"host.org".to_vec()), &nc).is_ok());
    }

    fn smtp(value: &str) -> GeneralName {
        GeneralName::SmtpUtf8Mailbox {
            utf8: true,
            value: value.as_bytes().to_vec(),
        }
    }

    #[test]
    fn smtp_utf8_mailboxes_are_email_names() {
        let nc = email_nc(&[], &[b"example.com"]);
        assert_eq!(
            check_with(&smtp("用户@example.com"), &nc),
            refused("othername:SmtpUTF8Mailbox:用户@example.com", true)
        );
        assert_eq!(check_with(&smtp("用户@example.org"), &nc), Ok(()));
        // OpenSSL 3.0 doubles a leading dot: nothing ordinary is inside.
        let nc = email_nc(&[b".example.com"], &[]);
        assert_eq!(
            check_with(&smtp("a@sub.example.com"), &nc),
            refused("othername:SmtpUTF8Mailbox:a@sub.example.com", false)
        );
        // A value of another type cannot be compared.
        let other = GeneralName::SmtpUtf8Mailbox {
            utf8: false,
            value: b"a@example.com".to_vec(),
        };
        assert_eq!(
            check_with(&other, &email_nc(&[b"example.com"], &[])),
            unsupported(
                "othername:SmtpUTF8Mailbox:a@example.com",
                NameSyntax::SmtpUtf8MailboxNotUtf8String
            )
        );
        // Without prepared constraints the conversion is made on the spot.
        let nc = email_nc(&[b"xn--bcher-kva.example"], &[]);
        let plain = Constraints { nc: &nc, eai: None };
        assert_eq!(check_name(&smtp("a@bücher.example"), &plain), Ok(()));
    }

    #[test]
    fn openssl_compares_at_most_2_pow_20_pairs() {
        assert!(!too_many_checks(0, usize::MAX));
        assert!(!too_many_checks(1, 1 << 20));
        assert!(too_many_checks(1, (1 << 20) + 1));
        assert!(!too_many_checks(1024, 1024));
        assert!(too_many_checks(1024, 1025));
        // The division rounds down: 3 names allow 349525 constraints.
        assert!(!too_many_checks(3, 349_525));
        assert!(too_many_checks(3, 349_526));
    }

    #[test]
    fn smtp_utf8_constraints_are_an_unsupported_form() {
        assert_eq!(unsupported_form(&smtp("a@b")), Some("otherName"));
        assert_eq!(unsupported_form(&GeneralName::Rfc822(b"b".to_vec())), None);
        // And never compared: an SmtpUTF8Mailbox base is no e-mail subtree.
        let nc = NameConstraints {
            permitted: vec![smtp("a@b")],
            excluded: vec![],
        };
        assert_eq!(
            check_with(&GeneralName::Rfc822(b"x@y".to_vec()), &nc),
            Ok(())
        );
    }

    #[test]
    fn converting_email_constraints_costs_by_their_length() {
        // 1 + 30 / 16 + 30^2 / 256 for the long base, 1 for the short one.
        let long = b"a-very-long-domain.example.com";
        assert_eq!(eai_cost(&email_nc(&[long], &[b"example.com"])), 5 + 1);
        let mut with_dns = email_nc(&[], &[long]);
        with_dns
            .permitted
            .push(GeneralName::Dns(b"example.com".to_vec()));
        assert_eq!(eai_cost(&with_dns), 5);
    }
}
