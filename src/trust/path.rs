//! Path building from a signer certificate to a CAfile anchor.
//!
//! Like rustls-webpki's `verify_cert.rs`: a depth-first search over candidate
//! issuers (CAfile first, then the certfile and the message's certificates),
//! each issuer signature checked as the path grows and charged to a budget,
//! loops cut by skipping certificates already on the path, and the most
//! specific error kept when every candidate fails. Unlike OpenSSL 3.0, which
//! commits to one candidate per step, every candidate with the right name is
//! tried (docs/compatibility.md item 3); a path is accepted only when all its
//! signatures and every rule of [`super::policy`] hold.

use crate::algorithm::{AlgorithmPolicy, SignatureProblem};
use crate::budget::Budget;
use crate::cert::Certificate;
use crate::error::{CertProblem, CertRole, Error};
use crate::limits::Limits;
use crate::time::UnixTime;

use super::policy::{self, Purpose};
use super::store::{CertIndex, TrustStore};

/// A path that passed every check.
#[derive(Debug, Clone)]
pub(crate) struct ValidatedPath {
    /// Signer first, anchor last.
    pub certs: Vec<Certificate>,
    /// The latest notBefore on the path.
    pub valid_from: UnixTime,
    /// The earliest notAfter on the path.
    pub valid_until: UnixTime,
    /// Fingerprints of the CA certificates taken from the message: a cached
    /// path applies to a later message only if it carries them too, so a
    /// message with a damaged intermediate fails as it would uncached.
    pub from_message: Vec<[u8; 32]>,
}

/// Everything a search needs besides the store.
pub(crate) struct Search<'a> {
    pub store: &'a TrustStore,
    /// The message's certificates, indexed for this call.
    pub message_certs: &'a CertIndex,
    pub at: UnixTime,
    pub purpose: Purpose,
    pub algorithms: &'a AlgorithmPolicy,
    pub limits: &'a Limits,
}

/// Where a candidate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The CAfile.
    Trusted,
    /// The certfile (or the signer itself).
    Untrusted,
    /// The message's certificates.
    Message,
}

struct State<'b> {
    path: Vec<(Certificate, Origin)>,
    budget: &'b mut Budget,
    best: Option<Error>,
}

impl State<'_> {
    fn record(&mut self, e: Error) {
        if self.best.as_ref().is_none_or(|b| e.rank() > b.rank()) {
            self.best = Some(e);
        }
    }
}

/// The role of certificate `index` of a complete path of `len` certificates.
fn role(index: usize, len: usize) -> CertRole {
    match index {
        0 => CertRole::Signer,
        i if i + 1 == len => CertRole::Anchor,
        _ => CertRole::Intermediate,
    }
}

/// The role of certificate `index` of a path still being built: none of its
/// certificates is an anchor yet.
fn open_role(index: usize) -> CertRole {
    if index == 0 {
        CertRole::Signer
    } else {
        CertRole::Intermediate
    }
}

fn cert_error(cert: &Certificate, role: CertRole, problem: CertProblem) -> Error {
    Error::Certificate {
        cert: cert.id(),
        role,
        problem,
    }
}

