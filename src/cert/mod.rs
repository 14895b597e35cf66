//! X.509 certificates, parsed once into what verification needs.
//!
//! Parsing is as lenient as OpenSSL's `d2i_X509`: a certificate whose validity
//! strings are malformed, or whose extension values do not decode, still parses
//! (the problems surface as verification errors, as they do in OpenSSL), while
//! a structurally broken certificate does not.

use std::fmt;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use crate::algorithm::identifier::SubjectPublicKeyInfo;
use crate::algorithm::key_limits::{self, KeyCost};
use crate::algorithm::{AlgorithmIdentifier, KeyFamily, KeyProblem, PublicKey, SignatureProblem};
use crate::asn1::{self, tag, Asn1Error, Reader, Tlv};
use crate::budget::Budget;
use crate::error::Error;
use crate::extensions::{Extensions, InvalidExtension};
use crate::name;
use crate::time::UnixTime;

/// A parsed certificate. Cheap to clone (the DER is shared).
#[derive(Clone)]
pub struct Certificate {
    inner: Arc<Inner>,
}

struct Inner {
    der: Box<[u8]>,
    tbs: Range<usize>,
    /// The received encoding, when the input was BER and normalisation
    /// re-encoded the certificate: the signature is checked over its
    /// TBSCertificate, and its signature algorithm parameters compared.
    received: Option<Received>,
    signature_algorithm: Range<usize>,
    tbs_signature_algorithm: Range<usize>,
    signature: Range<usize>,
    serial: Range<usize>,
    issuer: Range<usize>,
    subject: Range<usize>,
    spki: Range<usize>,
    /// The version INTEGER (0 for v1, also when absent; 2 for v3), `None`
    /// when it does not fit an `i64`.
    version: Option<i64>,
    not_before: Option<UnixTime>,
    not_after: Option<UnixTime>,
    canonical_issuer: Vec<u8>,
    canonical_subject: Vec<u8>,
    extensions: Extensions,
    fingerprint: [u8; 32],
    /// The SubjectPublicKeyInfo algorithm's key family, read at parse time.
    key_family: Option<KeyFamily>,
    key: OnceLock<Result<PublicKey, KeyProblem>>,
    /// The key's hard limits and cost, read from the SPKI once.
    key_cost: OnceLock<Result<KeyCost, KeyProblem>>,
}

/// Which validity field a format error is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValidityField {
    /// `notBefore`
    NotBefore,
    /// `notAfter`
    NotAfter,
}

impl fmt::Display for ValidityField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotBefore => "notBefore",
            Self::NotAfter => "notAfter",
        })
    }
}

fn range_of(outer: &[u8], inner: &[u8]) -> Range<usize> {
    let start = inner.as_ptr().addr() - outer.as_ptr().addr();
    start..start + inner.len()
}

