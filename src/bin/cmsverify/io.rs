//! Input, output and time arguments shared by the subcommands.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use cmsverify::{Error, FileRole, UnixTime};

/// Reads a file, or stdin for `-` / no path.
pub(crate) fn read_input(path: Option<&Path>) -> Result<Vec<u8>, Error> {
    match path {
        Some(p) if p != Path::new("-") => std::fs::read(p).map_err(|source| Error::FileRead {
            role: FileRole::Input,
            path: p.to_owned(),
            source,
        }),
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|source| Error::FileRead {
                    role: FileRole::Input,
                    path: PathBuf::from("<stdin>"),
                    source,
                })?;
            Ok(buf)
        }
    }
}

/// Writes to a file, or stdout for `-` / no path.
pub(crate) fn write_output(path: Option<&Path>, bytes: &[u8]) -> std::io::Result<()> {
    match path {
        Some(p) if p != Path::new("-") => std::fs::write(p, bytes),
        _ => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()
        }
    }
}

/// Parses `--attime`: seconds since the epoch, or RFC 3339 in UTC
/// (`2026-01-01T00:00:00Z`).
pub(crate) fn parse_time(s: &str) -> Result<UnixTime, String> {
    if let Ok(secs) = s.parse::<i64>() {
        return Ok(UnixTime(secs));
    }
    let bad = || {
        format!("{s:?} is neither a UNIX time nor an RFC 3339 UTC time like 2026-01-01T00:00:00Z")
    };
    let b = s.as_bytes();
    if b.len() != 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
        || !matches!(b[19], b'Z' | b'z')
    {
        return Err(bad());
    }
    let num =
        |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok()).ok_or_else(bad);
    let year = i64::from(num(0..4)?);
    let (month, day, hour, min, sec) = (
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return Err(bad());
    }
    Ok(UnixTime::from_civil(year, month, day, hour, min, sec))
}

/// Prints `error: ...` and `hint: ...` to stderr.
pub(crate) fn report(e: &Error) {
    eprintln!("error: {e}");
    if let Some(hint) = e.hint() {
        eprintln!("hint: {hint}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attime_forms() {
        assert_eq!(parse_time("0"), Ok(UnixTime(0)));
        assert_eq!(
            parse_time("2026-01-01T00:00:00Z"),
            Ok(UnixTime::from_civil(2026, 1, 1, 0, 0, 0))
        );
        assert!(parse_time("2026-01-01").is_err());
        assert!(parse_time("yesterday").is_err());
    }
}
