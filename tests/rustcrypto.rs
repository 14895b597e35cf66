//! RustCrypto interoperability (feature `rustcrypto`, src/interop.rs):
//!
//! - messages built by `cms::builder::SignedDataBuilder` verify (RSA PKCS#1
//!   v1.5, RSA-PSS, ECDSA P-256 and P-384; certificates embedded or given to
//!   the verifier), with leaf certificates issued by `x509-cert`'s builder
//!   under tests/data/pki's intermediate CA;
//! - certificates convert both ways;
//! - every `Signer` output decodes with `cms` and carries what was asked for;
//! - `cms`/`x509-cert` act as a second, independent parser of every fixture
//!   certificate and message (tests/data/keystone, tests/data/scenarios):
//!   where `der`'s verdict differs from cmsverify's and OpenSSL's, the input
//!   must be listed in tests/data/rustcrypto/der-differences.tsv;
//! - the README's "Using RustCrypto types" sample.

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use cms::builder::{SignedDataBuilder, SignerInfoBuilder};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::ContentInfo;
use cms::signed_data::{EncapsulatedContentInfo, SignedData, SignerIdentifier};
use cmsverify::{DigestAlgorithm, ErrorClass, InputForm, InteropError, SignOptions, Verifier};
use const_oid::db::{rfc5911, rfc5912};
use const_oid::ObjectIdentifier;
use rsa::pkcs8::DecodePrivateKey;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::TbsCertificate;
use x509_cert::der::asn1::OctetString;
use x509_cert::der::{Any, Decode, DecodePem, Encode, EncodingRules};
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages,
    SubjectKeyIdentifier,
};
use x509_cert::ext::{Extension, ToExtension};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{
    AlgorithmIdentifierOwned, EncodePublicKey, SubjectPublicKeyInfo, SubjectPublicKeyInfoRef,
};
use x509_cert::time::{Time, Validity};

const PKI: &str = "tests/data/pki";
const KEYSTONE: &str = "tests/data/keystone";
const SCENARIOS: &str = "tests/data/scenarios";
const DIFFERENCES: &str = "tests/data/rustcrypto/der-differences.tsv";

fn x509_from_pem(path: &str) -> x509_cert::Certificate {
    x509_cert::Certificate::from_pem(std::fs::read(path).unwrap()).unwrap()
}

