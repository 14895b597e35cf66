//! Input, output and time arguments shared by the subcommands.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use cmsverify::{Error, FileRole, Limits, UnixTime};

/// The largest message `verify`, `inspect` and `doctor` read: the library's
/// default limit, which the verifier applies too.
pub(crate) fn max_message_bytes() -> usize {
    Limits::default().max_message_bytes
}

/// No size limit, for the operator's own inputs (content to sign, certificate
/// bundles), which the library does not bound either.
pub(crate) const NO_LIMIT: usize = usize::MAX;

/// Reads a file, or stdin for `-` / no path, refusing input of more than
/// `max` bytes with [`Error::MessageTooLarge`]. At most `max + 1` bytes are
/// read, so an endless input (`/dev/zero`) costs no more memory than the limit.
pub(crate) fn read_input(path: Option<&Path>, max: usize) -> Result<Vec<u8>, Error> {
    let (shown, opened): (PathBuf, std::io::Result<Box<dyn Read>>) = match path {
        Some(p) if p != Path::new("-") => (
            p.to_owned(),
            std::fs::File::open(p).map(|f| -> Box<dyn Read> { Box::new(f) }),
        ),
        _ => (
            PathBuf::from("<stdin>"),
            Ok(Box::new(std::io::stdin().lock())),
        ),
    };
    let bound = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    let mut buf = Vec::new();
    opened
        .and_then(|reader| reader.take(bound).read_to_end(&mut buf))
        .map_err(|source| Error::FileRead {
            role: FileRole::Input,
            path: shown,
            source,
        })?;
    if buf.len() > max {
        return Err(Error::MessageTooLarge {
            size: buf.len(),
            max,
        });
    }
    Ok(buf)
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

/// Parses `--attime` with the library's rules ([`UnixTime::parse`]).
pub(crate) fn parse_time(s: &str) -> Result<UnixTime, String> {
    UnixTime::parse(s)
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
