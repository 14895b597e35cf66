//! Message fields: digest and signature algorithms, signer identifiers,
//! signed attributes (presence, order, encoding, values), content type and
//! form, counts of signers and certificates, BER forms.

use super::{cert::serial_variant, Gen, Mutation};
use crate::baseline::{oids, utc};
use crate::der::{self, tag};
use crate::keys::{self, Hash, KeyId, Scheme};
use crate::model::*;
use crate::pss::Pss;
use crate::rng::Rng;

pub const GENERATORS: &[Gen] = &[
    (4, signer_hash),
    (4, digest_alg),
    (3, signer_sig_alg),
    (5, sid),
    (8, attrs),
    (3, content),
    (2, econtent_type),
    (2, ber),
    (2, versions),
    (3, signers),
    (2, cert_entries),
];

fn signer_hash(rng: &mut Rng) -> Mutation {
    let h = *rng.pick(&Hash::ALL);
    let pss = rng.one_in(4);
    Mutation::new("msg.signer_hash", format!("{h:?} pss {pss}"), move |s| {
        for sg in &mut s.msg.signers {
            sg.hash = h;
            if pss {
                sg.scheme = Scheme::Pss(Pss::SAME);
            }
        }
    })
}

fn digest_alg(rng: &mut Rng) -> Mutation {
    let how = rng.below(7);
    let other = *rng.pick(&Hash::ALL);
    Mutation::new(
        "msg.digest_alg",
        format!("form {how} other {other:?}"),
        move |s| {
            let Some(sg) = s.msg.signers.first_mut() else {
                return;
            };
            let h = sg.hash;
            match how {
                // NULL parameters.
                0 => sg.digest_alg = Some(der::seq(&[&der::oid(h.oid()), &der::null()])),
                // The RSA signature OID as the digest (an alias OpenSSL resolves).
                1 => sg.digest_alg = Some(der::seq(&[&der::oid(h.rsa_oid()), &der::null()])),
                // digestAlgorithms lists another digest.
                2 => s.msg.digest_algs = Some(vec![keys::digest_algorithm(other)]),
                3 => s.msg.digest_algs = Some(Vec::new()),
                // The SignerInfo names a digest it does not use.
                4 => sg.digest_alg = Some(keys::digest_algorithm(other)),
                5 => sg.digest_alg = Some(der::seq(&[&der::oid(h.ecdsa_oid())])),
                _ => {
                    s.msg.digest_algs =
                        Some(vec![keys::digest_algorithm(h), keys::digest_algorithm(h)])
                }
            }
        },
    )
}

fn signer_sig_alg(rng: &mut Rng) -> Mutation {
    let how = rng.below(6);
    Mutation::new("msg.sig_alg", format!("form {how}"), move |s| {
        let key = s.msg.signers.first().map(|sg| s.signer_key(sg));
        let Some(sg) = s.msg.signers.first_mut() else {
            return;
        };
        sg.sig_alg = Some(match how {
            0 => der::seq(&[&der::oid("1.2.840.113549.1.1.1"), &der::null()]),
            1 => der::seq(&[&der::oid("1.2.840.10045.2.1")]),
            2 => der::seq(&[&der::oid(sg.hash.ecdsa_oid()), &der::null()]),
            3 => der::seq(&[&der::oid(sg.hash.rsa_oid())]),
            4 => keys::signature_algorithm(key.unwrap_or(KeyId::RsaA), Hash::Sha1, sg.scheme),
            _ => der::seq(&[&der::oid("1.3.101.112")]),
        });
    })
}

