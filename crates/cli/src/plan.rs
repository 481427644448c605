//! `fazhi plan joint-visits` and `fazhi generate inspection-tasks`: the joint-visit planner's
//! interface scripts rely on (keep flags and output stable; see docs/joint-visits.md).

use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use fazhi::StartError;
use fazhi_core::inspection::planner::{self, Scenario, Task, TaskLine};
use fazhi_kernel::calendar::Calendar;
use serde_json::json;

use super::cases::bar;

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Date every pending inspection task so that as few joint visits (户次) as possible disturb
    /// the entities, within each task's window and each department's officers per working day
    JointVisits {
        /// JSON Lines: {"id", "entity" (USCC), "department", "items", "from", "to", "officers"}
        #[arg(long)]
        tasks: PathBuf,
        /// JSON: {"<department code>": <officers per working day>, …}
        #[arg(long)]
        capacity: PathBuf,
        /// JSON: [{"code", "name", "departments": […]}, …]; only departments of one scenario
        /// share a visit
        #[arg(long)]
        scenarios: Option<PathBuf>,
        /// Where the plan goes: one {"task", "date"} line per task
        #[arg(long)]
        out: PathBuf,
        /// Also write, one JSON line per entity visited more than once, why
        #[arg(long)]
        unmerged: Option<PathBuf>,
        /// Print one JSON object: {"tasks", "visits", "lower_bound", "visits_saved", "seconds", …}
        #[arg(long)]
        json: bool,
    },
}

fn input(path: &Path, message: impl ToString) -> StartError {
    StartError::Input {
        what: path.display().to_string(),
        message: message.to_string(),
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, StartError> {
    let text = std::fs::read_to_string(path).map_err(|e| input(path, e))?;
    serde_json::from_str(&text).map_err(|e| input(path, format!("不是有效的 JSON：{e}")))
}

fn write_lines<T: serde::Serialize>(
    path: &Path,
    rows: impl Iterator<Item = T>,
) -> Result<(), StartError> {
    let file = std::fs::File::create(path).map_err(|e| input(path, e))?;
    let mut out = BufWriter::with_capacity(1 << 16, file);
    for row in rows {
        serde_json::to_writer(&mut out, &row).map_err(|e| input(path, e))?;
        out.write_all(b"\n").map_err(|e| input(path, e))?;
    }
    out.flush().map_err(|e| input(path, e))
}

/// One PLAN.jsonl line; fields in the documented order.
#[derive(serde::Serialize)]
struct PlanLine<'a> {
    task: &'a str,
    date: String,
}

pub fn plan(command: PlanCommand) -> Result<ExitCode, StartError> {
    let PlanCommand::JointVisits {
        tasks: tasks_path,
        capacity,
        scenarios,
        out,
        unmerged,
        json,
    } = command;
    let started = Instant::now();
    let capacity: HashMap<String, u32> = read_json(&capacity)?;
    let scenarios: Option<Vec<Scenario>> = scenarios.as_deref().map(read_json).transpose()?;
    let calendar = Calendar::embedded();
    let file = std::fs::File::open(&tasks_path).map_err(|e| input(&tasks_path, e))?;
    let progress = bar(None, "reading tasks, line");
    let mut tasks: Vec<Task> = Vec::new();
    let mut errors = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for (n, line) in std::io::BufReader::with_capacity(1 << 16, file)
        .lines()
        .enumerate()
    {
        let line = line.map_err(|e| input(&tasks_path, format!("第 {} 行读取失败：{e}", n + 1)))?;
        if n % 4096 == 0 {
            progress.set_position(n as u64);
        }
        if line.trim().is_empty() {
            continue;
        }
        let checked = serde_json::from_str::<TaskLine>(&line)
            .map_err(|e| fazhi_core::enforcement::ingest::json_problem(&e))
            .and_then(|l| planner::check(l, &capacity, calendar))
            .and_then(|t| {
                if ids.insert(t.id.clone()) {
                    Ok(t)
                } else {
                    Err(format!("任务编号 {} 重复", t.id))
                }
            });
        match checked {
            Ok(t) => tasks.push(t),
            Err(reason) => errors.push(json!({ "line": n + 1, "reason": reason })),
        }
    }
    progress.finish_and_clear();
    if !errors.is_empty() {
        // A plan that leaves tasks out is not a plan: nothing is written.
        if json {
            println!("{}", json!({ "rejected": errors.len(), "errors": errors }));
        } else {
            for e in &errors {
                eprintln!(
                    "第 {} 行：{}",
                    e["line"],
                    e["reason"].as_str().unwrap_or("")
                );
            }
        }
        eprintln!("fazhi: {} 个任务有误，未生成计划", errors.len());
        return Ok(ExitCode::from(2));
    }
    let plan = planner::plan(&tasks, &capacity, scenarios.as_deref(), calendar);
    write_lines(
        &out,
        tasks.iter().zip(&plan.dates).map(|(t, d)| PlanLine {
            task: &t.id,
            date: d.to_string(),
        }),
    )?;
    if let Some(path) = &unmerged {
        write_lines(path, plan.unmerged.iter())?;
    }
    let seconds = started.elapsed().as_secs_f64();
    let over: Vec<serde_json::Value> = plan
        .over_capacity
        .iter()
        .map(|(d, day, planned, cap)| {
            json!({ "department": d, "date": day.to_string(), "officers": planned, "capacity": cap })
        })
        .collect();
    if json {
        println!(
            "{}",
            json!({
                "tasks": tasks.len(),
                "visits": plan.visits,
                "lower_bound": plan.lower_bound,
                "visits_saved": plan.visits_saved,
                "seconds": (seconds * 1000.0).round() / 1000.0,
                "unmerged": plan.unmerged.len(),
                "over_capacity": over,
            })
        );
    } else {
        println!(
            "{} 个任务，{} 户次（下限 {}），减少扰企 {} 户次，{} 家企业未能合并为一次，用时 {seconds:.2} 秒",
            tasks.len(),
            plan.visits,
            plan.lower_bound,
            plan.visits_saved,
            plan.unmerged.len()
        );
        for o in &over {
            println!("超出能力：{o}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `fazhi generate inspection-tasks`: the planner's input for demos and benchmarks.
pub fn generate(
    entities: usize,
    tasks: usize,
    seed: u64,
    out_dir: &Path,
) -> Result<ExitCode, StartError> {
    let (lines, capacity) = fazhi_core::inspection::synthetic::generate(entities, tasks, seed);
    std::fs::create_dir_all(out_dir).map_err(|e| input(out_dir, e))?;
    write_lines(&out_dir.join("tasks.jsonl"), lines.iter())?;
    let path = out_dir.join("capacity.json");
    let text = serde_json::to_string_pretty(&capacity).map_err(|e| input(&path, e))?;
    std::fs::write(&path, text).map_err(|e| input(&path, e))?;
    Ok(ExitCode::SUCCESS)
}
