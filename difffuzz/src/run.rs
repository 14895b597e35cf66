//! The fuzzing loop: draw a case, encode it, take both verdicts, and on a
//! disagreement minimise it (drop mutations while the disagreement stays),
//! classify it, and record it.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cmsverify::AlgorithmPolicy;

use crate::baseline;
use crate::classify::{classify, Rule};
use crate::der;
use crate::keys::Pool;
use crate::model::{Encoded, Scenario};
use crate::mutate::{self, Mutation};
use crate::oracle::{agree, cmsverify_verdict, openssl_verdict, Verdict};
use crate::rng::Rng;
use crate::sign::Signing;

/// What a run is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub first: u64,
    pub cases: u64,
    pub threads: usize,
    /// Where minimised disagreements are written (one directory each).
    pub out: Option<PathBuf>,
    /// Print progress every this many seconds (0: never).
    pub progress_secs: u64,
}

/// A distinct disagreement: its minimised mutation families and verdict classes.
/// A distinct disagreement: the minimised mutation families, both verdict
/// classes and the classification (every case is classified, so cases of
/// one family pair classified differently are counted apart).
pub type Signature = (Vec<&'static str>, &'static str, &'static str, Option<Rule>);

/// One recorded disagreement (the first case of its signature).
#[derive(Debug, Clone)]
pub struct Finding {
    pub case: u64,
    pub rule: Option<Rule>,
    pub mutations: Vec<String>,
    pub theirs: Verdict,
    pub ours: Verdict,
    pub count: u64,
}

/// The totals of a run.
#[derive(Debug, Default)]
pub struct Totals {
    pub cases: u64,
    pub agreed: u64,
    pub by_class: BTreeMap<(&'static str, &'static str), u64>,
    pub findings: BTreeMap<Signature, Finding>,
    pub signatures_made: u64,
}

impl Totals {
    /// Disagreements no documented difference explains.
    pub fn unexplained(&self) -> u64 {
        self.findings
            .values()
            .filter(|f| f.rule.is_none())
            .map(|f| f.count)
            .sum()
    }
}

/// Builds, encodes and judges case `case`.
pub fn judge(
    seed: u64,
    case: u64,
    signing: &mut Signing,
) -> (Vec<Mutation>, Scenario, Encoded, Verdict, Verdict) {
    let mut rng = Rng::for_case(seed, case);
    let muts = mutate::draw(&mut rng);
    let (s, enc, theirs, ours) = judge_with(&muts, signing);
    (muts, s, enc, theirs, ours)
}

pub fn judge_with(
    muts: &[Mutation],
    signing: &mut Signing,
) -> (Scenario, Encoded, Verdict, Verdict) {
    let mut s = baseline::scenario();
    for m in muts {
        m.apply(&mut s);
    }
    let enc = s.encode(signing);
    let theirs = openssl_verdict(&enc);
    let ours = cmsverify_verdict(&enc, AlgorithmPolicy::default());
    (s, enc, theirs, ours)
}

/// Drops mutations one at a time while the verdicts still disagree (the
/// minimised case's own verdicts are the ones recorded).
pub fn minimise(mut muts: Vec<Mutation>, signing: &mut Signing) -> Vec<Mutation> {
    let mut i = 0;
    while i < muts.len() && muts.len() > 1 {
        let removed = muts.remove(i);
        let (_, _, t, o) = judge_with(&muts, signing);
        if !agree(&t, &o) {
            continue;
        }
        muts.insert(i, removed);
        i += 1;
    }
    muts
}

/// Writes a case's inputs and verdicts under `dir`.
pub fn dump(dir: &PathBuf, enc: &Encoded, text: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("message.der"), &enc.message)?;
    std::fs::write(dir.join("message.pem"), der::pem("CMS", &enc.message))?;
    let pems = |l: &[Vec<u8>]| {
        l.iter()
            .flat_map(|c| der::pem("CERTIFICATE", c))
            .collect::<Vec<u8>>()
    };
    std::fs::write(dir.join("certfile.pem"), pems(&enc.certfile))?;
    std::fs::write(dir.join("cafile.pem"), pems(&enc.cafile))?;
    std::fs::write(dir.join("desc.txt"), text)
}

/// How a disagreement is explained: the documented difference, if any.
type Classification = Option<Rule>;

thread_local! {
    /// Classifications of minimised cases already seen on this thread.
    static CLASSIFIED: RefCell<HashMap<String, Classification>> = RefCell::new(HashMap::new());
}

