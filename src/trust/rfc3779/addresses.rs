//! ipAddrBlocks path validation (`v3_addr.c: addr_validate_path_internal()`).

use std::cmp::Ordering;

use super::{not_canonical, unnested, Failure};
use crate::cert::Certificate;
use crate::extensions::{Bits, IpAddressOrRange, IpFamily};
use crate::oid;

const IP: &str = "ipAddrBlocks";

/// A raw address (`ADDR_RAW_BUF_LEN`).
type Addr = [u8; 16];

fn check_len(f: &IpFamily<'_>) -> bool {
    (2..=3).contains(&f.address_family.len())
}

/// `length_from_afi(X509v3_addr_get_afi(f))`.
fn length(f: &IpFamily<'_>) -> usize {
    match f.address_family {
        [0, 1, ..] => 4,
        [0, 2, ..] => 16,
        _ => 0,
    }
}

/// `addr_expand()`: the address a BIT STRING names, the bits it does not
/// give set to `fill`; `None` when it is longer than `length`.
fn expand(bits: Bits<'_>, length: usize, fill: u8) -> Option<Addr> {
    if bits.bytes.len() > length {
        return None;
    }
    let mut addr = [fill; 16];
    for (to, &from) in addr.iter_mut().zip(bits.bytes) {
        *to = from;
    }
    if let Some(last) = bits
        .bytes
        .len()
        .checked_sub(1)
        .and_then(|i| addr.get_mut(i))
    {
        // c2i_ASN1_BIT_STRING clears the unused bits; addr_expand fills them.
        let unused_mask = 0xFFu8.checked_shr(8 - u32::from(bits.unused)).unwrap_or(0);
        *last &= !unused_mask;
        if fill != 0 {
            *last |= unused_mask;
        }
    }
    Some(addr)
}

/// `extract_min_max()`.
fn min_max(aor: &IpAddressOrRange<'_>, length: usize) -> Option<(Addr, Addr)> {
    match *aor {
        IpAddressOrRange::Prefix(b) => Some((expand(b, length, 0)?, expand(b, length, 0xFF)?)),
        IpAddressOrRange::Range(lo, hi) => {
            Some((expand(lo, length, 0)?, expand(hi, length, 0xFF)?))
        }
    }
}

/// `memcmp(a, b, length)`.
fn cmp(a: &Addr, b: &Addr, length: usize) -> Ordering {
    a.get(..length).cmp(&b.get(..length))
}

/// `range_should_be_prefix()`: the prefix length when `min..=max` is one
/// prefix (`min <= max` is the caller's to ensure).
fn range_prefix(min: &Addr, max: &Addr, length: usize) -> Option<usize> {
    let pairs = || min.iter().zip(max).take(length);
    let i = pairs().take_while(|(a, b)| a == b).count();
    let trailing = pairs()
        .rev()
        .take_while(|&(&a, &b)| a == 0 && b == 0xFF)
        .count();
    // j = length - 1 - trailing, as a signed index; OpenSSL's j = -1 (every
    // byte runs 00..FF, so i = 0) is the whole address space.
    let j = length.checked_sub(trailing + 1);
    match j {
        None => return Some(0),
        Some(j) if i > j => return Some(i * 8),
        Some(j) if i < j => return None,
        Some(_) => {}
    }
    let (lo, hi) = (*min.get(i)?, *max.get(i)?);
    let mask = lo ^ hi;
    let bits = match mask {
        0x01 => 7,
        0x03 => 6,
        0x07 => 5,
        0x0F => 4,
        0x1F => 3,
        0x3F => 2,
        0x7F => 1,
        _ => return None,
    };
    (lo & mask == 0 && hi & mask == mask).then_some(i * 8 + bits)
}

