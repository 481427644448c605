use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

mod cases;
mod disputes;
mod evaluate;
mod figures;
mod leads;
mod normative;
mod plan;

use fazhi::{Database, FileConfig, StartError, idle_timeout, keyring, prepare};
use fazhi_core::Actor;
use fazhi_core::org::{UserInput, service};
use fazhi_kernel::ids::{BankCard, Mobile, ResidentId, Uscc};
use fazhi_kernel::period::{Period, due_date};
use fazhi_kernel::personal::{Party, PartyKind, redact};
use fazhi_store::jobs::Runner;
use fazhi_store::{audit, migrate};
use indicatif::{ProgressBar, ProgressStyle};

// The default allocator spent a fifth of a bulk import in malloc/free (sqlx copies every bound
// string on its way to SQLite); mimalloc's thread-local free lists make that cheap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// fazhi (法治): the rule-of-law work system of a city or county government.
///
/// Configuration: flags > environment (FAZHI_*) > fazhi.toml > defaults.
#[derive(Parser)]
#[command(name = "fazhi", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// Directory of the embedded SQLite database (fazhi.db inside it) [default: ./fazhi-data]
    #[arg(long, env = "FAZHI_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://user@host/db); overrides --data-dir
    #[arg(long, env = "FAZHI_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Configuration file [default: ./fazhi.toml when present]
    #[arg(long, env = "FAZHI_CONFIG", global = true)]
    config: Option<PathBuf>,
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Search the normative-document library (brought up to date with the register first)
    Documents {
        #[command(flatten)]
        db: DbArgs,
        /// Words, e.g. "行政复议 听证"
        query: String,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print one JSON object: {"hits": [{"number", "title", "score", "snippet"}], "total", "ms"}
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application (migrates the database and loads the demo organisation on first start)
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on [default: 127.0.0.1:8080]
        #[arg(long, env = "FAZHI_LISTEN")]
        listen: Option<SocketAddr>,
        /// Minutes of inactivity after which a session is signed out [default: 30]
        #[arg(long, env = "FAZHI_IDLE_TIMEOUT_MINUTES")]
        idle_timeout_minutes: Option<u64>,
        /// Mark the session cookie Secure (when served over HTTPS)
        #[arg(long, env = "FAZHI_SECURE_COOKIES")]
        secure_cookies: Option<bool>,
        /// Load the demo organisation (Zhuji) into an empty database [default: true]
        #[arg(long, env = "FAZHI_DEMO")]
        demo: Option<bool>,
        /// Bearer token that opens /metrics and /api/openapi.json; without it they answer only
        /// when listening on a loopback address
        #[arg(long, env = "FAZHI_METRICS_TOKEN", hide_env_values = true)]
        metrics_token: Option<String>,
        /// Addresses of the reverse proxies in front of fazhi, comma-separated; their
        /// X-Forwarded-For names the client (sign-in limits and feedback limits are per client)
        #[arg(long, env = "FAZHI_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Option<Vec<std::net::IpAddr>>,
    },
    /// Apply pending database migrations and exit
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// The audit log
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manage user accounts from the server console (audited as cli:<user>)
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The working-day calendar
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Personal-data keys
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Legal time limits
    Deadline {
        #[command(subcommand)]
        command: DeadlineCommand,
    },
    /// Synthetic data for demos and benchmarks
    Generate {
        #[command(subcommand)]
        command: cases::GenerateCommand,
    },
    /// Bulk imports from other systems
    Import {
        #[command(subcommand)]
        command: cases::ImportCommand,
    },
    /// Full-text search
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
    /// Evaluate case files (案卷评查): every case whose record changed since its last evaluation
    Evaluate {
        #[command(flatten)]
        db: DbArgs,
        /// Every case, changed or not
        #[arg(long)]
        all: bool,
        /// Print one JSON object: {"evaluated", "findings", "by_rule": {"RULE": count, …}}
        #[arg(long)]
        json: bool,
    },
    /// The annual report's figures for a year (年度报告数字), each under a stable key
    Figures {
        #[command(flatten)]
        db: DbArgs,
        /// The year (default: this year)
        #[arg(long)]
        year: Option<i32>,
        /// Print one JSON object: {"year", "figures": {"enforcement.delegated_cases": 1833, …}}
        #[arg(long)]
        json: bool,
    },
    /// Run every violation-lead model (线索) over the records
    Leads {
        #[command(flatten)]
        db: DbArgs,
        /// Print one JSON object: {"open": {"MODEL": count, …}, "new", "resolved"}
        #[arg(long)]
        json: bool,
    },
    /// Plans (综合查一次: joint inspection visits)
    Plan {
        #[command(subcommand)]
        command: plan::PlanCommand,
    },
    /// Benchmarks that need a loaded database (results belong in BENCHMARKS.md)
    Bench {
        #[command(subcommand)]
        command: cases::BenchCommand,
    },
    /// Check identifiers; one line per code, exit 0 only when all are valid
    Validate {
        #[arg(value_enum)]
        kind: IdKind,
        codes: Vec<String>,
    },
    /// Redact personal data from text on standard input for publication
    Redact {
        /// Print what was found where, as JSON, with the redacted text
        #[arg(long)]
        json: bool,
        /// A natural person named in the text (kept as surname + 某)
        #[arg(long)]
        person: Vec<String>,
        /// An organisation named in the text (kept as it is)
        #[arg(long)]
        organisation: Vec<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum IdKind {
    Uscc,
    ResidentId,
    Mobile,
    BankCard,
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// One line per date: `YYYY-MM-DD workday` or `YYYY-MM-DD rest`; a date in a year without a
    /// published arrangement says so and the exit code is non-zero
    IsWorkday {
        #[command(flatten)]
        db: DbArgs,
        dates: Vec<String>,
    },
    /// Import a year's arrangement (a new State Council notice) into the database
    Import {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Print a fresh data key and blind-index key (for FAZHI_DATA_KEYS / FAZHI_INDEX_KEY)
    Generate,
    /// Re-encrypt every value sealed under an older key with the current key
    Rotate {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum DeadlineCommand {
    /// Print the due date (first word) and the rule applied
    Compute {
        #[command(flatten)]
        db: DbArgs,
        /// The day of the starting event (not counted), YYYY-MM-DD
        #[arg(long)]
        start: String,
        /// "20 working days", "90 days", "6 months", "2 years" (or 20个工作日, 90日, 6个月)
        #[arg(long)]
        period: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the SM3 chain of the audit log; exits non-zero naming the first broken entry
    Verify {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user and print their one-time password
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        display_name: String,
        /// Id of the user's department (see the departments page)
        #[arg(long)]
        department_id: i64,
        /// Code of a role to grant (e.g. town_clerk, system_admin)
        #[arg(long)]
        role: Option<String>,
        /// Mobile number (stored sealed with SM4)
        #[arg(long)]
        mobile: Option<String>,
    },
    /// Give a user a new one-time password
    ResetPassword {
        #[command(flatten)]
        db: DbArgs,
        username: String,
    },
    /// Lock an account until it is unlocked
    Lock {
        #[command(flatten)]
        db: DbArgs,
        username: String,
    },
    /// Unlock an account
    Unlock {
        #[command(flatten)]
        db: DbArgs,
        username: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FAZHI_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fazhi: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The demo administrators' one-time passwords, shown once when they are created.
fn print_credentials(creds: &[fazhi_core::demo::Credential], out: &mut dyn std::io::Write) {
    let _ = writeln!(
        out,
        "已载入演示组织（诸暨市，23 个镇乡街道）。三位管理员和演示业务人员的一次性密码（仅显示这一次，首次登录后须修改）："
    );
    for c in creds {
        let _ = writeln!(
            out,
            "  {}  用户名 {}  一次性密码 {}",
            c.role, c.username, c.one_time_password
        );
    }
}

async fn open(db: &DbArgs) -> Result<(fazhi_store::Store, FileConfig, Database), StartError> {
    let file = FileConfig::load(db.config.as_deref())?;
    let database = Database::resolve(db.database_url.clone(), db.data_dir.clone(), &file);
    let store = database.open().await?;
    Ok((store, file, database))
}

async fn run(cli: Cli) -> Result<ExitCode, StartError> {
    match cli.command {
        Command::Serve {
            db,
            listen,
            idle_timeout_minutes,
            secure_cookies,
            demo,
            metrics_token,
            trusted_proxies,
        } => {
            let (store, file, database) = open(&db).await?;
            let keyring = keyring(&file, &database)?;
            let demo = demo.or(file.demo).unwrap_or(true);
            let creds = if demo {
                fazhi::prepare_demo(&store, &keyring).await?
            } else {
                prepare(&store, false).await?
            };
            let listen = listen
                .or(file.listen)
                .unwrap_or(
                    fazhi::DEFAULT_LISTEN
                        .parse()
                        .map_err(|_| StartError::Config {
                            path: "listen".into(),
                            message: "bad default".into(),
                        })?,
                );
            let listener =
                tokio::net::TcpListener::bind(listen)
                    .await
                    .map_err(|e| StartError::Config {
                        path: listen.to_string(),
                        message: format!("cannot listen: {e}"),
                    })?;
            let address = listener.local_addr().map_err(|e| StartError::Config {
                path: listen.to_string(),
                message: e.to_string(),
            })?;
            let idle = idle_timeout(idle_timeout_minutes, &file);
            let config = fazhi_web::WebConfig {
                idle_timeout: idle,
                secure_cookies: secure_cookies.or(file.secure_cookies).unwrap_or(false),
                ops: fazhi_web::OpsAccess::for_listen(
                    address,
                    metrics_token.or(file.metrics_token.clone()),
                ),
                trusted_proxies: trusted_proxies
                    .or(file.trusted_proxies.clone())
                    .unwrap_or_default(),
                long_job_wait: fazhi_web::LONG_JOB_WAIT,
            };
            println!(
                "fazhi 已启动：http://{address}/login  （数据库：{}）",
                database.describe()
            );
            if let Some(creds) = creds {
                print_credentials(&creds, &mut std::io::stdout());
            }
            let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
            let worker = format!("{}:{}", std::process::id(), address.port());
            let runner = Runner::new(
                store.clone(),
                fazhi_core::jobs::registry(idle, keyring.clone()),
                worker,
            );
            let jobs = tokio::spawn(runner.run(Duration::from_secs(5), stop_rx));
            let state = fazhi_web::AppState::new(
                store.clone(),
                config,
                keyring,
                fazhi::library(&database, db.data_dir.as_deref(), &file)?,
            );
            let served = fazhi_web::serve(listener, state, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await;
            let _ = stop_tx.send(true);
            let _ = jobs.await;
            store.close().await;
            served.map_err(|e| StartError::Config {
                path: address.to_string(),
                message: e.to_string(),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { db } => {
            let (store, _, database) = open(&db).await?;
            let n = migrate::run(&store).await?;
            fazhi_core::demo::ensure_builtin_roles(&store).await?;
            println!(
                "{}: applied {n} migration(s); schema version {}",
                database.describe(),
                migrate::latest_version()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command: AuditCommand::Verify { db },
        } => {
            let (store, _, _) = open(&db).await?;
            let total = audit::count(&store).await?;
            let bar = ProgressBar::new(u64::try_from(total).unwrap_or(0));
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} verifying audit chain {pos}/{len} [{elapsed}]",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let report =
                audit::verify(&store, |n| bar.set_position(u64::try_from(n).unwrap_or(0))).await?;
            bar.finish_and_clear();
            match report.first_break {
                None => {
                    println!("audit chain intact: {} entries verified", report.checked);
                    Ok(ExitCode::SUCCESS)
                }
                Some(b) => {
                    println!(
                        "audit chain BROKEN: {b}; {} entries before it are intact",
                        report.checked
                    );
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::User { command } => user(command).await,
        Command::Generate { command } => cases::generate(command),
        Command::Import { command } => cases::import(command).await,
        Command::Search {
            command:
                SearchCommand::Documents {
                    db,
                    query,
                    limit,
                    json,
                },
        } => normative::search(db, query, limit, json).await,
        Command::Bench { command } => cases::bench(command).await,
        Command::Plan { command } => plan::plan(command),
        Command::Evaluate { db, all, json } => evaluate::run(db, all, json).await,
        Command::Leads { db, json } => leads::run(db, json).await,
        Command::Figures { db, year, json } => figures::run(db, year, json).await,
        Command::Calendar { command } => calendar(command).await,
        Command::Keys {
            command: KeysCommand::Generate,
        } => {
            let (keys, index) = fazhi_core::vault::Keyring::generate();
            println!("FAZHI_DATA_KEYS={keys}\nFAZHI_INDEX_KEY={index}");
            println!(
                "# To rotate: append `,N:<new key>` to FAZHI_DATA_KEYS (N higher than the others), run `fazhi keys rotate`, then drop the old key."
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys {
            command: KeysCommand::Rotate { db },
        } => {
            let (store, file, database) = open(&db).await?;
            migrate::run(&store).await?;
            let keys = keyring(&file, &database)?;
            let n = fazhi_core::vault::rotate(&store, &Actor::operator(), &keys).await?;
            println!("re-sealed {n} value(s) with key {}", keys.current());
            Ok(ExitCode::SUCCESS)
        }
        Command::Deadline {
            command: DeadlineCommand::Compute { db, start, period },
        } => {
            let cal = calendar_for(&db).await?;
            let start = parse_date(&start).map_err(|m| StartError::Input {
                what: "--start".into(),
                message: m,
            })?;
            let period: Period =
                period
                    .parse()
                    .map_err(|e: fazhi_kernel::period::PeriodError| StartError::Input {
                        what: "--period".into(),
                        message: e.to_string(),
                    })?;
            let due = due_date(&cal, start, period);
            println!("{} {}", due.due, due.rule);
            Ok(if due.confirmed {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            })
        }
        Command::Validate { kind, codes } => {
            let mut all_valid = !codes.is_empty();
            for code in &codes {
                let result = match kind {
                    IdKind::Uscc => Uscc::parse(code).map(|_| ()),
                    IdKind::ResidentId => ResidentId::parse(code).map(|_| ()),
                    IdKind::Mobile => Mobile::parse(code).map(|_| ()),
                    IdKind::BankCard => BankCard::parse(code).map(|_| ()),
                };
                match result {
                    Ok(()) => println!("{code} valid"),
                    Err(e) => {
                        all_valid = false;
                        println!("{code} invalid: {e}");
                    }
                }
            }
            Ok(if all_valid {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Redact {
            json,
            person,
            organisation,
        } => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| {
                StartError::Input {
                    what: "standard input".into(),
                    message: e.to_string(),
                }
            })?;
            let parties: Vec<Party> = person
                .iter()
                .map(|n| Party {
                    name: n,
                    kind: PartyKind::Person,
                })
                .chain(organisation.iter().map(|n| Party {
                    name: n,
                    kind: PartyKind::Organisation,
                }))
                .collect();
            let r = redact(&text, &parties);
            if json {
                let found: Vec<serde_json::Value> = r
                    .findings
                    .iter()
                    .map(|f| serde_json::json!({ "kind": f.kind.code(), "start": f.start, "end": f.end, "text": f.text }))
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({ "text": r.text, "findings": found })
                );
            } else {
                print!("{}", r.text);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    fazhi_kernel::date::parse(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

/// The calendar in force: the database's when one is named or ./fazhi-data exists, otherwise
/// the arrangements shipped with fazhi.
async fn calendar_for(db: &DbArgs) -> Result<fazhi_kernel::calendar::Calendar, StartError> {
    let named = db.database_url.as_deref().is_some_and(|u| !u.is_empty()) || db.data_dir.is_some();
    let default_exists = std::path::Path::new(fazhi::DEFAULT_DATA_DIR)
        .join("fazhi.db")
        .exists();
    if named || default_exists {
        let (store, _, _) = open(db).await?;
        migrate::run(&store).await?;
        return Ok(fazhi_core::calendar::load(&store).await?);
    }
    Ok(fazhi_kernel::calendar::Calendar::embedded().clone())
}

async fn calendar(command: CalendarCommand) -> Result<ExitCode, StartError> {
    match command {
        CalendarCommand::IsWorkday { db, dates } => {
            let cal = calendar_for(&db).await?;
            let mut ok = !dates.is_empty();
            for d in &dates {
                match parse_date(d) {
                    Ok(date) => {
                        let day = cal.day(date);
                        let word = if day.is_workday() { "workday" } else { "rest" };
                        if day.confirmed {
                            println!("{date} {word}");
                        } else {
                            ok = false;
                            println!(
                                "{date} {word} (unpublished year: weekends only, unconfirmed)"
                            );
                        }
                    }
                    Err(m) => {
                        ok = false;
                        println!("{d} invalid: {m}");
                    }
                }
            }
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        CalendarCommand::Import { db, file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| StartError::Config {
                path: file.display().to_string(),
                message: e.to_string(),
            })?;
            let (store, _, _) = open(&db).await?;
            migrate::run(&store).await?;
            let years = fazhi_core::calendar::import(&store, &Actor::operator(), &text).await?;
            println!(
                "imported {}",
                years
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn user(command: UserCommand) -> Result<ExitCode, StartError> {
    let operator = Actor::operator();
    match command {
        UserCommand::Create {
            db,
            username,
            display_name,
            department_id,
            role,
            mobile,
        } => {
            let (store, file, database) = open(&db).await?;
            let input = UserInput {
                username,
                display_name,
                department_id,
                mobile,
            };
            let keys = keyring(&file, &database)?;
            let (user, otp) = service::create_user(&store, &operator, &keys, &input).await?;
            if let Some(code) = role {
                let roles = service::roles(&store, &operator).await?;
                let role = roles.iter().find(|r| r.code == code).ok_or_else(|| {
                    fazhi_core::Error::invalid("role", format!("unknown role {code}"))
                })?;
                service::set_user_roles(&store, &operator, user.id, &[role.id]).await?;
            }
            println!(
                "created user {} (id {}); one-time password: {otp}",
                user.username, user.id
            );
        }
        UserCommand::ResetPassword { db, username } => {
            let (store, _, _) = open(&db).await?;
            let u = service::user_by_username(&store, &operator, &username).await?;
            let otp = service::reset_password(&store, &operator, u.id).await?;
            println!("new one-time password for {}: {otp}", u.username);
        }
        UserCommand::Lock { db, username } => {
            let (store, _, _) = open(&db).await?;
            let u = service::user_by_username(&store, &operator, &username).await?;
            service::set_lock(&store, &operator, u.id, true).await?;
            println!("locked {}", u.username);
        }
        UserCommand::Unlock { db, username } => {
            let (store, _, _) = open(&db).await?;
            let u = service::user_by_username(&store, &operator, &username).await?;
            service::set_lock(&store, &operator, u.id, false).await?;
            println!("unlocked {}", u.username);
        }
    }
    Ok(ExitCode::SUCCESS)
}
