//! Messages built by `cms::builder::SignedDataBuilder` under a small PKI.

use super::*;

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

pub(crate) fn sid(cert: &x509_cert::Certificate) -> SignerIdentifier {
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
