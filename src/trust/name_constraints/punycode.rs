//! OpenSSL 3.0's `ossl_a2ulabel()` and `ossl_punycode_decode()`
//! (crypto/punycode.c): the A-label to U-label conversion `nc_email_eai()`
//! applies to an rfc822Name constraint before comparing it with an
//! SmtpUTF8Mailbox. Reproduced as OpenSSL computes it, quirks included: a
//! label is decoded only when it starts with lower-case `xn--`; every other
//! label is copied as is; code points are written as UTF-8 without refusing
//! surrogates.
//!
//! Bounded work: OpenSSL fails the conversion as soon as its output overflows
//! the buffer (`result = 0`) or a label does not decode (`-1`), and its
//! caller treats both alike, so the conversion stops at the first of either.
//! A label's decoding stops as soon as its code points alone would overflow,
//! which bounds the insertions (each shifting the code points after it) by
//! the output size, whatever the input length.

/// Punycode parameters (RFC 3492 section 5).
const BASE: u32 = 36;
const TMIN: u32 = 1;
const TMAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 0x80;
const MAXINT: u32 = u32::MAX;
/// `LABEL_BUF_SIZE`: the code points one label may decode to.
const LABEL_BUF_SIZE: usize = 512;

fn adapt(delta: u32, numpoints: u32, first_time: bool) -> u32 {
    let mut delta = if first_time { delta / DAMP } else { delta / 2 };
    delta = delta.saturating_add(delta / numpoints.max(1));
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + ((BASE - TMIN + 1) * delta) / (delta + SKEW)
}

fn digit_decoded(a: u8) -> Option<u32> {
    match a {
        b'A'..=b'Z' => Some(u32::from(a - b'A')),
        b'a'..=b'z' => Some(u32::from(a - b'a')),
        b'0'..=b'9' => Some(u32::from(a - b'0') + 26),
        _ => None,
    }
}

/// Why a conversion yields nothing: OpenSSL's `-1` (bad punycode) and `0`
/// (the output does not fit), which `nc_email_eai()` treats alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Failed;

/// `ossl_punycode_decode()` of one label (without its `xn--`); `room` is the
/// number of code points that can still fit the caller's output, past which
/// the conversion fails anyway.
fn decode(encoded: &[u8], room: usize) -> Result<Vec<u32>, Failed> {
    let max_out = LABEL_BUF_SIZE.min(room);
    // The basic code points: everything before the last '-', unless that
    // '-' is the first byte (then there are none, and '-' is no digit).
    let basic_count = encoded.iter().rposition(|&b| b == b'-').unwrap_or(0);
    let mut out: Vec<u32> = Vec::new();
    let mut rest = encoded;
    if basic_count > 0 {
        if basic_count > LABEL_BUF_SIZE {
            return Err(Failed);
        }
        let (basic, after) = encoded.split_at_checked(basic_count).ok_or(Failed)?;
        if !basic.is_ascii() {
            return Err(Failed);
        }
        if basic.len() > max_out {
            // It fits the label buffer but not the output.
            return Err(Failed);
        }
        out.extend(basic.iter().map(|&b| u32::from(b)));
        rest = after.get(1..).unwrap_or_default();
    }
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut input = rest.iter();
    while !input.as_slice().is_empty() {
        let old_i = i;
        let mut w = 1u32;
        let mut k = BASE;
        loop {
            let digit = digit_decoded(*input.next().ok_or(Failed)?).ok_or(Failed)?;
            if digit > (MAXINT - i) / w {
                return Err(Failed);
            }
            i += digit * w;
            let t = if k <= bias {
                TMIN
            } else if k >= bias + TMAX {
                TMAX
            } else {
                k - bias
            };
            if digit < t {
                break;
            }
            if w > MAXINT / (BASE - t) {
                return Err(Failed);
            }
            w *= BASE - t;
            k += BASE;
        }
        let points = u32::try_from(out.len() + 1).map_err(|_| Failed)?;
        bias = adapt(i - old_i, points, old_i == 0);
        if i / points > MAXINT - n {
            return Err(Failed);
        }
        n += i / points;
        i %= points;
        if out.len() >= max_out {
            return Err(Failed);
        }
        let at = usize::try_from(i).map_err(|_| Failed)?;
        if at > out.len() {
            return Err(Failed);
        }
        out.insert(at, n);
        i += 1;
    }
    Ok(out)
}

/// `codepoint2utf8()`: UTF-8 bytes of a code point, surrogates included;
/// nothing (a failure) past U+10FFFF.
fn push_utf8(out: &mut Vec<u8>, cp: u32) -> Result<(), Failed> {
    let byte = |v: u32| u8::try_from(v & 0xFF).unwrap_or(0);
    match cp {
        0..=0x7F => out.push(byte(cp)),
        0x80..=0x7FF => out.extend([byte(0xC0 | (cp >> 6)), byte(0x80 | (cp & 0x3F))]),
        0x800..=0xFFFF => out.extend([
            byte(0xE0 | (cp >> 12)),
            byte(0x80 | ((cp >> 6) & 0x3F)),
            byte(0x80 | (cp & 0x3F)),
        ]),
        0x1_0000..=0x10_FFFF => out.extend([
            byte(0xF0 | (cp >> 18)),
            byte(0x80 | ((cp >> 12) & 0x3F)),
            byte(0x80 | ((cp >> 6) & 0x3F)),
            byte(0x80 | (cp & 0x3F)),
        ]),
        _ => return Err(Failed),
    }
    Ok(())
}