fn rsa_key(path: &str) -> rsa::PrivateKey {
    rsa::PrivateKey::from_pkcs8_pem(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

// ---------------------------------------------------------------------------
// A small PKI: tests/data/pki's root and intermediate (both RSA-2048) and leaf
// certificates issued here by x509-cert's builder.

/// An S/MIME signing leaf: keyUsage digitalSignature, extKeyUsage
/// emailProtection, basicConstraints CA:FALSE, key identifiers.
struct SmimeLeaf {
    issuer: Name,
    issuer_key_id: OctetString,
    subject: Name,
}

impl BuilderProfile for SmimeLeaf {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        let mut extensions = Vec::new();
        let subject = &tbs.subject().clone();
        extensions.push(
            BasicConstraints {
                ca: false,
                path_len_constraint: None,
            }
            .to_extension(subject, &extensions)?,
        );
        extensions
            .push(KeyUsage(KeyUsages::DigitalSignature.into()).to_extension(subject, &extensions)?);
        extensions.push(
            ExtendedKeyUsage(vec![rfc5912::ID_KP_EMAIL_PROTECTION])
                .to_extension(subject, &extensions)?,
        );
        extensions.push(SubjectKeyIdentifier::try_from(spk)?.to_extension(subject, &extensions)?);
        extensions.push(
            AuthorityKeyIdentifier {
                key_identifier: Some(self.issuer_key_id.clone()),
                ..Default::default()
            }
            .to_extension(subject, &extensions)?,
        );
        Ok(extensions)
    }
}

struct Pki {
    root: x509_cert::Certificate,
    intermediate: x509_cert::Certificate,
    intermediate_key: rsa::pkcs1v15::SigningKey<sha2::Sha256>,
}

impl Pki {
    fn load() -> Pki {
        Pki {
            root: x509_from_pem(&format!("{PKI}/root.pem")),
            intermediate: x509_from_pem(&format!("{PKI}/intermediate.pem")),
            intermediate_key: rsa::pkcs1v15::SigningKey::new(rsa_key(&format!(
                "{PKI}/intermediate.key"
            ))),
        }
    }

    /// A leaf for `public_key`, valid from an hour ago for a day.
    fn issue(
        &self,
        public_key: &impl EncodePublicKey,
        cn: &str,
        serial: u32,
    ) -> x509_cert::Certificate {
        let intermediate = self.intermediate.tbs_certificate();
        let (_, skid) = intermediate
            .get_extension::<SubjectKeyIdentifier>()
            .unwrap()
            .unwrap();
        let profile = SmimeLeaf {
            issuer: intermediate.subject().clone(),
            issuer_key_id: skid.0,
            subject: Name::from_str(&format!("CN={cn},O=cmsverify tests")).unwrap(),
        };
        let now = SystemTime::now();
        let validity = Validity::new(
            Time::try_from(now - Duration::from_secs(3600)).unwrap(),
            Time::try_from(now + Duration::from_secs(86_400)).unwrap(),
        );
        let spki = SubjectPublicKeyInfo::from_key(public_key).unwrap();
        CertificateBuilder::new(profile, SerialNumber::from(serial), validity, spki)
            .unwrap()
            .build::<_, rsa::pkcs1v15::Signature>(&self.intermediate_key)
            .unwrap()
    }

    /// A verifier trusting the root; `untrusted` are given as certfile.
    fn verifier(&self, untrusted: &[&x509_cert::Certificate]) -> Verifier {
        let mut builder = Verifier::builder()
            .purpose(cmsverify::Purpose::SmimeSign)
            .trusted_x509(&self.root)
            .unwrap();
        for cert in untrusted {
            builder = builder.untrusted_x509(cert).unwrap();
        }
        builder.build().unwrap()
    }
}

fn digest_algorithm(oid: ObjectIdentifier) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid,
        parameters: None,
    }
}

fn sid(cert: &x509_cert::Certificate) -> SignerIdentifier {
    SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
        issuer: cert.tbs_certificate().issuer().clone(),
        serial_number: cert.tbs_certificate().serial_number().clone(),
    })
}

fn encapsulated(content: &[u8]) -> EncapsulatedContentInfo {
    EncapsulatedContentInfo {
        econtent_type: rfc5911::ID_DATA,
        econtent: Some(Any::encode_from(&OctetString::new(content).unwrap()).unwrap()),
    }
}

/// Which certificates the message carries.
#[derive(Clone, Copy, Debug)]
enum Embed {
    /// None: the verifier is given the leaf and the intermediate.
    Nothing,
    /// The leaf and the intermediate: the verifier knows only the root.
    Chain,
}

