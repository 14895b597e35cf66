//! Extensions: added, removed, duplicated, malformed, criticality, and the
//! values OpenSSL's checks read (basicConstraints, keyUsage, extKeyUsage,
//! nsCertType, nameConstraints, SAN, AKID/SKID) or decode when it caches a
//! certificate (CRL distribution points, RFC 3779, policies, ...).

use super::{role, target, Gen, Mutation};
use crate::baseline::{ca_constraints, oids};
use crate::der::{self, tag};
use crate::model::*;
use crate::rng::Rng;

pub const GENERATORS: &[Gen] = &[
    (10, set_value),
    (3, remove),
    (2, duplicate),
    (3, criticality),
    (3, malform),
    (1, no_extensions),
];

fn general_name(rng: &mut Rng) -> Vec<u8> {
    let cn = crate::model::Name::simple(&[(oids::CN, tag::UTF8, "Keystone Signing")]);
    match rng.below(9) {
        0 => der::tlv(der::ctx(1, false), b"signer@example.com"),
        1 => der::tlv(der::ctx(1, false), b"example.com"),
        2 => der::tlv(der::ctx(2, false), b"keystone.example.com"),
        3 => der::tlv(der::ctx(2, false), b".example.com"),
        4 => der::tlv(der::ctx(4, true), &cn.encode()),
        5 => der::tlv(der::ctx(7, false), &[10, 0, 0, 1]),
        6 => der::tlv(der::ctx(6, false), b"https://example.com/"),
        7 => {
            // otherName SmtpUTF8Mailbox (RFC 9598).
            let v = der::tlv(
                der::ctx(0, true),
                &der::tlv(tag::UTF8, "s\u{e9}@example.com".as_bytes()),
            );
            der::tlv(
                der::ctx(0, true),
                &[der::oid("1.3.6.1.5.5.7.8.9"), v].concat(),
            )
        }
        _ => der::tlv(der::ctx(1, false), b"x@other.org"),
    }
}

fn subtree_constraints(rng: &mut Rng) -> Vec<u8> {
    let subtree = |rng: &mut Rng| -> Vec<u8> {
        let base = match rng.below(8) {
            0 => der::tlv(der::ctx(2, false), b"example.com"),
            1 => der::tlv(der::ctx(2, false), b"other.org"),
            2 => der::tlv(der::ctx(1, false), b"example.com"),
            3 => der::tlv(der::ctx(1, false), b".example.com"),
            4 => der::tlv(
                der::ctx(4, true),
                &Name::simple(&[
                    (oids::C, tag::PRINTABLE, "US"),
                    (oids::O, tag::UTF8, "OpenStack"),
                ])
                .encode(),
            ),
            5 => der::tlv(
                der::ctx(4, true),
                &Name::simple(&[(oids::C, tag::PRINTABLE, "DE")]).encode(),
            ),
            6 => der::tlv(der::ctx(7, false), &[10, 0, 0, 0, 255, 0, 0, 0]),
            _ => der::tlv(der::ctx(6, false), b".example.com"),
        };
        let min = if rng.one_in(8) {
            der::tlv(der::ctx(0, false), &[1])
        } else {
            Vec::new()
        };
        der::seq(&[&base, &min])
    };
    let permitted = if rng.one_in(3) {
        Vec::new()
    } else {
        der::tlv(der::ctx(0, true), &subtree(rng))
    };
    let excluded = if rng.one_in(2) {
        Vec::new()
    } else {
        der::tlv(der::ctx(1, true), &subtree(rng))
    };
    der::seq(&[&permitted, &excluded])
}

