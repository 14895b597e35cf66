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

mod builder;
mod conversions;
mod second_parser;
mod signer_output;