/// Signs `content` with `add_signer` (which adds one SignerInfo for `leaf`),
/// verifies it through both entry points and checks the result.
fn check_builder_message(
    pki: &Pki,
    leaf: &x509_cert::Certificate,
    digest: ObjectIdentifier,
    embed: Embed,
    add_signer: impl FnOnce(&mut SignedDataBuilder<'_>, SignerInfoBuilder<'_>),
) {
    let content = format!(
        "signed by {:?} with {digest}, {embed:?}",
        leaf.tbs_certificate().subject().to_string()
    );
    let econtent = encapsulated(content.as_bytes());
    let mut builder = SignedDataBuilder::new(&econtent);
    builder
        .add_digest_algorithm(digest_algorithm(digest))
        .unwrap();
    if let Embed::Chain = embed {
        for cert in [leaf, &pki.intermediate] {
            builder
                .add_certificate(CertificateChoices::Certificate(cert.clone()))
                .unwrap();
        }
    }
    let signer_info =
        SignerInfoBuilder::new(sid(leaf), digest_algorithm(digest), &econtent, None).unwrap();
    add_signer(&mut builder, signer_info);
    let content_info = builder.build().unwrap();

    let verifier = match embed {
        Embed::Nothing => pki.verifier(&[leaf, &pki.intermediate]),
        Embed::Chain => pki.verifier(&[]),
    };
    let signed_data: SignedData = content_info.content.decode_as().unwrap();
    for verified in [
        verifier.verify_content_info(&content_info).unwrap(),
        verifier.verify_signed_data(&signed_data).unwrap(),
    ] {
        assert_eq!(verified.content, content.as_bytes());
        assert_eq!(verified.signers.len(), 1);
        let signer = &verified.signers[0];
        assert_eq!(signer.certificate.der(), leaf.to_der().unwrap());
        assert_eq!(signer.certificate.to_x509_cert().unwrap(), *leaf);
        let path: Vec<_> = signer
            .path
            .iter()
            .map(|c| c.to_x509_cert().unwrap())
            .collect();
        assert_eq!(
            path,
            [leaf.clone(), pki.intermediate.clone(), pki.root.clone()]
        );
        assert!(signer.signed_attributes);
    }

    // Without the certificates the signer is unknown: the trust is really used.
    if let Embed::Nothing = embed {
        let err = pki
            .verifier(&[])
            .verify_content_info(&content_info)
            .unwrap_err();
        let InteropError::Verify(err) = err else {
            panic!("{err}")
        };
        assert!(err.is_signer_not_found(), "{err}");
    }
}

fn rsa_leaf(pki: &Pki, serial: u32) -> (rsa::PrivateKey, x509_cert::Certificate) {
    let key = rsa_key("tests/data/rustcrypto/leaf-rsa.key");
    let cert = pki.issue(&key.to_public_key(), "RSA leaf", serial);
    (key, cert)
}

#[test]
fn builder_rsa_pkcs1v15() {
    let pki = Pki::load();
    let (key, leaf) = rsa_leaf(&pki, 101);
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key);
    for embed in [Embed::Nothing, Embed::Chain] {
        check_builder_message(&pki, &leaf, rfc5912::ID_SHA_256, embed, |b, si| {
            b.add_signer_info::<_, rsa::pkcs1v15::Signature>(si, &signer)
                .unwrap();
        });
    }
}

#[test]
fn builder_rsa_pss() {
    let pki = Pki::load();
    let (key, leaf) = rsa_leaf(&pki, 102);
    let signer = rsa::pss::SigningKey::<sha2::Sha256>::new(key);
    for embed in [Embed::Nothing, Embed::Chain] {
        check_builder_message(&pki, &leaf, rfc5912::ID_SHA_256, embed, |b, si| {
            b.add_signer_info_with_rng::<_, rsa::pss::Signature, _>(si, &signer, &mut rng())
                .unwrap();
        });
    }
}

#[test]
fn builder_ecdsa_p256() {
    let pki = Pki::load();
    let signer = p256::ecdsa::SigningKey::from_slice(&[0x25; 32]).unwrap();
    let leaf = pki.issue(signer.verifying_key(), "P-256 leaf", 103);
    for embed in [Embed::Nothing, Embed::Chain] {
        check_builder_message(&pki, &leaf, rfc5912::ID_SHA_256, embed, |b, si| {
            b.add_signer_info::<_, p256::ecdsa::DerSignature>(si, &signer)
                .unwrap();
        });
    }
}

#[test]
fn builder_ecdsa_p384() {
    let pki = Pki::load();
    let signer = p384::ecdsa::SigningKey::from_slice(&[0x38; 48]).unwrap();
    let leaf = pki.issue(signer.verifying_key(), "P-384 leaf", 104);
    for embed in [Embed::Nothing, Embed::Chain] {
        check_builder_message(&pki, &leaf, rfc5912::ID_SHA_384, embed, |b, si| {
            b.add_signer_info::<_, p384::ecdsa::DerSignature>(si, &signer)
                .unwrap();
        });
    }
}

