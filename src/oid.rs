//! Object identifiers cmsverify recognises, compared by their DER content bytes.

use const_oid::ObjectIdentifier as Oid;

macro_rules! oids {
    ($($(#[$doc:meta])* $name:ident = $value:literal;)*) => {
        $($(#[$doc])* pub(crate) const $name: Oid = Oid::new_unwrap($value);)*
    };
}

oids! {
    // RFC 5652 content types and attributes
    ID_DATA = "1.2.840.113549.1.7.1";
    ID_SIGNED_DATA = "1.2.840.113549.1.7.2";
    CONTENT_TYPE = "1.2.840.113549.1.9.3";
    MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
    SIGNING_TIME = "1.2.840.113549.1.9.5";
    COUNTERSIGNATURE = "1.2.840.113549.1.9.6";
    RECEIPT_REQUEST = "1.2.840.113549.1.9.16.2.1";
    SIGNING_CERTIFICATE = "1.2.840.113549.1.9.16.2.12";
    SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47";

    // Digests
    MD4 = "1.2.840.113549.2.4";
    MD5 = "1.2.840.113549.2.5";
    SHA1 = "1.3.14.3.2.26";
    SHA256 = "2.16.840.1.101.3.4.2.1";
    SHA384 = "2.16.840.1.101.3.4.2.2";
    SHA512 = "2.16.840.1.101.3.4.2.3";
    SHA224 = "2.16.840.1.101.3.4.2.4";
    SHA512_224 = "2.16.840.1.101.3.4.2.5";
    SHA512_256 = "2.16.840.1.101.3.4.2.6";
    SHA3_224 = "2.16.840.1.101.3.4.2.7";
    SHA3_256 = "2.16.840.1.101.3.4.2.8";
    SHA3_384 = "2.16.840.1.101.3.4.2.9";
    SHA3_512 = "2.16.840.1.101.3.4.2.10";
    SM3 = "1.2.156.10197.1.401";
    RIPEMD160 = "1.3.36.3.2.1";

    // Public key and signature algorithms
    RSA_ENCRYPTION = "1.2.840.113549.1.1.1";
    MD2_WITH_RSA = "1.2.840.113549.1.1.2";
    MD4_WITH_RSA = "1.2.840.113549.1.1.3";
    MD5_WITH_RSA = "1.2.840.113549.1.1.4";
    SHA1_WITH_RSA = "1.2.840.113549.1.1.5";
    RSASSA_PSS = "1.2.840.113549.1.1.10";
    SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
    SHA384_WITH_RSA = "1.2.840.113549.1.1.12";
    SHA512_WITH_RSA = "1.2.840.113549.1.1.13";
    SHA224_WITH_RSA = "1.2.840.113549.1.1.14";
    SHA512_224_WITH_RSA = "1.2.840.113549.1.1.15";
    SHA512_256_WITH_RSA = "1.2.840.113549.1.1.16";
    MGF1 = "1.2.840.113549.1.1.8";
    EC_PUBLIC_KEY = "1.2.840.10045.2.1";
    ECDSA_WITH_SHA1 = "1.2.840.10045.4.1";
    ECDSA_WITH_SHA224 = "1.2.840.10045.4.3.1";
    ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";
    ECDSA_WITH_SHA384 = "1.2.840.10045.4.3.3";
    ECDSA_WITH_SHA512 = "1.2.840.10045.4.3.4";
    // NIST CSOR sigAlgs: ECDSA and RSA PKCS#1 v1.5 with SHA-3
    ECDSA_WITH_SHA3_224 = "2.16.840.1.101.3.4.3.9";
    ECDSA_WITH_SHA3_256 = "2.16.840.1.101.3.4.3.10";
    ECDSA_WITH_SHA3_384 = "2.16.840.1.101.3.4.3.11";
    ECDSA_WITH_SHA3_512 = "2.16.840.1.101.3.4.3.12";
    RSA_WITH_SHA3_224 = "2.16.840.1.101.3.4.3.13";
    RSA_WITH_SHA3_256 = "2.16.840.1.101.3.4.3.14";
    RSA_WITH_SHA3_384 = "2.16.840.1.101.3.4.3.15";
    RSA_WITH_SHA3_512 = "2.16.840.1.101.3.4.3.16";
    SECP256R1 = "1.2.840.10045.3.1.7";
    SECP384R1 = "1.3.132.0.34";
    SECP521R1 = "1.3.132.0.35";
    ED25519 = "1.3.101.112";
    ED448 = "1.3.101.113";
    // FIPS 204 (named in messages only: not verified)
    ML_DSA_44 = "2.16.840.1.101.3.4.3.17";
    ML_DSA_65 = "2.16.840.1.101.3.4.3.18";
    ML_DSA_87 = "2.16.840.1.101.3.4.3.19";
    DSA = "1.2.840.10040.4.1";

    // Certificate extensions (RFC 5280 and Netscape)
    SUBJECT_KEY_ID = "2.5.29.14";
    KEY_USAGE = "2.5.29.15";
    SUBJECT_ALT_NAME = "2.5.29.17";
    ISSUER_ALT_NAME = "2.5.29.18";
    BASIC_CONSTRAINTS = "2.5.29.19";
    NAME_CONSTRAINTS = "2.5.29.30";
    CRL_DISTRIBUTION_POINTS = "2.5.29.31";
    CERTIFICATE_POLICIES = "2.5.29.32";
    POLICY_MAPPINGS = "2.5.29.33";
    AUTHORITY_KEY_ID = "2.5.29.35";
    POLICY_CONSTRAINTS = "2.5.29.36";
    EXT_KEY_USAGE = "2.5.29.37";
    INHIBIT_ANY_POLICY = "2.5.29.54";
    NETSCAPE_CERT_TYPE = "2.16.840.1.113730.1.1";
    PROXY_CERT_INFO = "1.3.6.1.5.5.7.1.14";
    IP_ADDR_BLOCKS = "1.3.6.1.5.5.7.1.7";
    AS_IDENTIFIERS = "1.3.6.1.5.5.7.1.8";
    OCSP_NOCHECK = "1.3.6.1.5.5.7.48.1.5";

    // Extended key usages
    KP_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    KP_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    KP_CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    KP_EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4";
    KP_TIME_STAMPING = "1.3.6.1.5.5.7.3.8";
    KP_OCSP_SIGNING = "1.3.6.1.5.5.7.3.9";
    ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";

    // Name attributes
    AT_COMMON_NAME = "2.5.4.3";
    AT_EMAIL_ADDRESS = "1.2.840.113549.1.9.1";

    // otherName forms
    ON_SMTP_UTF8_MAILBOX = "1.3.6.1.5.5.7.8.9";
}

/// Whether OpenSSL decodes these OBJECT IDENTIFIER content octets
/// (`ossl_c2i_ASN1_OBJECT()`): not empty, the last octet ends a
/// subidentifier (high bit clear), and no subidentifier starts with 0x80
/// (a non-minimal encoding).
pub(crate) fn is_valid_encoding(value: &[u8]) -> bool {
    let ends_well = value.last().is_some_and(|&b| b & 0x80 == 0);
    let padded = value
        .iter()
        .enumerate()
        .any(|(i, &b)| b == 0x80 && (i == 0 || value.get(i - 1).is_some_and(|&p| p & 0x80 == 0)));
    ends_well && !padded
}

/// True when the DER content bytes `value` encode `oid`.
pub(crate) fn is(value: &[u8], oid: &Oid) -> bool {
    value == oid.as_bytes()
}

/// Dotted form of an OID given by its content bytes (`"?"` if malformed).
pub(crate) fn dotted(value: &[u8]) -> String {
    Oid::from_bytes(value).map_or_else(|_| "?".to_owned(), |o| o.to_string())
}

/// A readable name for well-known OIDs, else the dotted form.
pub(crate) fn describe(value: &[u8]) -> String {
    let known: &[(&Oid, &str)] = &[
        (&ID_DATA, "id-data"),
        (&ID_SIGNED_DATA, "id-signedData"),
        (&MD5, "MD5"),
        (&MD4, "MD4"),
        (&SHA1, "SHA-1"),
        (&SHA224, "SHA-224"),
        (&SHA256, "SHA-256"),
        (&SHA384, "SHA-384"),
        (&SHA512, "SHA-512"),
        (&SHA512_224, "SHA-512/224"),
        (&SHA512_256, "SHA-512/256"),
        (&SHA3_224, "SHA3-224"),
        (&SHA3_256, "SHA3-256"),
        (&SHA3_384, "SHA3-384"),
        (&SHA3_512, "SHA3-512"),
        (&SM3, "SM3"),
        (&RIPEMD160, "RIPEMD-160"),
        (&RSA_ENCRYPTION, "rsaEncryption"),
        (&RSASSA_PSS, "RSASSA-PSS"),
        (&MD5_WITH_RSA, "md5WithRSAEncryption"),
        (&SHA1_WITH_RSA, "sha1WithRSAEncryption"),
        (&SHA224_WITH_RSA, "sha224WithRSAEncryption"),
        (&SHA256_WITH_RSA, "sha256WithRSAEncryption"),
        (&SHA384_WITH_RSA, "sha384WithRSAEncryption"),
        (&SHA512_WITH_RSA, "sha512WithRSAEncryption"),
        (&EC_PUBLIC_KEY, "id-ecPublicKey"),
        (&ECDSA_WITH_SHA1, "ecdsa-with-SHA1"),
        (&ECDSA_WITH_SHA224, "ecdsa-with-SHA224"),
        (&ECDSA_WITH_SHA256, "ecdsa-with-SHA256"),
        (&ECDSA_WITH_SHA384, "ecdsa-with-SHA384"),
        (&ECDSA_WITH_SHA512, "ecdsa-with-SHA512"),
        (&ECDSA_WITH_SHA3_224, "id-ecdsa-with-sha3-224"),
        (&ECDSA_WITH_SHA3_256, "id-ecdsa-with-sha3-256"),
        (&ECDSA_WITH_SHA3_384, "id-ecdsa-with-sha3-384"),
        (&ECDSA_WITH_SHA3_512, "id-ecdsa-with-sha3-512"),
        (&RSA_WITH_SHA3_224, "id-rsassa-pkcs1-v1_5-with-sha3-224"),
        (&RSA_WITH_SHA3_256, "id-rsassa-pkcs1-v1_5-with-sha3-256"),
        (&RSA_WITH_SHA3_384, "id-rsassa-pkcs1-v1_5-with-sha3-384"),
        (&RSA_WITH_SHA3_512, "id-rsassa-pkcs1-v1_5-with-sha3-512"),
        (&ED25519, "Ed25519"),
        (&ED448, "Ed448"),
        (&ML_DSA_44, "ML-DSA-44"),
        (&ML_DSA_65, "ML-DSA-65"),
        (&ML_DSA_87, "ML-DSA-87"),
        (&DSA, "DSA"),
        (&KP_SERVER_AUTH, "serverAuth"),
        (&KP_CLIENT_AUTH, "clientAuth"),
        (&KP_CODE_SIGNING, "codeSigning"),
        (&KP_EMAIL_PROTECTION, "emailProtection"),
        (&KP_TIME_STAMPING, "timeStamping"),
        (&KP_OCSP_SIGNING, "OCSPSigning"),
        (&ANY_EXTENDED_KEY_USAGE, "anyExtendedKeyUsage"),
        (&SUBJECT_KEY_ID, "subjectKeyIdentifier"),
        (&AUTHORITY_KEY_ID, "authorityKeyIdentifier"),
        (&ISSUER_ALT_NAME, "issuerAltName"),
        (&KEY_USAGE, "keyUsage"),
        (&BASIC_CONSTRAINTS, "basicConstraints"),
        (&EXT_KEY_USAGE, "extendedKeyUsage"),
        (&NAME_CONSTRAINTS, "nameConstraints"),
        (&NETSCAPE_CERT_TYPE, "nsCertType"),
        (&SUBJECT_ALT_NAME, "subjectAltName"),
        (&CRL_DISTRIBUTION_POINTS, "cRLDistributionPoints"),
        (&IP_ADDR_BLOCKS, "ipAddrBlocks"),
        (&AS_IDENTIFIERS, "ASIdentifiers"),
        (&PROXY_CERT_INFO, "proxyCertInfo"),
    ];
    known.iter().find(|(oid, _)| is(value, oid)).map_or_else(
        || dotted(value),
        |(_, name)| format!("{name} ({})", dotted(value)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oid_encodings_openssl_decodes() {
        assert!(is_valid_encoding(&[0x55, 0x04, 0x03]));
        assert!(is_valid_encoding(&[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D]));
        assert!(is_valid_encoding(&[0x2A, 0x81, 0x80, 0x01]));
        assert!(!is_valid_encoding(&[]));
        assert!(!is_valid_encoding(&[0x55, 0x04, 0x83]));
        assert!(!is_valid_encoding(&[0x55, 0x80, 0x04]));
        assert!(!is_valid_encoding(&[0x80, 0x01]));
    }
}
