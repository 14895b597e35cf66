//! difffuzz: a structure-aware differential fuzzer of cmsverify against
//! libcrypto's `CMS_verify` (issue 15, "The tool"). See README.md.
//!
//! Usage: cmsverify-difffuzz [--seed N] [--first N] [--cases N] [--threads N]
//!        [--out DIR] [--progress SECS] [--no-calibrate] [--case N --dump DIR]

mod baseline;
mod calibrate;
mod classify;
mod der;
mod keys;
mod model;
mod mutate;
mod oracle;
mod pss;
mod rng;
mod run;
mod sign;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use oracle::{agree, Class};

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{name} needs a value")),
    }
}

fn main() -> ExitCode {
    match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("difffuzz: {e}");
            ExitCode::from(2)
        }
    }
}

fn real_main() -> Result<ExitCode, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = run::Options {
        seed: arg(&args, "--seed", 1)?,
        first: arg(&args, "--first", 0)?,
        cases: arg(&args, "--cases", 10_000)?,
        threads: arg(&args, "--threads", 1)?,
        out: args
            .iter()
            .position(|a| a == "--out")
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from),
        progress_secs: arg(&args, "--progress", 10)?,
    };
    let repo: PathBuf = arg(
        &args,
        "--repo",
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")),
    )?;
    let pool = Arc::new(keys::Pool::load().map_err(|e| format!("key pool: {e}"))?);

    if args.iter().any(|a| a == "--bench-phases") {
        bench_phases(pool);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(i) = args.iter().position(|a| a == "--case") {
        let case: u64 = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .ok_or("--case needs a number")?;
        return reproduce(&opts, case, pool, arg(&args, "--dump", PathBuf::new())?);
    }

    if !args.iter().any(|a| a == "--no-calibrate") {
        let t = Instant::now();
        let cal = calibrate::run(&repo)?;
        for m in &cal.oracle_mismatches {
            eprintln!("calibration: {m}");
        }
        let unlisted: Vec<&String> = cal
            .cmsverify_differences
            .iter()
            .filter(|d| !d.1)
            .map(|d| &d.0)
            .collect();
        for d in &unlisted {
            eprintln!("calibration: cmsverify differs from the oracle, not in allow.tsv: {d}");
        }
        println!(
            "calibration: {} scenarios, oracle = openssl command on {} ({} mismatches); cmsverify differs on {} ({} allow-listed) [{:.1}s]",
            cal.scenarios,
            cal.scenarios - cal.oracle_mismatches.len(),
            cal.oracle_mismatches.len(),
            cal.cmsverify_differences.len(),
            cal.cmsverify_differences.len() - unlisted.len(),
            t.elapsed().as_secs_f64()
        );
        if !cal.oracle_mismatches.is_empty() {
            return Err(
                "calibration failed: the oracle does not reproduce the openssl command".into(),
            );
        }
    }

    // The baseline must verify on both sides, or every case is noise.
    let mut signing = sign::Signing::new(pool.clone());
    let base = baseline::scenario().encode(&mut signing);
    let (theirs, ours) = (
        oracle::openssl_verdict(&base),
        oracle::cmsverify_verdict(&base, Default::default()),
    );
    if theirs.class != Class::Ok || !agree(&theirs, &ours) {
        return Err(format!(
            "baseline: openssl {} ({}), cmsverify {} ({})",
            theirs.class.name(),
            theirs.reason,
            ours.class.name(),
            ours.reason
        ));
    }

    let start = Instant::now();
    let totals = run::run(&opts, pool);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "difffuzz: seed {} cases {}..{}: {} cases in {secs:.1}s ({:.0} cases/s, {} threads, {} signatures made), {} agree",
        opts.seed,
        opts.first,
        opts.first + opts.cases,
        totals.cases,
        totals.cases as f64 / secs,
        opts.threads,
        totals.signatures_made,
        totals.agreed
    );
    for ((t, o), n) in &totals.by_class {
        println!("  openssl {t:<6} cmsverify {o:<6} {n}");
    }
    for ((names, t, o, _), f) in &totals.findings {
        let how = match f.rule {
            Some(r) => format!("item {} {}", r.item, r.name),
            None => "NEW FINDING".to_string(),
        };
        println!(
            "  [{how}] {n} case(s), first case {} openssl {t} / cmsverify {o}: {}",
            f.case,
            names.join(" + "),
            n = f.count
        );
        println!("      {}", f.mutations.join(" ; "));
        println!(
            "      openssl: {} | cmsverify: {}",
            f.theirs.reason, f.ours.reason
        );
    }
    let unexplained = totals.unexplained();
    println!("difffuzz: {unexplained} unexplained disagreement(s)");
    Ok(if unexplained == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn reproduce(
    opts: &run::Options,
    case: u64,
    pool: Arc<keys::Pool>,
    dump: PathBuf,
) -> Result<ExitCode, String> {
    let mut signing = sign::Signing::new(pool);
    let (muts, _, enc, theirs, ours) = run::judge(opts.seed, case, &mut signing);
    println!("seed {} case {case}: {muts:?}", opts.seed);
    println!(
        "openssl: {} ({})\ncmsverify: {} ({})",
        theirs.class.name(),
        theirs.reason,
        ours.class.name(),
        ours.reason
    );
    if !agree(&theirs, &ours) {
        let min = run::minimise(muts, &mut signing);
        let (s, _, t, o) = run::judge_with(&min, &mut signing);
        println!("minimised: {min:?}");
        println!(
            "minimised verdicts: openssl {} ({}), cmsverify {} ({})",
            t.class.name(),
            t.reason,
            o.class.name(),
            o.reason
        );
        println!(
            "documented difference: {:?}",
            classify::classify(&s, &t, &o, &mut signing)
        );
    }
    if !dump.as_os_str().is_empty() {
        run::dump(&dump, &enc, &format!("seed {} case {case}\n", opts.seed))
            .map_err(|e| e.to_string())?;
        println!("inputs written to {}", dump.display());
    }
    Ok(ExitCode::SUCCESS)
}

#[allow(dead_code)]
pub fn bench_phases(pool: Arc<keys::Pool>) {
    let mut signing = sign::Signing::new(pool);
    let s = baseline::scenario();
    let n = 300;
    let t = Instant::now();
    for _ in 0..n {
        let _ = s.encode(&mut signing);
    }
    let e = t.elapsed();
    let enc = s.encode(&mut signing);
    let t = Instant::now();
    for _ in 0..n {
        let _ = oracle::openssl_verdict(&enc);
    }
    let o = t.elapsed();
    let t = Instant::now();
    for _ in 0..n {
        let _ = oracle::cmsverify_verdict(&enc, Default::default());
    }
    let c = t.elapsed();
    eprintln!(
        "per case: encode {:?} openssl {:?} cmsverify {:?}",
        e / n,
        o / n,
        c / n
    );
}
