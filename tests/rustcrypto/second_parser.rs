//! `cms`/`x509-cert` as a second parser of every fixture.

use super::*;

// ---------------------------------------------------------------------------
// cms/x509-cert as a second parser of every fixture.

/// What `der` makes of an input: strict DER, only its BER mode, or nothing.
fn der_verdict<T: for<'a> Decode<'a, Error = x509_cert::der::Error>>(
    bytes: &[u8],
    check: impl Fn(&T, EncodingRules) -> bool,
) -> &'static str {
    if T::from_der(bytes).is_ok_and(|v| check(&v, EncodingRules::Der)) {
        "accept"
    } else if T::from_ber(bytes).is_ok_and(|v| check(&v, EncodingRules::Ber)) {
        "ber-only"
    } else {
        "reject"
    }
}

/// A ContentInfo decodes, and so does its SignedData if it is one.
fn content_info_decodes(ci: &ContentInfo, rules: EncodingRules) -> bool {
    ci.content_type != rfc5911::ID_SIGNED_DATA
        || ci.content.decode_as_encoding::<SignedData>(rules).is_ok()
}

fn accept(ok: bool) -> &'static str {
    if ok {
        "accept"
    } else {
        "reject"
    }
}

/// Whether `openssl <args>` reads `der` from standard input.
fn openssl_reads(args: &[&str], der: &[u8]) -> bool {
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl");
    child.stdin.take().unwrap().write_all(der).unwrap();
    child.wait().unwrap().success()
}

/// The PEM blocks of a file as (label, DER); a block whose base64 does not
/// decode is left out (it never reaches an ASN.1 parser).
pub(crate) fn pem_blocks(text: &str) -> Vec<(String, Vec<u8>)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines().map(str::trim) {
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        {
            current = Some((label.to_owned(), String::new()));
        } else if line.starts_with("-----END ") {
            if let Some((label, body)) = current.take() {
                // Re-armoured canonically so that only the base64 can fail.
                let wrapped: Vec<_> = body
                    .as_bytes()
                    .chunks(64)
                    .map(|c| std::str::from_utf8(c).unwrap())
                    .collect();
                let pem = format!(
                    "-----BEGIN X-----\n{}\n-----END X-----\n",
                    wrapped.join("\n")
                );
                if let Ok((_, der)) = x509_cert::der::pem::decode_vec(pem.as_bytes()) {
                    blocks.push((label, der));
                }
            }
        } else if let Some((_, body)) = current.as_mut() {
            if !line.contains(':') {
                body.push_str(line);
            }
        }
    }
    blocks
}

/// One fixture input and the three parsers' verdicts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    kind: &'static str,
    location: String,
    der: &'static str,
    cmsverify: &'static str,
    openssl: &'static str,
}

impl Row {
    fn key(&self) -> String {
        format!(
            "{}\t{}\t{}\t{}\t{}",
            self.kind, self.location, self.der, self.cmsverify, self.openssl
        )
    }
}

#[derive(Default)]
struct Oracle {
    seen: HashSet<Vec<u8>>,
    rows: Vec<Row>,
    /// Messages `der` accepts whose `cms` re-encoding differs from the input.
    not_reproduced: Vec<String>,
}

impl Oracle {
    fn certificate(&mut self, location: String, der: &[u8]) {
        if !self.seen.insert(der.to_vec()) {
            return;
        }
        self.rows.push(Row {
            kind: "certificate",
            location,
            der: der_verdict::<x509_cert::Certificate>(der, |_, _| true),
            cmsverify: accept(cmsverify::Certificate::from_ber(der).is_ok()),
            openssl: accept(openssl_reads(&["x509", "-inform", "DER", "-noout"], der)),
        });
    }

    fn message(&mut self, location: String, der: &[u8]) {
        if !self.seen.insert(der.to_vec()) {
            return;
        }
        let parsed = cmsverify::inspect::message(der, InputForm::Der);
        // A message that parses but is refused later (not SignedData, no
        // signers) is accepted at this level.
        let cmsverify = match &parsed {
            Ok(_) => true,
            Err(e) => e.class() != ErrorClass::Parse,
        };
        let der_verdict = der_verdict::<ContentInfo>(der, content_info_decodes);
        // What verify_content_info sees of a decoded message is its
        // re-encoding: it must be the bytes that were decoded.
        if der_verdict == "accept" && ContentInfo::from_der(der).unwrap().to_der().unwrap() != der {
            self.not_reproduced.push(location.clone());
        }
        self.rows.push(Row {
            kind: "message",
            location: location.clone(),
            der: der_verdict,
            cmsverify: accept(cmsverify),
            openssl: accept(openssl_reads(
                &[
                    "cms",
                    "-cmsout",
                    "-inform",
                    "DER",
                    "-outform",
                    "DER",
                    "-out",
                    "/dev/null",
                ],
                der,
            )),
        });
        if let Ok(info) = parsed {
            for (n, cert) in info.certificates.iter().enumerate() {
                self.certificate(format!("{location} certificates#{}", n + 1), cert.der());
            }
        }
    }

