//! `fazhi evaluate`: case-file evaluation of every changed case (or all), the interface scripts
//! rely on (keep flags and output stable).

use std::process::ExitCode;

use fazhi::StartError;
use fazhi_core::access::Actor;
use fazhi_core::supervision::evaluation;

use super::cases::{bar, print_json};
use super::{DbArgs, open};

pub async fn run(db: DbArgs, all: bool, json: bool) -> Result<ExitCode, StartError> {
    let (store, _, _) = open(&db).await?;
    fazhi::prepare(&store, false).await?;
    let progress = bar(None, "evaluating case files");
    let report = evaluation::run(&store, &Actor::operator(), all, &|n| {
        progress.set_position(n);
    })
    .await?;
    progress.finish_and_clear();
    if json {
        print_json(&report)?;
    } else {
        println!(
            "评查案卷 {} 件，发现问题 {} 个",
            report.evaluated, report.findings
        );
        for (rule, n) in &report.by_rule {
            let description =
                fazhi_core::supervision::sheet::rule(rule).map_or("", |r| r.description);
            println!("  {rule} {n:>8}  {description}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
