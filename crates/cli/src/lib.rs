//! The `fazhi` command: configuration and start-up, shared by `main` and the integration tests.
//!
//! Configuration precedence: command-line flags > environment (`FAZHI_*`) > `fazhi.toml` >
//! defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use fazhi_core::demo::{self, Credential};
use fazhi_core::vault::Keyring;
use fazhi_store::{Store, StoreError, migrate};
use serde::Deserialize;

pub const DEFAULT_DATA_DIR: &str = "fazhi-data";
/// Generated normative documents the demo's register starts with.
const DEMO_DOCUMENTS: u64 = 300;
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_IDLE_MINUTES: u64 = 30;

/// `fazhi.toml`: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<SocketAddr>,
    pub idle_timeout_minutes: Option<u64>,
    pub secure_cookies: Option<bool>,
    /// The token that opens /metrics and /api/openapi.json (prefer FAZHI_METRICS_TOKEN); without
    /// it they are open on a loopback listen address only.
    pub metrics_token: Option<String>,
    /// The reverse proxies in front of fazhi (their X-Forwarded-For names the client).
    pub trusted_proxies: Option<Vec<std::net::IpAddr>>,
    pub demo: Option<bool>,
    /// SM4 data keys, `ID:HEX,…` (prefer the environment: FAZHI_DATA_KEYS).
    pub data_keys: Option<String>,
    pub data_key_current: Option<u32>,
    /// Blind-index key, hex (prefer the environment: FAZHI_INDEX_KEY).
    pub index_key: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot read the configuration file {path}: {message}")]
    Config { path: String, message: String },
    #[error("{what}: {message}")]
    Input { what: String, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Domain(#[from] fazhi_core::Error),
}

impl FileConfig {
    /// Reads `path`; a missing default file is an empty configuration, a missing named file is
    /// an error.
    pub fn load(path: Option<&Path>) -> Result<FileConfig, StartError> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("fazhi.toml"), false),
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| StartError::Config {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                Ok(FileConfig::default())
            }
            Err(e) => Err(StartError::Config {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }
}

/// Where the data lives: a PostgreSQL URL, or an embedded SQLite file inside a data directory.
#[derive(Clone, Debug)]
pub enum Database {
    Url(String),
    DataDir(PathBuf),
}

impl Database {
    pub fn resolve(url: Option<String>, data_dir: Option<PathBuf>, file: &FileConfig) -> Database {
        // An empty FAZHI_DATABASE_URL or FAZHI_DATA_DIR counts as unset.
        let url = url.filter(|u| !u.trim().is_empty());
        let data_dir = data_dir.filter(|d| !d.as_os_str().is_empty());
        match (url, data_dir) {
            (Some(u), _) => Database::Url(u),
            (None, Some(d)) => Database::DataDir(d),
            (None, None) => match (&file.database_url, &file.data_dir) {
                (Some(u), _) => Database::Url(u.clone()),
                (None, Some(d)) => Database::DataDir(d.clone()),
                (None, None) => Database::DataDir(PathBuf::from(DEFAULT_DATA_DIR)),
            },
        }
    }

    pub async fn open(&self) -> Result<Store, StoreError> {
        match self {
            Database::Url(u) => Store::connect(u).await,
            Database::DataDir(d) => Store::open_data_dir(d).await,
        }
    }

    /// For messages: the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Database::Url(u) => match (u.find("://"), u.rfind('@')) {
                (Some(s), Some(at)) if at > s => format!("{}://…{}", &u[..s], &u[at..]),
                _ => u.clone(),
            },
            Database::DataDir(d) => format!("SQLite {}", d.join("fazhi.db").display()),
        }
    }
}

/// The normative-document library's index, beside the database: `DATA_DIR/search/` for the
/// embedded database; for PostgreSQL, under the data directory given (`--data-dir`, the
/// configuration's, or the default) in a folder named after the database, so two databases
/// never share an index. The index is a copy of the register, brought up to date from it on use.
pub fn library(
    database: &Database,
    data_dir: Option<&Path>,
    file: &FileConfig,
) -> Result<fazhi_search::Library, StartError> {
    let dir = match database {
        Database::DataDir(d) => d.join("search").join("normative-documents"),
        Database::Url(u) => {
            // FNV-1a: a stable name for the URL (without showing it, password and all).
            let hash = u.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
            data_dir
                .map(Path::to_path_buf)
                .or_else(|| file.data_dir.clone())
                .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR))
                .join("search")
                .join(format!("normative-documents-{hash:016x}"))
        }
    };
    fazhi_search::Library::open(&dir).map_err(|e| StartError::Input {
        what: dir.display().to_string(),
        message: e.to_string(),
    })
}

/// Migrates, makes sure the built-in roles exist and, when `demo` is set and the database is
/// empty, loads the demo organisation. Returns the administrators' one-time passwords when it
/// created them.
pub async fn prepare(
    store: &Store,
    demo_data: bool,
) -> Result<Option<Vec<Credential>>, StartError> {
    migrate::run(store).await?;
    demo::ensure_builtin_roles(store).await?;
    fazhi_core::enforcement::documents::ensure_builtin(store).await?;
    if demo_data {
        return Ok(demo::seed_if_empty(store).await?);
    }
    Ok(None)
}

