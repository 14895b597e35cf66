//! cmsverify's `Signer` output, read back by `cms`.

use super::*;
use crate::builder::sid;

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
