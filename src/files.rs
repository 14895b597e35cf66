//! Trust loaded from a certfile and a CAfile on disk, and a verifier that
//! reloads them when they change (Keystone's auth_token rewrites them
//! atomically; operators delete them to force a refetch); a signer that
//! reloads its certificate and key the same way.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwapOption;

use crate::error::{Error, FileRole, Result};
use crate::signer::Signer;
use crate::verifier::{Verifier, VerifierBuilder};

fn read(path: &Path, role: FileRole) -> Result<Vec<u8>> {
    fs::read(path).map_err(|source| Error::FileRead {
        role,
        path: path.to_owned(),
        source,
    })
}

impl VerifierBuilder {
    /// Adds the certificates of a certfile and a CAfile read from disk. The
    /// certfile is read first, as `openssl cms` does.
    ///
    /// # Errors
    /// A file is missing or unreadable ([`Error::FileRead`], exit code 2), or
    /// its contents are not a certificate bundle.
    pub fn files(self, certfile: impl AsRef<Path>, cafile: impl AsRef<Path>) -> Result<Self> {
        let (certfile, cafile) = (certfile.as_ref(), cafile.as_ref());
        let certs = read(certfile, FileRole::Certfile)?;
        let builder = self.certfile_pem_named(&certs, &certfile.display().to_string())?;
        let cas = read(cafile, FileRole::Cafile)?;
        builder.cafile_pem_named(&cas, &cafile.display().to_string())
    }
}

impl Verifier {
    /// A verifier with default settings from a certfile and a CAfile, the
    /// files `openssl cms -verify -certfile F -CAfile F` takes.
    ///
    /// ```
    /// # fn main() -> Result<(), cmsverify::Error> {
    /// let verifier = cmsverify::Verifier::from_files(
    ///     "tests/data/keystone/signing_cert.pem",
    ///     "tests/data/keystone/cacert.pem",
    /// )?;
    /// let token = std::fs::read("tests/data/keystone/token.pki").unwrap();
    /// let verified = verifier.verify(&token)?;
    /// # assert!(!verified.content.is_empty());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// As [`VerifierBuilder::files`].
    pub fn from_files(certfile: impl AsRef<Path>, cafile: impl AsRef<Path>) -> Result<Self> {
        Self::builder().files(certfile, cafile)?.build()
    }
}

/// What identifies a file version without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    #[cfg(unix)]
    inode: u64,
    /// The change time (seconds, nanoseconds): an in-place rewrite that
    /// restores size and mtime (`cp -p`) still changes it.
    #[cfg(unix)]
    changed: (i64, i64),
}

fn stamp(path: &Path, role: FileRole) -> Result<Stamp> {
    let meta = fs::metadata(path).map_err(|source| Error::FileRead {
        role,
        path: path.to_owned(),
        source,
    })?;
    #[cfg(unix)]
    use std::os::unix::fs::MetadataExt as _;
    Ok(Stamp {
        modified: meta.modified().ok(),
        len: meta.len(),
        #[cfg(unix)]
        inode: meta.ino(),
        #[cfg(unix)]
        changed: (meta.ctime(), meta.ctime_nsec()),
    })
}

/// The stamps and contents of two files, and what was built from them.
#[derive(Debug)]
struct Loaded<T> {
    stamps: [Stamp; 2],
    contents: [Vec<u8>; 2],
    /// When the contents were last read and compared.
    checked: Instant,
    built: T,
}

/// Two files watched by stamp and, every recheck interval, by content; what
/// was built from them is rebuilt when either changes. The state is an
/// [`ArcSwapOption`] snapshot: the common call (stamps unchanged, checked
/// recently) writes nothing other threads read, not even a reference count.
#[derive(Debug)]
struct Watched<T> {
    files: [(PathBuf, FileRole); 2],
    recheck_interval: Duration,
    state: ArcSwapOption<Loaded<T>>,
}

impl<T: Clone> Watched<T> {
    fn new(files: [(PathBuf, FileRole); 2], recheck_interval: Duration) -> Self {
        Self {
            files,
            recheck_interval,
            state: ArcSwapOption::empty(),
        }
    }

