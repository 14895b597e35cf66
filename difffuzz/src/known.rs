//! Recorded findings: disagreements this fuzzer found that no documented
//! difference explains, i.e. cmsverify bugs, each written up in
//! FINDINGS.md under its id. They are matched on the minimised case (its
//! mutation families and parameters, and the verdict classes) so that a
//! long run counts them instead of re-reporting them; a disagreement that
//! matches none is new and fails the run.

use crate::mutate::Mutation;
use crate::oracle::{Class, Verdict};

/// A recorded finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Known {
    /// The FINDINGS.md id.
    pub id: &'static str,
    /// True when issue 15 already lists it (being fixed).
    pub in_issue_15: bool,
}

fn has(muts: &[Mutation], name: &str, detail: &str) -> bool {
    muts.iter()
        .any(|m| m.name == name && m.detail.contains(detail))
}

fn classes(t: &Verdict, o: &Verdict, theirs: &[Class], ours: &[Class]) -> bool {
    theirs.contains(&t.class) && ours.contains(&o.class)
}

use Class::{Config, Ok, Parse, Verify};

/// The recorded finding the minimised case `muts` with verdicts `t`
/// (OpenSSL) and `o` (cmsverify) is an instance of, if any.
pub fn match_known(muts: &[Mutation], t: &Verdict, o: &Verdict) -> Option<Known> {
    let found = |id, in_issue_15| Some(Known { id, in_issue_15 });
    // F1: a name attribute of a string type outside ASN1_PRINTABLE.
    if (has(muts, "name.string_type", "tag 0x1a") || has(muts, "name.string_type", "tag 0x04"))
        && classes(t, o, &[Config, Parse], &[Ok, Verify])
    {
        return found("F1", false);
    }
    // F2: a TBSCertificate with a non-minimal (BER) length.
    if has(muts, "cert.tbs_ber_length", "")
        && classes(t, o, &[Ok, Verify], &[Config, Parse, Verify])
    {
        return found("F2", true);
    }
    // F3: an X.509 version 4 (INTEGER 3) certificate.
    if has(muts, "cert.version", "Some([02, 01, 03])")
        && classes(t, o, &[Ok, Verify], &[Config, Parse])
    {
        return found("F3", false);
    }
    // F4: the anchor's signature algorithms differ (its self-signature fails).
    let anchor_alg = has(muts, "cert.sig_alg", "root 0")
        || has(muts, "cert.sig_alg", "root 1")
        || (has(muts, "place.chain", "shape 1") && has(muts, "cert.sig_alg", "signer"))
        || (has(muts, "place.chain", "shape 2") && has(muts, "cert.sig_alg", "intermediate"));
    if anchor_alg && classes(t, o, &[Ok], &[Verify]) {
        return found("F4", false);
    }
    // F5: an issuer name with a trailing empty RDN.
    if has(muts, "name.rdn_shape", "issuer shape 1 ") && classes(t, o, &[Ok], &[Verify]) {
        return found("F5", true);
    }
    // F6: malformed or duplicated extensions OpenSSL decodes when it caches
    // a certificate.
    let duplicated = has(muts, "ext.duplicate", "") && classes(t, o, &[Verify], &[Ok]);
    let cached = [
        "1.3.6.1.5.5.7.1.7 ",
        "1.3.6.1.5.5.7.1.8 ",
        "2.5.29.31 ",
        "2.5.29.46 ",
        "1.3.6.1.5.5.7.1.1 ",
        "2.5.29.32 ",
        "2.5.29.36 ",
        "2.5.29.54 ",
        "1.3.6.1.5.5.7.1.24 ",
    ];
    if (duplicated || cached.iter().any(|oid| has(muts, "ext.malformed", oid)))
        && classes(t, o, &[Verify], &[Ok])
    {
        return found("F6", true);
    }
    // F7: RFC 3779 resources are not validated along the path.
    if (has(muts, "ext.set", "1.3.6.1.5.5.7.1.8 ") || has(muts, "ext.set", "1.3.6.1.5.5.7.1.7 "))
        && classes(t, o, &[Verify], &[Ok])
    {
        return found("F7", false);
    }
    // F8: an RSA public exponent over 33 bits.
    if has(muts, "cert.key", "RsaE41Bit") && classes(t, o, &[Ok], &[Verify]) {
        return found("F8", true);
    }
    // F9: a ContentInfo of another CMS type OpenSSL parses (and fails to).
    if has(muts, "msg.content_type", "outer true") && classes(t, o, &[Parse], &[Verify]) {
        return found("F9", false);
    }
    // F10: a SHA-3 RSA signature OID as the digest algorithm (alias).
    if has(muts, "msg.digest_alg", "form 1")
        && has(muts, "msg.signer_hash", "Sha3_256")
        && classes(t, o, &[Ok], &[Verify])
    {
        return found("F10", true);
    }
    // F11: an extension value followed by extra bytes.
    if has(muts, "ext.malformed", "form 1") && classes(t, o, &[Ok], &[Verify, Config]) {
        return found("F11", false);
    }
    // F12: RSA PKCS#1 v1.5 with SHA-3 (id-rsassa-pkcs1-v1_5-with-sha3-256).
    if (has(muts, "msg.signer_hash", "Sha3_256") || has(muts, "cert.hash", "Sha3_256"))
        && classes(t, o, &[Ok], &[Verify])
    {
        return found("F12", false);
    }
    // F13: empty RDNs do not count when names are compared (chaining,
    // signer identifiers).
    let empty_rdn =
        has(muts, "name.rdn_shape", "shape 0 ") || has(muts, "name.rdn_shape", "subject shape 1 ");
    if empty_rdn && classes(t, o, &[Ok], &[Verify]) {
        return found("F13", false);
    }
    // F14: elliptic curves OpenSSL verifies and cmsverify does not support.
    if (has(muts, "cert.key", "Secp256k1") || has(muts, "cert.key", "Brainpool256"))
        && classes(t, o, &[Ok], &[Verify])
    {
        return found("F14", true);
    }
    // F16: a name-constraint subtree with minimum/maximum fails closed
    // even when no name of its form is checked.
    if has(muts, "ext.set", "2.5.29.30 ")
        && has(muts, "ext.set", "80, 01, 01")
        && classes(t, o, &[Ok], &[Verify])
    {
        return found("F16", false);
    }
    // F17: an SmtpUTF8Mailbox otherName is an e-mail name for rfc822Name
    // constraints.
    if has(muts, "ext.set", "2b, 06, 01, 05, 05, 07, 08, 09") && classes(t, o, &[Verify], &[Ok]) {
        return found("F17", true);
    }
    // F15: an anchor whose TBSCertificate signature algorithm does not fit
    // its own key is not self-issued for OpenSSL, so not an anchor.
    // (Signing the RSA root with an EC key puts ECDSA into its TBS too.)
    let anchor_inner = has(muts, "cert.sig_alg", "root 0")
        || has(muts, "cert.sig_alg", "root 2")
        || (has(muts, "cert.wrong_key", "root signed by P256C")
            && has(muts, "cert.sig_alg", "root 1"));
    if anchor_inner && classes(t, o, &[Verify], &[Ok]) {
        return found("F15", false);
    }
    None
}