fn sid(rng: &mut Rng) -> Mutation {
    let how = rng.below(7);
    let serial = serial_variant(rng);
    let ski = rng.bytes(20);
    Mutation::new(
        "msg.sid",
        format!("form {how} serial {serial:02x?}"),
        move |s| {
            let issuer = s.issuer_name(LEAF);
            let leaf_serial = s.certs[LEAF].serial.clone();
            let Some(sg) = s.msg.signers.first_mut() else {
                return;
            };
            match how {
                0 => {
                    sg.sid = Sid::Ski;
                    sg.version = 3;
                }
                1 => sg.sid = Sid::Ski,
                2 => sg.version = 3,
                3 => {
                    sg.sid = Sid::IssuerSerialRaw {
                        issuer,
                        serial: serial.clone(),
                    }
                }
                // The same serial with another encoding of the signer's serial.
                4 => {
                    let mut alt = leaf_serial.clone();
                    if alt.first().is_some_and(|&b| b & 0x80 != 0) {
                        alt.insert(0, 0);
                    } else if alt.first() == Some(&0) && alt.len() > 1 {
                        alt.remove(0);
                    } else {
                        alt.insert(0, 0);
                    }
                    sg.sid = Sid::IssuerSerialRaw {
                        issuer,
                        serial: alt,
                    };
                }
                5 => {
                    sg.sid = Sid::SkiRaw(ski.clone());
                    sg.version = 3;
                }
                _ => {
                    let mut upper = issuer.clone();
                    for atv in upper.0.iter_mut().flatten() {
                        atv.value = atv.value.to_ascii_uppercase();
                    }
                    sg.sid = Sid::IssuerSerialRaw {
                        issuer: upper,
                        serial: leaf_serial,
                    };
                }
            }
        },
    )
}

fn attrs(rng: &mut Rng) -> Mutation {
    let how = rng.below(16);
    let other = *rng.pick(&[oids::SIGNED_DATA, "1.2.840.113549.1.9.16.1.4", oids::DATA]);
    Mutation::new("msg.attrs", format!("form {how} {other}"), move |s| {
        let Some(sg) = s.msg.signers.first_mut() else {
            return;
        };
        let list = sg.signed_attrs.get_or_insert_with(Vec::new);
        match how {
            0 => sg.signed_attrs = None,
            1 => list.retain(|a| *a != Attr::ContentType),
            2 => list.retain(|a| *a != Attr::MessageDigest),
            3 => list.retain(|a| matches!(a, Attr::ContentType | Attr::MessageDigest)),
            4 => list.push(Attr::MessageDigest),
            // Sent unsorted, signed over the DER re-encoding.
            5 => {
                list.reverse();
                sg.attrs_sorted = false;
            }
            // Sent unsorted, signed as sent.
            6 => {
                list.reverse();
                sg.attrs_sorted = false;
                sg.sign_over = SignOver::AsSent;
            }
            7 => list.push(Attr::Raw {
                oid: oids::CONTENT_TYPE,
                values: vec![der::oid(other)],
            }),
            8 => {
                list.retain(|a| *a != Attr::ContentType);
                list.push(Attr::Raw {
                    oid: oids::CONTENT_TYPE,
                    values: vec![der::oid(other)],
                });
            }
            9 => list.push(Attr::Raw {
                oid: oids::SMIME_CAPS,
                values: vec![der::seq(&[
                    &der::seq(&[&der::oid("2.16.840.1.101.3.4.1.42")]),
                    &der::seq(&[&der::oid("1.2.840.113549.3.7")]),
                ])],
            }),
            // A multi-valued attribute sent unsorted: OpenSSL signs over sorted values.
            10 => {
                list.push(Attr::Raw {
                    oid: "1.2.3.4.99",
                    values: vec![der::octets(b"zz"), der::int(1)],
                });
                sg.attrs_sorted = false;
            }
            11 => list.push(Attr::Raw {
                oid: oids::SIGNING_TIME,
                values: vec![der::tlv(tag::GENERALIZED_TIME, b"20250101000000Z")],
            }),
            12 => list.push(Attr::Raw {
                oid: oids::MESSAGE_DIGEST,
                values: vec![der::octets(&[0; 32])],
            }),
            13 => list.clear(),
            14 => list.push(Attr::Raw {
                oid: "1.2.3.4.98",
                values: vec![],
            }),
            _ => {
                sg.unsigned_attrs = Some(vec![Attr::Raw {
                    oid: oids::SIGNING_TIME,
                    values: vec![utc("250101000000Z")],
                }]);
            }
        }
    })
}

