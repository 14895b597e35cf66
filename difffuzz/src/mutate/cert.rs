//! Certificate fields and where the certificates are given: keys and
//! curves, signature algorithms inside and outside TBSCertificate, serials,
//! versions, validity encodings, names and their string types, placement.

use super::{role, target, Gen, Mutation};
use crate::baseline::{oids, utc};
use crate::der::{self, tag};
use crate::keys::{Hash, KeyId};
use crate::model::*;
use crate::rng::Rng;

pub const GENERATORS: &[Gen] = &[
    (6, key),
    (4, hash),
    (5, serial),
    (2, version),
    (6, validity),
    (6, string_type),
    (4, name_case),
    (4, rdn_shape),
    (4, sig_alg),
    (3, spki_alg),
    (1, unique_ids),
    (2, tbs_long_length),
    (1, wrong_signing_key),
    (5, placement),
    (2, chain_shape),
    (4, extra_cert),
];

fn key(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let k = *rng.pick(&KeyId::ALL);
    Mutation::new("cert.key", format!("{} key {k:?}", role(t)), move |s| {
        if let Some(c) = s.certs.get_mut(t) {
            c.key = k;
        }
    })
}

fn hash(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let h = *rng.pick(&Hash::ALL);
    Mutation::new(
        "cert.hash",
        format!("{} signed with {h:?}", role(t)),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                c.hash = h;
            }
        },
    )
}

/// Serial INTEGER contents: zero, negative, long, non-minimal, empty.
pub fn serial_variant(rng: &mut Rng) -> Vec<u8> {
    match rng.below(9) {
        0 => vec![0],
        1 => vec![0x80, 0xAB],
        2 => vec![0xFF],
        3 => {
            let mut v = rng.bytes(20);
            v[0] &= 0x7F;
            v[0] |= 0x40;
            v
        }
        4 => {
            let n = 21 + rng.below(12);
            let mut v = rng.bytes(n);
            v[0] = 0x3F;
            v
        }
        5 => vec![0x00, 0x01],
        6 => Vec::new(),
        7 => vec![0x00, 0x80, 0xAB],
        _ => vec![0x10, 0x03],
    }
}

fn serial(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let v = serial_variant(rng);
    Mutation::new(
        "cert.serial",
        format!("{} serial {:02x?}", role(t), v),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                c.serial = v.clone();
            }
        },
    )
}

fn version(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let v: Option<Vec<u8>> = match rng.below(5) {
        0 => None,
        1 => Some(der::int(0)),
        2 => Some(der::int(1)),
        3 => Some(der::int(3)),
        _ => Some(vec![tag::INTEGER, 2, 0, 2]),
    };
    Mutation::new(
        "cert.version",
        format!("{} version {:02x?}", role(t), v),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                c.version = v.clone();
            }
        },
    )
}

/// A validity time TLV: valid, expired, future, and odd encodings.
fn time_variant(rng: &mut Rng, not_after: bool) -> (Vec<u8>, &'static str) {
    let g = |t: &str| der::tlv(tag::GENERALIZED_TIME, t.as_bytes());
    let pick: &[(&str, bool)] = &[
        ("200101000000Z", true),
        ("20200101000000Z", false),
        ("20400101000000Z", false),
        ("491231235959Z", true),
        ("500101000000Z", true),
        ("000101000000Z", true),
        ("350101000000Z", true),
        ("20500101000000Z", false),
        ("99991231235959Z", false),
        ("19500101000000Z", false),
        ("20200101000000.5Z", false),
        ("200101000000", true),
        ("200101000000+0100", true),
        ("2001010000Z", true),
        ("201301000000Z", true),
        ("200230000000Z", true),
        ("201231235960Z", true),
        ("200101000000z", true),
        ("20200101000000", false),
        ("2020010100Z", false),
        ("20200101000000+0000", false),
        ("", true),
    ];
    let (text, is_utc) = *rng.pick(pick);
    let _ = not_after;
    let tlv = if is_utc { utc(text) } else { g(text) };
    (tlv, text)
}

fn validity(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let after = rng.one_in(2);
    let (tlv, text) = time_variant(rng, after);
    let field = if after { "notAfter" } else { "notBefore" };
    let tlv = if rng.one_in(12) {
        // The wrong universal type altogether.
        der::tlv(tag::PRINTABLE, text.as_bytes())
    } else {
        tlv
    };
    Mutation::new(
        "cert.validity",
        format!("{} {field} {:02x?} {text:?}", role(t), tlv.first()),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                if after {
                    c.not_after = tlv.clone();
                } else {
                    c.not_before = tlv.clone();
                }
            }
        },
    )
}