impl Certificate {
    /// Parses one DER certificate (exactly `der`, no trailing bytes).
    ///
    /// # Errors
    /// The bytes are not a structurally valid X.509 certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, Asn1Error> {
        Self::from_der_as_received(der, None, 0)
    }

    /// Parses one BER or DER certificate (exactly `ber`, no trailing bytes),
    /// as OpenSSL's `d2i_X509` reads it and as cmsverify reads certificate
    /// files: BER is normalised, and the TBSCertificate is kept as received,
    /// since the issuer's signature covers those bytes.
    ///
    /// # Errors
    /// The bytes are not a structurally valid X.509 certificate, or nest
    /// deeper than [`Limits::max_nesting_depth`](crate::Limits) allows by default.
    pub fn from_ber(ber: &[u8]) -> Result<Self, Asn1Error> {
        Self::from_ber_with_depth(ber, crate::Limits::default().max_nesting_depth)
    }

    /// [`Certificate::from_ber`] with the nesting limit `max_depth`.
    pub(crate) fn from_ber_with_depth(ber: &[u8], max_depth: usize) -> Result<Self, Asn1Error> {
        let element = crate::ber::Element::first(ber, max_depth)?;
        if element.raw.len() != ber.len() {
            return Err(Asn1Error::TrailingData);
        }
        match crate::ber::normalize(ber, max_depth)? {
            std::borrow::Cow::Borrowed(der) => Self::from_der(der),
            std::borrow::Cow::Owned(der) => Self::from_der_as_received(&der, Some(ber), max_depth),
        }
    }

    /// Parses one certificate normalised from BER, which was received as
    /// `received` (one element, read within `max_depth`; ignored when it
    /// equals the DER).
    pub(crate) fn from_der_as_received(
        der: &[u8],
        received: Option<&[u8]>,
        max_depth: usize,
    ) -> Result<Self, Asn1Error> {
        let cert = asn1::parse_one(der)?.expect(tag::SEQUENCE)?;
        let mut r = cert.reader();
        let tbs = r.expect(tag::SEQUENCE)?;
        let sig_alg = r.expect(tag::SEQUENCE)?;
        AlgorithmIdentifier::parse(sig_alg)?;
        let sig_bits = r.expect(tag::BIT_STRING)?;
        r.finish()?;
        let signature = match sig_bits.value.split_first() {
            Some((0, sig)) => sig,
            _ => return Err(Asn1Error::BadValue),
        };

        let mut t = tbs.reader();
        let version = match t.optional(tag::ctx_cons(0))? {
            Some(v) => {
                // Any INTEGER, as OpenSSL's X509_CINF template: 3.0 only
                // tells v1 from the rest (docs/compatibility.md, "Certificate
                // versions").
                asn1::integer_i64(asn1::parse_one(v.value)?.expect(tag::INTEGER)?.value)
            }
            None => Some(0),
        };
        let serial = t.expect(tag::INTEGER)?;
        if serial.value.is_empty() {
            return Err(Asn1Error::BadValue);
        }
        let tbs_sig_alg = t.expect(tag::SEQUENCE)?;
        AlgorithmIdentifier::parse(tbs_sig_alg)?;
        let issuer = t.expect(tag::SEQUENCE)?;
        let validity = t.expect(tag::SEQUENCE)?;
        let subject = t.expect(tag::SEQUENCE)?;
        let spki = t.expect(tag::SEQUENCE)?;
        // OpenSSL decodes SubjectPublicKeyInfo's structure with the certificate.
        let info = SubjectPublicKeyInfo::parse(spki)?;
        let key_family = KeyFamily::of_key(info.algorithm.oid);
        check_bit_string(info.subject_public_key)?;
        t.optional(tag::ctx_prim(1))?;
        t.optional(tag::ctx_prim(2))?;
        let extensions = match t.optional(tag::ctx_cons(3))? {
            Some(e) => Extensions::parse(asn1::parse_one(e.value)?)?,
            None => Extensions::default(),
        };
        t.finish()?;

        let mut v = validity.reader();
        let time = |tlv: Tlv<'_>| match tlv.tag {
            tag::UTC_TIME | tag::GENERALIZED_TIME => Ok(UnixTime::from_x509(tlv.tag, tlv.value)),
            found => Err(Asn1Error::UnexpectedTag {
                expected: tag::UTC_TIME,
                found,
            }),
        };
        let not_before = time(v.any()?)?;
        let not_after = time(v.any()?)?;
        v.finish()?;

        // OpenSSL's name decoder computes the canonical form and fails with it.
        let canonical_issuer = name::canonical(issuer.raw)?;
        let canonical_subject = name::canonical(subject.raw)?;
        let received_ber = received.filter(|&received| received != der);
        // What the signature covers is part of the identity: a certificate
        // received in another encoding is another certificate.
        let fingerprint = match received_ber {
            Some(ber) => crate::algorithm::DigestAlgorithm::Sha256.digest(&[der, ber]),
            None => crate::algorithm::DigestAlgorithm::Sha256.digest(&[der]),
        };
        let received = received_ber
            .map(|ber| Received::parse(ber, max_depth))
            .transpose()?;
        let mut fp = [0u8; 32];
        fp.copy_from_slice(fingerprint.as_ref());
        Ok(Self {
            inner: Arc::new(Inner {
                der: der.into(),
                tbs: range_of(der, tbs.raw),
                received,
                signature_algorithm: range_of(der, sig_alg.raw),
                tbs_signature_algorithm: range_of(der, tbs_sig_alg.raw),
                signature: range_of(der, signature),
                serial: range_of(der, serial.value),
                issuer: range_of(der, issuer.raw),
                subject: range_of(der, subject.raw),
                spki: range_of(der, spki.raw),
                version,
                not_before,
                not_after,
                canonical_issuer,
                canonical_subject,
                extensions,
                fingerprint: fp,
                key_family,
                key: OnceLock::new(),
                key_cost: OnceLock::new(),
            }),
        })
    }

    /// The complete DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.inner.der
    }

    /// A part of the DER; the ranges were taken from it at parse time.
    fn slice(&self, r: &Range<usize>) -> &[u8] {
        self.inner.der.get(r.clone()).unwrap_or_default()
    }

    /// The TBSCertificate the signature covers: as received.
    pub(crate) fn tbs(&self) -> &[u8] {
        match &self.inner.received {
            Some(received) => &received.tbs,
            None => self.slice(&self.inner.tbs),
        }
    }

    pub(crate) fn signature_algorithm(&self) -> AlgorithmIdentifier<'_> {
        self.algorithm_at(&self.inner.signature_algorithm)
    }

    /// The signature AlgorithmIdentifier inside TBSCertificate, the one
    /// OpenSSL's `check_sig_alg_match` reads.
    fn tbs_signature_algorithm(&self) -> AlgorithmIdentifier<'_> {
        self.algorithm_at(&self.inner.tbs_signature_algorithm)
    }

    fn algorithm_at(&self, range: &Range<usize>) -> AlgorithmIdentifier<'_> {
        // Validated in `from_der`.
        let empty = AlgorithmIdentifier {
            oid: &[],
            params: None,
        };
        asn1::parse_one(self.slice(range))
            .and_then(AlgorithmIdentifier::parse)
            .unwrap_or(empty)
    }

    /// Whether the outer signatureAlgorithm equals the one inside
    /// TBSCertificate, OID and parameters (OpenSSL's `X509_ALGOR_cmp` in
    /// `X509_verify`).
    pub(crate) fn signature_algorithms_agree(&self) -> bool {
        self.slice(&self.inner.signature_algorithm)
            == self.slice(&self.inner.tbs_signature_algorithm)
            && self
                .inner
                .received
                .as_ref()
                .is_none_or(Received::parameters_agree)
    }

    pub(crate) fn signature(&self) -> &[u8] {
        self.slice(&self.inner.signature)
    }

    /// The serial number's INTEGER content octets.
    pub(crate) fn serial_bytes(&self) -> &[u8] {
        self.slice(&self.inner.serial)
    }

    /// The serial number in upper-case hex, as `openssl x509 -serial` prints it.
    pub fn serial_hex(&self) -> String {
        integer_hex(self.serial_bytes())
    }

    /// The DER issuer name.
    pub(crate) fn issuer_der(&self) -> &[u8] {
        self.slice(&self.inner.issuer)
    }

    /// The DER subject name.
    pub(crate) fn subject_der(&self) -> &[u8] {
        self.slice(&self.inner.subject)
    }

    /// The subject as `C=.., O=.., CN=..`.
    pub fn subject(&self) -> String {
        name::display(self.subject_der())
    }

    /// The issuer as `C=.., O=.., CN=..`.
    pub fn issuer(&self) -> String {
        name::display(self.issuer_der())
    }

    pub(crate) fn spki(&self) -> &[u8] {
        self.slice(&self.inner.spki)
    }

    /// The SubjectPublicKeyInfo algorithm's key family.
    pub(crate) fn key_family(&self) -> Option<KeyFamily> {
        self.inner.key_family
    }

    /// The public key, parsed on first use and cached.
    pub(crate) fn public_key(&self) -> Result<&PublicKey, KeyProblem> {
        self.inner
            .key
            .get_or_init(|| PublicKey::from_spki(self.spki()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The public key for one verify call, with the cost of one verification
    /// by it. OpenSSL's hard key limits are checked on the encoded key first;
    /// the first use of the key pays for its setup from `budget`. The outer
    /// error is the budget running out, the inner one an unusable key.
    pub(crate) fn budgeted_key(
        &self,
        budget: &mut Budget,
    ) -> Result<Result<(&PublicKey, u64), KeyProblem>, Error> {
        let estimate = self
            .inner
            .key_cost
            .get_or_init(|| key_limits::estimate(self.spki()));
        let cost = match estimate {
            Ok(cost) => *cost,
            Err(problem) => return Ok(Err(problem.clone())),
        };
        if self.inner.key.get().is_none() {
            budget.charge_key_work(cost.setup)?;
        }
        Ok(self.public_key().map(|key| (key, cost.verify)))
    }

    /// The version as `openssl x509 -text` prints it (the INTEGER plus one:
    /// 1 or 3, rarely anything else), `None` when it does not fit an `i64`.
    pub fn version(&self) -> Option<i64> {
        self.inner.version.and_then(|v| v.checked_add(1))
    }

    /// Whether this is an X.509 v1 certificate (version INTEGER 0), the only
    /// version OpenSSL 3.0 treats differently (`EXFLAG_V1`).
    pub fn is_v1(&self) -> bool {
        self.inner.version == Some(0)
    }

    /// `notBefore`, or `None` when its encoding is not strictly valid.
    pub fn not_before(&self) -> Option<UnixTime> {
        self.inner.not_before
    }

    /// `notAfter`, or `None` when its encoding is not strictly valid.
    pub fn not_after(&self) -> Option<UnixTime> {
        self.inner.not_after
    }

    /// Why the certificate is not valid at `at` (expired, not yet valid, or
    /// validity dates not strictly encoded), as path validation judges it.
    pub fn validity_problem(&self, at: UnixTime) -> Option<crate::CertProblem> {
        self.check_validity(at).err()
    }

    /// The validity check of path validation: both dates strictly encoded,
    /// `notBefore <= at < notAfter`.
    pub(crate) fn check_validity(&self, at: UnixTime) -> Result<(), crate::CertProblem> {
        use crate::error::CertProblem;
        let not_before = self
            .not_before()
            .ok_or(CertProblem::BadTimeFormat(ValidityField::NotBefore))?;
        let not_after = self
            .not_after()
            .ok_or(CertProblem::BadTimeFormat(ValidityField::NotAfter))?;
        if not_before > at {
            return Err(CertProblem::NotYetValid { not_before, at });
        }
        if not_after <= at {
            return Err(CertProblem::Expired { not_after, at });
        }
        Ok(())
    }

    pub(crate) fn canonical_subject(&self) -> &[u8] {
        &self.inner.canonical_subject
    }

    pub(crate) fn canonical_issuer(&self) -> &[u8] {
        &self.inner.canonical_issuer
    }

    /// The decoded extensions.
    pub(crate) fn extensions(&self) -> &Extensions {
        &self.inner.extensions
    }

    /// SHA-256 of the DER encoding (and of the TBSCertificate as received,
    /// when that was not DER).
    pub(crate) fn fingerprint(&self) -> &[u8; 32] {
        &self.inner.fingerprint
    }

    /// Subject equals issuer (OpenSSL's EXFLAG_SI).
    pub(crate) fn is_self_issued(&self) -> bool {
        self.canonical_subject() == self.canonical_issuer()
    }

    /// OpenSSL's EXFLAG_SS: self-issued, its AKID (if any) matches itself, and
    /// its signature algorithm fits its own key type. The signature itself is
    /// not checked, as OpenSSL does not check it for trust anchors.
    pub(crate) fn is_self_signed(&self) -> bool {
        self.is_self_issued() && self.akid_matches(self) && self.key_type_signed(self)
    }

    /// Why this certificate's key cannot be used at all (a key type cmsverify
    /// does not verify with, or key bytes that do not decode), found without
    /// public-key arithmetic; `None` for the key types cmsverify verifies
    /// with, whose problems (size, exponent) show when the key is used.
    pub(crate) fn unusable_key(&self) -> Option<KeyProblem> {
        match self.key_family() {
            Some(KeyFamily::Rsa | KeyFamily::RsaPss | KeyFamily::Ec | KeyFamily::Ed25519) => None,
            _ => self.public_key().err(),
        }
    }

    /// OpenSSL's `X509_check_akid(issuer, self.akid)`.
    pub(crate) fn akid_matches(&self, issuer: &Certificate) -> bool {
        let Some(akid) = &self.extensions().authority_key_id else {
            return true;
        };
        if let (Some(kid), Some(skid)) = (&akid.key_id, &issuer.extensions().subject_key_id) {
            if kid != skid {
                return false;
            }
        }
        if let Some(serial) = &akid.serial {
            if !asn1::integers_equal(serial, issuer.serial_bytes()) {
                return false;
            }
        }
        if let Some(name) = &akid.issuer {
            if issuer.canonical_issuer() != name.as_slice() {
                return false;
            }
        }
        true
    }

    /// Whether `issuer`'s key type can have made this certificate's
    /// signature, judged on the TBS algorithm as `check_sig_alg_match` does.
    pub(crate) fn key_type_signed(&self, issuer: &Certificate) -> bool {
        issuer
            .key_family()
            .is_some_and(|f| f.can_sign(self.tbs_signature_algorithm().oid))
    }

    /// Whether `issuer` plausibly issued this certificate (OpenSSL's
    /// `ossl_x509_likely_issued()`): names, AKID and key type agree, and
    /// neither certificate has malformed extensions.
    pub(crate) fn likely_issued_by(&self, issuer: &Certificate) -> bool {
        self.named_issuer(issuer) && self.key_type_signed(issuer)
    }

    /// When `issuer` is this certificate's issuer by name and key identifier
    /// but its key type cannot have made the signature: why (the reason to
    /// give instead of "issuer not found").
    pub(crate) fn issuer_algorithm_problem(
        &self,
        issuer: &Certificate,
    ) -> Option<SignatureProblem> {
        let family = issuer.key_family()?;
        if !self.named_issuer(issuer) {
            return None;
        }
        family.signature_problem(self.tbs_signature_algorithm().oid)
    }

    /// When `issuer` is this certificate's issuer by name and key identifier
    /// but its own extensions are invalid (so it issues nothing, as in
    /// OpenSSL): which extension (the reason to give instead of "issuer not
    /// found").
    pub(crate) fn invalid_issuer_extension<'a>(
        &self,
        issuer: &'a Certificate,
    ) -> Option<&'a InvalidExtension> {
        let invalid = issuer.extensions().invalid.as_ref()?;
        (self.extensions().invalid.is_none()
            && self.canonical_issuer() == issuer.canonical_subject()
            && self.akid_matches(issuer))
        .then_some(invalid)
    }

    /// Names and authorityKeyIdentifier agree, and neither certificate has
    /// malformed extensions.
    fn named_issuer(&self, issuer: &Certificate) -> bool {
        self.extensions().invalid.is_none()
            && issuer.extensions().invalid.is_none()
            && self.canonical_issuer() == issuer.canonical_subject()
            && self.akid_matches(issuer)
    }

    /// A short identification for messages.
    pub fn id(&self) -> CertId {
        CertId {
            subject: self.subject(),
            serial: self.serial_hex(),
        }
    }
}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Certificate({})", self.id())
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.der() == other.der() && self.inner.received == other.inner.received
    }
}