/// `X509v3_addr_is_canonical()`.
fn addresses_canonical(families: &[IpFamily<'_>]) -> bool {
    for pair in families.windows(2) {
        let [a, b] = pair else { return false };
        if !check_len(a) || !check_len(b) || a.address_family >= b.address_family {
            return false;
        }
    }
    families.iter().all(|f| {
        let length = length(f);
        let Some(aors) = &f.ranges else {
            return true;
        };
        if !check_len(f) || aors.is_empty() {
            return false;
        }
        for pair in aors.windows(2) {
            let [a, b] = pair else { return false };
            let (Some((a_min, a_max)), Some((mut b_min, b_max))) =
                (min_max(a, length), min_max(b, length))
            else {
                return false;
            };
            if cmp(&a_min, &b_min, length).is_ge()
                || cmp(&a_min, &a_max, length).is_gt()
                || cmp(&b_min, &b_max, length).is_gt()
            {
                return false;
            }
            // b_min - 1, to refuse adjacent blocks.
            for byte in b_min.iter_mut().take(length).rev() {
                let was_zero = *byte == 0;
                *byte = byte.wrapping_sub(1);
                if !was_zero {
                    break;
                }
            }
            if cmp(&a_max, &b_min, length).is_ge() {
                return false;
            }
            if matches!(a, IpAddressOrRange::Range(..))
                && range_prefix(&a_min, &a_max, length).is_some()
            {
                return false;
            }
        }
        match aors.last() {
            Some(last @ IpAddressOrRange::Range(..)) => match min_max(last, length) {
                Some((min, max)) => {
                    cmp(&min, &max, length).is_le() && range_prefix(&min, &max, length).is_none()
                }
                None => false,
            },
            _ => true,
        }
    })
}

/// `addr_contains()`: every child block inside a parent block.
fn addresses_contain(
    parent: &[IpAddressOrRange<'_>],
    child: &[IpAddressOrRange<'_>],
    length: usize,
) -> bool {
    let mut p = 0;
    for c in child {
        let Some((c_min, c_max)) = min_max(c, length) else {
            return false;
        };
        loop {
            let Some((p_min, p_max)) = parent.get(p).and_then(|a| min_max(a, length)) else {
                return false;
            };
            if cmp(&p_max, &c_max, length).is_lt() {
                p += 1;
                continue;
            }
            if cmp(&p_min, &c_min, length).is_gt() {
                return false;
            }
            break;
        }
    }
    true
}

/// The address families of path certificate `i`; a value that no longer
/// decodes (it decoded when the certificate was parsed) fails the path.
fn families(path: &[Certificate], i: usize) -> Result<Option<Vec<IpFamily<'_>>>, Failure> {
    match path.get(i).and_then(|c| c.extensions().resources.ip()) {
        None => Ok(None),
        Some(Ok(families)) => Ok(Some(families)),
        Some(Err(_)) => Err(not_canonical(i, &oid::IP_ADDR_BLOCKS)),
    }
}

/// `addr_validate_path_internal()`.
pub(super) fn check_addresses(path: &[Certificate]) -> Result<(), Failure> {
    let Some(ext) = families(path, 0)? else {
        return Ok(());
    };
    if !addresses_canonical(&ext) {
        return Err(not_canonical(0, &oid::IP_ADDR_BLOCKS));
    }
    let parents: Vec<Option<Vec<IpFamily<'_>>>> = (1..path.len())
        .map(|i| families(path, i))
        .collect::<Result<_, _>>()?;
    let mut child: Vec<&IpFamily<'_>> = ext.iter().collect();
    for (i, parent) in (1..).zip(&parents) {
        let Some(parent) = parent else {
            if child.iter().any(|fc| !check_len(fc) || fc.ranges.is_some()) {
                return Err(unnested(i, IP));
            }
            continue;
        };
        if !addresses_canonical(parent) {
            return Err(not_canonical(i, &oid::IP_ADDR_BLOCKS));
        }
        for fc in &mut child {
            let found = parent
                .binary_search_by(|f| f.address_family.cmp(fc.address_family))
                .ok()
                .and_then(|k| parent.get(k));
            let Some(fp) = found else {
                if fc.ranges.is_some() {
                    return Err(unnested(i, IP));
                }
                continue;
            };
            // OpenSSL also checks fp's length: fp's addressFamily is fc's.
            if !check_len(fc) {
                return Err(unnested(i, IP));
            }
            if let Some(parent_ranges) = &fp.ranges {
                let inside = match &fc.ranges {
                    None => true,
                    Some(ranges) => addresses_contain(parent_ranges, ranges, length(fc)),
                };
                if !inside {
                    return Err(unnested(i, IP));
                }
                *fc = fp;
            }
        }
    }
    // The trust anchor cannot inherit what is still being checked.
    let top = path.len().saturating_sub(1);
    let anchor = match parents.last() {
        Some(parent) => parent.as_deref(),
        None => Some(ext.as_slice()),
    };
    for fp in anchor.unwrap_or_default() {
        if !check_len(fp)
            || (fp.ranges.is_none() && child.iter().any(|f| f.address_family == fp.address_family))
        {
            return Err(unnested(top, IP));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(bytes: &[u8], unused: u8) -> IpAddressOrRange<'_> {
        IpAddressOrRange::Prefix(Bits { bytes, unused })
    }

    fn family<'a>(af: &'a [u8], ranges: Option<Vec<IpAddressOrRange<'a>>>) -> IpFamily<'a> {
        IpFamily {
            address_family: af,
            ranges,
        }
    }

    #[test]
    fn containment() {
        let parent = [prefix(&[10], 0)];
        assert!(addresses_contain(&parent, &[prefix(&[10, 1], 0)], 4));
        assert!(!addresses_contain(&parent, &[prefix(&[11], 0)], 4));
    }

    #[test]
    fn canonical_address_blocks() {
        let v4 = [0u8, 1];
        let ten = prefix(&[10], 0);
        let eleven = prefix(&[11], 0);
        let twelve = prefix(&[12], 0);
        assert!(addresses_canonical(&[family(&v4, Some(vec![ten, twelve]))]));
        // Unsorted, adjacent (10/8 then 11/8), empty, and a range that is a prefix.
        assert!(!addresses_canonical(&[family(
            &v4,
            Some(vec![twelve, ten])
        )]));
        assert!(!addresses_canonical(&[family(
            &v4,
            Some(vec![ten, eleven])
        )]));
        assert!(!addresses_canonical(&[family(&v4, Some(vec![]))]));
        // An addressFamily of 2 or 3 octets only (IPAddressFamily_check_len).
        assert!(addresses_canonical(&[family(&[0, 1, 1], Some(vec![ten]))]));
        assert!(!addresses_canonical(&[family(
            &[0, 1, 1, 1],
            Some(vec![ten])
        )]));
        assert!(!addresses_canonical(&[family(&[0], Some(vec![ten]))]));
        // ... checked for an inheriting family too, when families are paired.
        assert!(!addresses_canonical(&[
            family(&[0, 1, 1, 1], None),
            family(&[0, 2], Some(vec![prefix(&[0x20], 0)]))
        ]));
        // An inverted range before a later block.
        let inverted = IpAddressOrRange::Range(
            Bits {
                bytes: &[10, 5],
                unused: 0,
            },
            Bits {
                bytes: &[10, 1],
                unused: 0,
            },
        );
        assert!(!addresses_canonical(&[family(
            &v4,
            Some(vec![inverted, eleven])
        )]));
        let range = IpAddressOrRange::Range(
            Bits {
                bytes: &[10],
                unused: 0,
            },
            Bits {
                bytes: &[11],
                unused: 0,
            },
        );
        assert!(!addresses_canonical(&[family(&v4, Some(vec![range]))]));
        // 10/8 .. 12/8 is no single prefix: canonical.
        let wide = IpAddressOrRange::Range(
            Bits {
                bytes: &[10],
                unused: 0,
            },
            Bits {
                bytes: &[12],
                unused: 0,
            },
        );
        assert!(addresses_canonical(&[family(&v4, Some(vec![wide]))]));
        // Families sorted by their octets; an inherit family needs no length check alone.
        let v6 = [0u8, 2];
        assert!(addresses_canonical(&[family(&v4, None), family(&v6, None)]));
        assert!(!addresses_canonical(&[
            family(&v6, None),
            family(&v4, None)
        ]));
    }

    fn addr(bytes: &[u8]) -> Addr {
        let mut a = [0u8; 16];
        a[..bytes.len()].copy_from_slice(bytes);
        a
    }

    #[test]
    fn ranges_that_are_prefixes_are_recognised() {
        let p = |lo: &[u8], hi: &[u8]| range_prefix(&addr(lo), &addr(hi), 4);
        assert_eq!(p(&[10, 0, 0, 0], &[10, 255, 255, 255]), Some(8));
        assert_eq!(p(&[10, 0, 0, 0], &[10, 0, 0, 0]), Some(32));
        assert_eq!(p(&[10, 0, 0, 0], &[10, 0, 0, 255]), Some(24));
        assert_eq!(p(&[10, 0, 0, 0], &[10, 1, 255, 255]), Some(15));
        assert_eq!(p(&[10, 0, 0, 0], &[11, 255, 255, 255]), Some(7));
        assert_eq!(p(&[10, 0, 0, 0], &[10, 2, 255, 255]), None);
        assert_eq!(p(&[10, 0, 0, 1], &[10, 0, 0, 255]), None);
        assert_eq!(p(&[10, 0, 0, 0], &[12, 0, 0, 0]), None);
        assert_eq!(p(&[10, 0, 0, 0], &[11, 0, 0, 0]), None);
        assert_eq!(p(&[0, 0, 0, 0], &[255, 255, 255, 255]), Some(0));
        // Every partial byte: 10.0.0.0 .. 10.0.0.mask is a /(32 - bits of mask).
        let partial = [
            (0x01, 31),
            (0x03, 30),
            (0x07, 29),
            (0x0F, 28),
            (0x1F, 27),
            (0x3F, 26),
            (0x7F, 25),
        ];
        for (mask, len) in partial {
            assert_eq!(p(&[10, 0, 0, 0], &[10, 0, 0, mask]), Some(len), "{mask:#x}");
        }
        // The low bound must be 10.0.0.4, not 10.0.0.5, for a /30.
        assert_eq!(p(&[10, 0, 0, 4], &[10, 0, 0, 7]), Some(30));
        assert_eq!(p(&[10, 0, 0, 5], &[10, 0, 0, 6]), None);
    }

    #[test]
    fn full_length_addresses_and_ipv6_families_are_read() {
        let full = Bits {
            bytes: &[10, 0, 0, 1],
            unused: 0,
        };
        assert_eq!(expand(full, 4, 0).map(|a| a[3]), Some(1));
        let v6 = [0u8, 2];
        assert!(addresses_canonical(&[family(
            &v6,
            Some(vec![
                prefix(&[0x20, 0x01, 0x0d, 0xb8], 0),
                prefix(&[0x20, 0x01, 0x0d, 0xba], 0)
            ])
        )]));
    }

    #[test]
    fn prefixes_expand_with_their_unused_bits() {
        // 10.128.0.0/9: seven unused bits in 0x80.
        let b = Bits {
            bytes: &[10, 0x80],
            unused: 7,
        };
        let lo = expand(b, 4, 0).unwrap();
        let hi = expand(b, 4, 0xFF).unwrap();
        assert_eq!(&lo[..4], &[10, 0x80, 0, 0]);
        assert_eq!(&hi[..4], &[10, 0xFF, 0xFF, 0xFF]);
        assert!(expand(
            Bits {
                bytes: &[1, 2, 3, 4, 5],
                unused: 0
            },
            4,
            0
        )
        .is_none());
        assert_eq!(range_prefix(&lo, &hi, 4), Some(9));
    }

    #[test]
    fn many_blocks_cost_one_pass() {
        // 32,768 /24 blocks, every other one: canonical, and inside themselves.
        let addrs: Vec<[u8; 3]> = (0u32..32_768)
            .map(|n| {
                let n = n * 2;
                [
                    10,
                    u8::try_from(n >> 8).unwrap(),
                    u8::try_from(n & 0xFF).unwrap(),
                ]
            })
            .collect();
        let blocks: Vec<_> = addrs.iter().map(|a| prefix(a, 0)).collect();
        let v4 = [0u8, 1];
        assert!(addresses_canonical(&[family(&v4, Some(blocks.clone()))]));
        assert!(addresses_contain(&blocks, &blocks, 4));
        assert!(addresses_contain(&[prefix(&[10], 0)], &blocks, 4));
    }
}
