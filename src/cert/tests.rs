//! Unit tests of certificate parsing.

use super::*;

#[test]
fn negative_serials_print_with_a_sign() {
    assert_eq!(integer_hex(&[0x00, 0x80, 0xAB]), "80AB");
    assert_eq!(integer_hex(&[0x80, 0xAB]), "-7F55");
    assert_eq!(integer_hex(&[0xFF]), "-01");
    assert_eq!(integer_hex(&[0x10, 0x01]), "1001");
}

/// The root of tests/data/pki with its TBSCertificate length written in
/// one more octet than needed (BER), and the DER original.
fn ber_and_der() -> (Vec<u8>, Vec<u8>) {
    let pem = include_bytes!("../../tests/data/pki/root.pem");
    let der = crate::pem::blocks(pem).next().unwrap().body.unwrap();
    assert_eq!((der[0], der[1], der[4], der[5]), (0x30, 0x82, 0x30, 0x82));
    let total = usize::from(der[2]) << 8 | usize::from(der[3]);
    let mut ber = vec![0x30, 0x82];
    ber.extend_from_slice(&u16::try_from(total + 1).unwrap().to_be_bytes());
    ber.extend_from_slice(&[0x30, 0x83, 0x00]);
    ber.extend_from_slice(&der[6..]);
    (ber, der)
}

#[test]
fn ber_certificates_keep_the_received_tbs() {
    let (ber, der) = ber_and_der();
    let from_ber = Certificate::from_ber_with_depth(&ber, 16).unwrap();
    let from_der = Certificate::from_der(&der).unwrap();
    assert_eq!(from_ber.der(), from_der.der());
    assert_eq!(
        from_ber.tbs(),
        &ber[4..ber.len() - (der.len() - 4 - from_der.tbs().len())]
    );
    assert_eq!(&from_ber.tbs()[..3], &[0x30, 0x83, 0x00]);
    // Another signed encoding is another certificate.
    assert_ne!(from_ber, from_der);
    assert_ne!(from_ber.fingerprint(), from_der.fingerprint());
    // DER stays DER, and trailing bytes are refused.
    assert_eq!(
        Certificate::from_ber_with_depth(&der, 16).unwrap(),
        from_der
    );
    let mut trailing = der.clone();
    trailing.push(0);
    assert_eq!(
        Certificate::from_ber_with_depth(&trailing, 16).unwrap_err(),
        Asn1Error::TrailingData
    );
}