    /// Runs `f` on what `build` made of the files' current contents.
    fn with_current<R>(
        &self,
        build: impl FnOnce(&[Vec<u8>; 2]) -> Result<T>,
        f: impl FnOnce(&T) -> R,
    ) -> Result<R> {
        let [(a, a_role), (b, b_role)] = &self.files;
        let stamps = [stamp(a, *a_role)?, stamp(b, *b_role)?];
        let mut known = None;
        {
            let state = self.state.load();
            if let Some(loaded) = state.as_ref().filter(|l| l.stamps == stamps) {
                if loaded.checked.elapsed() < self.recheck_interval {
                    return Ok(f(&loaded.built));
                }
                known = Some(Arc::clone(loaded));
            }
        }
        // Stamps changed, or unchanged for a while: read the files.
        let contents = [read(a, *a_role)?, read(b, *b_role)?];
        if let Some(loaded) = known.filter(|l| l.contents == contents) {
            // Unchanged: trust the stamps for another interval, unless
            // another thread has replaced the state meanwhile.
            let refreshed = Arc::new(Loaded {
                stamps,
                contents,
                checked: Instant::now(),
                built: loaded.built.clone(),
            });
            let current = Some(Arc::clone(&loaded));
            self.state.compare_and_swap(&current, Some(refreshed));
            return Ok(f(&loaded.built));
        }
        let built = build(&contents)?;
        let result = f(&built);
        self.state.store(Some(Arc::new(Loaded {
            stamps,
            contents,
            checked: Instant::now(),
            built,
        })));
        Ok(result)
    }
}

/// A [`Verifier`] over a certfile and a CAfile that rebuilds itself when
/// either file changes.
///
/// Each [`ReloadingVerifier::current`] costs two `stat` calls: a changed
/// modification time, change time, size or inode rebuilds the verifier. When
/// the stamps have stayed the same for longer than the recheck interval
/// ([`ReloadingVerifier::DEFAULT_RECHECK_INTERVAL`]), the next call re-reads
/// both files and rebuilds if their contents differ, so even a rewrite that
/// keeps every stamp (a coarse clock, a restored ctime) is noticed. The
/// rebuilt verifier starts with an empty path cache.
#[derive(Debug)]
pub struct ReloadingVerifier {
    template: VerifierBuilder,
    watched: Watched<Verifier>,
}

impl ReloadingVerifier {
    /// How long unchanged stamps are trusted before the contents are re-read.
    pub const DEFAULT_RECHECK_INTERVAL: Duration = Duration::from_secs(1);

    /// Watches `certfile` and `cafile`; `template` carries the settings (time,
    /// purpose, limits) and must not hold certificates of its own.
    ///
    /// # Errors
    /// As [`Verifier::from_files`], for the first load.
    pub fn new(
        certfile: impl Into<PathBuf>,
        cafile: impl Into<PathBuf>,
        template: VerifierBuilder,
    ) -> Result<Self> {
        Self::with_recheck_interval(certfile, cafile, template, Self::DEFAULT_RECHECK_INTERVAL)
    }

    /// As [`ReloadingVerifier::new`], re-reading the contents of files whose
    /// stamps have not changed once `interval` has passed since the last read
    /// (`Duration::ZERO`: on every call).
    ///
    /// # Errors
    /// As [`Verifier::from_files`], for the first load.
    pub fn with_recheck_interval(
        certfile: impl Into<PathBuf>,
        cafile: impl Into<PathBuf>,
        template: VerifierBuilder,
        interval: Duration,
    ) -> Result<Self> {
        let files = [
            (certfile.into(), FileRole::Certfile),
            (cafile.into(), FileRole::Cafile),
        ];
        let this = Self {
            template,
            watched: Watched::new(files, interval),
        };
        this.current()?;
        Ok(this)
    }

    /// The verifier for the files' current contents, rebuilt if they changed.
    ///
    /// # Errors
    /// A file is missing, unreadable or invalid now.
    pub fn current(&self) -> Result<Verifier> {
        self.with_current(Verifier::clone)
    }

    fn with_current<T>(&self, f: impl FnOnce(&Verifier) -> T) -> Result<T> {
        let [(certfile, _), (cafile, _)] = &self.watched.files;
        let build = |[certs, cas]: &[Vec<u8>; 2]| {
            self.template
                .clone()
                .certfile_pem_named(certs, &certfile.display().to_string())?
                .cafile_pem_named(cas, &cafile.display().to_string())?
                .build()
        };
        self.watched.with_current(build, f)
    }

    /// Verifies with the current files (see [`Verifier::verify`]).
    ///
    /// # Errors
    /// As [`ReloadingVerifier::current`] and [`Verifier::verify`].
    pub fn verify(&self, message: &[u8]) -> Result<crate::Verified> {
        self.with_current(|verifier| verifier.verify(message))?
    }