/// Re-encodes a value in another string type (BMP: UTF-16BE, Universal: UCS-4).
pub fn retag(value: &[u8], from: u8, to: u8) -> Vec<u8> {
    let text: String = match from {
        tag::BMP => value
            .chunks(2)
            .map(|c| {
                char::from_u32(u32::from(c[0]) << 8 | u32::from(*c.get(1).unwrap_or(&0)))
                    .unwrap_or('?')
            })
            .collect(),
        tag::UNIVERSAL => value
            .chunks(4)
            .map(|c| char::from_u32(c.iter().fold(0, |a, &b| a << 8 | u32::from(b))).unwrap_or('?'))
            .collect(),
        _ => String::from_utf8_lossy(value).into_owned(),
    };
    match to {
        tag::BMP => text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
        tag::UNIVERSAL => text
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect(),
        _ => text.into_bytes(),
    }
}

const STRING_TAGS: [u8; 8] = [
    tag::PRINTABLE,
    tag::UTF8,
    tag::IA5,
    tag::T61,
    tag::BMP,
    tag::UNIVERSAL,
    tag::VISIBLE,
    tag::OCTET_STRING,
];

/// Which name of which certificate: its subject, or the issuer it names
/// (an override of its issuer, starting from the issuing certificate's subject).
fn name_mut(s: &mut Scenario, t: usize, issuer: bool) -> Option<&mut Name> {
    let t = t.min(s.certs.len() - 1);
    if issuer {
        let name = s.issuer_name(t);
        let c = &mut s.certs[t];
        Some(c.issuer.get_or_insert(name))
    } else {
        Some(&mut s.certs[t].subject)
    }
}

fn string_type(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let issuer = rng.one_in(2);
    let rdn = rng.below(3);
    let to = *rng.pick(&STRING_TAGS);
    Mutation::new(
        "name.string_type",
        format!(
            "{} {} RDN {rdn} as tag {to:#04x}",
            role(t),
            if issuer { "issuer" } else { "subject" }
        ),
        move |s| {
            if let Some(name) = name_mut(s, t, issuer) {
                if let Some(atv) = name.0.get_mut(rdn).and_then(|r| r.first_mut()) {
                    atv.value = retag(&atv.value, atv.tag, to);
                    atv.tag = to;
                }
            }
        },
    )
}

fn name_case(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let issuer = rng.one_in(2);
    let rdn = rng.below(3);
    let how = rng.below(5);
    Mutation::new(
        "name.case_space",
        format!(
            "{} {} RDN {rdn} edit {how}",
            role(t),
            if issuer { "issuer" } else { "subject" }
        ),
        move |s| {
            if let Some(name) = name_mut(s, t, issuer) {
                if let Some(atv) = name.0.get_mut(rdn).and_then(|r| r.first_mut()) {
                    atv.value = match how {
                        0 => atv.value.to_ascii_uppercase(),
                        1 => atv.value.to_ascii_lowercase(),
                        2 => [b"  ".as_slice(), &atv.value, b" "].concat(),
                        3 => atv
                            .value
                            .iter()
                            .flat_map(|&b| if b == b' ' { vec![b' ', b' '] } else { vec![b] })
                            .collect(),
                        _ => [atv.value.as_slice(), b"\0"].concat(),
                    };
                }
            }
        },
    )
}

fn rdn_shape(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let issuer = rng.one_in(2);
    let how = rng.below(7);
    let at = rng.below(4);
    Mutation::new(
        "name.rdn_shape",
        format!(
            "{} {} shape {how} at {at}",
            role(t),
            if issuer { "issuer" } else { "subject" }
        ),
        move |s| {
            let Some(name) = name_mut(s, t, issuer) else {
                return;
            };
            let at = at.min(name.0.len());
            match how {
                0 => name.0.insert(at, Vec::new()),
                1 => name.0.push(Vec::new()),
                2 => {
                    if let Some(r) = name.0.get(at.min(name.0.len().saturating_sub(1))).cloned() {
                        name.0.insert(at, r);
                    }
                }
                3 => {
                    if name.0.len() >= 2 {
                        let r = name.0.remove(0);
                        name.0[0].extend(r);
                    }
                }
                4 => name.0.clear(),
                5 => name.0.push(vec![Atv {
                    oid: oids::EMAIL,
                    tag: if at % 2 == 0 { tag::IA5 } else { tag::UTF8 },
                    value: b"signer@example.com".to_vec(),
                }]),
                _ => name.0.reverse(),
            }
        },
    )
}

fn sig_alg(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let which = rng.below(3); // 0 inner, 1 outer, 2 both
    let alg = match rng.below(7) {
        0 => der::seq(&[&der::oid(Hash::Sha256.rsa_oid())]),
        1 => der::seq(&[&der::oid(Hash::Sha256.ecdsa_oid()), &der::null()]),
        2 => der::seq(&[&der::oid(Hash::Sha1.rsa_oid()), &der::null()]),
        3 => der::seq(&[&der::oid("1.2.840.113549.1.1.1"), &der::null()]),
        4 => der::seq(&[&der::oid(Hash::Sha384.ecdsa_oid())]),
        5 => der::seq(&[&der::oid(Hash::Sha256.rsa_oid()), &der::int(0)]),
        _ => der::seq(&[
            &der::oid(Hash::Sha256.rsa_oid()),
            &der::null(),
            &der::null(),
        ]),
    };
    Mutation::new(
        "cert.sig_alg",
        format!("{} {which} {alg:02x?}", role(t)),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                if which != 1 {
                    c.tbs_sig_alg = Some(alg.clone());
                }
                if which != 0 {
                    c.outer_sig_alg = Some(alg.clone());
                }
            }
        },
    )
}