impl Eq for Certificate {}

/// Identifies a certificate in messages: its subject and serial number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertId {
    /// The subject, e.g. `C=US, O=OpenStack, CN=Keystone Signing`.
    pub subject: String,
    /// The serial number in upper-case hex.
    pub serial: String,
}

impl fmt::Display for CertId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" (serial {})", self.subject, self.serial)
    }
}

/// BIT STRING content must start with an unused-bits count of at most 7.
fn check_bit_string(bits: Tlv<'_>) -> Result<(), Asn1Error> {
    match bits.value.first() {
        Some(&unused) if unused <= 7 && (unused == 0 || bits.value.len() > 1) => Ok(()),
        _ => Err(Asn1Error::BadValue),
    }
}

/// Upper-case hex of bytes.
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// An INTEGER's content as OpenSSL prints a serial: upper-case hex of the
/// magnitude, with a `-` for negative values (two's complement negated).
pub(crate) fn integer_hex(content: &[u8]) -> String {
    if content.first().is_none_or(|b| b & 0x80 == 0) {
        return hex_upper(asn1::integer_magnitude(content));
    }
    // -x = !x + 1 over the same width.
    let mut magnitude: Vec<u8> = content.iter().map(|b| !b).collect();
    for byte in magnitude.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            break;
        }
    }
    format!("-{}", hex_upper(asn1::integer_magnitude(&magnitude)))
}

/// Splits concatenated DER certificates (e.g. SignedData `certificates`);
/// `received` holds, in order, each certificate as received when the
/// message was BER (read within `max_depth`).
pub(crate) fn parse_sequence(
    value: &[u8],
    received: Option<&[&[u8]]>,
    max_depth: usize,
) -> Result<Vec<Certificate>, Asn1Error> {
    let mut received = received.map(<[&[u8]]>::iter);
    Reader::new(value)
        .filter_map(|tlv| match tlv {
            // Other CertificateChoices ([0]..[3] attribute/other certificates) are skipped.
            Ok(t) if t.tag == tag::SEQUENCE => Some(match received.as_mut().map(Iterator::next) {
                None => Certificate::from_der(t.raw),
                Some(Some(ber)) => Certificate::from_der_as_received(t.raw, Some(ber), max_depth),
                // The received message has fewer certificates: cannot happen.
                Some(None) => Err(Asn1Error::BadValue),
            }),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect()
}

mod received;
use received::Received;

#[cfg(test)]
mod tests;
