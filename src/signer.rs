//! Producing SignedData the way keystoneclient's `cms_sign_data` does with
//! `openssl cms -sign -nosmimecap -nodetach -nocerts -noattr -md DIGEST`:
//! attached content, no signed attributes, no certificates, an
//! issuerAndSerialNumber signer id. Options add signed attributes, the
//! signer's certificate, a subjectKeyIdentifier signer id, or detach the
//! content.
//!
//! RSA signatures are PKCS#1 v1.5 with base blinding (the `rsa` crate blinds
//! the private operation with operating-system randomness; see the README on
//! what that crate promises about timing). ECDSA signatures are deterministic
//! (RFC 6979), Ed25519 signatures pure EdDSA as RFC 8419 says.

use signature::hazmat::PrehashSigner;
use signature::Signer as _;

use crate::algorithm::{AlgorithmIdentifier, AlgorithmPolicy, DigestAlgorithm};
use crate::asn1::{self, push_tlv, tag};
use crate::cert::Certificate;
use crate::error::{Error, FileRole, Result};
use crate::oid;
use crate::pem;
use crate::time::UnixTime;
use crate::ContentMode;

/// A private key cmsverify signs with.
enum SigningKey {
    Rsa(Box<rsa::PrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

/// What the signer produces besides openssl's keystoneclient defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SignOptions {
    /// Add signed attributes (contentType, messageDigest, signingTime).
    pub signed_attributes: bool,
    /// Embed the signer's certificate in the message.
    pub embed_certificate: bool,
    /// Identify the signer by subjectKeyIdentifier instead of issuer and serial.
    pub subject_key_id: bool,
    /// Leave the content out of the message (a detached signature).
    pub detached: bool,
}

/// Signs content with one certificate and its private key.
///
/// ```
/// # fn main() -> Result<(), cmsverify::Error> {
/// let signer = cmsverify::Signer::from_pem(
///     include_bytes!("../tests/data/keystone/signing_cert.pem"),
///     include_bytes!("../tests/data/keystone/signing_key.pem"),
/// )?;
/// let token = signer.sign_token(b"{\"token\": {}}")?;
/// let verifier = cmsverify::Verifier::from_pem(
///     include_bytes!("../tests/data/keystone/signing_cert.pem"),
///     include_bytes!("../tests/data/keystone/cacert.pem"),
/// )?;
/// assert_eq!(verifier.verify(token.as_bytes())?.content, b"{\"token\": {}}");
/// # Ok(()) }
/// ```
pub struct Signer {
    cert: Certificate,
    key: SigningKey,
    digest: DigestAlgorithm,
    options: SignOptions,
    mode: ContentMode,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Signer({}, {})", self.cert.id(), self.digest.name())
    }
}

fn key_error(problem: &'static str) -> Error {
    Error::BadPrivateKey { problem }
}

/// Parses an unencrypted PEM private key: PKCS#8 (RSA, EC P-256/P-384,
/// Ed25519), PKCS#1 RSA or SEC1 EC.
fn parse_key(pem_text: &[u8]) -> Result<SigningKey> {
    use ed25519_dalek::pkcs8::DecodePrivateKey as _;
    use rsa::pkcs1::DecodeRsaPrivateKey as _;
    for block in pem::blocks(pem_text) {
        let der = match block.label {
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => block
                .body
                .map_err(|_| key_error("the key's PEM block is corrupt"))?,
            "ENCRYPTED PRIVATE KEY" => return Err(key_error("encrypted keys are not supported")),
            _ => continue,
        };
        return match block.label {
            "RSA PRIVATE KEY" => rsa::PrivateKey::from_pkcs1_der(&der)
                .map(|k| SigningKey::Rsa(Box::new(k)))
                .map_err(|_| key_error("the PKCS#1 RSA key does not decode")),
            "EC PRIVATE KEY" => p256::SecretKey::from_sec1_der(&der)
                .map(|k| SigningKey::P256(k.into()))
                .or_else(|_| {
                    p384::SecretKey::from_sec1_der(&der).map(|k| SigningKey::P384(k.into()))
                })
                .map_err(|_| key_error("the SEC1 EC key is not a P-256 or P-384 key")),
            _ => rsa::PrivateKey::from_pkcs8_der(&der)
                .map(|k| SigningKey::Rsa(Box::new(k)))
                .or_else(|_| {
                    p256::SecretKey::from_pkcs8_der(&der).map(|k| SigningKey::P256(k.into()))
                })
                .or_else(|_| {
                    p384::SecretKey::from_pkcs8_der(&der).map(|k| SigningKey::P384(k.into()))
                })
                .or_else(|_| {
                    ed25519_dalek::SigningKey::from_pkcs8_der(&der).map(SigningKey::Ed25519)
                })
                .map_err(|_| {
                    key_error("the PKCS#8 key is not an RSA, P-256, P-384 or Ed25519 key")
                }),
        };
    }
    Err(key_error(
        "no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block",
    ))
}

