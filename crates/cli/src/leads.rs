//! `fazhi leads`: every lead model over the records, from the console (the periodic job
//! `supervision.leads` runs the same hourly).

use std::process::ExitCode;

use fazhi::StartError;
use fazhi_core::access::Actor;
use fazhi_core::supervision::leads;

use super::cases::print_json;
use super::{DbArgs, open};

pub async fn run(db: DbArgs, json: bool) -> Result<ExitCode, StartError> {
    let (store, _, _) = open(&db).await?;
    fazhi::prepare(&store, false).await?;
    let report = leads::run(
        &store,
        &Actor::operator(),
        fazhi_core::deadlines::china_today(),
    )
    .await?;
    if json {
        print_json(&report)?;
    } else {
        println!("新线索 {} 条，已消除 {} 条", report.new, report.resolved);
        for (code, n) in &report.open {
            let name = leads::model(code).map_or("", |m| m.name);
            println!("  {code} {n:>8}  {name}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
