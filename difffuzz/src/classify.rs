//! Classifies a disagreement: each documented deliberate difference of
//! docs/compatibility.md is a named rule with its item number, decided by a
//! counterfactual re-run where one exists (the rule explains the case only
//! if removing what it names makes the verdicts agree) and otherwise by a
//! narrow predicate on the case. Anything no rule explains is a finding.

use cmsverify::AlgorithmPolicy;

use crate::baseline::oids;
use crate::keys::KeyId;
use crate::model::{Attr, Crit, Ext, ExtValue, Scenario};
use crate::oracle::{agree, cmsverify_verdict, openssl_verdict, Class, Verdict};
use crate::sign::Signing;

/// A documented deliberate difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rule {
    /// The item of docs/compatibility.md, "Deliberate differences".
    pub item: u8,
    pub name: &'static str,
}

/// The rules, in the order they are tried.
pub const RULES: [Rule; 10] = [
    Rule {
        item: 5,
        name: "weak-algorithm-refused",
    },
    Rule {
        item: 4,
        name: "ed25519-signer-accepted",
    },
    Rule {
        item: 4,
        name: "dsa-refused",
    },
    Rule {
        item: 6,
        name: "content-type-attribute-must-equal",
    },
    Rule {
        item: 7,
        name: "other-name-constraint-forms-fail-closed",
    },
    Rule {
        item: 2,
        name: "certfile-certs-are-intermediates",
    },
    Rule {
        item: 3,
        name: "every-candidate-tried",
    },
    Rule {
        item: 4,
        name: "other-curves-refused",
    },
    Rule {
        item: 7,
        name: "subtree-minimum-fails-closed",
    },
    Rule {
        item: 11,
        name: "other-cms-type-not-parsed",
    },
];

fn is(theirs: &Verdict, ours: &Verdict, t: Class, o: Class) -> bool {
    theirs.class == t && ours.class == o
}

fn keys_in_use(s: &Scenario) -> Vec<KeyId> {
    let mut keys: Vec<KeyId> = (0..s.certs.len())
        .flat_map(|i| [s.certs[i].key, s.cert_signing_key(i)])
        .collect();
    keys.extend(s.msg.signers.iter().map(|sg| s.signer_key(sg)));
    keys
}

/// True when `v` starts with a whole definite-length TLV (short or 1-byte
/// long form); bytes after it are ignored, as OpenSSL's extension decoding
/// ignores them.
fn starts_with_tlv(v: &[u8]) -> bool {
    match v.get(1) {
        Some(&l) if l < 0x80 => v.len() >= 2 + usize::from(l),
        Some(0x81) => v.get(2).is_some_and(|&l| v.len() >= 3 + usize::from(l)),
        _ => false,
    }
}

fn has_other_nc_form(s: &Scenario) -> bool {
    s.certs
        .iter()
        .flat_map(|c| c.extensions.iter().flatten())
        .any(|e| {
            e.oid == oids::NAME_CONSTRAINTS
                && matches!(&e.value, ExtValue::Raw(v) if starts_with_tlv(v)
                && v.windows(2).any(|w| w == [0x87, 0x08] || w == [0x86, 0x0C]))
        })
}

/// A nameConstraints subtree with `minimum 1` (`[0] 01`), as the
/// generator writes it.
fn has_nc_subtree_minimum(s: &Scenario) -> bool {
    s.certs
        .iter()
        .flat_map(|c| c.extensions.iter().flatten())
        .any(|e| {
            e.oid == oids::NAME_CONSTRAINTS
                && matches!(&e.value, ExtValue::Raw(v) if v.windows(3).any(|w| w == [0x80, 0x01, 0x01]))
        })
}

/// Certificates whose issuer name is also the subject of a certificate
/// other than the one that signed them.
fn ambiguous_issuer_names(s: &Scenario) -> Vec<usize> {
    (0..s.certs.len())
        .filter(|&k| {
            let issuer = s.issuer_name(k).encode();
            let signed_by = s.certs[k].signed_by;
            s.certs
                .iter()
                .enumerate()
                .any(|(j, c)| j != signed_by && j != k && c.subject.encode() == issuer)
        })
        .collect()
}

fn content_type_differs(s: &Scenario) -> bool {
    s.msg.signers.iter().any(|sg| {
        sg.signed_attrs
            .iter()
            .flatten()
            .any(|a| matches!(a, Attr::Raw { oid, .. } if *oid == oids::CONTENT_TYPE))
    })
}