impl Signer {
    /// A signer from a PEM certificate and its unencrypted PEM private key,
    /// with SHA-256 and keystoneclient's shape (see [`SignOptions`]).
    ///
    /// # Errors
    /// The certificate or key does not parse, or they do not belong together.
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Self> {
        let cert = crate::bundle::load_bundle(
            cert_pem,
            FileRole::Certfile,
            "<signer>",
            &Default::default(),
        )?
        .into_iter()
        .next()
        .ok_or(key_error("no certificate"))?;
        let key = parse_key(key_pem)?;
        let signer = Self {
            cert,
            key,
            digest: DigestAlgorithm::Sha256,
            options: SignOptions::default(),
            mode: ContentMode::Binary,
        };
        signer.check_key_matches_certificate()?;
        Ok(signer)
    }

    /// Reads the certificate and key files (`-signer`, `-inkey`).
    ///
    /// # Errors
    /// As [`Signer::from_pem`], or a file cannot be read.
    pub fn from_files(
        cert: impl AsRef<std::path::Path>,
        key: impl AsRef<std::path::Path>,
    ) -> Result<Self> {
        let read = |p: &std::path::Path, role| {
            std::fs::read(p).map_err(|source| Error::FileRead {
                role,
                path: p.to_owned(),
                source,
            })
        };
        Self::from_pem(
            &read(cert.as_ref(), FileRole::SignerCertificate)?,
            &read(key.as_ref(), FileRole::SigningKey)?,
        )
    }

    /// Sets the digest (`-md`; default SHA-256). Ed25519 always uses SHA-512.
    pub fn digest(mut self, digest: DigestAlgorithm) -> Self {
        self.digest = digest;
        self
    }

    /// Signs the content as binary (default, `openssl cms -sign -binary`) or
    /// as text with CRLF line ends (`openssl cms -sign` without `-binary`,
    /// as keystoneclient's `cms_sign_data` runs it).
    pub fn content_mode(mut self, mode: ContentMode) -> Self {
        self.mode = mode;
        self
    }

    /// Sets the [`SignOptions`].
    pub fn options(mut self, options: SignOptions) -> Self {
        self.options = options;
        self
    }

    /// Signs a probe and verifies it with the certificate's public key.
    fn check_key_matches_certificate(&self) -> Result<()> {
        const PROBE: &[u8] = b"cmsverify key check";
        let digest = self.effective_digest();
        let signature = self.raw_signature(digest, PROBE)?;
        let alg_der = self.signature_algorithm(digest)?;
        let alg = asn1::parse_one(&alg_der)
            .and_then(AlgorithmIdentifier::parse)
            .map_err(|_| Error::SigningFailed)?;
        let key = self
            .cert
            .public_key()
            .map_err(|_| key_error("the certificate's public key is not usable"))?;
        key.verify_signer(
            &alg,
            digest,
            &[PROBE],
            &signature,
            &AlgorithmPolicy::openssl_compatible(),
        )
        .map_err(|_| key_error("the private key does not match the certificate"))
    }

    fn effective_digest(&self) -> DigestAlgorithm {
        match self.key {
            SigningKey::Ed25519(_) => DigestAlgorithm::Sha512,
            _ => self.digest,
        }
    }

