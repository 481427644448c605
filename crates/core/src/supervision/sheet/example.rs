//! The sheet's reference file: a general-procedure fine handled by the book, start to archive,
//! with its whole file registered. Every rule's test breaks one thing of it; the benchmark
//! evaluates it.

use chrono::NaiveDate;
use fazhi_kernel::money::Fen;

use super::CaseFile;
use crate::enforcement::file_contents::{DocKind, FileDocument};
use crate::enforcement::rules::PartyKind;

fn day(s: &str) -> NaiveDate {
    fazhi_kernel::date::parse(s).unwrap_or_default()
}

/// The reference file.
pub fn sound() -> CaseFile {
    CaseFile {
        id: 1,
        own: true,
        general: true,
        item_known: true,
        decision_number: Some("诸市监罚〔2024〕17号".into()),
        act_ended_on: Some(day("2024-02-20")),
        discovered_on: Some(day("2024-03-01")),
        filed_on: Some(day("2024-03-04")),
        prior_notice_on: Some(day("2024-04-01")),
        hearing_right: true,
        decided_on: Some(day("2024-04-15")),
        outcome: Some(crate::enforcement::case::Decision::Fine),
        fine: Fen(500_000),
        delivered_on: Some(day("2024-04-17")),
        dispute_days: 0,
        paid_on: Some(day("2024-04-25")),
        paid: Fen(500_000),
        closed_on: Some(day("2024-04-28")),
        archived_on: Some(day("2024-05-10")),
        discretion: "within".into(),
        facts_found: true,
        evidence: true,
        parties: vec![PartyKind::Organisation],
        department_abbr: Some("诸市监".into()),
        prior_notice_number: Some("诸市监罚告〔2024〕5号".into()),
        filing_approver: true,
        closure_approver: true,
        origin: true,
        summary: true,
        delivery_method: Some(crate::enforcement::case::DeliveryMethod::Direct),
        delivery_place: true,
        party_names: vec![PARTY.into()],
        contents: Some(vec![
            doc(DocKind::InspectionRecord, "2024-03-01", |d| {
                d.officers = 2;
                d.certified = 2;
                d.party_signed = true;
            }),
            doc(DocKind::FilingApproval, "2024-03-04", |_| {}),
            doc(DocKind::InquiryRecord, "2024-03-06", |d| {
                d.officers = 2;
                d.certified = 2;
                d.party_signed = true;
            }),
            doc(DocKind::Evidence, "2024-03-06", |_| {}),
            doc(DocKind::InvestigationReport, "2024-03-25", |_| {}),
            doc(DocKind::PriorNotice, "2024-04-01", |d| {
                d.number = Some("诸市监罚告〔2024〕5号".into());
                d.party = Some(PARTY.into());
                d.amount = Some(Fen(500_000));
                d.sealed = true;
            }),
            doc(DocKind::StatementRecord, "2024-04-05", |_| {}),
            doc(DocKind::PenaltyDecision, "2024-04-15", |d| {
                d.number = Some("诸市监罚〔2024〕17号".into());
                d.party = Some(PARTY.into());
                d.amount = Some(Fen(500_000));
                d.sealed = true;
            }),
            doc(DocKind::DeliveryReceipt, "2024-04-17", |d| {
                d.party = Some(PARTY.into());
                d.party_signed = true;
            }),
            doc(DocKind::PaymentReceipt, "2024-04-25", |d| {
                d.amount = Some(Fen(500_000));
            }),
            doc(DocKind::ClosureApproval, "2024-04-28", |_| {}),
            doc(DocKind::FileIndex, "2024-05-10", |_| {}),
            doc(DocKind::FileNote, "2024-05-10", |_| {}),
        ]),
        ..CaseFile::default()
    }
}

pub const PARTY: &str = "诸暨市某某有限公司";

pub fn doc(kind: DocKind, on: &str, set: impl Fn(&mut FileDocument)) -> FileDocument {
    let mut d = FileDocument {
        kind,
        number: None,
        dated_on: day(on),
        party: None,
        amount: None,
        officers: 0,
        certified: 0,
        party_signed: false,
        sealed: false,
    };
    set(&mut d);
    d
}
