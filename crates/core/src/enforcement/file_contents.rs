//! The case file's contents (卷内文件): each document and record in a case file as its handler
//! registers it — kind, number, date, the party it names, the amount it states, the officers
//! who signed it (and how many with their certificate number), whether the party signed it or
//! the refusal is noted, and whether it bears the organ's seal. The evaluation sheet
//! (`supervision::sheet`) checks the file against them: the documents each step calls for,
//! dated as the record, naming the same party, number and amounts, signed and sealed where
//! the law asks.

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;
use fazhi_store::{Row, Store, now_ms};
use serde::Serialize;
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::org::rules::optional_text;
use crate::{Error, Result};

/// The kinds of document a penalty case file holds, in the order they are filed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum DocKind {
    FilingApproval,
    InspectionRecord,
    InquiryRecord,
    Evidence,
    RectificationOrder,
    InvestigationReport,
    LegalReview,
    CollectiveDiscussion,
    PriorNotice,
    StatementRecord,
    HearingNotice,
    HearingRecord,
    HearingReport,
    PenaltyDecision,
    NoPenaltyDecision,
    DeliveryReceipt,
    PaymentReceipt,
    ClosureApproval,
    FileIndex,
    FileNote,
}

impl DocKind {
    pub const ALL: [DocKind; 20] = [
        DocKind::FilingApproval,
        DocKind::InspectionRecord,
        DocKind::InquiryRecord,
        DocKind::Evidence,
        DocKind::RectificationOrder,
        DocKind::InvestigationReport,
        DocKind::LegalReview,
        DocKind::CollectiveDiscussion,
        DocKind::PriorNotice,
        DocKind::StatementRecord,
        DocKind::HearingNotice,
        DocKind::HearingRecord,
        DocKind::HearingReport,
        DocKind::PenaltyDecision,
        DocKind::NoPenaltyDecision,
        DocKind::DeliveryReceipt,
        DocKind::PaymentReceipt,
        DocKind::ClosureApproval,
        DocKind::FileIndex,
        DocKind::FileNote,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocKind::FilingApproval => "filing_approval",
            DocKind::InspectionRecord => "inspection_record",
            DocKind::InquiryRecord => "inquiry_record",
            DocKind::Evidence => "evidence",
            DocKind::RectificationOrder => "rectification_order",
            DocKind::InvestigationReport => "investigation_report",
            DocKind::LegalReview => "legal_review",
            DocKind::CollectiveDiscussion => "collective_discussion",
            DocKind::PriorNotice => "prior_notice",
            DocKind::StatementRecord => "statement_record",
            DocKind::HearingNotice => "hearing_notice",
            DocKind::HearingRecord => "hearing_record",
            DocKind::HearingReport => "hearing_report",
            DocKind::PenaltyDecision => "penalty_decision",
            DocKind::NoPenaltyDecision => "no_penalty_decision",
            DocKind::DeliveryReceipt => "delivery_receipt",
            DocKind::PaymentReceipt => "payment_receipt",
            DocKind::ClosureApproval => "closure_approval",
            DocKind::FileIndex => "file_index",
            DocKind::FileNote => "file_note",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DocKind::FilingApproval => "立案审批表",
            DocKind::InspectionRecord => "现场检查（勘验）笔录",
            DocKind::InquiryRecord => "询问（调查）笔录",
            DocKind::Evidence => "证据材料",
            DocKind::RectificationOrder => "责令改正通知书",
            DocKind::InvestigationReport => "案件调查终结报告",
            DocKind::LegalReview => "法制审核意见书",
            DocKind::CollectiveDiscussion => "集体讨论记录",
            DocKind::PriorNotice => "行政处罚事先告知书",
            DocKind::StatementRecord => "陈述申辩笔录（或放弃、逾期的记录）",
            DocKind::HearingNotice => "听证通知书",
            DocKind::HearingRecord => "听证笔录",
            DocKind::HearingReport => "听证报告",
            DocKind::PenaltyDecision => "行政处罚决定书",
            DocKind::NoPenaltyDecision => "不予行政处罚决定书",
            DocKind::DeliveryReceipt => "送达回证",
            DocKind::PaymentReceipt => "罚没款缴款凭证",
            DocKind::ClosureApproval => "结案审批表",
            DocKind::FileIndex => "卷内文件目录",
            DocKind::FileNote => "卷内备考表",
        }
    }

    pub fn parse(code: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// One document of a case file, as the sheet reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct FileDocument {
    pub kind: DocKind,
    pub number: Option<String>,
    pub dated_on: NaiveDate,
    /// The party as the document names it.
    pub party: Option<String>,
    /// The amount the document states (the fine proposed, decided or paid).
    pub amount: Option<Fen>,
    /// Enforcement officers who signed it, and how many of them with their certificate number.
    pub officers: u32,
    pub certified: u32,
    /// The party signed it, or its refusal to sign is noted.
    pub party_signed: bool,
    pub sealed: bool,
}