/// `prepare` with demo data, and the demo catalog and benchmarks beside a freshly seeded demo
/// organisation (the demo items name its departments). What `serve` and `import` start with.
pub async fn prepare_demo(
    store: &Store,
    keyring: &fazhi_core::vault::Keyring,
) -> Result<Option<Vec<Credential>>, StartError> {
    let mut creds = prepare(store, true).await?;
    if let Some(creds) = creds.as_mut() {
        demo::seed_catalog_if_empty(store).await?;
        creds.extend(demo::seed_demo_users(store).await?);
        fazhi_core::normative::seed_demo(store, DEMO_DOCUMENTS).await?;
        fazhi_core::decisions::seed_demo(store).await?;
        fazhi_core::review::advisers::seed_demo(store).await?;
        fazhi_core::disputes::seed_demo(store, keyring).await?;
    }
    Ok(creds)
}

#[derive(Deserialize, serde::Serialize)]
struct KeyFile {
    data_keys: String,
    index_key: String,
}

/// Where keys are kept when neither the environment nor fazhi.toml gives them: beside the
/// SQLite file, or in the working directory for PostgreSQL (every process must share it).
pub fn key_file(database: &Database) -> PathBuf {
    match database {
        Database::DataDir(d) => d.join("keys.toml"),
        Database::Url(_) => PathBuf::from("fazhi-keys.toml"),
    }
}

fn env_nonempty(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The keyring for personal data: environment (FAZHI_DATA_KEYS, FAZHI_DATA_KEY_CURRENT,
/// FAZHI_INDEX_KEY) > fazhi.toml > the key file, which is created with fresh keys on first use.
/// Keys are never stored in the database.
pub fn keyring(file: &FileConfig, database: &Database) -> Result<Keyring, StartError> {
    let current = env_nonempty("FAZHI_DATA_KEY_CURRENT")
        .and_then(|v| v.parse().ok())
        .or(file.data_key_current);
    let keys = env_nonempty("FAZHI_DATA_KEYS").or_else(|| file.data_keys.clone());
    let index = env_nonempty("FAZHI_INDEX_KEY").or_else(|| file.index_key.clone());
    if let (Some(k), Some(i)) = (&keys, &index) {
        return Ok(Keyring::parse(k, current, i)?);
    }
    let path = key_file(database);
    let stored: KeyFile = match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| StartError::Config {
            path: path.display().to_string(),
            message: e.to_string(),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let (data_keys, index_key) = Keyring::generate();
            let created = KeyFile {
                data_keys,
                index_key,
            };
            write_private(&path, &toml::to_string(&created).unwrap_or_default())?;
            eprintln!(
                "fazhi: created personal-data keys in {} — back this file up; without it sealed data cannot be read",
                path.display()
            );
            created
        }
        Err(e) => {
            return Err(StartError::Config {
                path: path.display().to_string(),
                message: e.to_string(),
            });
        }
    };
    Ok(Keyring::parse(
        keys.as_deref().unwrap_or(&stored.data_keys),
        current,
        index.as_deref().unwrap_or(&stored.index_key),
    )?)
}

fn write_private(path: &Path, text: &str) -> Result<(), StartError> {
    let err = |e: std::io::Error| StartError::Config {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path).map_err(err)?;
    std::io::Write::write_all(&mut f, text.as_bytes()).map_err(err)
}

pub fn idle_timeout(minutes: Option<u64>, file: &FileConfig) -> Duration {
    Duration::from_secs(
        60 * minutes
            .or(file.idle_timeout_minutes)
            .unwrap_or(DEFAULT_IDLE_MINUTES),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_environment_win_over_the_file_which_wins_over_defaults() {
        let file: FileConfig = toml::from_str(
            "database_url = \"postgres://db/fazhi\"\nlisten = \"127.0.0.1:9000\"\nidle_timeout_minutes = 10\n",
        )
        .unwrap();
        assert!(
            matches!(Database::resolve(None, None, &file), Database::Url(u) if u == "postgres://db/fazhi")
        );
        assert!(
            matches!(Database::resolve(None, Some("d".into()), &file), Database::DataDir(d) if d == Path::new("d"))
        );
        assert!(
            matches!(Database::resolve(Some("postgres://x/y".into()), Some("d".into()), &file), Database::Url(u) if u == "postgres://x/y")
        );
        // An empty FAZHI_DATABASE_URL counts as unset.
        assert!(
            matches!(Database::resolve(Some(String::new()), None, &file), Database::Url(u) if u == "postgres://db/fazhi")
        );
        assert!(
            matches!(Database::resolve(None, None, &FileConfig::default()), Database::DataDir(d) if d == Path::new(DEFAULT_DATA_DIR))
        );
        assert_eq!(idle_timeout(Some(5), &file).as_secs(), 300);
        assert_eq!(idle_timeout(None, &file).as_secs(), 600);
        assert_eq!(idle_timeout(None, &FileConfig::default()).as_secs(), 1800);
    }

    #[test]
    fn a_bad_configuration_file_is_named() {
        let dir = std::env::temp_dir().join(format!("fazhi-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("fazhi.toml");
        std::fs::write(&path, "listne = \"127.0.0.1:1\"\n").unwrap();
        let err = FileConfig::load(Some(&path)).unwrap_err().to_string();
        assert!(
            err.contains("fazhi.toml") && err.contains("listne"),
            "{err}"
        );
        assert!(FileConfig::load(Some(&dir.join("missing.toml"))).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn describe_hides_the_password() {
        let d = Database::Url("postgres://fazhi:secret@db:5432/fazhi".into());
        assert_eq!(d.describe(), "postgres://…@db:5432/fazhi");
    }
}
