//! RFC 3779 path validation as OpenSSL 3.0 does it after the signatures and
//! name constraints (`x509_vfy.c: verify_chain()` calls
//! `X509v3_asid_validate_path()`, then `X509v3_addr_validate_path()`).
//!
//! Only a signer carrying the extension starts a check. Its resources must be
//! in canonical form; walking up the path every certificate's extension must
//! be canonical too, and each resource set the signer claims must be listed
//! by the next certificate that lists that family or choice (a certificate
//! may inherit); the anchor may not inherit what is still being checked.
//! Canonical means sorted, non-overlapping, non-adjacent, ranges that are
//! not expressible as prefixes (`X509v3_addr_is_canonical()`,
//! `X509v3_asid_is_canonical()`). The code follows OpenSSL's loops and
//! their quirks (which checks run in which order, which lengths are
//! compared) rather than RFC 3779's prose, and is linear in the size of
//! the extensions.

use std::cmp::Ordering;

mod addresses;

use crate::cert::Certificate;
use crate::error::{CertProblem, ExtensionProblem};
use crate::extensions::{AsChoice, AsIdOrRange, AsIdentifiers, InvalidExtension};
use crate::oid;

/// Where and why the path fails.
pub(super) type Failure = (usize, CertProblem);

/// Runs the AS identifier check, then the address check.
pub(crate) fn check(path: &[Certificate]) -> Result<(), Failure> {
    check_as_identifiers(path)?;
    addresses::check_addresses(path)
}

pub(super) fn not_canonical(i: usize, id: &const_oid::ObjectIdentifier) -> Failure {
    (
        i,
        CertProblem::InvalidExtension(InvalidExtension {
            extension: oid::describe(id.as_bytes()),
            problem: ExtensionProblem::NotCanonical,
        }),
    )
}

pub(super) fn unnested(i: usize, extension: &'static str) -> Failure {
    (i, CertProblem::UnnestedResources { extension })
}

// ------------------------------------------------------------ AS identifiers

const AS: &str = "ASIdentifiers";

/// `ASN1_INTEGER_cmp()` on minimal two's complement content octets.
fn int_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let negative = |x: &[u8]| x.first().is_some_and(|&b| b & 0x80 != 0);
    match (negative(a), negative(b)) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        (true, true) => b.len().cmp(&a.len()).then_with(|| a.cmp(b)),
    }
}

/// `a + 1`, minimal two's complement.
fn plus_one(a: &[u8]) -> Vec<u8> {
    let sign = if a.first().is_some_and(|&b| b & 0x80 != 0) {
        0xFF
    } else {
        0
    };
    let mut out = Vec::with_capacity(a.len() + 1);
    out.push(sign);
    out.extend_from_slice(a);
    for byte in out.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            break;
        }
    }
    // Drop redundant sign octets.
    let mut start = 0;
    while let (Some(&first), Some(&next)) = (out.get(start), out.get(start + 1)) {
        if (first == 0 && next & 0x80 == 0) || (first == 0xFF && next & 0x80 != 0) {
            start += 1;
        } else {
            break;
        }
    }
    out.split_off(start)
}

fn as_min_max<'a>(aor: &AsIdOrRange<'a>) -> (&'a [u8], &'a [u8]) {
    match *aor {
        AsIdOrRange::Id(id) => (id, id),
        AsIdOrRange::Range(min, max) => (min, max),
    }
}

/// `ASIdentifierChoice_is_canonical()`.
fn as_choice_canonical(choice: Option<&AsChoice<'_>>) -> bool {
    let Some(Some(list)) = choice else {
        return true;
    };
    if list.is_empty() {
        return false;
    }
    for pair in list.windows(2) {
        let [a, b] = pair else { return false };
        let ((a_min, a_max), (b_min, b_max)) = (as_min_max(a), as_min_max(b));
        if int_cmp(a_min, b_min).is_ge()
            || int_cmp(a_min, a_max).is_gt()
            || int_cmp(b_min, b_max).is_gt()
            || int_cmp(&plus_one(a_max), b_min).is_ge()
        {
            return false;
        }
    }
    match list.last() {
        Some(AsIdOrRange::Range(min, max)) => int_cmp(min, max).is_le(),
        _ => true,
    }
}

/// `asid_contains()`.
fn as_contains(parent: &[AsIdOrRange<'_>], child: &[AsIdOrRange<'_>]) -> bool {
    let mut p = 0;
    for c in child {
        let (c_min, c_max) = as_min_max(c);
        loop {
            let Some((p_min, p_max)) = parent.get(p).map(as_min_max) else {
                return false;
            };
            if int_cmp(p_max, c_max).is_lt() {
                p += 1;
                continue;
            }
            if int_cmp(p_min, c_min).is_gt() {
                return false;
            }
            break;
        }
    }
    true
}

/// One of asnum and rdi being walked up the path: the list still to be
/// covered (`child_as`) and whether it is inherited (`inherit_as`).
#[derive(Default)]
struct AsWalk<'a> {
    child: Option<&'a [AsIdOrRange<'a>]>,
    inherit: bool,
}