/// A message whose content was changed after signing is refused with the
/// usual error, wrapped in `InteropError::Verify`.
#[test]
fn builder_tampered_content_is_refused() {
    let pki = Pki::load();
    let signer = p256::ecdsa::SigningKey::from_slice(&[0x25; 32]).unwrap();
    let leaf = pki.issue(signer.verifying_key(), "P-256 leaf", 105);
    let econtent = encapsulated(b"original");
    let mut builder = SignedDataBuilder::new(&econtent);
    builder
        .add_digest_algorithm(digest_algorithm(rfc5912::ID_SHA_256))
        .unwrap();
    let si = SignerInfoBuilder::new(
        sid(&leaf),
        digest_algorithm(rfc5912::ID_SHA_256),
        &econtent,
        None,
    )
    .unwrap();
    builder
        .add_signer_info::<_, p256::ecdsa::DerSignature>(si, &signer)
        .unwrap();
    let mut signed_data: SignedData = builder.build().unwrap().content.decode_as().unwrap();
    signed_data.encap_content_info = encapsulated(b"tampered");
    let err = pki
        .verifier(&[&leaf, &pki.intermediate])
        .verify_signed_data(&signed_data)
        .unwrap_err();
    let InteropError::Verify(err) = err else {
        panic!("{err}")
    };
    assert!(
        matches!(err, cmsverify::Error::MessageDigestMismatch { .. }),
        "{err}"
    );
    assert_eq!(err.class(), ErrorClass::Verification);
}

// ---------------------------------------------------------------------------
// Certificate conversions.

#[test]
fn certificates_convert_both_ways() {
    for path in [
        format!("{PKI}/root.pem"),
        format!("{PKI}/intermediate.pem"),
        format!("{KEYSTONE}/signing_cert.pem"),
        format!("{KEYSTONE}/cacert.pem"),
    ] {
        let x509 = x509_from_pem(&path);
        let cert = cmsverify::Certificate::try_from(&x509).unwrap();
        assert_eq!(cert.der(), x509.to_der().unwrap(), "{path}");
        let serial: String = x509
            .tbs_certificate()
            .serial_number()
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(cert.serial_hex(), serial, "{path}");
        assert_eq!(cert.to_x509_cert().unwrap(), x509, "{path}");
        assert_eq!(
            x509_cert::Certificate::try_from(&cert).unwrap(),
            x509,
            "{path}"
        );
    }
}