    /// The signature algorithm identifier openssl writes for this key.
    fn signature_algorithm(&self, digest: DigestAlgorithm) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut body = Vec::new();
        match self.key {
            SigningKey::Rsa(_) => {
                push_tlv(&mut body, tag::OID, oid::RSA_ENCRYPTION.as_bytes());
                push_tlv(&mut body, 0x05, &[]);
            }
            SigningKey::P256(_) | SigningKey::P384(_) => {
                let sig_oid = match digest {
                    DigestAlgorithm::Sha1 => &oid::ECDSA_WITH_SHA1,
                    DigestAlgorithm::Sha224 => &oid::ECDSA_WITH_SHA224,
                    DigestAlgorithm::Sha256 => &oid::ECDSA_WITH_SHA256,
                    DigestAlgorithm::Sha384 => &oid::ECDSA_WITH_SHA384,
                    DigestAlgorithm::Sha512 => &oid::ECDSA_WITH_SHA512,
                    _ => return Err(key_error("ECDSA signing supports SHA-1 and SHA-2 digests")),
                };
                push_tlv(&mut body, tag::OID, sig_oid.as_bytes());
            }
            SigningKey::Ed25519(_) => push_tlv(&mut body, tag::OID, oid::ED25519.as_bytes()),
        }
        push_tlv(&mut out, tag::SEQUENCE, &body);
        Ok(out)
    }

    fn raw_signature(&self, digest: DigestAlgorithm, signed: &[u8]) -> Result<Vec<u8>> {
        match &self.key {
            SigningKey::Rsa(key) => {
                let hashed = digest.digest(&[signed]);
                key.sign(digest.pkcs1v15(), hashed.as_ref())
                    .map_err(|_| Error::SigningFailed)
            }
            SigningKey::P256(key) => {
                let sig: p256::ecdsa::Signature = key
                    .sign_prehash(digest.digest(&[signed]).as_ref())
                    .map_err(|_| Error::SigningFailed)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            SigningKey::P384(key) => {
                let sig: p384::ecdsa::Signature = key
                    .sign_prehash(digest.digest(&[signed]).as_ref())
                    .map_err(|_| Error::SigningFailed)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
            SigningKey::Ed25519(key) => Ok(key.sign(signed).to_bytes().to_vec()),
        }
    }

    /// DER signed attributes (contentType, messageDigest, signingTime),
    /// sorted as DER requires; returns the SET content.
    fn signed_attributes(&self, digest: DigestAlgorithm, content: &[u8]) -> Vec<u8> {
        let attribute = |id: &const_oid::ObjectIdentifier, value: &[u8]| {
            let mut set = Vec::new();
            push_tlv(&mut set, tag::SET, value);
            let mut body = Vec::new();
            push_tlv(&mut body, tag::OID, id.as_bytes());
            body.extend_from_slice(&set);
            let mut out = Vec::new();
            push_tlv(&mut out, tag::SEQUENCE, &body);
            out
        };
        let mut content_type = Vec::new();
        push_tlv(&mut content_type, tag::OID, oid::ID_DATA.as_bytes());
        let mut message_digest = Vec::new();
        push_tlv(
            &mut message_digest,
            tag::OCTET_STRING,
            digest.digest(&[content]).as_ref(),
        );
        let (y, mo, d, h, mi, s) = UnixTime::now().to_civil();
        let mut signing_time = Vec::new();
        let time = if (1950..2050).contains(&y) {
            (
                tag::UTC_TIME,
                format!("{:02}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z", y % 100),
            )
        } else {
            (
                tag::GENERALIZED_TIME,
                format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z"),
            )
        };
        push_tlv(&mut signing_time, time.0, time.1.as_bytes());
        let mut attrs = [
            attribute(&oid::CONTENT_TYPE, &content_type),
            attribute(&oid::MESSAGE_DIGEST, &message_digest),
            attribute(&oid::SIGNING_TIME, &signing_time),
        ];
        attrs.sort();
        attrs.concat()
    }

    /// Signs `content`; returns the DER ContentInfo.
    ///
    /// # Errors
    /// [`Error::SigningFailed`] if the key operation fails, or an option the
    /// certificate cannot satisfy (a subjectKeyIdentifier signer id without
    /// the extension).
    pub fn sign(&self, content: &[u8]) -> Result<Vec<u8>> {
        let content = self.mode.canonical(content);
        let content = content.as_ref();
        let digest = self.effective_digest();
        let mut digest_alg = Vec::new();
        let mut digest_oid = Vec::new();
        push_tlv(&mut digest_oid, tag::OID, digest.oid().as_bytes());
        push_tlv(&mut digest_alg, tag::SEQUENCE, &digest_oid);

        let mut si = Vec::new();
        if self.options.subject_key_id {
            let skid = self
                .cert
                .extensions()
                .subject_key_id
                .as_ref()
                .ok_or(key_error(
                    "the certificate has no subjectKeyIdentifier for a SKID signer id",
                ))?;
            push_tlv(&mut si, tag::INTEGER, &[3]);
            push_tlv(&mut si, tag::ctx_prim(0), skid);
        } else {
            push_tlv(&mut si, tag::INTEGER, &[1]);
            let mut ias = self.cert.issuer_der().to_vec();
            push_tlv(&mut ias, tag::INTEGER, self.cert.serial_bytes());
            push_tlv(&mut si, tag::SEQUENCE, &ias);
        }
        si.extend_from_slice(&digest_alg);
        let signature = if self.options.signed_attributes {
            let attrs = self.signed_attributes(digest, content);
            push_tlv(&mut si, tag::ctx_cons(0), &attrs);
            let mut to_sign = Vec::new();
            push_tlv(&mut to_sign, tag::SET, &attrs);
            self.raw_signature(digest, &to_sign)?
        } else {
            self.raw_signature(digest, content)?
        };
        si.extend_from_slice(&self.signature_algorithm(digest)?);
        push_tlv(&mut si, tag::OCTET_STRING, &signature);

        let mut sd = Vec::new();
        push_tlv(
            &mut sd,
            tag::INTEGER,
            &[if self.options.subject_key_id { 3 } else { 1 }],
        );
        push_tlv(&mut sd, tag::SET, &digest_alg);
        let mut encap = Vec::new();
        push_tlv(&mut encap, tag::OID, oid::ID_DATA.as_bytes());
        if !self.options.detached {
            let mut octets = Vec::new();
            push_tlv(&mut octets, tag::OCTET_STRING, content);
            push_tlv(&mut encap, tag::ctx_cons(0), &octets);
        }
        push_tlv(&mut sd, tag::SEQUENCE, &encap);
        if self.options.embed_certificate {
            push_tlv(&mut sd, tag::ctx_cons(0), self.cert.der());
        }
        let mut signer_infos = Vec::new();
        push_tlv(&mut signer_infos, tag::SEQUENCE, &si);
        push_tlv(&mut sd, tag::SET, &signer_infos);

        let mut sd_seq = Vec::new();
        push_tlv(&mut sd_seq, tag::SEQUENCE, &sd);
        let mut ci = Vec::new();
        push_tlv(&mut ci, tag::OID, oid::ID_SIGNED_DATA.as_bytes());
        push_tlv(&mut ci, tag::ctx_cons(0), &sd_seq);
        let mut out = Vec::new();
        push_tlv(&mut out, tag::SEQUENCE, &ci);
        debug_assert!(asn1::parse_one(&out).is_ok());
        Ok(out)
    }

    /// Signs and armours as `-----BEGIN CMS-----` PEM with 64-column lines.
    ///
    /// # Errors
    /// As [`Signer::sign`].
    pub fn sign_pem(&self, content: &[u8]) -> Result<String> {
        Ok(pem::encode("CMS", &self.sign(content)?))
    }

    /// Signs and returns a Keystone PKI token (keystoneclient's `cms_sign_token`).
    ///
    /// # Errors
    /// As [`Signer::sign`].
    pub fn sign_token(&self, content: &[u8]) -> Result<String> {
        Ok(crate::keystone::cms_to_token(&self.sign_pem(content)?))
    }

    /// Signs and returns a PKIZ token: `PKIZ_` + URL-safe base64 of the zlib
    /// compressed PEM text (keystoneclient's `pkiz_sign`; its default level is
    /// [`crate::keystone::PKIZ_COMPRESSION_LEVEL`]).
    ///
    /// # Errors
    /// As [`Signer::sign`].
    pub fn sign_pkiz(&self, content: &[u8], compression_level: u32) -> Result<String> {
        Ok(crate::keystone::pkiz_compress(
            self.sign_pem(content)?.as_bytes(),
            compression_level,
        ))
    }

    /// Signs and encodes in `form` (text forms as their bytes).
    ///
    /// # Errors
    /// As [`Signer::sign`].
    pub fn sign_as(&self, content: &[u8], form: OutputForm) -> Result<Vec<u8>> {
        match form {
            OutputForm::Pem => self.sign_pem(content).map(String::into_bytes),
            OutputForm::Der => self.sign(content),
            OutputForm::Token => self.sign_token(content).map(String::into_bytes),
            OutputForm::Pkiz => self
                .sign_pkiz(content, crate::keystone::PKIZ_COMPRESSION_LEVEL)
                .map(String::into_bytes),
        }
    }
}

/// The encoding of a signed message, for [`Signer::sign_as`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputForm {
    /// `-----BEGIN CMS-----` PEM with 64-column lines ([`Signer::sign_pem`]).
    Pem,
    /// DER ([`Signer::sign`]).
    Der,
    /// A Keystone PKI token ([`Signer::sign_token`]).
    Token,
    /// A Keystone PKIZ token at keystoneclient's default level
    /// ([`Signer::sign_pkiz`] with [`crate::keystone::PKIZ_COMPRESSION_LEVEL`]).
    Pkiz,
}