impl<'a> AsWalk<'a> {
    fn start(choice: Option<&'a AsChoice<'a>>) -> Self {
        match choice {
            None => Self::default(),
            Some(None) => Self {
                child: None,
                inherit: true,
            },
            Some(Some(list)) => Self {
                child: Some(list),
                inherit: false,
            },
        }
    }

    /// One certificate up the path, which has ASIdentifiers with `choice`.
    fn step(&mut self, choice: Option<&'a AsChoice<'a>>) -> bool {
        match choice {
            None if self.child.is_some() => false,
            Some(Some(list)) => {
                if self.inherit || self.child.is_none_or(|child| as_contains(list, child)) {
                    self.child = Some(list);
                    self.inherit = false;
                    true
                } else {
                    false
                }
            }
            _ => true,
        }
    }
}

/// `asid_validate_path_internal()`.
fn check_as_identifiers(path: &[Certificate]) -> Result<(), Failure> {
    let decoded = |i: usize| match path.get(i).and_then(|c| c.extensions().resources.asid()) {
        None => Ok(None),
        Some(Ok(ids)) => Ok(Some(ids)),
        Some(Err(_)) => Err(not_canonical(i, &oid::AS_IDENTIFIERS)),
    };
    let all: Vec<_> = (0..path.len()).map(decoded).collect::<Result<_, _>>()?;
    let Some(Some(ext)) = all.first() else {
        return Ok(());
    };
    let canonical = |ids: &AsIdentifiers<'_>| {
        as_choice_canonical(ids.asnum.as_ref()) && as_choice_canonical(ids.rdi.as_ref())
    };
    if !canonical(ext) {
        return Err(not_canonical(0, &oid::AS_IDENTIFIERS));
    }
    let mut asnum = AsWalk::start(ext.asnum.as_ref());
    let mut rdi = AsWalk::start(ext.rdi.as_ref());
    for (i, ids) in all.iter().enumerate().skip(1) {
        let Some(ids) = ids else {
            if asnum.child.is_some() || rdi.child.is_some() {
                return Err(unnested(i, AS));
            }
            continue;
        };
        if !canonical(ids) {
            return Err(not_canonical(i, &oid::AS_IDENTIFIERS));
        }
        if !asnum.step(ids.asnum.as_ref()) || !rdi.step(ids.rdi.as_ref()) {
            return Err(unnested(i, AS));
        }
    }
    let top = path.len().saturating_sub(1);
    if let Some(Some(anchor)) = all.last() {
        if matches!(anchor.asnum, Some(None)) || matches!(anchor.rdi, Some(None)) {
            return Err(unnested(top, AS));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn as_containment() {
        assert!(as_contains(
            &[AsIdOrRange::Range(&[1], &[9])],
            &[AsIdOrRange::Id(&[5])]
        ));
        assert!(!as_contains(
            &[AsIdOrRange::Id(&[5])],
            &[AsIdOrRange::Id(&[6])]
        ));
    }

    #[test]
    fn integers_compare_and_increment_as_signed() {
        assert!(int_cmp(&[0x80], &[0x00]).is_lt());
        assert!(int_cmp(&[0x00, 0x80], &[0x7F]).is_gt());
        assert!(int_cmp(&[0xFF, 0x7F], &[0x80]).is_lt());
        assert_eq!(plus_one(&[0x7F]), vec![0x00, 0x80]);
        assert_eq!(plus_one(&[0xFF]), vec![0x00]);
        assert_eq!(plus_one(&[0xFF, 0x7F]), vec![0x80]);
        assert_eq!(plus_one(&[0x00, 0xFF]), vec![0x01, 0x00]);
        assert_eq!(plus_one(&[0xFF, 0x7E]), vec![0xFF, 0x7F]);
        // Adjacent ids are not canonical; a gap is.
        let adjacent = Some(vec![AsIdOrRange::Id(&[5]), AsIdOrRange::Id(&[6])]);
        let gap = Some(vec![AsIdOrRange::Id(&[5]), AsIdOrRange::Id(&[7])]);
        assert!(!as_choice_canonical(Some(&adjacent)));
        assert!(as_choice_canonical(Some(&gap)));
        assert!(!as_choice_canonical(Some(&Some(vec![]))));
    }

    #[test]
    fn inverted_ranges_are_not_canonical_anywhere_in_the_list() {
        let inverted_first = Some(vec![
            AsIdOrRange::Range(&[3], &[1]),
            AsIdOrRange::Range(&[5], &[6]),
        ]);
        assert!(!as_choice_canonical(Some(&inverted_first)));
        let inverted_alone = Some(vec![AsIdOrRange::Range(&[5], &[3])]);
        assert!(!as_choice_canonical(Some(&inverted_alone)));
        let ordered = Some(vec![
            AsIdOrRange::Range(&[1], &[3]),
            AsIdOrRange::Range(&[5], &[6]),
        ]);
        assert!(as_choice_canonical(Some(&ordered)));
    }
}
