//! RSASSA-PSS on SignerInfos and certificates (RSA keys only): MGF1 of any
//! digest of the pool, salt lengths 0, 20, the digest's length and 64, and
//! the AlgorithmIdentifier written explicitly, with defaults omitted, with
//! an explicit trailerField, or "lying" (see [`crate::pss::Lie`]).

use super::{role, target, Gen, Mutation};
use crate::keys::{Family, Hash, Scheme};
use crate::pss::{Form, Lie, Pss};
use crate::rng::Rng;

pub const GENERATORS: &[Gen] = &[(3, signer_pss), (2, cert_pss)];

/// The signature's digest: `None` keeps the one the case has; SHA-1 is
/// favoured so that the default-omitting form omits something.
const HASHES: [Option<Hash>; 9] = [
    None,
    Some(Hash::Sha1),
    Some(Hash::Sha1),
    Some(Hash::Sha224),
    Some(Hash::Sha256),
    Some(Hash::Sha384),
    Some(Hash::Sha512),
    Some(Hash::Md5),
    Some(Hash::Sha3_256),
];

/// PSS parameters: MGF1's digest (a third of the time the signature's
/// own), the salt length, and the form (a lie two times in nine).
fn draw(rng: &mut Rng) -> Pss {
    let mgf = if rng.one_in(3) {
        None
    } else {
        Some(*rng.pick(&Hash::ALL))
    };
    let salt = *rng.pick(&[Some(0), Some(20), None, Some(64)]);
    let form = match rng.below(9) {
        0..=2 => Form::Explicit,
        3..=5 => Form::Defaults,
        6 => Form::Trailer,
        _ => Form::Lie(*rng.pick(&Lie::ALL)),
    };
    Pss { mgf, salt, form }
}

/// The readable parameters: `mgf None` is MGF1 of the signature's digest,
/// `salt None` a salt of the digest's length.
fn describe(hash: Option<Hash>, p: Pss) -> String {
    format!(
        "hash {hash:?} mgf {:?} salt {:?} form {:?}",
        p.mgf, p.salt, p.form
    )
}

/// The first SignerInfo signs with PSS (when its key is RSA).
fn signer_pss(rng: &mut Rng) -> Mutation {
    let hash = *rng.pick(&HASHES);
    let p = draw(rng);
    Mutation::new("msg.pss", describe(hash, p), move |s| {
        let Some(key) = s.msg.signers.first().map(|sg| s.signer_key(sg)) else {
            return;
        };
        if key.family() != Family::Rsa {
            return;
        }
        if let Some(sg) = s.msg.signers.first_mut() {
            sg.hash = hash.unwrap_or(sg.hash);
            sg.scheme = Scheme::Pss(p);
        }
    })
}

/// A certificate is signed with PSS (when its issuer's key is RSA).
fn cert_pss(rng: &mut Rng) -> Mutation {
    let t = target(rng);
    let hash = *rng.pick(&HASHES);
    let p = draw(rng);
    Mutation::new(
        "cert.pss",
        format!("{} {}", role(t), describe(hash, p)),
        move |s| {
            let key = s.cert_signing_key(t.min(s.certs.len() - 1));
            if key.family() != Family::Rsa {
                return;
            }
            if let Some(c) = s.certs.get_mut(t) {
                c.hash = hash.unwrap_or(c.hash);
                c.scheme = Scheme::Pss(p);
            }
        },
    )
}