    /// Verifies a message of the given form with the current files (see
    /// [`Verifier::verify_form`]).
    ///
    /// # Errors
    /// As [`ReloadingVerifier::current`] and [`Verifier::verify_form`].
    pub fn verify_form(&self, message: &[u8], form: crate::InputForm) -> Result<crate::Verified> {
        self.with_current(|verifier| verifier.verify_form(message, form))?
    }
}

/// A [`Signer`] over a certificate file and a key file that rebuilds itself
/// when either changes (Keystone rotates signing_cert.pem and
/// signing_key.pem in place), with [`ReloadingVerifier`]'s stamp and content
/// checks. One per (certificate, key, settings): memory does not grow with
/// the number of file versions seen.
#[derive(Debug)]
pub struct ReloadingSigner {
    digest: crate::DigestAlgorithm,
    mode: crate::ContentMode,
    watched: Watched<Arc<Signer>>,
}

impl ReloadingSigner {
    /// Watches the certificate and key files; signs with `digest` in `mode`
    /// (keystoneclient: text mode, [`crate::ContentMode::Text`]).
    ///
    /// # Errors
    /// As [`Signer::from_files`], for the first load.
    pub fn new(
        cert: impl Into<PathBuf>,
        key: impl Into<PathBuf>,
        digest: crate::DigestAlgorithm,
        mode: crate::ContentMode,
    ) -> Result<Self> {
        let files = [
            (cert.into(), FileRole::SignerCertificate),
            (key.into(), FileRole::SigningKey),
        ];
        let this = Self {
            digest,
            mode,
            watched: Watched::new(files, ReloadingVerifier::DEFAULT_RECHECK_INTERVAL),
        };
        this.current()?;
        Ok(this)
    }

    /// The signer for the files' current contents, rebuilt if they changed.
    ///
    /// # Errors
    /// A file is missing, unreadable or invalid now.
    pub fn current(&self) -> Result<Arc<Signer>> {
        self.with_current(Arc::clone)
    }

    fn with_current<T>(&self, f: impl FnOnce(&Arc<Signer>) -> T) -> Result<T> {
        let build = |[cert, key]: &[Vec<u8>; 2]| {
            Signer::from_pem(cert, key)
                .map(|s| Arc::new(s.digest(self.digest).content_mode(self.mode)))
        };
        self.watched.with_current(build, f)
    }