/// `ossl_a2ulabel(input, out, &max_size)`: each label that starts with
/// `xn--` punycode-decoded, the others copied, the dots kept; `max_size`
/// counts the terminating NUL OpenSSL writes. Returns the text without it.
pub(super) fn a2ulabel(input: &[u8], max_size: usize) -> Result<Vec<u8>, Failed> {
    // Room for the text: the NUL takes one byte.
    let room = max_size.checked_sub(1).ok_or(Failed)?;
    let mut out = Vec::new();
    let mut labels = input.split(|&b| b == b'.').peekable();
    while let Some(label) = labels.next() {
        match label.strip_prefix(b"xn--") {
            Some(encoded) => {
                let points = decode(encoded, room.saturating_sub(out.len()))?;
                for cp in points {
                    push_utf8(&mut out, cp)?;
                }
            }
            None => out.extend_from_slice(label),
        }
        if labels.peek().is_some() {
            out.push(b'.');
        }
        if out.len() > room {
            return Err(Failed);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_rfc3492_samples() {
        // "bücher" and "münchen".
        assert_eq!(
            a2ulabel(b"xn--bcher-kva.example", 255).unwrap(),
            "bücher.example".as_bytes()
        );
        assert_eq!(
            a2ulabel(b"xn--mnchen-3ya.de", 255).unwrap(),
            "münchen.de".as_bytes()
        );
        // Chinese (RFC 3492 7.1 (B)): no basic code points.
        assert_eq!(
            a2ulabel(b"xn--ihqwcrb4cv8a8dqg056pqjye", 255).unwrap(),
            "他们为什么不说中文".as_bytes()
        );
    }

    #[test]
    fn code_points_beyond_the_bmp_take_four_bytes() {
        assert_eq!(a2ulabel(b"xn--ls8h", 255).unwrap(), "💩".as_bytes());
        // U+E0001: the top bits (cp >> 18) are not zero.
        assert_eq!(a2ulabel(b"xn--1426e", 255).unwrap(), "\u{E0001}".as_bytes());
    }

    #[test]
    fn upper_case_digits_decode_as_lower_case_ones() {
        assert_eq!(
            a2ulabel(b"xn--BCHER-KVA.example", 255).unwrap(),
            "BüCHER.example".as_bytes()
        );
    }

    #[test]
    fn basic_code_points_may_fill_the_output_exactly() {
        assert_eq!(a2ulabel(b"xn--abc-", 4).unwrap(), b"abc");
        assert_eq!(a2ulabel(b"xn--abc-", 3), Err(Failed));
        assert_eq!(decode(b"abc-", 3), Ok(vec![97, 98, 99]));
        assert_eq!(decode(b"abc-", 2), Err(Failed));
    }

    #[test]
    fn bias_adaptation_stops_at_the_rfc_3492_threshold() {
        // delta 910 / 2 = 455 = ((BASE - TMIN) * TMAX) / 2: not above it, so
        // no division (RFC 3492 section 6.1: "while delta > ...").
        assert_eq!(adapt(910, 1000, false), (36 * 455) / (455 + 38));
        assert_eq!(adapt(912, 1000, false), 36 + (36 * 13) / (13 + 38));
        assert_eq!(adapt(700 * 100, 1, true), (36 * 200) / (200 + 38));
    }

    #[test]
    fn copies_other_labels() {
        assert_eq!(a2ulabel(b"example.com", 255).unwrap(), b"example.com");
        // Upper-case XN-- is not an A-label prefix for OpenSSL.
        assert_eq!(a2ulabel(b"XN--bcher-kva", 255).unwrap(), b"XN--bcher-kva");
        // A leading dot is an empty first label, kept.
        assert_eq!(a2ulabel(b".example.com", 255).unwrap(), b".example.com");
        assert_eq!(a2ulabel(b"", 255).unwrap(), b"");
        assert_eq!(a2ulabel(b"xn--", 255).unwrap(), b"");
        // One digit: U+0080, the first code point punycode can make.
        assert_eq!(a2ulabel(b"xn--a", 255).unwrap(), [0xC2, 0x80]);
    }

    #[test]
    fn bad_punycode_fails() {
        for bad in [&b"xn---"[..], b"xn--b\xc3\xbc-x", b"xn--99999999999"] {
            assert_eq!(a2ulabel(bad, 255), Err(Failed), "{}", bad.escape_ascii());
        }
    }

    #[test]
    fn size_counts_the_nul() {
        let label = [b'a'; 10];
        assert_eq!(a2ulabel(&label, 11).unwrap(), label);
        assert_eq!(a2ulabel(&label, 10), Err(Failed));
        assert_eq!(a2ulabel(b"ab.cd", 6).unwrap(), b"ab.cd");
        assert_eq!(a2ulabel(b"ab.cd", 5), Err(Failed));
    }

    #[test]
    fn long_labels_stop_early() {
        // 100k digits would decode to far more code points than fit: the
        // decoding stops at the output size, not at the input's end.
        let mut label = b"xn--".to_vec();
        label.extend(std::iter::repeat_n(b'a', 100_000));
        assert_eq!(a2ulabel(&label, 255), Err(Failed));
        assert_eq!(decode(&label[4..], 10), Err(Failed));
    }

    #[test]
    fn surrogates_are_written_as_openssl_writes_them() {
        let mut out = Vec::new();
        push_utf8(&mut out, 0xD800).unwrap();
        assert_eq!(out, [0xED, 0xA0, 0x80]);
        assert_eq!(push_utf8(&mut out, 0x11_0000), Err(Failed));
    }
}
