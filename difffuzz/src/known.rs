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

use Class::{Config, Ok, Verify};

/// The recorded finding the minimised case `muts` with verdicts `t`
/// (OpenSSL) and `o` (cmsverify) is an instance of, if any.
pub fn match_known(muts: &[Mutation], t: &Verdict, o: &Verdict) -> Option<Known> {
    let found = |id, in_issue_15| Some(Known { id, in_issue_15 });
    // F11: an extension value followed by extra bytes (fixed but for about
    // one case in 30,000; the others of FINDINGS.md are fixed or documented
    // rules in classify.rs, so a regression is reported as new).
    if has(muts, "ext.malformed", "form 1") && classes(t, o, &[Ok], &[Verify, Config]) {
        return found("F11", false);
    }
    None
}