/// A certificate cmsverify (like OpenSSL) parses but `der` refuses: a
/// notBefore UTCTime without seconds (tests/data/rustcrypto/der-differences.tsv).
#[test]
fn to_x509_cert_reports_what_der_refuses() {
    let text = std::fs::read_to_string(format!("{SCENARIOS}/K01-utctime-no-seconds/certfile.pem"))
        .unwrap();
    let der = &pem_blocks(&text)[0].1;
    let cert = cmsverify::Certificate::from_der(der).unwrap();
    let err = cert.to_x509_cert().unwrap_err();
    assert!(matches!(err, InteropError::Decode(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("x509-cert does not decode the certificate"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------
// The README's sample ("Using RustCrypto types"): run here, and the README
// shows exactly these lines.

#[test]
fn readme_sample() -> Result<(), Box<dyn std::error::Error>> {
    // README sample start
    use x509_cert::der::DecodePem;

    // Certificates held as x509-cert types.
    let anchors =
        x509_cert::Certificate::load_pem_chain(&std::fs::read("tests/data/keystone/cacert.pem")?)?;
    let signer =
        x509_cert::Certificate::from_pem(std::fs::read("tests/data/keystone/signing_cert.pem")?)?;

    let mut builder = cmsverify::Verifier::builder().untrusted_x509(&signer)?;
    for cert in &anchors {
        builder = builder.trusted_x509(cert)?;
    }
    let verifier = builder.build()?;

    // A message held as a cms ContentInfo (here decoded; typically the
    // result of cms::builder::SignedDataBuilder::build).
    let message: cms::content_info::ContentInfo =
        x509_cert::der::Decode::from_der(&std::fs::read("tests/data/keystone/token.der")?)?;
    let verified = verifier.verify_content_info(&message)?;

    // The signer, back as an x509-cert type.
    assert_eq!(verified.signers[0].certificate.to_x509_cert()?, signer);
    // README sample end
    assert!(verified.content.starts_with(b"{"));
    Ok(())
}

#[test]
fn readme_shows_the_tested_sample() {
    let source = std::fs::read_to_string("tests/rustcrypto.rs").unwrap();
    let start = source.find("    // README sample start\n").unwrap();
    let end = source.find("    // README sample end\n").unwrap();
    let tested: Vec<&str> = source[start..end]
        .lines()
        .skip(1)
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect();

    let readme = std::fs::read_to_string("README.md").unwrap();
    let section = &readme[readme.find("## Using RustCrypto types").unwrap()..];
    let block = &section[section.find("```rust\n").unwrap() + 8..];
    let shown: Vec<&str> = block[..block.find("```").unwrap()]
        .lines()
        .filter(|l| !l.starts_with("# "))
        .collect();
    assert_eq!(shown, tested);
}

// ---------------------------------------------------------------------------
// cmsverify's Signer, read back by cms.

fn digest_oid_and_value(digest: DigestAlgorithm, data: &[u8]) -> (ObjectIdentifier, Vec<u8>) {
    use sha2::Digest;
    match digest {
        DigestAlgorithm::Sha1 => (rfc5912::ID_SHA_1, sha1::Sha1::digest(data).to_vec()),
        DigestAlgorithm::Sha256 => (rfc5912::ID_SHA_256, sha2::Sha256::digest(data).to_vec()),
        DigestAlgorithm::Sha384 => (rfc5912::ID_SHA_384, sha2::Sha384::digest(data).to_vec()),
        DigestAlgorithm::Sha512 => (rfc5912::ID_SHA_512, sha2::Sha512::digest(data).to_vec()),
        other => panic!("not used here: {other:?}"),
    }
}

/// Checks one Signer output, decoded by cms, against what was asked for.
fn check_signer_output(
    what: &str,
    content_info: &ContentInfo,
    cert: &x509_cert::Certificate,
    digest: DigestAlgorithm,
    options: SignOptions,
    content: &[u8],
) {
    let (digest_oid, digest_value) = digest_oid_and_value(digest, content);
    assert_eq!(content_info.content_type, rfc5911::ID_SIGNED_DATA, "{what}");
    let sd: SignedData = content_info.content.decode_as().unwrap();
    let algorithms: Vec<_> = sd.digest_algorithms.iter().map(|a| a.oid).collect();
    assert_eq!(algorithms, [digest_oid], "{what}");

    // The content, encapsulated or detached.
    assert_eq!(
        sd.encap_content_info.econtent_type,
        rfc5911::ID_DATA,
        "{what}"
    );
    match &sd.encap_content_info.econtent {
        None => assert!(options.detached, "{what}"),
        Some(econtent) => {
            assert!(!options.detached, "{what}");
            let octets: OctetString = econtent.decode_as().unwrap();
            assert_eq!(octets.as_bytes(), content, "{what}");
        }
    }

    // The certificate, embedded only when asked.
    let embedded: Vec<_> = sd
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .collect();
    if options.embed_certificate {
        assert_eq!(
            embedded,
            [&CertificateChoices::Certificate(cert.clone())],
            "{what}"
        );
    } else {
        assert!(sd.certificates.is_none(), "{what}");
    }

    // One SignerInfo naming the signing certificate.
    assert_eq!(sd.signer_infos.0.len(), 1, "{what}");
    let si = sd.signer_infos.0.get(0).unwrap();
    assert_eq!(si.digest_alg.oid, digest_oid, "{what}");
    if options.subject_key_id {
        let (_, skid) = cert
            .tbs_certificate()
            .get_extension::<SubjectKeyIdentifier>()
            .unwrap()
            .unwrap();
        assert_eq!(
            si.sid,
            SignerIdentifier::SubjectKeyIdentifier(skid),
            "{what}"
        );
        assert_eq!(si.version, cms::content_info::CmsVersion::V3, "{what}");
    } else {
        assert_eq!(si.sid, sid(cert), "{what}");
        assert_eq!(si.version, cms::content_info::CmsVersion::V1, "{what}");
    }

    // Signed attributes: contentType and the content's messageDigest.
    match &si.signed_attrs {
        None => assert!(!options.signed_attributes, "{what}"),
        Some(attrs) => {
            assert!(options.signed_attributes, "{what}");
            let value = |oid: ObjectIdentifier| {
                let attr = attrs.iter().find(|a| a.oid == oid).unwrap();
                assert_eq!(attr.values.len(), 1, "{what}");
                attr.values.get(0).unwrap().clone()
            };
            let content_type: ObjectIdentifier =
                value(rfc5911::ID_CONTENT_TYPE).decode_as().unwrap();
            assert_eq!(content_type, rfc5911::ID_DATA, "{what}");
            let message_digest: OctetString =
                value(rfc5911::ID_MESSAGE_DIGEST).decode_as().unwrap();
            assert_eq!(message_digest.as_bytes(), digest_value, "{what}");
        }
    }
    assert!(!si.signature.as_bytes().is_empty(), "{what}");
}

#[test]
fn signer_outputs_decode_with_cms() {
    let cert_path = format!("{KEYSTONE}/signing_cert.pem");
    let cert = x509_from_pem(&cert_path);
    let content = b"{\"token\": {\"methods\": [\"password\"]}}";
    let limits = cmsverify::Limits::default();
    for digest in [
        DigestAlgorithm::Sha1,
        DigestAlgorithm::Sha256,
        DigestAlgorithm::Sha384,
        DigestAlgorithm::Sha512,
    ] {
        for bits in 0..16u8 {
            let options = SignOptions {
                signed_attributes: bits & 1 != 0,
                embed_certificate: bits & 2 != 0,
                subject_key_id: bits & 4 != 0,
                detached: bits & 8 != 0,
            };
            let signer =
                cmsverify::Signer::from_files(&cert_path, format!("{KEYSTONE}/signing_key.pem"))
                    .unwrap()
                    .digest(digest)
                    .options(options);
            let der = signer.sign(content).unwrap();
            let pem = signer.sign_pem(content).unwrap();
            let token = signer.sign_token(content).unwrap();
            let pkiz = signer
                .sign_pkiz(content, cmsverify::keystone::PKIZ_COMPRESSION_LEVEL)
                .unwrap();
            let pkiz_payload = cmsverify::keystone::pkiz_uncompress(&pkiz, &limits).unwrap();
            let pem_der = |pem: &[u8]| x509_cert::der::pem::decode_vec(pem).unwrap().1;
            let encoded = [
                ("sign", der),
                ("sign_pem", pem_der(pem.as_bytes())),
                (
                    "sign_token",
                    pem_der(cmsverify::keystone::token_to_cms(&token).as_bytes()),
                ),
                ("sign_pkiz", pem_der(&pkiz_payload)),
            ];
            for (what, der) in &encoded {
                let what = format!("{what} {digest:?} {options:?}");
                let content_info = ContentInfo::from_der(der).unwrap();
                check_signer_output(&what, &content_info, &cert, digest, options, content);
                // Signer writes DER: cms re-encodes it byte for byte.
                assert_eq!(&content_info.to_der().unwrap(), der, "{what}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// cms/x509-cert as a second parser of every fixture.

/// What `der` makes of an input: strict DER, only its BER mode, or nothing.
fn der_verdict<T: for<'a> Decode<'a, Error = x509_cert::der::Error>>(
    bytes: &[u8],
    check: impl Fn(&T, EncodingRules) -> bool,
) -> &'static str {
    if T::from_der(bytes).is_ok_and(|v| check(&v, EncodingRules::Der)) {
        "accept"
    } else if T::from_ber(bytes).is_ok_and(|v| check(&v, EncodingRules::Ber)) {
        "ber-only"
    } else {
        "reject"
    }
}

/// A ContentInfo decodes, and so does its SignedData if it is one.
fn content_info_decodes(ci: &ContentInfo, rules: EncodingRules) -> bool {
    ci.content_type != rfc5911::ID_SIGNED_DATA
        || ci.content.decode_as_encoding::<SignedData>(rules).is_ok()
}

fn accept(ok: bool) -> &'static str {
    if ok {
        "accept"
    } else {
        "reject"
    }
}

/// Whether `openssl <args>` reads `der` from standard input.
fn openssl_reads(args: &[&str], der: &[u8]) -> bool {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl");
    child.stdin.take().unwrap().write_all(der).unwrap();
    child.wait().unwrap().success()
}

/// The PEM blocks of a file as (label, DER); a block whose base64 does not
/// decode is left out (it never reaches an ASN.1 parser).
fn pem_blocks(text: &str) -> Vec<(String, Vec<u8>)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines().map(str::trim) {
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            current = Some((label.to_owned(), String::new()));
        } else if line.starts_with("-----END ") {
            if let Some((label, body)) = current.take() {
                // Re-armoured canonically so that only the base64 can fail.
                let wrapped: Vec<_> = body
                    .as_bytes()
                    .chunks(64)
                    .map(|c| std::str::from_utf8(c).unwrap())
                    .collect();
                let pem = format!(
                    "-----BEGIN X-----\n{}\n-----END X-----\n",
                    wrapped.join("\n")
                );
                if let Ok((_, der)) = x509_cert::der::pem::decode_vec(pem.as_bytes()) {
                    blocks.push((label, der));
                }
            }
        } else if let Some((_, body)) = current.as_mut() {
            if !line.contains(':') {
                body.push_str(line);
            }
        }
    }
    blocks
}

/// One fixture input and the three parsers' verdicts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    kind: &'static str,
    location: String,
    der: &'static str,
    cmsverify: &'static str,
    openssl: &'static str,
}

impl Row {
    fn key(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}",
            self.kind, self.location, self.der, self.cmsverify, self.openssl
        )
    }
}

#[derive(Default)]
struct Oracle {
    seen: HashSet<Vec<u8>>,
    rows: Vec<Row>,
    /// Messages `der` accepts whose `cms` re-encoding differs from the input.
    not_reproduced: Vec<String>,
}

impl Oracle {
    fn certificate(&mut self, location: String, der: &[u8]) {
        if !self.seen.insert(der.to_vec()) {
            return;
        }
        self.rows.push(Row {
            kind: "certificate",
            location,
            der: der_verdict::<x509_cert::Certificate>(der, |_, _| true),
            cmsverify: accept(cmsverify::Certificate::from_ber(der).is_ok()),
            openssl: accept(openssl_reads(&["x509", "-inform", "DER", "-noout"], der)),
        });
    }

    fn message(&mut self, location: String, der: &[u8]) {
        if !self.seen.insert(der.to_vec()) {
            return;
        }
        let parsed = cmsverify::inspect::message(der, InputForm::Der);
        // A message that parses but is refused later (not SignedData, no
        // signers) is accepted at this level.
        let cmsverify = match &parsed {
            Ok(_) => true,
            Err(e) => e.class() != ErrorClass::Parse,
        };
        let der_verdict = der_verdict::<ContentInfo>(der, content_info_decodes);
        // What verify_content_info sees of a decoded message is its
        // re-encoding: it must be the bytes that were decoded.
        if der_verdict == "accept" && ContentInfo::from_der(der).unwrap().to_der().unwrap() != der {
            self.not_reproduced.push(location.clone());
        }
        self.rows.push(Row {
            kind: "message",
            location: location.clone(),
            der: der_verdict,
            cmsverify: accept(cmsverify),
            openssl: accept(openssl_reads(
                &[
                    "cms",
                    "-cmsout",
                    "-inform",
                    "DER",
                    "-outform",
                    "DER",
                    "-out",
                    "/dev/null",
                ],
                der,
            )),
        });
        if let Ok(info) = parsed {
            for (n, cert) in info.certificates.iter().enumerate() {
                self.certificate(format!("{location} certificates#{}", n + 1), cert.der());
            }
        }
    }

    fn certificate_file(&mut self, path: &Path) {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        for (n, (label, der)) in pem_blocks(&text).into_iter().enumerate() {
            // TRUSTED CERTIFICATE blocks carry OpenSSL's trust data after the
            // certificate; cmsverify refuses them before parsing.
            if label == "CERTIFICATE" {
                self.certificate(format!("{}#{}", path.display(), n + 1), &der);
            }
        }
    }

    fn message_pem(&mut self, location: String, text: &str) {
        if let Some((_, der)) = pem_blocks(text).into_iter().next() {
            self.message(location, &der);
        }
    }
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

#[test]
fn der_parses_fixtures_like_cmsverify_and_openssl() {
    let limits = cmsverify::Limits::default();
    let mut oracle = Oracle::default();
    for dir in [
        Path::new(KEYSTONE).to_owned(),
        Path::new(KEYSTONE).join("other"),
    ] {
        for path in sorted_dir(&dir) {
            let location = path.display().to_string();
            let name = path.file_name().unwrap().to_str().unwrap();
            match path.extension().and_then(|e| e.to_str()) {
                Some("der") => oracle.message(location, &std::fs::read(&path).unwrap()),
                Some("pki") => {
                    let token = std::fs::read_to_string(&path).unwrap();
                    oracle.message_pem(location, &cmsverify::keystone::token_to_cms(token.trim()));
                }
                Some("pkiz") => {
                    let token = std::fs::read_to_string(&path).unwrap();
                    let payload =
                        cmsverify::keystone::pkiz_uncompress(token.trim(), &limits).unwrap();
                    oracle.message_pem(location, std::str::from_utf8(&payload).unwrap());
                }
                Some("pem") if name.contains("key") => {}
                Some("pem") if name.contains("cert") => oracle.certificate_file(&path),
                Some("pem") => {
                    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                    oracle.message_pem(location, &text);
                }
                _ => {}
            }
        }
    }
    for dir in sorted_dir(Path::new(SCENARIOS)) {
        if !dir.is_dir() {
            continue;
        }
        oracle.certificate_file(&dir.join("certfile.pem"));
        oracle.certificate_file(&dir.join("cafile.pem"));
        let message = dir.join("message.pem");
        let text = String::from_utf8_lossy(&std::fs::read(&message).unwrap()).into_owned();
        oracle.message_pem(message.display().to_string(), &text);
    }

    assert!(
        oracle.not_reproduced.is_empty(),
        "cms re-encodes these differently: {:?}",
        oracle.not_reproduced
    );
    let counts = |kind: &str| oracle.rows.iter().filter(|r| r.kind == kind).count();
    assert!(counts("certificate") > 100, "{}", counts("certificate"));
    assert!(counts("message") > 200, "{}", counts("message"));

    // Every disagreement is listed (with the three verdicts), and every
    // listed input still disagrees.
    let listed: BTreeMap<String, String> = std::fs::read_to_string(DIFFERENCES)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (key, reason) = l.rsplit_once('\t').unwrap();
            assert!(!reason.trim().is_empty(), "{l}");
            (key.to_owned(), reason.to_owned())
        })
        .collect();
    let differing: Vec<&Row> = oracle
        .rows
        .iter()
        .filter(|r| r.der != r.cmsverify || r.der != r.openssl)
        .collect();
    let unlisted: Vec<String> = differing
        .iter()
        .map(|r| r.key())
        .filter(|k| !listed.contains_key(k))
        .collect();
    let stale: Vec<&String> = listed
        .keys()
        .filter(|k| !differing.iter().any(|r| &r.key() == *k))
        .collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "unlisted differences:\n{}\nstale entries:\n{}",
        unlisted.join("\n"),
        stale
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
