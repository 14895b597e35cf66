//! The case model: a certificate hierarchy and a SignedData message as
//! editable fields, and their encoding (re-signing whatever changed).
//!
//! Cross-references (issuer names, authority key identifiers, signer
//! identifiers, message digests, signatures) are computed at encoding time,
//! so a mutation of one field keeps every other field consistent unless the
//! mutation overrides it on purpose.

use crate::der::{self, tag};
use crate::keys::{self, Hash, KeyId, Scheme};
use crate::sign::Signing;

/// Index of the root in [`Scenario::certs`].
pub const ROOT: usize = 0;
/// Index of the intermediate CA.
pub const INTER: usize = 1;
/// Index of the signer (leaf) certificate.
pub const LEAF: usize = 2;

/// One AttributeTypeAndValue: OID, string tag and raw value octets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atv {
    pub oid: &'static str,
    pub tag: u8,
    pub value: Vec<u8>,
}

/// A Name: a sequence of RDNs, each a set of AttributeTypeAndValues.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Name(pub Vec<Vec<Atv>>);

impl Name {
    /// A name of single-valued RDNs.
    pub fn simple(parts: &[(&'static str, u8, &str)]) -> Name {
        Name(
            parts
                .iter()
                .map(|&(oid, tag, v)| {
                    vec![Atv {
                        oid,
                        tag,
                        value: v.as_bytes().to_vec(),
                    }]
                })
                .collect(),
        )
    }

    /// DER (each RDN's SET sorted).
    pub fn encode(&self) -> Vec<u8> {
        let rdns: Vec<u8> = self
            .0
            .iter()
            .flat_map(|rdn| {
                let atvs: Vec<Vec<u8>> = rdn
                    .iter()
                    .map(|a| der::seq(&[&der::oid(a.oid), &der::tlv(a.tag, &a.value)]))
                    .collect();
                der::set_sorted(&atvs)
            })
            .collect();
        der::tlv(tag::SEQUENCE, &rdns)
    }
}

/// How an extension's `critical` field is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Crit {
    /// Absent (DEFAULT FALSE).
    Absent,
    /// TRUE.
    True,
    /// An explicit FALSE (invalid DER, valid BER).
    ExplicitFalse,
}

/// An extension's value: raw DER or computed from the keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtValue {
    /// The extnValue contents as given.
    Raw(Vec<u8>),
    /// subjectKeyIdentifier of the certificate's own key.
    Skid,
    /// authorityKeyIdentifier with the issuer key's identifier.
    Akid,
}

/// One extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ext {
    pub oid: &'static str,
    pub crit: Crit,
    pub value: ExtValue,
}

/// A certificate, as fields.
#[derive(Debug, Clone)]
pub struct CertSpec {
    /// The version INTEGER's encoding inside `[0]`; `None`: omitted (v1).
    pub version: Option<Vec<u8>>,
    /// The serialNumber INTEGER's content octets, as written.
    pub serial: Vec<u8>,
    pub subject: Name,
    /// `None`: the subject of the issuing certificate.
    pub issuer: Option<Name>,
    /// notBefore and notAfter, complete TLVs.
    pub not_before: Vec<u8>,
    pub not_after: Vec<u8>,
    /// The certified key.
    pub key: KeyId,
    /// Replaces the AlgorithmIdentifier inside the SubjectPublicKeyInfo.
    pub spki_alg: Option<Vec<u8>>,
    /// Index of the issuing certificate in [`Scenario::certs`] (itself for a root).
    pub signed_by: usize,
    /// Signs with this key instead of the issuer's.
    pub sign_key: Option<KeyId>,
    pub hash: Hash,
    pub scheme: Scheme,
    /// Replaces the signature algorithm inside TBSCertificate.
    pub tbs_sig_alg: Option<Vec<u8>>,
    /// Replaces the signature algorithm outside TBSCertificate.
    pub outer_sig_alg: Option<Vec<u8>>,
    pub issuer_uid: Option<Vec<u8>>,
    pub subject_uid: Option<Vec<u8>>,
    /// `None`: no `[3]` at all.
    pub extensions: Option<Vec<Ext>>,
    /// The TBSCertificate's length written in non-minimal long form (BER),
    /// signed as written.
    pub tbs_long_length: bool,
}

/// A signed attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attr {
    /// contentType equal to eContentType.
    ContentType,
    /// messageDigest of the content with the signer's digest.
    MessageDigest,
    /// Any attribute: OID and its values (TLVs), written in this order.
    Raw {
        oid: &'static str,
        values: Vec<Vec<u8>>,
    },
}

