//! Structure-aware: the input is a list of knobs from which cmsverify-attacks
//! (tests/attacks) assembles a hostile message: signer candidates, same-name
//! issuers with large and odd RSA keys, filler certificates, several
//! SignerInfos, many signed attributes, deep nesting and nested BER strings,
//! in DER, PEM, PKI-token or PKIZ form. The full verifier (Keystone trust)
//! must reject it, within the run's time and memory limits.
//!
//! Input layout (missing bytes read as 0):
//! - byte: flags. Bit 0: name the Keystone signing certificate as signer;
//!   bit 1: signed attributes; bit 2: a deeply nested unsigned attribute
//!   (bit 3: indefinite lengths); bit 4: BER eContent; bits 5-6: the form.
//! - byte: signer candidates (0 to 63).
//! - byte: issuers (0 to 15), then per issuer a modulus-size byte and an
//!   exponent byte (picks from `MODULUS_BYTES` and `exponent`).
//! - u16: filler certificates (0 to 1023).
//! - byte: SignerInfos (0 to 31).
//! - with bit 1, u16: extra signed attributes (0 to 511).
//! - with bit 2, u16: nesting depth (0 to 1023).
//! - with bit 4, bytes: BER depth (1 to 64), fan-out (1 to 4), u16 segments
//!   (at most 1 MiB encoded: larger inputs belong to scripts/hostile-bench.sh, where the
//!   instrumented build's overhead does not count); otherwise the rest is the content.
#![no_main]
use cmsverify_attacks::{encode, BerShape, Content, Nesting, Recipe, RsaKey, Sid};
use libfuzzer_sys::fuzz_target;

/// Issuer modulus sizes, in bytes: small, usual, OpenSSL's limit and past it, 1 Mibit.
const MODULUS_BYTES: [usize; 10] = [1, 64, 127, 256, 512, 2048, 2049, 4096, 16384, 131_072];

/// Reads knobs from the front of the fuzz input.
struct Knobs<'a>(&'a [u8]);

impl Knobs<'_> {
    fn byte(&mut self) -> u8 {
        let (&b, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        b
    }

    fn u16(&mut self) -> usize {
        usize::from(u16::from_be_bytes([self.byte(), self.byte()]))
    }
}

/// An exponent: usual, smallest, OpenSSL's largest, just over 64 bits, even, empty, huge.
fn exponent(pick: u8) -> Vec<u8> {
    match pick % 8 {
        0 => vec![1, 0, 1],
        1 => vec![3],
        2 => vec![0xFF; 8],
        3 => vec![1, 0, 0, 0, 0, 0, 0, 0, 1],
        4 => vec![2],
        5 => Vec::new(),
        6 => vec![0xFF; 2048],
        _ => vec![0x01, 0xFF, 0xFF, 0xFF, 0xFF],
    }
}

/// The Keystone signing certificate's issuer and serial.
fn keystone_sid() -> Sid {
    let pem = include_str!("../../tests/data/keystone/signing_cert.pem");
    encode::pem_body(pem, "CERTIFICATE")
        .as_deref()
        .and_then(Sid::from_certificate)
        .expect("fixture certificate")
}

fn recipe(k: &mut Knobs<'_>, flags: u8) -> Recipe {
    let sid = if flags & 1 == 1 {
        keystone_sid()
    } else {
        Sid::default()
    };
    let candidates = usize::from(k.byte() % 64);
    let issuers = (0..k.byte() % 16)
        .map(|_| RsaKey {
            modulus_bytes: MODULUS_BYTES[usize::from(k.byte()) % MODULUS_BYTES.len()],
            exponent: exponent(k.byte()),
        })
        .collect();
    let fillers = k.u16() % 1024;
    let signer_infos = usize::from(k.byte() % 32);
    let signed_attributes = (flags & 2 != 0).then(|| k.u16() % 512);
    let nested_attribute = (flags & 4 != 0).then(|| Nesting {
        depth: k.u16() % 1024,
        indefinite: flags & 8 != 0,
    });
    let content = if flags & 16 != 0 {
        let mut shape = BerShape {
            depth: usize::from(k.byte() % 64) + 1,
            fan_out: usize::from(k.byte() % 4) + 1,
            segments: k.u16(),
        };
        // The encoded size: 2 bytes a segment, 4 a level, times the fan-out
        // per level (also when there are no segments).
        let encoded = |s: &BerShape| {
            (1..s.depth).fold(4 + 2 * s.segments, |n: usize, _| {
                n.saturating_mul(s.fan_out).saturating_add(4)
            })
        };
        while shape.depth > 1 && encoded(&shape) > 1 << 20 {
            shape.depth -= 1;
        }
        Content::Ber(shape)
    } else {
        Content::Octets(k.0.to_vec())
    };
    Recipe {
        sid,
        candidates,
        issuers,
        fillers,
        signer_infos,
        signed_attributes,
        nested_attribute,
        content,
    }
}

fuzz_target!(|data: &[u8]| {
    let mut k = Knobs(data);
    let flags = k.byte();
    let der = recipe(&mut k, flags).build();
    let (message, form) = match flags >> 5 & 3 {
        0 => (der, cmsverify::InputForm::Der),
        1 => (encode::to_pem(&der).into_bytes(), cmsverify::InputForm::Pem),
        2 => (
            encode::to_pki_token(&der).into_bytes(),
            cmsverify::InputForm::Token,
        ),
        _ => (
            encode::to_pkiz_token_at(&der, 1).into_bytes(),
            cmsverify::InputForm::Pkiz,
        ),
    };
    let verifier = cmsverify_fuzz_trust::verifier();
    // No signature in these messages is valid.
    assert!(verifier.verify_form(&message, form).is_err());
});

#[path = "../trust.rs"]
mod cmsverify_fuzz_trust;