/// A document as the handler registers it (form fields).
#[derive(Clone, Debug, Default)]
pub struct NewDocument {
    pub case_id: i64,
    pub kind: String,
    pub number: Option<String>,
    pub dated_on: String,
    pub party: Option<String>,
    pub amount: Option<String>,
    pub officers: String,
    pub certified: String,
    pub party_signed: bool,
    pub sealed: bool,
    pub pages: String,
}

/// A registered document, for the case page.
#[derive(Clone, Debug, Serialize)]
pub struct DocumentView {
    pub id: i64,
    pub kind: &'static str,
    pub kind_name: &'static str,
    pub number: Option<String>,
    pub dated_on: String,
    pub party: Option<String>,
    pub amount: Option<String>,
    pub officers: i64,
    pub certified: i64,
    pub party_signed: bool,
    pub sealed: bool,
    pub pages: i64,
    /// The step that filed it (None: registered by hand).
    pub step: Option<String>,
}

fn count(field: &'static str, label: &str, value: &str, max: u32) -> Result<u32> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(0);
    }
    v.parse::<u32>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| Error::invalid(field, format!("{label}应为 0 到 {max} 的整数。")))
}

/// The registration checked: a known kind, a date no later than today, counts in range.
fn checked(input: &NewDocument, today: NaiveDate) -> Result<(FileDocument, u32)> {
    let kind = DocKind::parse(input.kind.trim())
        .ok_or_else(|| Error::invalid("kind", "请选择文书种类。"))?;
    let dated_on = fazhi_kernel::date::parse(&input.dated_on)
        .ok_or_else(|| Error::invalid("dated_on", "文书日期应为 YYYY-MM-DD。"))?;
    if dated_on > today {
        return Err(Error::invalid("dated_on", "文书日期不能晚于今天。"));
    }
    let amount = match input.amount.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(
            Fen::parse_yuan(v)
                .ok()
                .filter(|f| f.0 >= 0)
                .ok_or_else(|| {
                    Error::invalid("amount", "金额应为不小于零的元数，如 5000 或 5000.50。")
                })?,
        ),
    };
    let officers = count("officers", "签名的执法人员人数", &input.officers, 20)?;
    let certified = count("certified", "载明执法证号的人数", &input.certified, 20)?;
    if certified > officers {
        return Err(Error::invalid(
            "certified",
            "载明执法证号的人数不能多于签名的执法人员人数。",
        ));
    }
    let pages = match input.pages.trim() {
        "" => 1,
        _ => count("pages", "页数", &input.pages, 9999)?.max(1),
    };
    Ok((
        FileDocument {
            kind,
            number: optional_text("number", "文号", input.number.as_deref(), 60)?,
            dated_on,
            party: optional_text("party", "文书载明的当事人", input.party.as_deref(), 100)?,
            amount,
            officers,
            certified,
            party_signed: input.party_signed,
            sealed: input.sealed,
        },
        pages,
    ))
}

