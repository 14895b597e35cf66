//! One work budget per verify call.
//!
//! Every token is chosen by whoever sends the request, so the work one
//! [`Verifier::verify`](crate::Verifier::verify) call may do is bounded up
//! front, whatever the message holds. As rustls-webpki's `Budget`, several
//! counters, each charged *before* the work it pays for, shared by every
//! SignerInfo, every signer candidate and every path search of the call:
//!
//! - signature checks (any key, any size), as webpki's `signatures`;
//! - public-key work, in units of one 2048-bit Montgomery multiplication,
//!   so that a 16384-bit modulus costs what it really costs (64 units per
//!   multiplication) and key setup is paid for as well as the operation;
//! - path-building steps (issuer candidates considered);
//! - name-constraint comparisons.
//!
//! Running out ends the whole verification with
//! [`Error::BudgetExhausted`], naming the counter and its limit: it is the
//! one error that [`Error::is_fatal`] says stops the search instead of only
//! dropping a candidate.

use std::collections::HashMap;
use std::fmt;

use crate::error::{CertProblem, Error};
use crate::limits::Limits;

/// Which counter of the budget ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BudgetKind {
    /// Signature checks ([`Limits::max_signature_checks`]).
    SignatureChecks,
    /// Public-key arithmetic ([`Limits::max_public_key_work`]).
    PublicKeyWork,
    /// Issuer candidates considered ([`Limits::max_path_steps`]).
    PathSteps,
    /// Name-constraint comparisons ([`Limits::max_name_constraint_checks`]).
    NameConstraintChecks,
    /// RFC 3779 resources checked ([`Limits::max_resource_bytes`]).
    ResourceBytes,
}

impl fmt::Display for BudgetKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SignatureChecks => "signature checks",
            Self::PublicKeyWork => "units of public-key work",
            Self::PathSteps => "path-building steps",
            Self::NameConstraintChecks => "name-constraint comparisons",
            Self::ResourceBytes => "bytes of RFC 3779 resources checked",
        })
    }
}

/// What one verify call has charged, counter by counter.
///
/// Returned by [`Verifier::verify_measured`](crate::Verifier::verify_measured)
/// so that tests and operators can see the work an input caused, not only
/// the time it took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkSpent {
    /// Signature checks started.
    pub signature_checks: u64,
    /// Public-key work units (one unit: a 2048-bit Montgomery multiplication).
    pub public_key_work: u64,
    /// Issuer candidates considered while building paths.
    pub path_steps: u64,
    /// Name-constraint comparisons.
    pub name_constraint_checks: u64,
    /// Bytes of RFC 3779 extensions checked, counted once per path checked.
    pub resource_bytes: u64,
}

/// The budget of one verify call, and what it learned: issuer signature
/// verdicts are remembered by (certificate, issuer) fingerprints, so no pair
/// is checked twice in one call.
#[derive(Debug)]
pub(crate) struct Budget {
    limits: Limits,
    spent: WorkSpent,
    issuer_checks: HashMap<([u8; 32], [u8; 32]), Result<(), CertProblem>>,
}

impl Budget {
    pub(crate) fn new(limits: &Limits) -> Self {
        Self {
            limits: *limits,
            spent: WorkSpent::default(),
            issuer_checks: HashMap::new(),
        }
    }

    /// What has been charged so far.
    pub(crate) fn spent(&self) -> WorkSpent {
        self.spent
    }

    /// Charges one signature check whose public-key arithmetic costs `work`.
    pub(crate) fn charge_signature(&mut self, work: u64) -> Result<(), Error> {
        charge(
            &mut self.spent.signature_checks,
            1,
            self.limits.max_signature_checks,
            BudgetKind::SignatureChecks,
        )?;
        self.charge_key_work(work)
    }

    /// Charges public-key arithmetic outside a signature check (key setup).
    pub(crate) fn charge_key_work(&mut self, work: u64) -> Result<(), Error> {
        charge(
            &mut self.spent.public_key_work,
            work,
            self.limits.max_public_key_work,
            BudgetKind::PublicKeyWork,
        )
    }

    /// Charges one issuer candidate considered by path building.
    pub(crate) fn charge_path_step(&mut self) -> Result<(), Error> {
        charge(
            &mut self.spent.path_steps,
            1,
            self.limits.max_path_steps,
            BudgetKind::PathSteps,
        )
    }

    /// Charges `count` name-constraint comparisons.
    pub(crate) fn charge_name_checks(&mut self, count: u64) -> Result<(), Error> {
        charge(
            &mut self.spent.name_constraint_checks,
            count,
            self.limits.max_name_constraint_checks,
            BudgetKind::NameConstraintChecks,
        )
    }

