//! Trust loaded from a certfile and a CAfile on disk, and a verifier that
//! reloads them when they change (Keystone's auth_token rewrites them
//! atomically; operators delete them to force a refetch).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use crate::error::{Error, FileRole, Result};
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
}

fn stamp(path: &Path, role: FileRole) -> Result<Stamp> {
    let meta = fs::metadata(path).map_err(|source| Error::FileRead {
        role,
        path: path.to_owned(),
        source,
    })?;
    Ok(Stamp {
        modified: meta.modified().ok(),
        len: meta.len(),
        #[cfg(unix)]
        inode: std::os::unix::fs::MetadataExt::ino(&meta),
    })
}

/// A [`Verifier`] over a certfile and a CAfile that rebuilds itself when
/// either file changes (modification time, size or inode).
///
/// Each [`ReloadingVerifier::current`] costs two `stat` calls; the rebuilt
/// verifier starts with an empty path cache.
#[derive(Debug)]
pub struct ReloadingVerifier {
    certfile: PathBuf,
    cafile: PathBuf,
    template: VerifierBuilder,
    state: RwLock<Option<(Stamp, Stamp, Verifier)>>,
}

impl ReloadingVerifier {
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
        let this = Self {
            certfile: certfile.into(),
            cafile: cafile.into(),
            template,
            state: RwLock::new(None),
        };
        this.current()?;
        Ok(this)
    }

    /// The verifier for the files' current contents, rebuilt if they changed.
    ///
    /// # Errors
    /// A file is missing, unreadable or invalid now.
    pub fn current(&self) -> Result<Verifier> {
        let cert_stamp = stamp(&self.certfile, FileRole::Certfile)?;
        let ca_stamp = stamp(&self.cafile, FileRole::Cafile)?;
        if let Ok(state) = self.state.read() {
            if let Some((c, a, v)) = state.as_ref() {
                if *c == cert_stamp && *a == ca_stamp {
                    return Ok(v.clone());
                }
            }
        }
        let verifier = self
            .template
            .clone()
            .files(&self.certfile, &self.cafile)?
            .build()?;
        if let Ok(mut state) = self.state.write() {
            *state = Some((cert_stamp, ca_stamp, verifier.clone()));
        }
        Ok(verifier)
    }

    /// Verifies with the current files (see [`Verifier::verify`]).
    ///
    /// # Errors
    /// As [`ReloadingVerifier::current`] and [`Verifier::verify`].
    pub fn verify(&self, message: &[u8]) -> Result<crate::Verified> {
        self.current()?.verify(message)
    }
}
