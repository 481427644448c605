//! `fazhi figures`: the annual report's figures for a year under their stable keys
//! (`annual_report::figures`), the same numbers the pages show. Keep keys and output stable.

use std::process::ExitCode;

use fazhi::StartError;
use fazhi_core::access::Actor;
use fazhi_core::annual_report;

use super::cases::print_json;
use super::{DbArgs, open};

pub async fn run(db: DbArgs, year: Option<i32>, json: bool) -> Result<ExitCode, StartError> {
    use chrono::Datelike;
    let (store, _, _) = open(&db).await?;
    fazhi::prepare(&store, false).await?;
    let year = year.unwrap_or_else(|| fazhi_core::deadlines::china_today().year());
    let figures = annual_report::figures(&store, &Actor::operator(), year).await?;
    if json {
        print_json(&annual_report::as_json(year, &figures))?;
    } else {
        println!("{year} 年度报告数字（由记录计算）");
        for f in &figures {
            println!(
                "  {:<6} {:<42} {:>12}  {}",
                f.section,
                f.key,
                f.value.text(),
                f.label
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
