//! rfc822Name constraint matching: of e-mail addresses (rfc822Name SANs and
//! subject emailAddress attributes, OpenSSL's `nc_email()`) and of otherName
//! SmtpUTF8Mailbox SANs (RFC 9598, `nc_email_eai()` of OpenSSL 3.0).

use super::host::strip_suffix_ignore_case;
use super::punycode;
use super::Match;
use crate::error::NameSyntax;

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
pub(super) fn email_matches(email: &[u8], base: &[u8]) -> Match {
    let Some((local, host)) = split_at_last_at(email) else {
        return Match::Bad(NameSyntax::NoAtSign);
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
                    return Match::Bad(NameSyntax::NulInLocalPart);
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

/// An rfc822Name constraint as `nc_email_eai()` of OpenSSL 3.0 compares it
/// with an SmtpUTF8Mailbox, converted once per path check (the conversion
/// depends on the constraint alone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum EaiBase {
    /// The constraint holds a NUL byte (bad syntax, checked first).
    Nul,
    /// `ossl_a2ulabel()` failed (X509_V_ERR_UNSPECIFIED).
    NotConvertible,
    /// A leading-dot constraint: the address must end with this, and be
    /// longer. OpenSSL 3.0 converts the constraint *with* its leading dot
    /// and puts another before it, so `.example.com` gives `..example.com`
    /// (later versions convert the part after the dot).
    Suffix(Vec<u8>),
    /// The host the address's part after its last '@' must equal. A local
    /// part in the constraint is not split off: in OpenSSL 3.0 it is
    /// converted with the rest, so `user@example.com` matches nothing.
    Host(Vec<u8>),
}

/// The size of `nc_email_eai()`'s U-label buffer less one: the
/// `ossl_a2ulabel()` limit (its terminating NUL included).
const ULABEL_SIZE: usize = 255;

impl EaiBase {
    /// Converts an rfc822Name constraint.
    pub(super) fn new(base: &[u8]) -> Self {
        if base.contains(&0) {
            return Self::Nul;
        }
        let converted = if base.first() == Some(&b'.') {
            punycode::a2ulabel(base, ULABEL_SIZE - 1).map(|u| {
                let mut dotted = Vec::with_capacity(u.len() + 1);
                dotted.push(b'.');
                dotted.extend_from_slice(&u);
                Self::Suffix(dotted)
            })
        } else {
            punycode::a2ulabel(base, ULABEL_SIZE).map(Self::Host)
        };
        converted.unwrap_or(Self::NotConvertible)
    }

    /// An upper bound of the work [`EaiBase::new`] does for `base`, in
    /// name-constraint comparisons: one, one per 16 bytes read, and the
    /// punycode insertions, at most the square of the output (which stops at
    /// 255 bytes, and has at most one code point per input byte) over 256.
    pub(super) fn cost(base: &[u8]) -> u64 {
        let out = base.len().min(ULABEL_SIZE);
        let units = 1 + base.len() / 16 + out * out / 256;
        u64::try_from(units).unwrap_or(u64::MAX)
    }
}

/// `nc_email_eai()` of OpenSSL 3.0: an SmtpUTF8Mailbox (`utf8`: its value
/// is a UTF8String) against an rfc822Name constraint. Errors in OpenSSL's
/// order: a constraint with a NUL, a value of another type, an address
/// without '@', a constraint that does not convert; then the comparison,
/// ASCII case-insensitive, other bytes exact.
pub(super) fn eai_matches(utf8: bool, address: &[u8], base: &EaiBase) -> Match {
    if *base == EaiBase::Nul {
        return Match::Bad(NameSyntax::NulInConstraint);
    }
    if !utf8 {
        return Match::Bad(NameSyntax::SmtpUtf8MailboxNotUtf8String);
    }
    let Some((_, host)) = split_at_last_at(address) else {
        return Match::Bad(NameSyntax::NoAtSign);
    };
    match base {
        EaiBase::Nul | EaiBase::NotConvertible => Match::Bad(NameSyntax::ConstraintNotConvertible),
        EaiBase::Suffix(suffix) => (address.len() > suffix.len()
            && strip_suffix_ignore_case(address, suffix).is_some())
        .into(),
        EaiBase::Host(want) => host.eq_ignore_ascii_case(want).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Match::{Bad, Inside, Outside};

    #[test]
    fn email_rules() {
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
            (b"no-at-sign", b"example.com", Bad(NameSyntax::NoAtSign)),
            (b"no-at-sign", b".example.com", Bad(NameSyntax::NoAtSign)),
            (b"", b"", Bad(NameSyntax::NoAtSign)),
            // The last '@' splits, in the address and in the base.
            (b"a@b@example.com", b"example.com", Inside),
            (b"a@b@example.com", b"a@b@example.com", Inside),
            (b"a@b@example.com", b"b@example.com", Outside),
            (b"a@", b"", Inside),
            // NUL in a local part that is compared: bad syntax.
            (
                b"a\0@example.com",
                b"a\0@example.com",
                Bad(NameSyntax::NulInLocalPart),
            ),
            (
                b"ab@example.com",
                b"a\0@example.com",
                Bad(NameSyntax::NulInLocalPart),
            ),
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
        let cases: &[(&[u8], &[u8], Match)] = &[
            // The suffix starts on a byte inside a multi-byte character.
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
                "{}",
                email.escape_ascii()
            );
        }
    }

    fn eai(address: &str, base: &[u8]) -> Match {
        eai_matches(true, address.as_bytes(), &EaiBase::new(base))
    }

    #[test]
    fn eai_hosts() {
        assert_eq!(eai("用户@example.com", b"example.com"), Inside);
        assert_eq!(eai("用户@EXAMPLE.com", b"example.COM"), Inside);
        assert_eq!(eai("用户@sub.example.com", b"example.com"), Outside);
        // The constraint's A-labels are compared as U-labels.
        assert_eq!(eai("a@bücher.example", b"xn--bcher-kva.example"), Inside);
        assert_eq!(
            eai("a@xn--bcher-kva.example", b"xn--bcher-kva.example"),
            Outside
        );
        assert_eq!(eai("a@", b""), Inside);
        // OpenSSL 3.0: a local part in the constraint is not split off.
        assert_eq!(eai("user@example.com", b"user@example.com"), Outside);
        assert_eq!(eai("user@example.com", b"@example.com"), Outside);
    }

    #[test]
    fn eai_leading_dot_is_doubled() {
        assert_eq!(
            EaiBase::new(b".example.com"),
            EaiBase::Suffix(b"..example.com".to_vec())
        );
        assert_eq!(eai("a@sub.example.com", b".example.com"), Outside);
        assert_eq!(eai("a@sub..EXAMPLE.com", b".example.com"), Inside);
        assert_eq!(
            eai("..example.com", b".example.com"),
            Bad(NameSyntax::NoAtSign)
        );
    }

    #[test]
    fn conversion_cost_grows_with_the_output() {
        assert_eq!(EaiBase::cost(b"example.com"), 1);
        assert_eq!(EaiBase::cost(&[b'a'; 160]), 1 + 10 + 100);
        assert_eq!(EaiBase::cost(&[b'a'; 4096]), 1 + 256 + 254);
    }

    #[test]
    fn eai_errors_in_openssl_order() {
        let nul = EaiBase::new(b"ex\0ample.com");
        assert_eq!(
            eai_matches(false, b"no-at", &nul),
            Bad(NameSyntax::NulInConstraint)
        );
        let bad = EaiBase::new(b"xn---.com");
        assert_eq!(bad, EaiBase::NotConvertible);
        assert_eq!(
            eai_matches(false, b"no-at", &bad),
            Bad(NameSyntax::SmtpUtf8MailboxNotUtf8String)
        );
        assert_eq!(eai_matches(true, b"no-at", &bad), Bad(NameSyntax::NoAtSign));
        assert_eq!(
            eai_matches(true, b"a@b", &bad),
            Bad(NameSyntax::ConstraintNotConvertible)
        );
        // 255 bytes with the NUL fit, one more does not; a dot costs one.
        let long = [b'a'; 254];
        assert_eq!(EaiBase::new(&long), EaiBase::Host(long.to_vec()));
        assert_eq!(EaiBase::new(&[b'a'; 255]), EaiBase::NotConvertible);
        let mut dotted = vec![b'.'];
        dotted.extend([b'a'; 252]);
        assert!(matches!(EaiBase::new(&dotted), EaiBase::Suffix(_)));
        dotted.push(b'a');
        assert_eq!(EaiBase::new(&dotted), EaiBase::NotConvertible);
    }
}