/// The rule that explains the disagreement of `s`, if any.
pub fn classify(
    s: &Scenario,
    theirs: &Verdict,
    ours: &Verdict,
    signing: &mut Signing,
) -> Option<Rule> {
    if ours.class == Class::Panic {
        return None;
    }
    let keys = keys_in_use(s);
    // 5: MD5 and RSA keys under 1024 bits (AlgorithmPolicy re-allows them).
    if is(theirs, ours, Class::Ok, Class::Verify) {
        let again = cmsverify_verdict(&s.encode(signing), AlgorithmPolicy::openssl_compatible());
        if agree(theirs, &again) {
            return Some(RULES[0]);
        }
    }
    // 4: Ed25519 signers verify; OpenSSL 3.0 cannot verify them in CMS.
    let ed_signer = s
        .msg
        .signers
        .iter()
        .any(|sg| s.signer_key(sg) == KeyId::Ed25519);
    if ed_signer && is(theirs, ours, Class::Verify, Class::Ok) {
        return Some(RULES[1]);
    }
    // 4: DSA keys are refused as unsupported.
    if keys.contains(&KeyId::Dsa) && is(theirs, ours, Class::Ok, Class::Verify) {
        return Some(RULES[2]);
    }
    // 4: EC keys on curves other than P-256, P-384 and P-521.
    let other_curve = keys.contains(&KeyId::Secp256k1) || keys.contains(&KeyId::Brainpool256);
    if other_curve && is(theirs, ours, Class::Ok, Class::Verify) {
        return Some(RULES[7]);
    }
    // 11: a ContentInfo of another CMS type is "not SignedData" (4) without
    // its content being parsed as that type (OpenSSL: 2 when it does not).
    if s.msg.content_info_type != oids::SIGNED_DATA && is(theirs, ours, Class::Parse, Class::Verify)
    {
        return Some(RULES[9]);
    }
    // 6: the contentType attribute must equal eContentType.
    if content_type_differs(s) && is(theirs, ours, Class::Ok, Class::Verify) {
        return Some(RULES[3]);
    }
    // 7: name constraints of forms other than directoryName, rfc822Name, dNSName.
    if has_other_nc_form(s) && is(theirs, ours, Class::Ok, Class::Verify) {
        return Some(RULES[4]);
    }
    // 7: a subtree with a minimum other than 0 fails closed.
    if has_nc_subtree_minimum(s) && is(theirs, ours, Class::Ok, Class::Verify) {
        return Some(RULES[8]);
    }
    if is(theirs, ours, Class::Verify, Class::Ok) {
        // 2: certfile certificates are intermediates (OpenSSL 3.2+): embed
        // the certfile in the message too and OpenSSL 3.0 must agree.
        let mut with = s.clone();
        for &i in &s.certfile {
            if !with.msg.certs.contains(&i) {
                with.msg.certs.push(i);
            }
        }
        if agree(&openssl_verdict(&with.encode(signing)), ours) {
            return Some(RULES[5]);
        }
        // 3: every candidate is tried: drop the extra copies (the duplicates
        // of a certificate's name or identifier) and OpenSSL must agree.
        let mut without = s.clone();
        for list in [
            &mut without.cafile,
            &mut without.certfile,
            &mut without.msg.certs,
        ] {
            list.retain(|&i| i < 3);
        }
        let duplicates = s.certs.len() > 3 || s.msg.certs.windows(2).any(|w| w[0] == w[1]);
        if duplicates && agree(&openssl_verdict(&without.encode(signing)), ours) {
            return Some(RULES[6]);
        }
        // ... or put the copies first, and OpenSSL must agree.
        let mut first = s.clone();
        for list in [&mut first.cafile, &mut first.certfile, &mut first.msg.certs] {
            list.sort_by_key(|&i| i < 3);
        }
        if duplicates && agree(&openssl_verdict(&first.encode(signing)), ours) {
            return Some(RULES[6]);
        }
        // ... or two certificates share a subject name, so a certificate's
        // issuer name also names one that did not sign it, and OpenSSL 3.0
        // commits to the first it finds (the trusted store first): give
        // each such certificate without an AKID the AKID of its issuer's key
        // (names unchanged) and OpenSSL must agree.
        let mut with_akid = s.clone();
        let mut added = false;
        for k in ambiguous_issuer_names(s) {
            let exts = with_akid.certs[k].extensions.get_or_insert_with(Vec::new);
            if !exts.iter().any(|e| e.oid == oids::AKID) {
                exts.push(Ext {
                    oid: oids::AKID,
                    crit: Crit::Absent,
                    value: ExtValue::Akid,
                });
                added = true;
            }
        }
        if added && agree(&openssl_verdict(&with_akid.encode(signing)), ours) {
            return Some(RULES[6]);
        }
        // A copy of the signer certificate (same issuer and serial, another
        // key) that OpenSSL 3.0 commits to where no reordering helps: two
        // SignerInfos with one identifier need both certificates, or the
        // copy is the only certfile certificate (removing it would leave
        // no certfile).
        let copies = s
            .certs
            .iter()
            .skip(3)
            .any(|c| c.serial == s.certs[crate::model::LEAF].serial);
        if copies {
            return Some(RULES[6]);
        }
    }
    None
}
