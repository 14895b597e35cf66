//! The canonical scenario every case starts from: a Keystone-like
//! root -> intermediate -> signer hierarchy on RSA keys: a 2048-bit root,
//! and 1024-bit intermediate and signer, because those two re-sign in most
//! cases and RSA-1024 signs five times faster (verifying RSA is cheap on
//! both sides; mutations bring in the other keys and curves), the signer
//! in the certfile, the intermediate embedded, signed attributes. Both
//! verifiers accept it (checked at start-up).

use crate::der::{self, tag};
use crate::keys::{Hash, KeyId, Scheme};
use crate::model::*;

/// OIDs of the attributes and extensions the builders use.
pub mod oids {
    pub const C: &str = "2.5.4.6";
    pub const O: &str = "2.5.4.10";
    pub const CN: &str = "2.5.4.3";
    pub const EMAIL: &str = "1.2.840.113549.1.9.1";
    pub const BASIC_CONSTRAINTS: &str = "2.5.29.19";
    pub const KEY_USAGE: &str = "2.5.29.15";
    pub const EXT_KEY_USAGE: &str = "2.5.29.37";
    pub const SKID: &str = "2.5.29.14";
    pub const AKID: &str = "2.5.29.35";
    pub const SAN: &str = "2.5.29.17";
    pub const IAN: &str = "2.5.29.18";
    pub const NAME_CONSTRAINTS: &str = "2.5.29.30";
    pub const CERT_POLICIES: &str = "2.5.29.32";
    pub const POLICY_CONSTRAINTS: &str = "2.5.29.36";
    pub const INHIBIT_ANY: &str = "2.5.29.54";
    pub const CRL_DP: &str = "2.5.29.31";
    pub const FRESHEST_CRL: &str = "2.5.29.46";
    pub const AIA: &str = "1.3.6.1.5.5.7.1.1";
    pub const NS_CERT_TYPE: &str = "2.16.840.1.113730.1.1";
    pub const NS_COMMENT: &str = "2.16.840.1.113730.1.13";
    pub const PROXY_CERT_INFO: &str = "1.3.6.1.5.5.7.1.14";
    pub const IP_ADDR_BLOCKS: &str = "1.3.6.1.5.5.7.1.7";
    pub const AS_IDS: &str = "1.3.6.1.5.5.7.1.8";
    pub const TLS_FEATURE: &str = "1.3.6.1.5.5.7.1.24";
    pub const PRIVATE_KEY_USAGE: &str = "2.5.29.16";
    pub const EKU_EMAIL: &str = "1.3.6.1.5.5.7.3.4";
    pub const EKU_CLIENT: &str = "1.3.6.1.5.5.7.3.2";
    pub const EKU_SERVER: &str = "1.3.6.1.5.5.7.3.1";
    pub const EKU_ANY: &str = "2.5.29.37.0";
    pub const EKU_CODE: &str = "1.3.6.1.5.5.7.3.3";
    pub const DATA: &str = "1.2.840.113549.1.7.1";
    pub const SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
    pub const CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
    pub const MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
    pub const SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
    pub const SMIME_CAPS: &str = "1.2.840.113549.1.9.15";
}

/// An extension with its DER value.
pub fn ext(oid: &'static str, crit: bool, value: Vec<u8>) -> Ext {
    Ext {
        oid,
        crit: if crit { Crit::True } else { Crit::Absent },
        value: ExtValue::Raw(value),
    }
}

/// basicConstraints CA:TRUE with an optional pathLenConstraint.
pub fn ca_constraints(path_len: Option<u64>) -> Vec<u8> {
    let pl = path_len.map(der::int).unwrap_or_default();
    der::seq(&[&der::boolean(true), &pl])
}

/// The validity bounds of the baseline (far from any run's clock).
pub fn utc(text: &str) -> Vec<u8> {
    der::tlv(tag::UTC_TIME, text.as_bytes())
}

