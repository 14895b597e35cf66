//! Why a public key cannot be used: [`KeyProblem`] and the enums that say
//! which exponent rule, key type or curve is at fault.

/// Why a public key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyProblem {
    /// An RSA modulus longer than OpenSSL accepts (checked on its encoded
    /// length, before any arithmetic).
    ModulusTooLarge {
        /// Modulus size.
        bits: usize,
        /// OpenSSL's `OPENSSL_RSA_MAX_MODULUS_BITS`.
        max: usize,
    },
    /// An RSA public exponent OpenSSL refuses.
    BadExponent(ExponentProblem),
    /// The key type is one cmsverify does not verify with.
    Unsupported(UnsupportedKey),
    /// An EC key on a curve other than P-256, P-384 and P-521, or with
    /// explicit parameters.
    UnsupportedCurve(UnsupportedCurve),
    /// The key bytes do not decode.
    Malformed,
    /// An RSA key smaller than the policy allows.
    TooSmall {
        /// Modulus size.
        bits: usize,
        /// Policy minimum.
        min: usize,
    },
}

/// Which of OpenSSL's RSA exponent rules (`rsa_ossl_public_decrypt`) a key
/// breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExponentProblem {
    /// The exponent is not smaller than the modulus.
    NotBelowModulus,
    /// Over 64 bits with a modulus over 3072 bits
    /// (`RSA_MAX_PUBEXP_BITS`, `RSA_SMALL_MODULUS_BITS`).
    TooLongForModulus,
}

/// A key type cmsverify does not verify with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsupportedKey {
    /// DSA (docs/compatibility.md item 4).
    Dsa,
    /// Ed448.
    Ed448,
    /// Any other algorithm (ML-DSA, unknown OIDs).
    Other {
        /// The SubjectPublicKeyInfo algorithm, named when known, with its OID.
        algorithm: String,
    },
}

/// An EC key cmsverify does not verify with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsupportedCurve {
    /// Explicit curve parameters instead of a named curve.
    ExplicitParameters,
    /// A named curve other than P-256, P-384 and P-521.
    Named {
        /// The curve's OID, dotted.
        oid: String,
    },
}

impl std::fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unsupported(what) => write!(f, "its {what} public key is not supported"),
            Self::UnsupportedCurve(what) => {
                write!(f, "its EC key uses {what}, which is not supported")
            }
            Self::Malformed => f.write_str("its public key is malformed"),
            Self::ModulusTooLarge { bits, max } => write!(
                f,
                "its {bits}-bit RSA modulus is larger than the {max} bits OpenSSL accepts"
            ),
            Self::BadExponent(why) => write!(f, "its RSA public exponent is refused: {why}"),
            Self::TooSmall { bits, min } => write!(
                f,
                "its {bits}-bit RSA key is smaller than the {min} bits the policy requires"
            ),
        }
    }
}

impl std::fmt::Display for ExponentProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NotBelowModulus => "it is not smaller than the modulus",
            Self::TooLongForModulus => "it is longer than 64 bits with a modulus over 3072 bits",
        })
    }
}

impl std::fmt::Display for UnsupportedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Dsa => f.write_str("DSA"),
            Self::Ed448 => f.write_str("Ed448"),
            Self::Other { algorithm } => f.write_str(algorithm),
        }
    }
}

impl std::fmt::Display for UnsupportedCurve {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ExplicitParameters => f.write_str("explicit curve parameters"),
            Self::Named { oid } => write!(f, "curve {oid}"),
        }
    }
}
