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
}

fn bar(len: Option<u64>, what: &str) -> ProgressBar {
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
    let GenerateCommand::Cases { count, seed } = command;
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
    let ImportCommand::Cases { db, file, json } = command;
    let (store, config, database) = open(&db).await?;
    // Like `serve`: a fresh database gets the demo organisation and catalog the cases refer to.
    if config.demo.unwrap_or(true) {
        // Passwords to stderr: stdout carries the report scripts read.
        if let Some(creds) = fazhi::prepare_demo(&store).await? {
            super::print_credentials(&creds, &mut std::io::stderr());
        }
    } else {
        fazhi::prepare(&store, false).await?;
    }
    let keyring = fazhi::keyring(&config, &database)?;
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
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|e| StartError::Input {
                what: "report".into(),
                message: e.to_string()
            })?
        );
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
    },
}

pub async fn bench(command: BenchCommand) -> Result<ExitCode, StartError> {
    use fazhi_core::enforcement::cases::{self, CaseFilter};
    use fazhi_store::page::Keyset;
    use rand::seq::IndexedRandom;
    use rand::{RngExt, SeedableRng};
    let BenchCommand::CaseList { db, samples, seed } = command;
    let (store, _, _) = open(&db).await?;
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
    let stages = [
        "filed",
        "prior_notice",
        "decided",
        "delivered",
        "executed",
        "closed",
        "archived",
    ];
    // A supervisor of the justice bureau: every case of the city.
    let actor = Actor::operator();
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
        };
        let started = std::time::Instant::now();
        let page = cases::list(&store, &actor, &filter, Keyset::new(None, None)).await?;
        times.push(started.elapsed());
        if let Some(next) = page.next {
            let started = std::time::Instant::now();
            cases::list(&store, &actor, &filter, Keyset::new(Some(next), None)).await?;
            times.push(started.elapsed());
        }
        progress.set_position(n as u64 + 1);
    }
    progress.finish_and_clear();
    times.sort();
    let ms = |q: f64| {
        let i = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "{}",
        serde_json::json!({
            "cases": total, "pages": times.len(), "backend": format!("{:?}", store.backend()),
            "p50_ms": ms(0.5), "p95_ms": ms(0.95), "p99_ms": ms(0.99), "max_ms": ms(1.0),
        })
    );
    Ok(ExitCode::SUCCESS)
}