fn ca(subject: Name, key: KeyId, signed_by: usize, serial: u8) -> CertSpec {
    CertSpec {
        version: Some(der::int(2)),
        serial: vec![0x10, serial],
        subject,
        issuer: None,
        not_before: utc("200101000000Z"),
        not_after: utc("400101000000Z"),
        key,
        spki_alg: None,
        signed_by,
        sign_key: None,
        hash: Hash::Sha256,
        scheme: Scheme::Plain,
        tbs_sig_alg: None,
        outer_sig_alg: None,
        issuer_uid: None,
        subject_uid: None,
        extensions: Some(vec![
            ext(oids::BASIC_CONSTRAINTS, true, ca_constraints(None)),
            ext(oids::KEY_USAGE, true, der::named_bits(&[5, 6])),
            Ext {
                oid: oids::SKID,
                crit: Crit::Absent,
                value: ExtValue::Skid,
            },
        ]),
        tbs_long_length: false,
    }
}

/// The baseline scenario.
pub fn scenario() -> Scenario {
    use tag::{PRINTABLE, UTF8};
    let root = ca(
        Name::simple(&[
            (oids::C, PRINTABLE, "US"),
            (oids::O, UTF8, "OpenStack"),
            (oids::CN, UTF8, "Fuzz Root CA"),
        ]),
        KeyId::RsaA,
        ROOT,
        1,
    );
    let mut inter = ca(
        Name::simple(&[
            (oids::C, PRINTABLE, "US"),
            (oids::O, UTF8, "OpenStack"),
            (oids::CN, UTF8, "Fuzz Intermediate CA"),
        ]),
        KeyId::Rsa1024,
        ROOT,
        2,
    );
    if let Some(exts) = inter.extensions.as_mut() {
        exts.push(Ext {
            oid: oids::AKID,
            crit: Crit::Absent,
            value: ExtValue::Akid,
        });
    }
    let mut leaf = ca(
        Name::simple(&[
            (oids::C, PRINTABLE, "US"),
            (oids::O, UTF8, "OpenStack"),
            (oids::CN, UTF8, "Keystone Signing"),
        ]),
        KeyId::Rsa1024B,
        INTER,
        3,
    );
    leaf.extensions = Some(vec![
        ext(oids::KEY_USAGE, true, der::named_bits(&[0, 1])),
        ext(
            oids::EXT_KEY_USAGE,
            false,
            der::seq(&[&der::oid(oids::EKU_EMAIL)]),
        ),
        Ext {
            oid: oids::SKID,
            crit: Crit::Absent,
            value: ExtValue::Skid,
        },
        Ext {
            oid: oids::AKID,
            crit: Crit::Absent,
            value: ExtValue::Akid,
        },
    ]);
    let signer = SignerSpec {
        version: 1,
        sid: Sid::IssuerSerial,
        cert: LEAF,
        key: None,
        hash: Hash::Sha256,
        scheme: Scheme::Plain,
        digest_alg: None,
        sig_alg: None,
        signed_attrs: Some(vec![
            Attr::ContentType,
            Attr::Raw {
                oid: oids::SIGNING_TIME,
                values: vec![utc("250101000000Z")],
            },
            Attr::MessageDigest,
        ]),
        attrs_sorted: true,
        sign_over: SignOver::Der,
        unsigned_attrs: None,
    };
    Scenario {
        certs: vec![root, inter, leaf],
        cafile: vec![ROOT],
        certfile: vec![LEAF],
        msg: MessageSpec {
            content_info_type: oids::SIGNED_DATA,
            version: 1,
            digest_algs: None,
            econtent_type: oids::DATA,
            content:
                br#"{"access":{"token":{"id":"placeholder","expires":"2038-01-01T00:00:00Z"}}}"#
                    .to_vec(),
            content_form: ContentForm::Der,
            certs: vec![INTER],
            extra_cert_entries: Vec::new(),
            empty_certs_field: false,
            signers: vec![signer],
            indefinite: false,
        },
    }
}
