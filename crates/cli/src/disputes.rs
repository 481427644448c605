//! `fazhi import disputes`: the 12345 hotline's transfers (JSON Lines, docs/disputes.md), each
//! routed like a dispute taken in at the window.

use std::path::PathBuf;
use std::process::ExitCode;

use fazhi::StartError;
use fazhi_core::Actor;

use super::cases::{bar, print_json};
use super::{DbArgs, open};

pub async fn import(db: DbArgs, file: PathBuf, json: bool) -> Result<ExitCode, StartError> {
    let (store, config, database) = open(&db).await?;
    let keyring = fazhi::keyring(&config, &database)?;
    if config.demo.unwrap_or(true) {
        // The towns are the demo organisation's; passwords to stderr, stdout is the report.
        if let Some(creds) = fazhi::prepare_demo(&store, &keyring).await? {
            super::print_credentials(&creds, &mut std::io::stderr());
        }
    } else {
        fazhi::prepare(&store, false).await?;
    }
    let actor = Actor::operator();
    let in_force = fazhi_core::deadlines::in_force(&store).await?;
    let ctx = fazhi_core::Ctx {
        store: &store,
        actor: &actor,
        keyring: &keyring,
        clock: fazhi_core::deadlines::Clock {
            cal: &in_force.0,
            policy: in_force.1,
            today: fazhi_core::deadlines::china_today(),
        },
    };
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
    let progress = bar(None, "importing 12345 work orders, line");
    let reader = tokio::io::BufReader::with_capacity(1 << 16, reader);
    let report = fazhi_core::disputes::import_json_lines(&ctx, reader, &|n| {
        progress.set_position(n as u64);
    })
    .await?;
    progress.finish_and_clear();
    if json {
        print_json(&report)?;
    } else {
        println!(
            "imported: {} inserted, {} unchanged, {} rejected",
            report.inserted, report.unchanged, report.rejected
        );
        for e in &report.errors {
            println!("  line {}: {}", e.line, e.reason);
        }
    }
    Ok(ExitCode::SUCCESS)
}