/// An extension for the S/MIME and chain rules, with its usual criticality.
fn interesting(rng: &mut Rng) -> (&'static str, bool, Vec<u8>) {
    match rng.below(21) {
        0 => (oids::BASIC_CONSTRAINTS, true, ca_constraints(None)),
        1 => (
            oids::BASIC_CONSTRAINTS,
            true,
            ca_constraints(Some(rng.below(2) as u64)),
        ),
        2 => (oids::BASIC_CONSTRAINTS, rng.one_in(2), der::seq(&[])),
        3 => (
            oids::BASIC_CONSTRAINTS,
            true,
            der::seq(&[&der::boolean(true), &der::tlv(tag::INTEGER, &[0xFF])]),
        ),
        4 => {
            let bits: Vec<u32> = (0..9).filter(|_| rng.one_in(3)).collect();
            (oids::KEY_USAGE, true, der::named_bits(&bits))
        }
        5 => (oids::KEY_USAGE, true, der::tlv(tag::BIT_STRING, &[0])),
        6 => {
            let all = [
                oids::EKU_EMAIL,
                oids::EKU_CLIENT,
                oids::EKU_SERVER,
                oids::EKU_ANY,
                oids::EKU_CODE,
            ];
            let chosen: Vec<Vec<u8>> = all
                .iter()
                .filter(|_| rng.one_in(2))
                .map(|o| der::oid(o))
                .collect();
            (
                oids::EXT_KEY_USAGE,
                rng.one_in(4),
                der::tlv(tag::SEQUENCE, &chosen.concat()),
            )
        }
        7 => {
            let bits: Vec<u32> = (0..8).filter(|_| rng.one_in(3)).collect();
            (oids::NS_CERT_TYPE, false, der::named_bits(&bits))
        }
        8 => (oids::NAME_CONSTRAINTS, true, subtree_constraints(rng)),
        9 => {
            let n = 1 + rng.below(2);
            let names: Vec<u8> = (0..n).flat_map(|_| general_name(rng)).collect();
            (oids::SAN, rng.one_in(4), der::tlv(tag::SEQUENCE, &names))
        }
        10 => (
            oids::AKID,
            false,
            der::seq(&[&der::tlv(der::ctx(0, false), &rng.bytes(20))]),
        ),
        11 => (oids::AKID, false, der::seq(&[])),
        12 => {
            let n = 1 + rng.below(20);
            (oids::SKID, false, der::octets(&rng.bytes(n)))
        }
        13 => (
            oids::CERT_POLICIES,
            rng.one_in(2),
            der::seq(&[&der::seq(&[&der::oid("2.5.29.32.0")])]),
        ),
        14 => (
            oids::CRL_DP,
            false,
            der::seq(&[&der::seq(&[&der::tlv(
                der::ctx(0, true),
                &der::tlv(
                    der::ctx(0, true),
                    &der::tlv(der::ctx(6, false), b"http://crl.example.com/ca.crl"),
                ),
            )])]),
        ),
        15 => (
            oids::IP_ADDR_BLOCKS,
            true,
            der::seq(&[&der::seq(&[&der::octets(&[0, 1]), &der::null()])]),
        ),
        16 => (
            oids::AS_IDS,
            true,
            der::seq(&[&der::tlv(der::ctx(0, true), &der::null())]),
        ),
        17 => (
            oids::POLICY_CONSTRAINTS,
            true,
            der::seq(&[&der::tlv(der::ctx(0, false), &[0])]),
        ),
        18 => (oids::INHIBIT_ANY, true, der::int(0)),
        19 => (
            *rng.pick(&[
                oids::PROXY_CERT_INFO,
                oids::TLS_FEATURE,
                oids::FRESHEST_CRL,
                oids::AIA,
                oids::IAN,
                oids::PRIVATE_KEY_USAGE,
                oids::NS_COMMENT,
                "1.2.3.4.5.6",
            ]),
            rng.one_in(2),
            der::seq(&[]),
        ),
        _ => ("1.3.6.1.4.1.99999.1", true, der::null()),
    }
}

fn set_value(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let (oid, crit, value) = interesting(rng);
    Mutation::new(
        "ext.set",
        format!("{} {oid} crit {crit} {value:02x?}", role(t)),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                let exts = c.extensions.get_or_insert_with(Vec::new);
                let e = Ext {
                    oid,
                    crit: if crit { Crit::True } else { Crit::Absent },
                    value: ExtValue::Raw(value.clone()),
                };
                match exts.iter_mut().find(|e| e.oid == oid) {
                    Some(old) => *old = e,
                    None => exts.push(e),
                }
            }
        },
    )
}

fn remove(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let oid = *rng.pick(&[
        oids::BASIC_CONSTRAINTS,
        oids::KEY_USAGE,
        oids::EXT_KEY_USAGE,
        oids::SKID,
        oids::AKID,
    ]);
    Mutation::new("ext.remove", format!("{} {oid}", role(t)), move |s| {
        if let Some(exts) = s.certs.get_mut(t).and_then(|c| c.extensions.as_mut()) {
            exts.retain(|e| e.oid != oid);
        }
    })
}

fn duplicate(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let at = rng.below(4);
    Mutation::new(
        "ext.duplicate",
        format!("{} extension {at}", role(t)),
        move |s| {
            if let Some(exts) = s.certs.get_mut(t).and_then(|c| c.extensions.as_mut()) {
                if let Some(e) = exts.get(at.min(exts.len().saturating_sub(1))).cloned() {
                    exts.push(e);
                }
            }
        },
    )
}

fn criticality(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let at = rng.below(4);
    let crit = match rng.below(3) {
        0 => Crit::Absent,
        1 => Crit::True,
        _ => Crit::ExplicitFalse,
    };
    Mutation::new(
        "ext.critical",
        format!("{} extension {at} {crit:?}", role(t)),
        move |s| {
            if let Some(exts) = s.certs.get_mut(t).and_then(|c| c.extensions.as_mut()) {
                let n = exts.len();
                if let Some(e) = exts.get_mut(at.min(n.saturating_sub(1))) {
                    e.crit = crit.clone();
                }
            }
        },
    )
}

fn malform(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let (oid, crit, value) = interesting(rng);
    let how = rng.below(4);
    let value = match how {
        0 => value[..value.len() / 2].to_vec(),
        1 => [value.as_slice(), &[0]].concat(),
        2 => der::null(),
        _ => Vec::new(),
    };
    Mutation::new(
        "ext.malformed",
        format!("{} {oid} crit {crit} form {how}", role(t)),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                let exts = c.extensions.get_or_insert_with(Vec::new);
                exts.retain(|e| e.oid != oid);
                exts.push(Ext {
                    oid,
                    crit: if crit { Crit::True } else { Crit::Absent },
                    value: ExtValue::Raw(value.clone()),
                });
            }
        },
    )
}

fn no_extensions(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let empty_list = rng.one_in(2);
    Mutation::new(
        "ext.none",
        format!("{} empty list {empty_list}", role(t)),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                c.extensions = if empty_list { Some(Vec::new()) } else { None };
            }
        },
    )
}