/// How the signer is identified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sid {
    /// issuerAndSerialNumber of the signer certificate.
    IssuerSerial,
    /// subjectKeyIdentifier `[0]` of the signer key.
    Ski,
    /// issuerAndSerialNumber with these fields.
    IssuerSerialRaw { issuer: Name, serial: Vec<u8> },
    /// subjectKeyIdentifier with these octets.
    SkiRaw(Vec<u8>),
}

/// What the signature over the signed attributes covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignOver {
    /// The DER re-encoding (attributes and each attribute's values sorted).
    Der,
    /// The bytes as sent, retagged as SET.
    AsSent,
}

/// One SignerInfo.
#[derive(Debug, Clone)]
pub struct SignerSpec {
    pub version: u64,
    pub sid: Sid,
    /// The certificate the signer claims; its key signs unless `key` is set.
    pub cert: usize,
    pub key: Option<KeyId>,
    pub hash: Hash,
    pub scheme: Scheme,
    /// Replaces the digestAlgorithm.
    pub digest_alg: Option<Vec<u8>>,
    /// Replaces the signatureAlgorithm.
    pub sig_alg: Option<Vec<u8>>,
    /// `None`: no signed attributes (the signature covers the content).
    pub signed_attrs: Option<Vec<Attr>>,
    /// Send the signed attributes sorted (DER) rather than in list order.
    pub attrs_sorted: bool,
    pub sign_over: SignOver,
    pub unsigned_attrs: Option<Vec<Attr>>,
}

/// How the eContent OCTET STRING is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentForm {
    Der,
    /// Constructed, in chunks of this many bytes.
    Constructed {
        chunk: usize,
        indefinite: bool,
    },
    /// Absent: a detached signature with no content given.
    Detached,
}

/// The SignedData message.
#[derive(Debug, Clone)]
pub struct MessageSpec {
    pub content_info_type: &'static str,
    pub version: u64,
    /// `None`: one entry per distinct signer digestAlgorithm.
    pub digest_algs: Option<Vec<Vec<u8>>>,
    pub econtent_type: &'static str,
    pub content: Vec<u8>,
    pub content_form: ContentForm,
    /// Certificates embedded in `[0]`, as indices of [`Scenario::certs`].
    pub certs: Vec<usize>,
    /// Extra raw entries appended to `[0]` (not certificates).
    pub extra_cert_entries: Vec<Vec<u8>>,
    /// Write an empty `[0]` when no certificate is embedded.
    pub empty_certs_field: bool,
    pub signers: Vec<SignerSpec>,
    /// Indefinite lengths on ContentInfo, `[0]`, SignedData and encapContentInfo.
    pub indefinite: bool,
}

/// A whole case: certificates, where they are given, and the message.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub certs: Vec<CertSpec>,
    pub cafile: Vec<usize>,
    pub certfile: Vec<usize>,
    pub msg: MessageSpec,
}

/// A scenario as bytes: the inputs of both verifiers.
#[derive(Debug, Clone)]
pub struct Encoded {
    pub message: Vec<u8>,
    pub certfile: Vec<Vec<u8>>,
    pub cafile: Vec<Vec<u8>>,
}

/// `spki` with its AlgorithmIdentifier replaced by `alg` (if given).
fn spki_with_alg(spki: &[u8], alg: Option<&[u8]>) -> Vec<u8> {
    let parts = der::content_of(spki).and_then(der::split_tlvs);
    match (alg, parts.as_deref()) {
        (Some(alg), Some([_, key])) => der::seq(&[alg, key]),
        _ => spki.to_vec(),
    }
}

impl Scenario {
    /// The key that signs certificate `i`.
    pub fn cert_signing_key(&self, i: usize) -> KeyId {
        let c = &self.certs[i];
        c.sign_key
            .unwrap_or_else(|| self.certs.get(c.signed_by).map_or(c.key, |s| s.key))
    }

    /// The key that signs for signer `s`.
    pub fn signer_key(&self, s: &SignerSpec) -> KeyId {
        s.key
            .unwrap_or_else(|| self.certs.get(s.cert).map_or(KeyId::RsaA, |c| c.key))
    }

    /// The issuer name written in certificate `i`.
    pub fn issuer_name(&self, i: usize) -> Name {
        let c = &self.certs[i];
        c.issuer.clone().unwrap_or_else(|| {
            self.certs
                .get(c.signed_by)
                .map_or_else(Name::default, |s| s.subject.clone())
        })
    }