    fn certificate_file(&mut self, path: &Path) {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        for (n, (label, der)) in pem_blocks(&text).into_iter().enumerate() {
            // TRUSTED CERTIFICATE blocks carry OpenSSL's trust data after the
            // certificate; cmsverify refuses them before parsing.
            if label == "CERTIFICATE" {
                self.certificate(format!("{}#{}", path.display(), n + 1), &der);
            }
        }
    }

    fn message_pem(&mut self, location: String, text: &str) {
        if let Some((_, der)) = pem_blocks(text).into_iter().next() {
            self.message(location, &der);
        }
    }
}

fn sorted_dir(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries
}

#[test]
fn der_parses_fixtures_like_cmsverify_and_openssl() {
    let limits = cmsverify::Limits::default();
    let mut oracle = Oracle::default();
    for dir in [
        Path::new(KEYSTONE).to_owned(),
        Path::new(KEYSTONE).join("other"),
    ] {
        for path in sorted_dir(&dir) {
            let location = path.display().to_string();
            let name = path.file_name().unwrap().to_str().unwrap();
            match path.extension().and_then(|e| e.to_str()) {
                Some("der") => oracle.message(location, &std::fs::read(&path).unwrap()),
                Some("pki") => {
                    let token = std::fs::read_to_string(&path).unwrap();
                    oracle.message_pem(location, &cmsverify::keystone::token_to_cms(token.trim()));
                }
                Some("pkiz") => {
                    let token = std::fs::read_to_string(&path).unwrap();
                    let payload =
                        cmsverify::keystone::pkiz_uncompress(token.trim(), &limits).unwrap();
                    oracle.message_pem(location, std::str::from_utf8(&payload).unwrap());
                }
                Some("pem") if name.contains("key") => {}
                Some("pem") if name.contains("cert") => oracle.certificate_file(&path),
                Some("pem") => {
                    let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                    oracle.message_pem(location, &text);
                }
                _ => {}
            }
        }
    }
    for dir in sorted_dir(Path::new(SCENARIOS)) {
        if !dir.is_dir() {
            continue;
        }
        oracle.certificate_file(&dir.join("certfile.pem"));
        oracle.certificate_file(&dir.join("cafile.pem"));
        let message = dir.join("message.pem");
        let text = String::from_utf8_lossy(&std::fs::read(&message).unwrap()).into_owned();
        oracle.message_pem(message.display().to_string(), &text);
    }

    assert!(
        oracle.not_reproduced.is_empty(),
        "cms re-encodes these differently: {:?}",
        oracle.not_reproduced
    );
    let counts = |kind: &str| oracle.rows.iter().filter(|r| r.kind == kind).count();
    assert!(counts("certificate") > 100, "{}", counts("certificate"));
    assert!(counts("message") > 200, "{}", counts("message"));

    // Every disagreement is listed (with the three verdicts), and every
    // listed input still disagrees.
    let listed: BTreeMap<String, String> = std::fs::read_to_string(DIFFERENCES)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (key, reason) = l.rsplit_once('\t').unwrap();
            assert!(!reason.trim().is_empty(), "{l}");
            (key.to_owned(), reason.to_owned())
        })
        .collect();
    let differing: Vec<&Row> = oracle
        .rows
        .iter()
        .filter(|r| r.der != r.cmsverify || r.der != r.openssl)
        .collect();
    let unlisted: Vec<String> = differing
        .iter()
        .map(|r| r.key())
        .filter(|k| !listed.contains_key(k))
        .collect();
    let stale: Vec<&String> = listed
        .keys()
        .filter(|k| !differing.iter().any(|r| &r.key() == *k))
        .collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "unlisted differences:\n{}\nstale entries:\n{}",
        unlisted.join("\n"),
        stale
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