/// The SubjectPublicKeyInfo's algorithm: parameters absent or wrong, the
/// wrong curve, the wrong key type.
fn spki_alg(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let form = rng.below(8);
    let alg = match form {
        0 => der::seq(&[&der::oid("1.2.840.113549.1.1.1")]),
        1 => der::seq(&[&der::oid("1.2.840.113549.1.1.1"), &der::int(0)]),
        2 => der::seq(&[&der::oid("1.2.840.113549.1.1.10")]),
        3 => der::seq(&[
            &der::oid("1.2.840.10045.2.1"),
            &der::oid("1.2.840.10045.3.1.7"),
        ]),
        4 => der::seq(&[&der::oid("1.2.840.10045.2.1"), &der::oid("1.3.132.0.34")]),
        5 => der::seq(&[&der::oid("1.2.840.10045.2.1"), &der::null()]),
        6 => der::seq(&[&der::oid("1.2.840.10045.2.1")]),
        _ => der::seq(&[
            &der::oid("1.2.840.113549.1.1.1"),
            &der::null(),
            &der::null(),
        ]),
    };
    Mutation::new(
        "cert.spki_alg",
        format!("{} form {form}", role(t)),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                c.spki_alg = Some(alg.clone());
            }
        },
    )
}

fn unique_ids(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let both = rng.one_in(2);
    Mutation::new(
        "cert.unique_ids",
        format!("{} both {both}", role(t)),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                c.subject_uid = Some(vec![1, 2, 3]);
                if both {
                    c.issuer_uid = Some(vec![4]);
                }
            }
        },
    )
}

fn tbs_long_length(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    Mutation::new("cert.tbs_ber_length", role(t), move |s| {
        if let Some(c) = s.certs.get_mut(t) {
            c.tbs_long_length = true;
        }
    })
}

fn wrong_signing_key(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let k = *rng.pick(&[KeyId::RsaC, KeyId::P256C]);
    Mutation::new(
        "cert.wrong_key",
        format!("{} signed by {k:?}", role(t)),
        move |s| {
            if let Some(c) = s.certs.get_mut(t) {
                c.sign_key = Some(k);
            }
        },
    )
}

fn placement(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let lists = rng.below(8); // bit 0 cafile, 1 certfile, 2 message
    Mutation::new(
        "place.cert",
        format!(
            "{} in cafile {} certfile {} message {}",
            role(t),
            lists & 1,
            lists >> 1 & 1,
            lists >> 2 & 1
        ),
        move |s| {
            for (bit, list) in [
                (1, &mut s.cafile),
                (2, &mut s.certfile),
                (4, &mut s.msg.certs),
            ] {
                list.retain(|&i| i != t);
                if lists & bit != 0 {
                    list.push(t);
                }
            }
        },
    )
}

fn chain_shape(rng: &mut Rng) -> Mutation {
    let how = rng.below(3);
    Mutation::new("place.chain", format!("shape {how}"), move |s| match how {
        // The signer issued by the root directly.
        0 => {
            s.certs[LEAF].signed_by = ROOT;
            s.msg.certs.retain(|&i| i != INTER);
        }
        // The signer is itself the anchor (self-signed, in the CAfile).
        1 => {
            s.certs[LEAF].signed_by = LEAF;
            s.cafile = vec![LEAF];
        }
        // The intermediate is the anchor.
        _ => s.cafile = vec![INTER],
    })
}

fn extra_cert(rng: &mut Rng) -> Mutation {
    let of = target(rng);
    let k = *rng.pick(&[KeyId::RsaB, KeyId::P256C, KeyId::P384]);
    let to = rng.below(3);
    let first = rng.one_in(2);
    let expired = rng.one_in(3);
    Mutation::new(
        "place.extra_cert",
        format!(
            "copy of {} with key {k:?} into list {to} first {first} expired {expired}",
            role(of)
        ),
        move |s| {
            let Some(mut c) = s.certs.get(of).cloned() else {
                return;
            };
            c.key = k;
            if expired {
                c.not_after = utc("210101000000Z");
            }
            let i = s.certs.len();
            s.certs.push(c);
            let list = match to {
                0 => &mut s.cafile,
                1 => &mut s.certfile,
                _ => &mut s.msg.certs,
            };
            if first {
                list.insert(0, i);
            } else {
                list.push(i);
            }
        },
    )
}
