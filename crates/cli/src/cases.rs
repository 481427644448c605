//! `fazhi generate cases` and `fazhi import cases`: the interfaces scripts rely on (keep their
//! flags and output stable; see docs/case-import.md).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use fazhi::StartError;
use fazhi_core::access::Actor;
use fazhi_core::enforcement::{ingest, synthetic};
use indicatif::{ProgressBar, ProgressStyle};

use super::{DbArgs, open};

#[derive(Subcommand)]
pub enum GenerateCommand {
    /// Write N synthetic penalty cases as JSON Lines in the import format to standard output
    Cases {
        #[arg(long)]
        count: u64,
        /// The same seed gives the same cases
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write N synthetic normative documents as JSON Lines in the import format
    /// (docs/normative-documents.md) to standard output
    NormativeDocuments {
        #[arg(long)]
        count: u64,
        /// The same seed gives the same documents
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a quarter's synthetic inspection tasks and department capacities (the joint-visit
    /// planner's input) as DIR/tasks.jsonl and DIR/capacity.json
    InspectionTasks {
        #[arg(long)]
        entities: usize,
        #[arg(long)]
        tasks: usize,
        /// The same seed gives the same tasks
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out_dir: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// Import penalty cases from a JSON Lines file (docs/case-import.md); "-" reads standard input
    Cases {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
        /// Print one JSON object: {"inserted", "updated", "unchanged", "rejected", "errors"}
        #[arg(long)]
        json: bool,
    },
    /// Import the 12345 hotline's dispute work orders from a JSON Lines file (docs/disputes.md);
    /// "-" reads standard input. Idempotent by work order number; each line is routed by the
    /// rules in force
    Disputes {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
        /// Print one JSON object: {"inserted", "updated", "unchanged", "rejected", "errors"}
        #[arg(long)]
        json: bool,
    },
    /// Import normative documents from a JSON Lines file (docs/normative-documents.md); "-"
    /// reads standard input. Idempotent by document number; a changed text is a new version
    NormativeDocuments {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
        /// Print one JSON object: {"inserted", "updated", "unchanged", "rejected", "errors"}
        #[arg(long)]
        json: bool,
    },
}

/// The one JSON object a command's `--json` prints on stdout.
pub fn print_json(report: &impl serde::Serialize) -> Result<(), StartError> {
    let text = serde_json::to_string(report).map_err(|e| StartError::Input {
        what: "report".into(),
        message: e.to_string(),
    })?;
    println!("{text}");
    Ok(())
}

pub fn bar(len: Option<u64>, what: &str) -> ProgressBar {
    let bar = len.map_or_else(ProgressBar::new_spinner, ProgressBar::new);
    let template = if len.is_some() {
        format!("{{spinner}} {what} {{bar:30}} {{pos}}/{{len}} [{{elapsed}}, {{per_sec}}]")
    } else {
        format!("{{spinner}} {what} {{pos}} [{{elapsed}}, {{per_sec}}]")
    };
    bar.set_style(
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

pub fn generate(command: GenerateCommand) -> Result<ExitCode, StartError> {
    let (count, seed) = match command {
        GenerateCommand::Cases { count, seed } => (count, seed),
        GenerateCommand::NormativeDocuments { count, seed } => {
            return super::normative::generate(count, seed);
        }
        GenerateCommand::InspectionTasks {
            entities,
            tasks,
            seed,
            out_dir,
        } => return super::plan::generate(entities, tasks, seed, &out_dir),
    };
    let progress = bar(Some(count), "generating cases");
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let result = synthetic::generate(count, seed, &mut out, &|n| {
        if n.is_multiple_of(1024) {
            progress.set_position(n);
        }
    });
    progress.finish_and_clear();
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(StartError::Input {
            what: "stdout".into(),
            message: e.to_string(),
        }),
    }
}

pub async fn import(command: ImportCommand) -> Result<ExitCode, StartError> {
    let (db, file, json) = match command {
        ImportCommand::Cases { db, file, json } => (db, file, json),
        ImportCommand::NormativeDocuments { db, file, json } => {
            return super::normative::import(db, file, json).await;
        }
        ImportCommand::Disputes { db, file, json } => {
            return super::disputes::import(db, file, json).await;
        }
    };
    let (store, config, database) = open(&db).await?;
    // Like `serve`: a fresh database gets the demo organisation and catalog the cases refer to.
    let keyring = fazhi::keyring(&config, &database)?;
    if config.demo.unwrap_or(true) {
        // Passwords to stderr: stdout carries the report scripts read.
        if let Some(creds) = fazhi::prepare_demo(&store, &keyring).await? {
            super::print_credentials(&creds, &mut std::io::stderr());
        }
    } else {
        fazhi::prepare(&store, false).await?;
    }
    let actor = Actor::operator();
    let reader: Box<dyn tokio::io::AsyncRead + Unpin + Send> = if file.as_os_str() == "-" {
        Box::new(tokio::io::stdin())
    } else {
        Box::new(
            tokio::fs::File::open(&file)
                .await
                .map_err(|e| StartError::Input {
                    what: file.display().to_string(),
                    message: e.to_string(),
                })?,
        )
    };
    let progress = bar(None, "importing cases, line");
    let reader = tokio::io::BufReader::with_capacity(1 << 16, reader);
    let report = ingest::json_lines(&store, &actor, &keyring, reader, &|n| {
        if n.is_multiple_of(1024) {
            progress.set_position(n);
        }
    })
    .await?;
    progress.finish_and_clear();
    if json {
        print_json(&report)?;
    } else {
        println!(
            "imported: {} inserted, {} updated, {} unchanged, {} rejected",
            report.inserted, report.updated, report.unchanged, report.rejected
        );
        for e in &report.errors {
            println!("  line {}: {}", e.line, e.reason);
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Time case list pages (filters by town, item and stage; first and next page by keyset) on
    /// the database as it is; prints p50/p95/p99/max in milliseconds as JSON
    CaseList {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long, default_value_t = 2000)]
        samples: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Ask over HTTP instead: serve the API on a free local port and time each
        /// `GET /api/v1/cases` from request to last byte, with a city-wide API token (created for
        /// the run, revoked after)
        #[arg(long)]
        http: bool,
        /// With --http: the token's department (its tree is what the pages show); default the
        /// first root department, the city government
        #[arg(long, requires = "http")]
        department: Option<i64>,
        /// Time what the list page asks instead: the list in a random order (newest, 立案日期,
        /// 案号 or 评查得分, either way) with its party and score columns, and its capped total;
        /// one sample in ten also searches a party's name (LIKE)
        #[arg(long, conflicts_with = "http")]
        page: bool,
    },
    /// The assisted legality review's flags on the hand-written clauses
    /// (crates/core/src/review/clauses.txt): precision, recall, the clauses missed and those
    /// wrongly flagged; prints JSON
    AssistedReview,
    /// The normative-document library's search over N generated documents: tantivy with jieba
    /// and SQLite FTS5 (trigram) side by side — index build, p50/p95/p99 of the same queries,
    /// and precision@10 / nDCG@10 on the judged queries; prints JSON
    Search {
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        #[arg(long, default_value_t = 1000)]
        queries: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where both indexes are built (replaced on each run)
        #[arg(long, default_value = "fazhi-bench-search")]
        dir: PathBuf,
    },
}

/// Where the bench reads pages from: the service function, or the HTTP API in front of it.
enum Source {
    Direct(fazhi_store::Store),
    Http {
        client: reqwest::Client,
        base: String,
        token: String,
    },
}

impl Source {
    /// One page; returns the key of the next.
    async fn page(
        &self,
        filter: &fazhi_core::enforcement::cases::CaseFilter,
        after: Option<i64>,
    ) -> Result<Option<i64>, StartError> {
        use fazhi_core::enforcement::cases;
        match self {
            Source::Direct(store) => {
                let keyset = fazhi_store::page::Keyset::new(after, None);
                Ok(
                    cases::list(store, &Actor::operator(), filter, keyset.into())
                        .await?
                        .ids()
                        .next,
                )
            }
            Source::Http {
                client,
                base,
                token,
            } => {
                let mut query: Vec<(&str, String)> = Vec::new();
                if let Some(r) = filter.region_id {
                    query.push(("region_id", r.to_string()));
                }
                if let Some(i) = &filter.item_code {
                    query.push(("item_code", i.clone()));
                }
                if let Some(s) = &filter.stage {
                    query.push(("stage", s.clone()));
                }
                if let Some(a) = after {
                    query.push(("after", a.to_string()));
                }
                let failed = |e: String| StartError::Config {
                    path: format!("{base}/api/v1/cases"),
                    message: e,
                };
                let response = client
                    .get(format!("{base}/api/v1/cases"))
                    .query(&query)
                    .bearer_auth(token)
                    .send()
                    .await
                    .map_err(|e| failed(e.to_string()))?;
                if !response.status().is_success() {
                    return Err(failed(format!("HTTP {}", response.status())));
                }
                let page: serde_json::Value =
                    response.json().await.map_err(|e| failed(e.to_string()))?;
                Ok(page["next"].as_i64())
            }
        }
    }
}

pub async fn bench(command: BenchCommand) -> Result<ExitCode, StartError> {
    use fazhi_core::enforcement::cases::CaseFilter;
    use rand::seq::IndexedRandom;
    use rand::{RngExt, SeedableRng};
    let (db, samples, seed, http, department, page) = match command {
        BenchCommand::CaseList {
            db,
            samples,
            seed,
            http,
            department,
            page,
        } => (db, samples, seed, http, department, page),
        BenchCommand::Search {
            count,
            queries,
            seed,
            dir,
        } => return super::normative::bench(count, seed, queries, dir).await,
        BenchCommand::AssistedReview => {
            print_json(&fazhi_core::review::assist::measure_all())?;
            return Ok(ExitCode::SUCCESS);
        }
    };
    let (store, file, database) = open(&db).await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases")
        .fetch_one(store.pool())
        .await
        .map_err(fazhi_store::StoreError::from)?;
    let towns: Vec<i64> = sqlx::query_scalar("SELECT id FROM regions WHERE kind = 'town'")
        .fetch_all(store.pool())
        .await
        .map_err(fazhi_store::StoreError::from)?;
    let items: Vec<String> = sqlx::query_scalar("SELECT DISTINCT code FROM enforcement_items")
        .fetch_all(store.pool())
        .await
        .map_err(fazhi_store::StoreError::from)?;
    // A supervisor of the justice bureau: every case of the city.
    let (source, served) = if http {
        let (source, served) =
            serve_api(&store, crate::keyring(&file, &database)?, department).await?;
        (source, Some(served))
    } else {
        (Source::Direct(store.clone()), None)
    };
    let stages = [
        "filed",
        "prior_notice",
        "decided",
        "delivered",
        "executed",
        "closed",
        "archived",
    ];
    // Words people search for: the first two characters of parties' names.
    let names: Vec<String> = if page {
        sqlx::query_scalar::<_, String>("SELECT name FROM case_parties ORDER BY id LIMIT 500")
            .fetch_all(store.pool())
            .await
            .map_err(fazhi_store::StoreError::from)?
            .into_iter()
            .map(|n| n.chars().take(2).collect())
            .collect()
    } else {
        Vec::new()
    };
    let operator = Actor::operator();
    // With --page: the list's and the count's times by sort column (and with words).
    type Times = (Vec<std::time::Duration>, Vec<std::time::Duration>);
    let mut by_kind: std::collections::BTreeMap<String, Times> = Default::default();
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut times = Vec::with_capacity(samples * 2);
    let progress = bar(Some(samples as u64), "case list pages");
    for n in 0..samples {
        let filter = CaseFilter {
            region_id: rng
                .random_bool(0.7)
                .then(|| towns.choose(&mut rng).copied())
                .flatten(),
            item_code: rng
                .random_bool(0.5)
                .then(|| items.choose(&mut rng).cloned())
                .flatten(),
            stage: rng
                .random_bool(0.5)
                .then(|| stages.choose(&mut rng).map(|s| s.to_string()))
                .flatten(),
            ..CaseFilter::default()
        };
        if page {
            let mut filter = filter;
            if rng.random_bool(0.1) {
                filter.text = names.choose(&mut rng).cloned();
            }
            let sorts = fazhi_core::enforcement::cases::SORTS;
            let asked = fazhi_store::page::Sorted {
                by: rng
                    .random_bool(0.75)
                    .then(|| sorts.choose(&mut rng).copied())
                    .flatten(),
                desc: rng.random_bool(0.5),
                after: None,
                before: None,
                limit: 50,
            };
            let kind = format!(
                "{}{}",
                asked.by.map_or("id", |c| c.code),
                if filter.text.is_some() { "+words" } else { "" }
            );
            // As the page does: the capped total first, then the order it affords.
            let mut order = asked;
            for _ in 0..2 {
                let started = std::time::Instant::now();
                let (_, more) =
                    fazhi_core::enforcement::cases::count(&store, &operator, &filter).await?;
                let counted = started.elapsed();
                order = fazhi_core::listing::affordable(order, more).0;
                let shown =
                    fazhi_core::enforcement::cases::list(&store, &operator, &filter, order.clone())
                        .await?;
                times.push(started.elapsed());
                let entry = by_kind.entry(kind.clone()).or_default();
                entry.0.push(started.elapsed() - counted);
                entry.1.push(counted);
                match shown
                    .next
                    .as_deref()
                    .and_then(fazhi_store::page::Cursor::decode)
                {
                    Some(next) => order.after = Some(next),
                    None => break,
                }
            }
        } else {
            let started = std::time::Instant::now();
            let next = source.page(&filter, None).await?;
            times.push(started.elapsed());
            if let Some(next) = next {
                let started = std::time::Instant::now();
                source.page(&filter, Some(next)).await?;
                times.push(started.elapsed());
            }
        }
        progress.set_position(n as u64 + 1);
    }
    progress.finish_and_clear();
    times.sort();
    let at = |times: &[std::time::Duration], q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    let ms = |q: f64| at(&times, q);
    let breakdown: serde_json::Map<String, serde_json::Value> = by_kind
        .into_iter()
        .map(|(kind, (mut list, mut count))| {
            list.sort();
            count.sort();
            (
                kind,
                serde_json::json!({
                    "pages": list.len(),
                    "list_p50_ms": at(&list, 0.5), "list_p99_ms": at(&list, 0.99),
                    "count_p50_ms": at(&count, 0.5), "count_p99_ms": at(&count, 0.99),
                }),
            )
        })
        .collect();
    println!(
        "{}",
        serde_json::json!({
            "cases": total, "pages": times.len(), "backend": format!("{:?}", store.backend()),
            "over": if http { "http" } else if page { "page queries" } else { "service" },
            "p50_ms": ms(0.5), "p95_ms": ms(0.95), "p99_ms": ms(0.99), "max_ms": ms(1.0),
            "by_sort": breakdown,
        })
    );
    if let Some((token_id, stop)) = served {
        let _ = stop.send(());
        fazhi_core::org::service::revoke_token(&store, &Actor::operator(), token_id).await?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The web service on a free local port, and an API token to read cases with: of the city
/// government unless `department` says otherwise (the department tree is the token's scope).
async fn serve_api(
    store: &fazhi_store::Store,
    keyring: fazhi_core::vault::Keyring,
    department: Option<i64>,
) -> Result<(Source, (i64, tokio::sync::oneshot::Sender<()>)), StartError> {
    use fazhi_core::org::{model::ApiTokenInput, service};
    let root: i64 = match department {
        Some(id) => id,
        None => sqlx::query_scalar(
            "SELECT id FROM departments WHERE parent_id IS NULL ORDER BY id LIMIT 1",
        )
        .fetch_one(store.pool())
        .await
        .map_err(fazhi_store::StoreError::from)?,
    };
    // A token acts for a holder: the bench's own account in that department, a department clerk
    // (whose scope is the department and everything below it).
    let operator = Actor::operator();
    let holder = format!("bench-case-list-{root}");
    if service::user_by_username(store, &operator, &holder)
        .await
        .is_err()
    {
        let input = fazhi_core::org::model::UserInput {
            username: holder.clone(),
            display_name: "列表基准测试".into(),
            department_id: root,
            mobile: None,
        };
        let (user, _) = service::create_user(store, &operator, &keyring, &input).await?;
        let roles = service::roles(store, &operator).await?;
        let clerk: Vec<i64> = roles
            .iter()
            .filter(|r| r.code == "department_clerk")
            .map(|r| r.id)
            .collect();
        service::set_user_roles(store, &operator, user.id, &clerk).await?;
    }
    let input = ApiTokenInput {
        name: "bench case-list".into(),
        holder,
        permissions: vec!["case.read".into()],
    };
    let (token_id, token) = service::create_token(store, &operator, &input).await?;
    let unavailable = |e: std::io::Error| StartError::Config {
        path: "127.0.0.1:0".into(),
        message: e.to_string(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(unavailable)?;
    let base = format!("http://{}", listener.local_addr().map_err(unavailable)?);
    let config = fazhi_web::WebConfig {
        idle_timeout: std::time::Duration::from_secs(1800),
        secure_cookies: false,
        ops: fazhi_web::OpsAccess::Open,
        trusted_proxies: Vec::new(),
        long_job_wait: fazhi_web::LONG_JOB_WAIT,
    };
    let library = fazhi_search::Library::in_memory().map_err(|e| StartError::Input {
        what: "search index".into(),
        message: e.to_string(),
    })?;
    let state = fazhi_web::AppState::new(store.clone(), config, keyring, library);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(fazhi_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let source = Source::Http {
        client: reqwest::Client::new(),
        base,
        token,
    };
    Ok((source, (token_id, stop)))
}