fn content(rng: &mut Rng) -> Mutation {
    let how = rng.below(6);
    let chunk = 1 + rng.below(40);
    let len = rng.below(3000);
    let bytes = rng.bytes(len);
    Mutation::new(
        "msg.content",
        format!("form {how} chunk {chunk} len {len}"),
        move |s| match how {
            0 => {
                s.msg.content_form = ContentForm::Constructed {
                    chunk,
                    indefinite: false,
                }
            }
            1 => {
                s.msg.content_form = ContentForm::Constructed {
                    chunk,
                    indefinite: true,
                }
            }
            2 => s.msg.content_form = ContentForm::Detached,
            3 => s.msg.content.clear(),
            4 => s.msg.content = bytes.clone(),
            _ => s.msg.content.extend_from_slice(b"\r\n\0trailing"),
        },
    )
}

fn econtent_type(rng: &mut Rng) -> Mutation {
    let oid = *rng.pick(&[
        "1.2.840.113549.1.9.16.1.4",
        "1.2.840.113549.1.7.5",
        "1.2.3.4",
        oids::SIGNED_DATA,
        "1.2.840.113549.1.9.16.1.1",
    ]);
    let outer = rng.one_in(4);
    Mutation::new(
        "msg.content_type",
        format!("{oid} outer {outer}"),
        move |s| {
            if outer {
                s.msg.content_info_type = oid;
            } else {
                s.msg.econtent_type = oid;
            }
        },
    )
}

fn ber(_rng: &mut Rng) -> Mutation {
    Mutation::new("msg.ber_indefinite", "", |s| s.msg.indefinite = true)
}

fn versions(rng: &mut Rng) -> Mutation {
    let v = *rng.pick(&[0u64, 1, 2, 3, 4, 5, 200]);
    let signer = rng.one_in(2);
    Mutation::new("msg.version", format!("signer {signer} v{v}"), move |s| {
        if signer {
            if let Some(sg) = s.msg.signers.first_mut() {
                sg.version = v;
            }
        } else {
            s.msg.version = v;
        }
    })
}

fn signers(rng: &mut Rng) -> Mutation {
    let how = rng.below(5);
    let h = *rng.pick(&[Hash::Sha256, Hash::Sha384, Hash::Sha1]);
    Mutation::new(
        "msg.signers",
        format!("form {how} {h:?}"),
        move |s| match how {
            0 => s.msg.signers.clear(),
            1 => {
                if let Some(mut sg) = s.msg.signers.first().cloned() {
                    sg.hash = h;
                    s.msg.signers.push(sg);
                }
            }
            // A second signer whose signature is wrong.
            2 => {
                if let Some(mut sg) = s.msg.signers.first().cloned() {
                    sg.key = Some(KeyId::P256C);
                    s.msg.signers.push(sg);
                }
            }
            // A second signer: the intermediate CA's key.
            3 => {
                if let Some(mut sg) = s.msg.signers.first().cloned() {
                    sg.cert = INTER;
                    s.msg.signers.push(sg);
                }
            }
            _ => {
                if let Some(sg) = s.msg.signers.first_mut() {
                    sg.key = Some(KeyId::P256C);
                }
            }
        },
    )
}

fn cert_entries(rng: &mut Rng) -> Mutation {
    let how = rng.below(4);
    Mutation::new(
        "msg.cert_entries",
        format!("form {how}"),
        move |s| match how {
            0 => s.msg.empty_certs_field = true,
            1 => s.msg.certs.extend([INTER, INTER]),
            // An attribute certificate ([2] v2AttrCert) OpenSSL keeps but ignores.
            2 => s
                .msg
                .extra_cert_entries
                .push(der::tlv(der::ctx(2, true), &der::seq(&[&der::int(1)]))),
            // OtherCertificateFormat ([3] IMPLICIT SEQUENCE { OID, ANY }).
            _ => s.msg.extra_cert_entries.push(der::tlv(
                der::ctx(3, true),
                &[der::oid("1.2.3.4"), der::null()].concat(),
            )),
        },
    )
}