    /// Encodes everything, signing with `signing`.
    pub fn encode(&self, signing: &mut Signing) -> Encoded {
        let ders: Vec<Vec<u8>> = (0..self.certs.len())
            .map(|i| self.encode_cert(i, signing))
            .collect();
        let pick = |list: &[usize]| list.iter().filter_map(|&i| ders.get(i).cloned()).collect();
        Encoded {
            message: self.encode_message(&ders, signing),
            certfile: pick(&self.certfile),
            cafile: pick(&self.cafile),
        }
    }

    fn encode_ext(&self, i: usize, e: &Ext, signing: &Signing) -> Vec<u8> {
        let c = &self.certs[i];
        let value = match &e.value {
            ExtValue::Raw(v) => v.clone(),
            ExtValue::Skid => der::octets(&signing.pool.key(c.key).ski),
            ExtValue::Akid => {
                let issuer_key = self.certs.get(c.signed_by).map_or(c.key, |s| s.key);
                der::seq(&[&der::tlv(
                    der::ctx(0, false),
                    &signing.pool.key(issuer_key).ski,
                )])
            }
        };
        let crit = match e.crit {
            Crit::Absent => Vec::new(),
            Crit::True => der::boolean(true),
            Crit::ExplicitFalse => der::boolean(false),
        };
        der::seq(&[&der::oid(e.oid), &crit, &der::octets(&value)])
    }

    fn encode_cert(&self, i: usize, signing: &mut Signing) -> Vec<u8> {
        let c = &self.certs[i];
        let key = self.cert_signing_key(i);
        let alg = keys::signature_algorithm(key, c.hash, c.scheme);
        let inner_alg = c.tbs_sig_alg.clone().unwrap_or_else(|| alg.clone());
        let outer_alg = c.outer_sig_alg.clone().unwrap_or_else(|| inner_alg.clone());
        let version = c
            .version
            .as_ref()
            .map(|v| der::tlv(der::ctx(0, true), v))
            .unwrap_or_default();
        let spki = spki_with_alg(&signing.pool.key(c.key).spki, c.spki_alg.as_deref());
        let uid = |n: u8, u: &Option<Vec<u8>>| {
            u.as_ref()
                .map(|u| {
                    let mut b = vec![0];
                    b.extend_from_slice(u);
                    der::tlv(der::ctx(n, false), &b)
                })
                .unwrap_or_default()
        };
        let exts = c
            .extensions
            .as_ref()
            .map(|list| {
                let body: Vec<u8> = list
                    .iter()
                    .flat_map(|e| self.encode_ext(i, e, signing))
                    .collect();
                der::tlv(der::ctx(3, true), &der::tlv(tag::SEQUENCE, &body))
            })
            .unwrap_or_default();
        let body = der::cat(&[
            &version,
            &der::tlv(tag::INTEGER, &c.serial),
            &inner_alg,
            &self.issuer_name(i).encode(),
            &der::seq(&[&c.not_before, &c.not_after]),
            &c.subject.encode(),
            &spki,
            &uid(1, &c.issuer_uid),
            &uid(2, &c.subject_uid),
            &exts,
        ]);
        let tbs = if c.tbs_long_length {
            der::tlv_long_length(tag::SEQUENCE, &body)
        } else {
            der::tlv(tag::SEQUENCE, &body)
        };
        let sig = signing.sign(key, c.hash, c.scheme, &tbs);
        der::seq(&[&tbs, &outer_alg, &der::bits(&sig)])
    }

    fn encode_attr(&self, a: &Attr, s: &SignerSpec, sorted_values: bool) -> Vec<u8> {
        let (oid, values) = match a {
            Attr::ContentType => (
                "1.2.840.113549.1.9.3",
                vec![der::oid(self.msg.econtent_type)],
            ),
            Attr::MessageDigest => (
                "1.2.840.113549.1.9.4",
                vec![der::octets(&s.hash.digest(&self.msg.content))],
            ),
            Attr::Raw { oid, values } => (*oid, values.clone()),
        };
        let set = if sorted_values {
            der::set_sorted(&values)
        } else {
            der::set_as_is(&values)
        };
        der::seq(&[&der::oid(oid), &set])
    }