/// Registers a document in case file `input.case_id`; the case's version moves on so the
/// sheet evaluates the file again. An archived file takes no more documents.
pub async fn register(
    store: &Store,
    actor: &Actor,
    today: NaiveDate,
    input: &NewDocument,
) -> Result<i64> {
    actor.require(Permission::CaseHandle)?;
    let (doc, pages) = checked(input, today)?;
    let case = super::cases::get(store, actor, input.case_id).await?;
    if case.case.stage == "archived" {
        return Err(Error::invalid(
            "case_id",
            "案卷已归档，不能再登记卷内文件。",
        ));
    }
    let mut tx = store.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO case_file_documents (case_id, kind, number, dated_on, party_name, amount_fen,
            officers, certified, party_signed, sealed, pages, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(input.case_id)
    .bind(doc.kind.code())
    .bind(&doc.number)
    .bind(doc.dated_on.to_string())
    .bind(&doc.party)
    .bind(doc.amount.map(|a| a.0))
    .bind(i64::from(doc.officers))
    .bind(i64::from(doc.certified))
    .bind(i64::from(doc.party_signed))
    .bind(i64::from(doc.sealed))
    .bind(i64::from(pages))
    .bind(actor.user_id)
    .bind(now_ms())
    .fetch_one(tx.conn())
    .await?;
    super::case::repo::touch(&mut tx, input.case_id).await?;
    crate::audit::record(
        &mut tx,
        actor,
        "create",
        "case_file_document",
        Some(id.to_string()),
        json!({ "case_id": input.case_id, "kind": doc.kind.code(), "number": doc.number, "dated_on": doc.dated_on.to_string() }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What only the paper knows of one document in the file, as the handler completes it: who
/// signed, whether the party signed (or the refusal is noted), the seal, the pages.
#[derive(Clone, Debug, Default)]
pub struct PaperFacts {
    pub document_id: i64,
    pub officers: String,
    pub certified: String,
    pub party_signed: bool,
    pub sealed: bool,
    pub pages: String,
}

/// Completes the paper facts of case `case_id`'s documents in one go (the table on the case
/// page): every row checked first, then all written in one transaction with one audit entry;
/// a bad row writes nothing and names its document.
pub async fn complete(
    store: &Store,
    actor: &Actor,
    case_id: i64,
    rows: &[PaperFacts],
) -> Result<()> {
    actor.require(Permission::CaseHandle)?;
    let case = super::cases::get(store, actor, case_id).await?;
    if case.case.stage == "archived" {
        return Err(Error::invalid(
            "case_id",
            "案卷已归档，不能再修改卷内文件。",
        ));
    }
    let known = list(store, case_id).await?;
    let mut checked = Vec::with_capacity(rows.len());
    for row in rows {
        let doc = known
            .iter()
            .find(|d| d.id == row.document_id)
            .ok_or(Error::NotFound)?;
        let at = |e: Error| match e {
            Error::Invalid { field, message, .. } => Error::invalid(
                field,
                format!("{}（{}）：{message}", doc.kind_name, doc.dated_on),
            ),
            other => other,
        };
        let officers = count("officers", "签名的执法人员人数", &row.officers, 20).map_err(at)?;
        let certified = count("certified", "载明执法证号的人数", &row.certified, 20).map_err(at)?;
        if certified > officers {
            return Err(at(Error::invalid(
                "certified",
                "载明执法证号的人数不能多于签名的执法人员人数。",
            )));
        }
        let pages = match row.pages.trim() {
            "" => 1,
            p => count("pages", "页数", p, 9999).map_err(at)?.max(1),
        };
        checked.push((row, officers, certified, pages));
    }
    let mut tx = store.begin().await?;
    for (row, officers, certified, pages) in &checked {
        sqlx::query(
            "UPDATE case_file_documents SET officers = $1, certified = $2, party_signed = $3, sealed = $4, pages = $5
             WHERE id = $6 AND case_id = $7",
        )
        .bind(i64::from(*officers))
        .bind(i64::from(*certified))
        .bind(i64::from(row.party_signed))
        .bind(i64::from(row.sealed))
        .bind(i64::from(*pages))
        .bind(row.document_id)
        .bind(case_id)
        .execute(tx.conn())
        .await?;
    }
    super::case::repo::touch(&mut tx, case_id).await?;
    crate::audit::record(
        &mut tx,
        actor,
        "update",
        "case_file_document",
        None,
        json!({ "case_id": case_id, "documents": checked.len() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a wrongly registered document out of case file `case_id` (not once archived).
pub async fn remove(store: &Store, actor: &Actor, case_id: i64, id: i64) -> Result<()> {
    actor.require(Permission::CaseHandle)?;
    let case = super::cases::get(store, actor, case_id).await?;
    if case.case.stage == "archived" {
        return Err(Error::invalid(
            "case_id",
            "案卷已归档，不能再删除卷内文件。",
        ));
    }
    let mut tx = store.begin().await?;
    let kind: Option<String> = sqlx::query_scalar(
        "DELETE FROM case_file_documents WHERE id = $1 AND case_id = $2 RETURNING kind",
    )
    .bind(id)
    .bind(case_id)
    .fetch_optional(tx.conn())
    .await?;
    let kind = kind.ok_or(Error::NotFound)?;
    super::case::repo::touch(&mut tx, case_id).await?;
    crate::audit::record(
        &mut tx,
        actor,
        "delete",
        "case_file_document",
        Some(id.to_string()),
        json!({ "case_id": case_id, "kind": kind }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The documents of case `case_id` in filing order. Read after `cases::get`, which applies
/// the data scope.
pub async fn list(store: &Store, case_id: i64) -> Result<Vec<DocumentView>> {
    let rows = sqlx::query(
        "SELECT id, kind, number, dated_on, party_name, amount_fen, officers, certified,
            party_signed, sealed, pages, step FROM case_file_documents WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(store.pool())
    .await?;
    let mut out: Vec<DocumentView> = Vec::with_capacity(rows.len());
    for r in &rows {
        let kind = DocKind::parse(&r.try_get::<String, _>("kind")?).unwrap_or(DocKind::FileNote);
        out.push(DocumentView {
            id: r.try_get("id")?,
            kind: kind.code(),
            kind_name: kind.name(),
            number: r.try_get("number")?,
            dated_on: r.try_get("dated_on")?,
            party: r.try_get("party_name")?,
            amount: r
                .try_get::<Option<i64>, _>("amount_fen")?
                .map(|a| Fen(a).yuan()),
            officers: r.try_get("officers")?,
            certified: r.try_get("certified")?,
            party_signed: fazhi_store::flag(r.try_get("party_signed")?),
            sealed: fazhi_store::flag(r.try_get("sealed")?),
            pages: r.try_get("pages")?,
            step: r.try_get("step")?,
        });
    }
    // Filing order: by the kind's place in the file, then as registered.
    out.sort_by_key(|d| {
        DocKind::ALL
            .iter()
            .position(|k| k.code() == d.kind)
            .unwrap_or(usize::MAX)
    });
    Ok(out)
}

/// One stored row as the sheet reads it; None for a kind this version does not know.
pub fn from_row(r: &sqlx::any::AnyRow) -> Result<Option<(i64, FileDocument)>> {
    let Some(kind) = DocKind::parse(&r.try_get::<String, _>("kind")?) else {
        return Ok(None);
    };
    let dated_on: String = r.try_get("dated_on")?;
    let Some(dated_on) = fazhi_kernel::date::parse(&dated_on) else {
        return Ok(None);
    };
    let n = |c: &str| -> Result<u32> { Ok(u32::try_from(r.try_get::<i64, _>(c)?).unwrap_or(0)) };
    Ok(Some((
        r.try_get("case_id")?,
        FileDocument {
            kind,
            number: r.try_get("number")?,
            dated_on,
            party: r.try_get("party_name")?,
            amount: r.try_get::<Option<i64>, _>("amount_fen")?.map(Fen),
            officers: n("officers")?,
            certified: n("certified")?,
            party_signed: fazhi_store::flag(r.try_get("party_signed")?),
            sealed: fazhi_store::flag(r.try_get("sealed")?),
        },
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        fazhi_kernel::date::parse(s).unwrap()
    }

    fn input() -> NewDocument {
        NewDocument {
            case_id: 1,
            kind: "inquiry_record".into(),
            dated_on: "2024-03-06".into(),
            party: Some("诸暨市某某有限公司".into()),
            officers: "2".into(),
            certified: "2".into(),
            party_signed: true,
            ..NewDocument::default()
        }
    }

    #[test]
    fn a_registration_is_checked_field_by_field() {
        let today = day("2024-04-01");
        let (doc, pages) = checked(&input(), today).unwrap();
        assert_eq!(
            (doc.kind, doc.officers, pages),
            (DocKind::InquiryRecord, 2, 1)
        );
        let refused = |f: &dyn Fn(&mut NewDocument)| {
            let mut i = input();
            f(&mut i);
            match checked(&i, today) {
                Err(Error::Invalid { field, .. }) => field,
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(refused(&|i| i.kind = "memo".into()), "kind");
        assert_eq!(refused(&|i| i.dated_on = "2024-04-02".into()), "dated_on");
        assert_eq!(refused(&|i| i.dated_on = "6/3/2024".into()), "dated_on");
        assert_eq!(refused(&|i| i.certified = "3".into()), "certified");
        assert_eq!(refused(&|i| i.officers = "-1".into()), "officers");
        assert_eq!(refused(&|i| i.amount = Some("五千".into())), "amount");
        assert_eq!(refused(&|i| i.amount = Some("-5".into())), "amount");
        assert_eq!(refused(&|i| i.number = Some("号".repeat(61))), "number");
    }

    #[test]
    fn every_kind_reads_back_from_its_code() {
        for k in DocKind::ALL {
            assert_eq!(DocKind::parse(k.code()), Some(k));
        }
    }
}