/// Runs `opts.cases` cases on `opts.threads` threads.
pub fn run(opts: &Options, pool: Arc<Pool>) -> Totals {
    let totals = Mutex::new(Totals::default());
    let done = AtomicU64::new(0);
    let finished = AtomicBool::new(false);
    let start = Instant::now();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..opts.threads.max(1))
            .map(|t| {
                let (totals, done, pool) = (&totals, &done, pool.clone());
                scope.spawn(move || worker(t, opts, pool, totals, done))
            })
            .collect();
        if opts.progress_secs > 0 {
            let (done, finished, totals) = (&done, &finished, &totals);
            scope.spawn(move || {
                let mut last = Instant::now();
                while !finished.load(Ordering::Relaxed) {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    if last.elapsed().as_secs() >= opts.progress_secs {
                        last = Instant::now();
                        let n = done.load(Ordering::Relaxed);
                        let t = totals.lock().map(|t| (t.findings.len(), t.unexplained())).unwrap_or_default();
                        eprintln!(
                            "difffuzz: {n} cases, {:.0} cases/s, {} distinct disagreements, {} unexplained cases",
                            n as f64 / start.elapsed().as_secs_f64(),
                            t.0,
                            t.1
                        );
                    }
                }
            });
        }
        for w in workers {
            let _ = w.join();
        }
        finished.store(true, Ordering::Relaxed);
    });
    totals.into_inner().unwrap_or_default()
}

fn worker(t: usize, opts: &Options, pool: Arc<Pool>, totals: &Mutex<Totals>, done: &AtomicU64) {
    let mut signing = Signing::new(pool);
    let mut local = Totals::default();
    let mut case = opts.first + t as u64;
    let end = opts.first + opts.cases;
    while case < end {
        let (muts, _, _, theirs, ours) = judge(opts.seed, case, &mut signing);
        local.cases += 1;
        *local
            .by_class
            .entry((theirs.class.name(), ours.class.name()))
            .or_default() += 1;
        if agree(&theirs, &ours) {
            local.agreed += 1;
        } else {
            record(opts, case, muts, &mut signing, totals);
        }
        done.fetch_add(1, Ordering::Relaxed);
        case += opts.threads.max(1) as u64;
    }
    if let Ok(mut all) = totals.lock() {
        all.cases += local.cases;
        all.agreed += local.agreed;
        all.signatures_made += signing.made;
        for (k, v) in local.by_class {
            *all.by_class.entry(k).or_default() += v;
        }
    }
}

fn record(
    opts: &Options,
    case: u64,
    muts: Vec<Mutation>,
    signing: &mut Signing,
    totals: &Mutex<Totals>,
) {
    let min = minimise(muts, signing);
    let (s, enc, t, o) = judge_with(&min, signing);
    // The classification of a minimised case is a function of its
    // mutations (with their parameters) and verdicts: computed once.
    let key = format!("{min:?} {} {}", t.class.name(), o.class.name());
    let cached = CLASSIFIED.with(|c| c.borrow().get(&key).copied());
    let rule = cached.unwrap_or_else(|| {
        let rule = classify(&s, &t, &o, signing);
        CLASSIFIED.with(|c| {
            let mut c = c.borrow_mut();
            if c.len() > 100_000 {
                c.clear();
            }
            c.insert(key, rule);
        });
        rule
    });
    let mut names: Vec<&'static str> = min.iter().map(|m| m.name).collect();
    names.sort_unstable();
    let sig: Signature = (names, t.class.name(), o.class.name(), rule);
    let Ok(mut all) = totals.lock() else { return };
    if let Some(f) = all.findings.get_mut(&sig) {
        f.count += 1;
        return;
    }
    let mutations: Vec<String> = min.iter().map(|m| format!("{m:?}")).collect();
    let text = format!(
        "seed {} case {case}\nrule: {}\nminimised mutations:\n  {}\nopenssl: {} ({})\ncmsverify: {} ({})\n",
        opts.seed,
        match rule {
            Some(r) => format!("compatibility.md item {} {}", r.item, r.name),
            None => "NONE: a new finding".to_string(),
        },
        mutations.join("\n  "),
        t.class.name(),
        t.reason,
        o.class.name(),
        o.reason
    );
    if let Some(out) = &opts.out {
        let kind = if rule.is_some() { "explained" } else { "new" };
        let _ = dump(
            &out.join(format!("{kind}-{}-{case}", opts.seed)),
            &enc,
            &text,
        );
    }
    if rule.is_none() {
        eprintln!("difffuzz: NEW FINDING\n{text}");
    }
    all.findings.insert(
        sig,
        Finding {
            case,
            rule,
            mutations,
            theirs: t,
            ours: o,
            count: 1,
        },
    );
}