    fn encode_signer(&self, s: &SignerSpec, signing: &mut Signing) -> Vec<u8> {
        let key = self.signer_key(s);
        let cert = self.certs.get(s.cert);
        let sid = match &s.sid {
            Sid::IssuerSerial => der::seq(&[
                &self.issuer_name(s.cert.min(self.certs.len() - 1)).encode(),
                &der::tlv(tag::INTEGER, cert.map_or(&[1u8][..], |c| &c.serial)),
            ]),
            Sid::Ski => der::tlv(
                der::ctx(0, false),
                &signing.pool.key(cert.map_or(key, |c| c.key)).ski,
            ),
            Sid::IssuerSerialRaw { issuer, serial } => {
                der::seq(&[&issuer.encode(), &der::tlv(tag::INTEGER, serial)])
            }
            Sid::SkiRaw(v) => der::tlv(der::ctx(0, false), v),
        };
        let digest_alg = s
            .digest_alg
            .clone()
            .unwrap_or_else(|| keys::digest_algorithm(s.hash));
        let sig_alg = s
            .sig_alg
            .clone()
            .unwrap_or_else(|| keys::signature_algorithm(key, s.hash, s.scheme));
        let (attrs_field, signature) = match &s.signed_attrs {
            None => (
                Vec::new(),
                signing.sign(key, s.hash, s.scheme, &self.msg.content),
            ),
            Some(attrs) => {
                let sent: Vec<Vec<u8>> = attrs
                    .iter()
                    .map(|a| self.encode_attr(a, s, s.attrs_sorted))
                    .collect();
                let sent_body = if s.attrs_sorted {
                    let mut sorted = sent.clone();
                    sorted.sort();
                    sorted.concat()
                } else {
                    sent.concat()
                };
                let to_sign = match s.sign_over {
                    SignOver::AsSent => der::tlv(tag::SET, &sent_body),
                    SignOver::Der => der::set_sorted(
                        &attrs
                            .iter()
                            .map(|a| self.encode_attr(a, s, true))
                            .collect::<Vec<_>>(),
                    ),
                };
                (
                    der::tlv(der::ctx(0, true), &sent_body),
                    signing.sign(key, s.hash, s.scheme, &to_sign),
                )
            }
        };
        let unsigned = s
            .unsigned_attrs
            .as_ref()
            .map(|attrs| {
                let body: Vec<u8> = attrs
                    .iter()
                    .flat_map(|a| self.encode_attr(a, s, true))
                    .collect();
                der::tlv(der::ctx(1, true), &body)
            })
            .unwrap_or_default();
        der::seq(&[
            &der::int(s.version),
            &sid,
            &digest_alg,
            &attrs_field,
            &sig_alg,
            &der::octets(&signature),
            &unsigned,
        ])
    }

    fn encode_message(&self, ders: &[Vec<u8>], signing: &mut Signing) -> Vec<u8> {
        let m = &self.msg;
        let indef = m.indefinite;
        let digest_algs = m.digest_algs.clone().unwrap_or_else(|| {
            let mut algs: Vec<Vec<u8>> = Vec::new();
            for s in &m.signers {
                let a = s
                    .digest_alg
                    .clone()
                    .unwrap_or_else(|| keys::digest_algorithm(s.hash));
                if !algs.contains(&a) {
                    algs.push(a);
                }
            }
            algs
        });
        let econtent = match m.content_form {
            ContentForm::Der => der::cons(der::ctx(0, true), &der::octets(&m.content), indef),
            ContentForm::Constructed { chunk, indefinite } => der::cons(
                der::ctx(0, true),
                &der::octets_constructed(&m.content, chunk, indefinite),
                indef || indefinite,
            ),
            ContentForm::Detached => Vec::new(),
        };
        let encap = der::cons(
            tag::SEQUENCE,
            &der::cat(&[&der::oid(m.econtent_type), &econtent]),
            indef,
        );
        let mut cert_entries: Vec<u8> = m
            .certs
            .iter()
            .filter_map(|&i| ders.get(i))
            .flat_map(|d| d.iter().copied())
            .collect();
        for e in &m.extra_cert_entries {
            cert_entries.extend_from_slice(e);
        }
        let certs = if cert_entries.is_empty() && !m.empty_certs_field {
            Vec::new()
        } else {
            der::cons(der::ctx(0, true), &cert_entries, indef)
        };
        let signers: Vec<u8> = m
            .signers
            .iter()
            .flat_map(|s| self.encode_signer(s, signing))
            .collect();
        let sd = der::cons(
            tag::SEQUENCE,
            &der::cat(&[
                &der::int(m.version),
                &der::set_as_is(&digest_algs),
                &encap,
                &certs,
                &der::tlv(tag::SET, &signers),
            ]),
            indef,
        );
        der::cons(
            tag::SEQUENCE,
            &der::cat(&[
                &der::oid(m.content_info_type),
                &der::cons(der::ctx(0, true), &sd, indef),
            ]),
            indef,
        )
    }
}
