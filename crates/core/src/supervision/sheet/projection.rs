//! A case file as it will be once a step is taken (办案中预警): the step's dates set and its
//! own documents made, signed and sealed, so that what the sheet then finds and does not find
//! now is what must be put right before the step — "送达前：卷内缺少事先告知书".

use chrono::{Datelike, NaiveDate};
use fazhi_kernel::money::Fen;

use super::{CaseFile, FileDocument};
use crate::enforcement::case::{Decision, Step};
use crate::enforcement::file_contents::DocKind;

/// `file` with `step` taken on `on`; None for a step the sheet has nothing to foresee for.
pub fn projected(file: &CaseFile, step: Step, on: NaiveDate) -> Option<CaseFile> {
    let mut then = file.clone();
    // The numbers the step will take, as the issuer's sequence writes them (the count itself
    // is unknown and not checked).
    let abbr = file.department_abbr.clone().unwrap_or_default();
    let number = |word: &str| format!("{abbr}{word}〔{}〕1号", on.year());
    let contents = then.contents.get_or_insert_with(Vec::new);
    let has = |contents: &Vec<FileDocument>, kind: DocKind| contents.iter().any(|d| d.kind == kind);
    let mut made: Vec<(DocKind, Option<Fen>, Option<String>)> = Vec::new();
    match step {
        Step::PriorNotice => {
            then.prior_notice_on = Some(on);
            then.prior_notice_number = Some(number("罚告"));
            made.push((DocKind::PriorNotice, None, then.prior_notice_number.clone()));
        }
        Step::Decide => {
            // As proposed: the fine the prior notice stated, else a warning.
            let proposed = contents
                .iter()
                .filter(|d| d.kind == DocKind::PriorNotice)
                .filter_map(|d| d.amount)
                .max();
            then.decided_on = Some(on);
            then.outcome = Some(if proposed.is_some() {
                Decision::Fine
            } else {
                Decision::Warning
            });
            then.fine = proposed.unwrap_or(Fen::ZERO);
            then.decision_number = Some(number("罚"));
            made.push((
                DocKind::PenaltyDecision,
                proposed,
                then.decision_number.clone(),
            ));
            if then.prior_notice_on.is_some()
                && !has(contents, DocKind::StatementRecord)
                && !has(contents, DocKind::HearingRecord)
            {
                made.push((DocKind::StatementRecord, None, None));
            }
        }
        Step::Deliver => {
            then.delivered_on = Some(on);
            made.push((DocKind::DeliveryReceipt, None, then.decision_number.clone()));
        }
        Step::Pay => {
            then.paid_on = Some(on);
            then.paid = then.fine;
            made.push((DocKind::PaymentReceipt, Some(then.fine), None));
        }
        Step::Close => {
            then.closed_on = Some(on);
            then.closure_approver = true;
            made.push((DocKind::ClosureApproval, None, None));
        }
        Step::Archive => {
            then.archived_on = Some(on);
            made.push((DocKind::FileIndex, None, None));
            made.push((DocKind::FileNote, None, None));
        }
        _ => return None,
    }
    let party = then.party_names.first().cloned();
    for (kind, amount, number) in made {
        contents.push(FileDocument {
            kind,
            number: number.or_else(|| match kind {
                DocKind::PriorNotice => file.prior_notice_number.clone(),
                _ => None,
            }),
            dated_on: on,
            party: party.clone(),
            amount,
            officers: 2,
            certified: 2,
            party_signed: true,
            sealed: true,
        });
    }
    Some(then)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supervision::sheet::{DEFAULT_THRESHOLDS, evaluate};

    fn day(s: &str) -> NaiveDate {
        fazhi_kernel::date::parse(s).unwrap()
    }

    #[test]
    fn before_delivery_the_missing_prior_notice_is_foreseen_and_the_decision_itself_is_not() {
        let doc = |kind| FileDocument {
            kind,
            number: None,
            dated_on: day("2024-05-12"),
            party: Some("某公司".into()),
            amount: None,
            officers: 2,
            certified: 2,
            party_signed: true,
            sealed: true,
        };
        let file = CaseFile {
            own: true,
            general: true,
            filed_on: Some(day("2024-05-12")),
            party_names: vec!["某公司".into()],
            contents: Some(vec![doc(DocKind::FilingApproval)]),
            ..CaseFile::default()
        };
        let cal = fazhi_kernel::calendar::Calendar::default();
        let rules_of = |f: &CaseFile| -> Vec<&'static str> {
            evaluate(f, &cal, DEFAULT_THRESHOLDS)
                .findings
                .iter()
                .map(|f| f.rule)
                .collect()
        };
        let then = projected(&file, Step::Decide, day("2024-06-01")).unwrap();
        let found = rules_of(&then);
        // The decision and the lapse record are the step's own; the investigation is not.
        assert!(
            found.contains(&"F11") && found.contains(&"F13"),
            "{found:?}"
        );
        assert!(
            !found.contains(&"F22") && !found.contains(&"F18"),
            "{found:?}"
        );
        assert!(projected(&file, Step::Rectify, day("2024-06-01")).is_none());
    }
}
