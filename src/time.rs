//! Verification time: seconds since the Unix epoch, parsed from X.509 validity
//! fields with OpenSSL's strict rules and printed as an operator reads it.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A point in time, in whole seconds since 1970-01-01 00:00:00 UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(pub i64);

impl UnixTime {
    /// The current system time.
    pub fn now() -> Self {
        let secs = match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
        };
        Self(secs)
    }

    /// Builds a time from a UTC calendar date and time of day.
    pub fn from_civil(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> Self {
        Self(
            days_from_civil(year, month, day) * 86_400
                + i64::from(hour) * 3600
                + i64::from(min) * 60
                + i64::from(sec),
        )
    }

    /// Parses an X.509 `Time` value as OpenSSL 3.0 does: UTCTime must be exactly
    /// `YYMMDDHHMMSSZ` (years 50-99 mean 19xx), GeneralizedTime exactly
    /// `YYYYMMDDHHMMSSZ`; anything else (missing seconds, fractions, offsets,
    /// lower-case `z`) is `None`.
    pub(crate) fn from_x509(tag: u8, value: &[u8]) -> Option<Self> {
        let digits = |s: &[u8]| -> Option<u32> {
            s.iter().try_fold(0u32, |acc, &b| {
                b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
            })
        };
        let (year, rest) = match tag {
            crate::asn1::tag::UTC_TIME => {
                let (yy, rest) = value.split_first_chunk::<2>()?;
                let yy = i64::from(digits(yy)?);
                (if yy >= 50 { 1900 + yy } else { 2000 + yy }, rest)
            }
            crate::asn1::tag::GENERALIZED_TIME => {
                let (yyyy, rest) = value.split_first_chunk::<4>()?;
                (i64::from(digits(yyyy)?), rest)
            }
            _ => return None,
        };
        let [m0, m1, d0, d1, h0, h1, n0, n1, s0, s1, b'Z'] = *rest else {
            return None;
        };
        let month = digits(&[m0, m1])?;
        let day = digits(&[d0, d1])?;
        let hour = digits(&[h0, h1])?;
        let min = digits(&[n0, n1])?;
        let sec = digits(&[s0, s1])?;
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour < 24
            && min < 60
            && sec < 60;
        valid.then(|| Self::from_civil(year, month, day, hour, min, sec))
    }

    /// Parses an operator-given time: seconds since the epoch (`1767225600`)
    /// or RFC 3339 in UTC (`2026-01-01T00:00:00Z`, `T` or a space, `Z` or
    /// `z`); dates that do not exist (`2026-02-31`) are refused.
    ///
    /// # Errors
    /// A sentence naming the accepted forms.
    pub fn parse(s: &str) -> Result<Self, String> {
        if let Ok(secs) = s.parse::<i64>() {
            return Ok(Self(secs));
        }
        let bad = || {
            format!(
                "{s:?} is neither a UNIX time nor an RFC 3339 UTC time like 2026-01-01T00:00:00Z"
            )
        };
        let Ok(
            [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1, b'T' | b't' | b' ', h0, h1, b':', n0, n1, b':', s0, s1, b'Z' | b'z'],
        ) = <[u8; 20]>::try_from(s.as_bytes())
        else {
            return Err(bad());
        };
        // The X.509 GeneralizedTime reader applies the calendar rules.
        let generalized = [y0, y1, y2, y3, m0, m1, d0, d1, h0, h1, n0, n1, s0, s1, b'Z'];
        Self::from_x509(crate::asn1::tag::GENERALIZED_TIME, &generalized).ok_or_else(bad)
    }

    /// Splits the time into a UTC calendar date and time of day.
    pub fn to_civil(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let secs = u32::try_from(secs).unwrap_or(0);
        (y, m, d, secs / 3600, secs / 60 % 60, secs % 60)
    }
}

impl fmt::Display for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.to_civil();
        write!(f, "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} UTC")
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_times_parse_strictly() {
        assert_eq!(UnixTime::parse("0"), Ok(UnixTime(0)));
        assert_eq!(
            UnixTime::parse("2026-01-01T00:00:00Z"),
            Ok(UnixTime::from_civil(2026, 1, 1, 0, 0, 0))
        );
        assert_eq!(
            UnixTime::parse("2024-02-29 12:30:59z"),
            Ok(UnixTime::from_civil(2024, 2, 29, 12, 30, 59))
        );
        for bad in [
            "2026-02-31T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01",
            "yesterday",
        ] {
            assert!(UnixTime::parse(bad).is_err(), "{bad}");
        }
    }
    use crate::asn1::tag::{GENERALIZED_TIME as G, UTC_TIME as U};

    #[test]
    fn parses_strict_formats() {
        assert_eq!(
            UnixTime::from_x509(U, b"250101000000Z"),
            Some(UnixTime(1_735_689_600))
        );
        assert_eq!(
            UnixTime::from_x509(U, b"500101000000Z").map(|t| t.to_civil().0),
            Some(1950)
        );
        assert_eq!(
            UnixTime::from_x509(G, b"99991231235959Z").map(|t| t.to_civil()),
            Some((9999, 12, 31, 23, 59, 59))
        );
        assert_eq!(
            UnixTime::from_x509(G, b"20250101000000Z"),
            Some(UnixTime(1_735_689_600))
        );
    }

    #[test]
    fn rejects_loose_formats() {
        for bad in [
            &b"2501010000Z"[..],
            b"250101000000z",
            b"2501010000+0000",
            b"251301000000Z",
            b"",
            b"2",
            b"250101000000ZZ",
            b"\xFF\xFF0101000000Z",
        ] {
            assert_eq!(UnixTime::from_x509(U, bad), None, "{bad:?}");
        }
        assert_eq!(UnixTime::from_x509(G, b"20250101000000.5Z"), None);
        assert_eq!(UnixTime::from_x509(G, b"20250230000000Z"), None);
        assert_eq!(UnixTime::from_x509(G, b"250101000000Z"), None);
        assert_eq!(UnixTime::from_x509(G, b"202"), None);
        assert_eq!(UnixTime::from_x509(0x04, b"250101000000Z"), None);
    }

    #[test]
    fn displays_utc() {
        assert_eq!(UnixTime(0).to_string(), "1970-01-01 00:00:00 UTC");
        assert_eq!(
            UnixTime::from_civil(2024, 2, 29, 12, 30, 5).to_string(),
            "2024-02-29 12:30:05 UTC"
        );
    }
}
