//! Structural mutations. A mutation is a named edit of the [`Scenario`]
//! with its parameters drawn from the case's PRNG; the encoder re-signs
//! whatever the edit changed. A case is the baseline plus one to four
//! mutations, so a disagreement minimises to the mutations it needs.

mod cert;
mod ext;
mod msg;
mod pss;

use crate::model::Scenario;
use crate::rng::Rng;

/// One edit of a scenario.
pub struct Mutation {
    /// The family, `area.what` (used by the allow rules and the statistics).
    pub name: &'static str,
    /// The drawn parameters, readable.
    pub detail: String,
    apply: Box<dyn Fn(&mut Scenario) + Send>,
}

impl Mutation {
    /// A mutation from its name, detail and edit.
    pub fn new(
        name: &'static str,
        detail: impl Into<String>,
        apply: impl Fn(&mut Scenario) + Send + 'static,
    ) -> Mutation {
        Mutation {
            name,
            detail: detail.into(),
            apply: Box::new(apply),
        }
    }

    /// Applies the edit.
    pub fn apply(&self, s: &mut Scenario) {
        (self.apply)(s);
    }
}

impl std::fmt::Debug for Mutation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({})", self.name, self.detail)
    }
}

/// A generator of one mutation family, with its weight.
type Gen = (u32, fn(&mut Rng) -> Mutation);

fn generators() -> Vec<Gen> {
    let mut all = Vec::new();
    all.extend_from_slice(cert::GENERATORS);
    all.extend_from_slice(ext::GENERATORS);
    all.extend_from_slice(msg::GENERATORS);
    all.extend_from_slice(pss::GENERATORS);
    all
}

/// The mutations of case `rng`: one to four, drawn by weight.
pub fn draw(rng: &mut Rng) -> Vec<Mutation> {
    let gens = generators();
    let total: u32 = gens.iter().map(|g| g.0).sum();
    let count = match rng.below(16) {
        0..=6 => 1,
        7..=11 => 2,
        12..=14 => 3,
        _ => 4,
    };
    (0..count)
        .map(|_| {
            let mut at = rng.below(total as usize) as u32;
            for (w, g) in &gens {
                if at < *w {
                    return g(rng);
                }
                at -= w;
            }
            gens[0].1(rng)
        })
        .collect()
}

/// A certificate index chosen with the signer and intermediate favoured.
pub fn target(rng: &mut Rng) -> usize {
    use crate::model::{INTER, LEAF, ROOT};
    *rng.pick(&[LEAF, LEAF, LEAF, INTER, INTER, ROOT])
}

/// The readable name of a certificate index.
pub fn role(i: usize) -> &'static str {
    match i {
        0 => "root",
        1 => "intermediate",
        2 => "signer",
        _ => "extra",
    }
}