impl Search<'_> {
    /// Finds a path for `signer` that passes every check, charging `budget`.
    ///
    /// # Errors
    /// The most specific failure among all candidate paths, or
    /// [`Error::BudgetExhausted`].
    pub(crate) fn run(
        &self,
        signer: &Certificate,
        budget: &mut Budget,
    ) -> Result<ValidatedPath, Error> {
        let mut state = State {
            path: vec![(signer.clone(), Origin::Trusted)],
            budget,
            best: None,
        };
        // A self-signed signer that is itself in the CAfile is its own anchor (E01).
        if signer.is_self_signed() && self.store.trusted.all().contains(signer) {
            if let Some(done) = self.complete(&mut state)? {
                return Ok(done);
            }
        }
        state.path = vec![(signer.clone(), Origin::Untrusted)];
        match self.extend(&mut state)? {
            Some(done) => Ok(done),
            None => Err(state.best.unwrap_or_else(|| {
                cert_error(
                    signer,
                    CertRole::Signer,
                    CertProblem::UnknownIssuer {
                        issuer: signer.issuer(),
                    },
                )
            })),
        }
    }

    /// Issuer candidates for `cert`: CAfile entries first (trusted-first, as
    /// OpenSSL), then the certfile, then the message's certificates.
    fn candidates<'s>(
        &'s self,
        cert: &'s Certificate,
    ) -> impl Iterator<Item = (&'s Certificate, Origin)> + 's {
        let issuer = cert.canonical_issuer();
        let trusted = self
            .store
            .trusted
            .by_subject(issuer)
            .map(|c| (c, Origin::Trusted));
        let certfile = self
            .store
            .untrusted
            .by_subject(issuer)
            .map(|c| (c, Origin::Untrusted));
        let message = self
            .message_certs
            .by_subject(issuer)
            .map(|c| (c, Origin::Message));
        trusted.chain(certfile).chain(message)
    }

    /// Extends the path from its last certificate. `Ok(Some)` is a validated
    /// path, `Ok(None)` means every branch failed (errors recorded), `Err` is
    /// the budget running out.
    fn extend(&self, state: &mut State<'_>) -> Result<Option<ValidatedPath>, Error> {
        let (cert, origin) = state.path.last().cloned().ok_or(Error::NoSigners)?;
        let index = state.path.len() - 1;
        let mut tried = 0usize;
        // A candidate with the right name whose key cmsverify cannot use: the
        // reason to give when no candidate could be tried.
        let mut unusable_issuer_key = None;
        // A candidate named as the issuer whose key type cannot have made the
        // signature (its algorithm): the next best reason.
        let mut wrong_algorithm = None;
        // A candidate named as the issuer whose own extensions are invalid:
        // the reason before those two, reported on that candidate.
        let mut invalid_issuer = None;
        for (candidate, cand_origin) in self.candidates(&cert) {
            state.budget.charge_path_step()?;
            if !cert.likely_issued_by(candidate) {
                if unusable_issuer_key.is_none() {
                    unusable_issuer_key = candidate.unusable_key();
                }
                if wrong_algorithm.is_none() {
                    wrong_algorithm = cert.issuer_algorithm_problem(candidate);
                }
                if invalid_issuer.is_none() {
                    invalid_issuer = cert
                        .invalid_issuer_extension(candidate)
                        .map(|invalid| (candidate, cand_origin, invalid.clone()));
                }
                continue;
            }
            let on_path = state.path.iter().any(|(c, _)| {
                c.canonical_subject() == candidate.canonical_subject()
                    && c.spki() == candidate.spki()
            });
            if on_path {
                continue;
            }
            tried += 1;
            if state.path.len() >= self.limits.max_path_len {
                state.record(cert_error(
                    &cert,
                    open_role(index),
                    CertProblem::PathTooLong {
                        max: self.limits.max_path_len,
                    },
                ));
                continue;
            }
            let is_anchor = cand_origin == Origin::Trusted && candidate.is_self_signed();
            // Cheap checks first: a candidate no path could use costs no signature check.
            if let Err(problem) = policy::check_issuer_candidate(candidate, self.purpose, self.at) {
                let role = if is_anchor {
                    CertRole::Anchor
                } else {
                    CertRole::Intermediate
                };
                state.record(cert_error(candidate, role, problem));
                continue;
            }
            if let Err(problem) = self.issued_by(&cert, candidate, state.budget)? {
                state.record(cert_error(&cert, open_role(index), problem));
                continue;
            }
            state.path.push((candidate.clone(), cand_origin));
            let found = if is_anchor {
                self.complete(state)?
            } else {
                self.extend(state)?
            };
            state.path.pop();
            if found.is_some() {
                return Ok(found);
            }
        }
        if tried == 0 {
            // An invalid certificate has no issuer (ossl_x509_likely_issued):
            // its extension is the reason, as OpenSSL's error queue says.
            if cert.extensions().invalid.is_none() {
                if let Some((issuer, issuer_origin, invalid)) = invalid_issuer {
                    let role = if issuer_origin == Origin::Trusted && issuer.is_self_signed() {
                        CertRole::Anchor
                    } else {
                        CertRole::Intermediate
                    };
                    let problem = CertProblem::InvalidExtension(invalid);
                    state.record(cert_error(issuer, role, problem));
                    return Ok(None);
                }
            }
            let problem = if let Some(invalid) = &cert.extensions().invalid {
                CertProblem::InvalidExtension(invalid.clone())
            } else if let Some(key) = unusable_issuer_key {
                CertProblem::IssuerKey(key)
            } else if let Some(problem) = wrong_algorithm {
                CertProblem::Signature(problem)
            } else if cert.is_self_signed() {
                if index == 0 {
                    CertProblem::SelfSignedNotTrusted
                } else {
                    CertProblem::UntrustedRoot
                }
            } else if origin == Origin::Trusted {
                CertProblem::IncompletePath {
                    issuer: cert.issuer(),
                }
            } else {
                CertProblem::UnknownIssuer {
                    issuer: cert.issuer(),
                }
            };
            state.record(cert_error(&cert, open_role(index), problem));
        }
        Ok(None)
    }

    /// Whether `issuer`'s key verifies `cert`'s signature, remembered per
    /// pair for the rest of the call; the check is charged to `budget`.
    fn issued_by(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        budget: &mut Budget,
    ) -> Result<Result<(), CertProblem>, Error> {
        if let Some(verdict) = budget.issuer_verdict(cert.fingerprint(), issuer.fingerprint()) {
            return Ok(verdict);
        }
        let verdict = if cert.signature_algorithms_agree() {
            match issuer.budgeted_key(budget)? {
                Err(problem) => Err(CertProblem::IssuerKey(problem)),
                // Policy item 5 (RSA keys under 1024 bits) holds for every key on the path.
                Ok((key, cost)) => match key.check_policy(self.algorithms) {
                    Err(problem) => Err(CertProblem::IssuerKey(problem)),
                    Ok(()) => {
                        budget.charge_signature(cost)?;
                        key.verify_certificate(
                            &cert.signature_algorithm(),
                            cert.tbs(),
                            cert.signature(),
                            self.algorithms,
                        )
                        .map_err(CertProblem::Signature)
                    }
                },
            }
        } else {
            Err(CertProblem::Signature(SignatureProblem::AlgorithmMismatch))
        };
        budget.remember_issuer_verdict(cert.fingerprint(), issuer.fingerprint(), verdict.clone());
        Ok(verdict)
    }

    /// Runs the policy on a path ending in an anchor.
    fn complete(&self, state: &mut State<'_>) -> Result<Option<ValidatedPath>, Error> {
        let certs: Vec<Certificate> = state.path.iter().map(|(c, _)| c.clone()).collect();
        let from_message = state
            .path
            .iter()
            .skip(1)
            .filter(|(_, origin)| *origin == Origin::Message)
            .map(|(c, _)| *c.fingerprint())
            .collect();
        match policy::check_path(&certs, self.purpose, self.at, state.budget)? {
            Ok(()) => {
                let valid_from = certs.iter().filter_map(Certificate::not_before).max();
                let valid_until = certs.iter().filter_map(Certificate::not_after).min();
                Ok(valid_from
                    .zip(valid_until)
                    .map(|(valid_from, valid_until)| ValidatedPath {
                        certs,
                        valid_from,
                        valid_until,
                        from_message,
                    }))
            }
            Err((i, problem)) => {
                if let Some(failed) = certs.get(i) {
                    state.record(cert_error(failed, role(i, certs.len()), problem));
                }
                Ok(None)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    #[test]
    fn roles_name_the_place_in_the_path() {
        assert_eq!(role(0, 3), CertRole::Signer);
        assert_eq!(role(1, 3), CertRole::Intermediate);
        assert_eq!(role(2, 3), CertRole::Anchor);
        assert_eq!(role(0, 1), CertRole::Signer);
        assert_eq!(open_role(0), CertRole::Signer);
        assert_eq!(open_role(1), CertRole::Intermediate);
    }

    #[test]
    fn the_first_of_the_most_specific_errors_is_kept() {
        let mut budget = Budget::new(&Limits::default());
        let mut state = State {
            path: Vec::new(),
            budget: &mut budget,
            best: None,
        };
        let gave_up = |max| Error::Certificate {
            cert: crate::CertId {
                subject: format!("CN=max {max}"),
                serial: "01".into(),
            },
            role: CertRole::Signer,
            problem: CertProblem::PathTooLong { max },
        };
        let unknown = || Error::Certificate {
            cert: crate::CertId {
                subject: "CN=unknown".into(),
                serial: "02".into(),
            },
            role: CertRole::Signer,
            problem: CertProblem::UnknownIssuer {
                issuer: "CN=nowhere".into(),
            },
        };
        // Ranks: UnknownIssuer 10 < PathTooLong 20.
        state.record(unknown());
        state.record(gave_up(1));
        state.record(gave_up(2));
        state.record(unknown());
        assert_eq!(
            state.best.map(|e| e.to_string()),
            Some(gave_up(1).to_string())
        );
    }
}