    /// Signs with the current files in the given form (see [`Signer::sign_as`]).
    ///
    /// # Errors
    /// As [`ReloadingSigner::current`] and [`Signer::sign_as`].
    pub fn sign_as(&self, content: &[u8], form: crate::OutputForm) -> Result<Vec<u8>> {
        self.with_current(|signer| signer.sign_as(content, form))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &str = "tests/data/keystone";

    fn sample(name: &str) -> Vec<u8> {
        fs::read(Path::new(DATA).join(name)).unwrap()
    }

    /// A directory with signing_cert.pem and a cacert.pem trusting both
    /// sample Keystones; removed on drop.
    struct Dir(PathBuf);

    impl Dir {
        fn new(name: &str) -> Self {
            let dir =
                std::env::temp_dir().join(format!("cmsverify-files-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).unwrap();
            let mut cas = sample("cacert.pem");
            cas.extend(sample("other/cacert.pem"));
            let mut certs = sample("signing_cert.pem");
            certs.extend(sample("other/signing_cert.pem"));
            fs::write(dir.join("signing_cert.pem"), certs).unwrap();
            fs::write(dir.join("cacert.pem"), cas).unwrap();
            Dir(dir)
        }
        fn path(&self, name: &str) -> PathBuf {
            self.0.join(name)
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    /// The CA file with the other Keystone's CA blanked out: same size.
    fn without_other_ca(cas: &[u8]) -> Vec<u8> {
        let first = sample("cacert.pem").len();
        let mut out = cas.to_vec();
        for b in out.iter_mut().skip(first) {
            if *b != b'\n' {
                *b = b'#';
            }
        }
        out
    }

    #[test]
    fn an_in_place_rewrite_keeping_size_inode_and_mtime_is_noticed() {
        let dir = Dir::new("cp-p");
        let (certfile, cafile) = (dir.path("signing_cert.pem"), dir.path("cacert.pem"));
        let v = ReloadingVerifier::new(&certfile, &cafile, Verifier::builder()).unwrap();
        let other = sample("other/token.pem");
        assert!(v.verify(&other).is_ok());
        let before = fs::metadata(&cafile).unwrap();
        let cas = fs::read(&cafile).unwrap();
        // `cp -p`: same inode (written in place), same size, mtime restored.
        fs::write(&cafile, without_other_ca(&cas)).unwrap();
        fs::File::options()
            .write(true)
            .open(&cafile)
            .unwrap()
            .set_modified(before.modified().unwrap())
            .unwrap();
        let after = fs::metadata(&cafile).unwrap();
        assert_eq!(after.len(), before.len());
        assert_eq!(after.modified().unwrap(), before.modified().unwrap());
        let err = v.verify(&other).unwrap_err();
        assert_eq!(
            err.exit_code(),
            4,
            "the removed CA is no longer trusted: {err}"
        );
        assert!(v.verify(&sample("token.pem")).is_ok());
    }

    #[test]
    fn verify_form_reads_the_form_it_is_given() {
        let dir = Dir::new("form");
        let (certfile, cafile) = (dir.path("signing_cert.pem"), dir.path("cacert.pem"));
        let v = ReloadingVerifier::new(&certfile, &cafile, Verifier::builder()).unwrap();
        let token = sample("token.pem");
        assert!(v.verify_form(&token, crate::InputForm::Pem).is_ok());
        assert!(matches!(
            v.verify_form(&token, crate::InputForm::Der),
            Err(Error::Malformed { .. })
        ));
    }

    #[test]
    fn unchanged_stamps_trigger_a_content_comparison_after_the_interval() {
        let dir = Dir::new("contents");
        let (certfile, cafile) = (dir.path("signing_cert.pem"), dir.path("cacert.pem"));
        let other = sample("other/token.pem");
        for (interval, rebuilt) in [(Duration::ZERO, true), (Duration::from_secs(3600), false)] {
            let v = ReloadingVerifier::with_recheck_interval(
                &certfile,
                &cafile,
                Verifier::builder(),
                interval,
            )
            .unwrap();
            // Pretend the verifier was built from an older version of the CA
            // file that trusted only the first Keystone, with the same stamps.
            {
                let loaded = v.watched.state.load_full().unwrap();
                v.watched.state.store(Some(Arc::new(Loaded {
                    stamps: loaded.stamps.clone(),
                    contents: [
                        loaded.contents[0].clone(),
                        without_other_ca(&loaded.contents[1]),
                    ],
                    checked: loaded.checked,
                    built: Verifier::from_pem(&sample("signing_cert.pem"), &sample("cacert.pem"))
                        .unwrap(),
                })));
            }
            assert_eq!(v.verify(&other).is_ok(), rebuilt, "interval {interval:?}");
        }
    }

    #[test]
    fn a_reloading_signer_follows_a_key_rotation() {
        let dir = Dir::new("signer");
        let (cert, key) = (dir.path("cert.pem"), dir.path("key.pem"));
        fs::write(&cert, sample("signing_cert.pem")).unwrap();
        fs::write(&key, sample("signing_key.pem")).unwrap();
        let signer = ReloadingSigner::new(
            &cert,
            &key,
            crate::DigestAlgorithm::Sha256,
            crate::ContentMode::Binary,
        )
        .unwrap();
        // The watched directory trusts both Keystones; each signature names
        // the certificate of the files it was made with.
        let verifier =
            Verifier::from_files(dir.path("signing_cert.pem"), dir.path("cacert.pem")).unwrap();
        let signed_by = |der: &[u8]| {
            verifier.verify(der).unwrap().signers[0]
                .certificate
                .subject()
        };
        let first = signed_by(&signer.sign_as(b"{}", crate::OutputForm::Der).unwrap());
        fs::write(&cert, sample("other/signing_cert.pem")).unwrap();
        fs::write(&key, sample("other/signing_key.pem")).unwrap();
        let second = signed_by(&signer.sign_as(b"{}", crate::OutputForm::Der).unwrap());
        assert_ne!(first, second);
        // A missing key is named as such.
        fs::remove_file(&key).unwrap();
        let err = signer.sign_as(b"{}", crate::OutputForm::Der).unwrap_err();
        assert!(
            matches!(&err, Error::FileRead { role: FileRole::SigningKey, path, .. } if *path == key),
            "{err}"
        );
    }
}
