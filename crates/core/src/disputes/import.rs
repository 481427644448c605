//! The 12345 hotline's transfers (JSON Lines, `docs/disputes.md`): each line a work order
//! routed like a dispute taken in at the window. Idempotent by the work order's number: a line
//! already taken in is unchanged; a bad line is rejected with its line number and the rest go in.

use serde::Deserialize;

use super::{Channel, Intake, Kind, register_in, routing, towns};
use crate::enforcement::ingest::{IngestReport, LineError, REPORTED_ERRORS};
use crate::{Ctx, Error, Permission, Result};

/// Lines written per transaction.
const BATCH: usize = 200;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyLine {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// One work order as the hotline exports it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotlineLine {
    /// The work order's number (工单号), unique.
    #[serde(rename = "ref")]
    pub reference: String,
    pub received_on: String,
    /// A kind's code (`wages`) or its name (劳动报酬).
    pub kind: String,
    /// The town's name (店口镇).
    pub town: String,
    pub village: String,
    pub description: String,
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default)]
    pub party_count: Option<i64>,
    pub applicant: PartyLine,
    #[serde(default)]
    pub respondent: Option<PartyLine>,
}

fn kind_of(v: &str) -> Option<Kind> {
    Kind::parse(v).or_else(|| Kind::ALL.iter().copied().find(|k| k.label_zh() == v))
}

/// Reads the lines (blank ones skipped) and takes each in; the report counts them.
pub async fn import_json_lines<R: tokio::io::AsyncBufRead + Unpin>(
    ctx: &Ctx<'_>,
    reader: R,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<IngestReport> {
    use tokio::io::AsyncBufReadExt;
    ctx.actor.require(Permission::DisputeManage)?;
    let rules = routing::in_force(ctx.store).await?;
    let all_towns = towns(&mut *ctx.store.conn().await?).await?;
    let mut report = IngestReport::default();
    let reject = |report: &mut IngestReport, line: usize, reason: String| {
        report.rejected += 1;
        if report.errors.len() < REPORTED_ERRORS {
            report.errors.push(LineError { line, reason });
        }
    };
    let mut lines = reader.lines();
    let mut n = 0usize;
    let mut tx = ctx.store.begin().await?;
    let mut in_tx = 0usize;
    loop {
        let next = lines
            .next_line()
            .await
            .map_err(|e| Error::invalid("file", format!("读取文件出错：{e}")))?;
        let Some(text) = next else { break };
        n += 1;
        if text.trim().is_empty() {
            continue;
        }
        let line: HotlineLine = match serde_json::from_str(&text) {
            Ok(l) => l,
            Err(e) => {
                reject(&mut report, n, format!("不是有效的工单记录（JSON）：{e}"));
                continue;
            }
        };
        let Some(kind) = kind_of(line.kind.trim()) else {
            reject(&mut report, n, format!("纠纷类型“{}”不认识。", line.kind));
            continue;
        };
        let Some(town) = all_towns.iter().find(|t| t.town == line.town.trim()) else {
            reject(
                &mut report,
                n,
                format!("镇乡（街道）“{}”不存在。", line.town),
            );
            continue;
        };
        let Some(received_on) = fazhi_kernel::date::parse(line.received_on.trim()) else {
            reject(
                &mut report,
                n,
                format!("受理日期“{}”应为 YYYY-MM-DD。", line.received_on),
            );
            continue;
        };
        let reference = line.reference.trim();
        if reference.is_empty() || reference.chars().count() > 64 {
            reject(&mut report, n, "工单号应为 1 至 64 个字符。".into());
            continue;
        }
        let respondent = line.respondent.clone();
        let intake = Intake {
            hotline_ref: Some(reference),
            kind: Some(kind),
            town_id: Some(town.department_id),
            village: &line.village,
            description: &line.description,
            amount: line.amount,
            party_count: line.party_count,
            applicant: &line.applicant.name,
            applicant_phone: line.applicant.phone.as_deref().unwrap_or(""),
            respondent: respondent.as_ref().map_or("", |r| r.name.as_str()),
            respondent_phone: respondent
                .as_ref()
                .and_then(|r| r.phone.as_deref())
                .unwrap_or(""),
            received_on: Some(received_on),
        };
        match register_in(
            &mut tx,
            ctx,
            (&rules, &all_towns),
            Channel::Hotline,
            &intake,
            None,
        )
        .await
        {
            Ok(_) => report.inserted += 1,
            Err(Error::Invalid {
                code: "dispute_hotline_duplicate",
                ..
            }) => report.unchanged += 1,
            Err(e @ (Error::Invalid { .. } | Error::Several(_))) => {
                let reasons = e
                    .refused_fields()
                    .into_iter()
                    .map(|(_, m)| m)
                    .collect::<Vec<_>>()
                    .join("；");
                reject(&mut report, n, reasons);
                continue;
            }
            Err(e) => return Err(e),
        }
        in_tx += 1;
        if in_tx >= BATCH {
            tx.commit().await?;
            tx = ctx.store.begin().await?;
            in_tx = 0;
            progress(n);
        }
    }
    tx.commit().await?;
    progress(n);
    Ok(report)
}