    /// The remembered verdict of `cert`'s signature under `issuer`'s key.
    pub(crate) fn charge_resource_bytes(&mut self, bytes: u64) -> Result<(), Error> {
        charge(
            &mut self.spent.resource_bytes,
            bytes,
            self.limits.max_resource_bytes,
            BudgetKind::ResourceBytes,
        )
    }

    pub(crate) fn issuer_verdict(
        &self,
        cert: &[u8; 32],
        issuer: &[u8; 32],
    ) -> Option<Result<(), CertProblem>> {
        self.issuer_checks.get(&(*cert, *issuer)).cloned()
    }

    /// Remembers the verdict of `cert`'s signature under `issuer`'s key.
    pub(crate) fn remember_issuer_verdict(
        &mut self,
        cert: &[u8; 32],
        issuer: &[u8; 32],
        verdict: Result<(), CertProblem>,
    ) {
        self.issuer_checks.insert((*cert, *issuer), verdict);
    }
}

/// Adds `amount` to `counter` unless that would pass `limit`.
fn charge(counter: &mut u64, amount: u64, limit: u64, kind: BudgetKind) -> Result<(), Error> {
    let total = counter.saturating_add(amount);
    if total > limit {
        return Err(Error::BudgetExhausted {
            budget: kind,
            limit,
        });
    }
    *counter = total;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Limits {
        Limits {
            max_signature_checks: 2,
            max_public_key_work: 100,
            max_path_steps: 3,
            max_name_constraint_checks: 10,
            max_resource_bytes: 20,
            ..Limits::default()
        }
    }

    fn exhausted(result: Result<(), Error>) -> Option<(BudgetKind, u64)> {
        match result {
            Err(Error::BudgetExhausted { budget, limit }) => Some((budget, limit)),
            _ => None,
        }
    }

    #[test]
    fn each_counter_stops_at_its_limit_and_names_itself() {
        let mut b = Budget::new(&small());
        assert!(b.charge_signature(10).is_ok());
        assert!(b.charge_signature(10).is_ok());
        assert_eq!(
            exhausted(b.charge_signature(10)),
            Some((BudgetKind::SignatureChecks, 2))
        );
        assert_eq!(
            exhausted(b.charge_key_work(81)),
            Some((BudgetKind::PublicKeyWork, 100))
        );
        assert!(b.charge_key_work(80).is_ok());
        for _ in 0..3 {
            assert!(b.charge_path_step().is_ok());
        }
        assert_eq!(
            exhausted(b.charge_path_step()),
            Some((BudgetKind::PathSteps, 3))
        );
        assert!(b.charge_name_checks(10).is_ok());
        assert_eq!(
            exhausted(b.charge_name_checks(1)),
            Some((BudgetKind::NameConstraintChecks, 10))
        );
        assert!(b.charge_resource_bytes(20).is_ok());
        assert_eq!(
            exhausted(b.charge_resource_bytes(1)),
            Some((BudgetKind::ResourceBytes, 20))
        );
        assert_eq!(
            b.spent(),
            WorkSpent {
                signature_checks: 2,
                public_key_work: 100,
                path_steps: 3,
                name_constraint_checks: 10,
                resource_bytes: 20,
            }
        );
    }

    #[test]
    fn a_refused_charge_is_not_counted() {
        let mut b = Budget::new(&small());
        assert!(b.charge_key_work(1000).is_err());
        assert_eq!(b.spent().public_key_work, 0);
        assert!(b.charge_key_work(100).is_ok());
    }

    #[test]
    fn a_failed_signature_charge_spends_no_key_work() {
        let mut b = Budget::new(&small());
        assert!(b.charge_signature(1000).is_err());
        // The signature was counted; its work was refused.
        assert_eq!(b.spent().signature_checks, 1);
        assert_eq!(b.spent().public_key_work, 0);
    }

    #[test]
    fn issuer_verdicts_are_remembered_per_pair() {
        let mut b = Budget::new(&small());
        let (a, c) = ([1u8; 32], [2u8; 32]);
        assert_eq!(b.issuer_verdict(&a, &c), None);
        b.remember_issuer_verdict(&a, &c, Err(CertProblem::SelfSignedNotTrusted));
        assert_eq!(
            b.issuer_verdict(&a, &c),
            Some(Err(CertProblem::SelfSignedNotTrusted))
        );
        assert_eq!(b.issuer_verdict(&c, &a), None);
    }
}
