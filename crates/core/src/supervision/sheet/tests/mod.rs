//! The sheet against the reference file: sound, it scores 100; broken one way, the rule for
//! that way finds it.

use super::*;
use crate::enforcement::file_contents::DocKind;

fn day(s: &str) -> NaiveDate {
    fazhi_kernel::date::parse(s).unwrap()
}

use example::{doc, sound};

/// The file's documents of `kind`, to break one.
fn each(f: &mut CaseFile, kind: DocKind, set: impl Fn(&mut FileDocument)) {
    for d in f.contents.iter_mut().flatten().filter(|d| d.kind == kind) {
        set(d);
    }
}

fn without(f: &mut CaseFile, kind: DocKind) {
    if let Some(c) = f.contents.as_mut() {
        c.retain(|d| d.kind != kind);
    }
}

fn add(f: &mut CaseFile, d: FileDocument) {
    f.contents.get_or_insert_with(Vec::new).push(d);
}

fn findings(f: &CaseFile) -> Vec<&'static str> {
    evaluate(f, Calendar::embedded(), DEFAULT_THRESHOLDS)
        .findings
        .iter()
        .map(|x| x.rule)
        .collect()
}

#[test]
fn a_sound_file_scores_full_marks() {
    let e = evaluate(&sound(), Calendar::embedded(), DEFAULT_THRESHOLDS);
    assert_eq!(
        (e.score, e.grade, e.findings.len()),
        (100, Grade::Excellent, 0),
        "{e:?}"
    );
}

#[test]
fn a_decision_delivered_by_public_notice_is_on_time_when_the_notice_was() {
    // Decided 2024-04-15 in the reference file; the notice went out within 7 WD and the
    // decision counts as delivered 30 days later (民事诉讼法第九十五条): no D10 finding.
    let mut f = sound();
    let decided = f.decided_on.unwrap_or_else(|| day("2024-04-15"));
    f.delivery_method = Some(crate::enforcement::case::DeliveryMethod::PublicNotice);
    f.delivered_on = decided.checked_add_days(chrono::Days::new(32));
    let e = evaluate(&f, Calendar::embedded(), DEFAULT_THRESHOLDS);
    assert!(!e.findings.iter().any(|f| f.rule == "D10"), "{e:?}");
    // Sent by post that late, it is.
    f.delivery_method = Some(crate::enforcement::case::DeliveryMethod::Post);
    let e = evaluate(&f, Calendar::embedded(), DEFAULT_THRESHOLDS);
    assert!(e.findings.iter().any(|f| f.rule == "D10"), "{e:?}");
}

mod contents;
mod record;

/// A way to break the reference file, the rule it should trip and words its detail names.
type Breaks = (&'static str, Box<dyn Fn(&mut CaseFile)>, &'static str);

/// Each rule: a file that breaks it, found with its detail.
#[test]
fn each_rule_finds_the_file_that_breaks_it() {
    let mut covered: Vec<&str> = Vec::new();
    for (code, breaks, detail) in record::breaks().into_iter().chain(contents::breaks()) {
        let mut f = sound();
        breaks(&mut f);
        let e = evaluate(&f, Calendar::embedded(), DEFAULT_THRESHOLDS);
        let found = e.findings.iter().find(|x| x.rule == code);
        assert!(
            found.is_some_and(|x| x.detail.contains(detail)),
            "{code}: {e:?}"
        );
        covered.push(code);
        // The veto items fail the file whatever the score.
        let rule = super::rule(code).unwrap();
        if rule.veto {
            assert_eq!(e.grade, Grade::Fail, "{code}");
        }
    }
    // Every rule of the sheet has its breaking file here.
    for r in rules().filter(|r| r.machine()) {
        assert!(covered.contains(&r.code), "{} has no test", r.code);
    }
    assert!(findings(&sound()).is_empty());
}

#[test]
fn the_sheet_has_at_least_120_items_and_nine_tenths_are_checked_by_machine() {
    let all: Vec<&Rule> = rules().collect();
    let machine = all.iter().filter(|r| r.machine()).count();
    assert!(all.len() >= 120, "{} items", all.len());
    assert!(machine * 10 >= all.len() * 9, "{machine} of {}", all.len());
    // Codes are unique: findings and configuration refer to them.
    let codes: BTreeSet<&str> = all.iter().map(|r| r.code).collect();
    assert_eq!(codes.len(), all.len());
    // A manual item never finds anything by itself, even on a broken file.
    let mut f = sound();
    f.contents = None;
    f.facts_found = false;
    let e = evaluate(&f, Calendar::embedded(), DEFAULT_THRESHOLDS);
    assert!(!e.findings.is_empty());
    assert!(
        e.findings
            .iter()
            .all(|x| rule(x.rule).is_some_and(Rule::machine))
    );
}

#[test]
fn contents_rules_wait_for_registered_contents() {
    // An imported file, or an open own file with nothing registered yet: no contents findings.
    let mut f = sound();
    f.contents = None;
    f.closed_on = None;
    f.archived_on = None;
    assert!(
        findings(&f)
            .iter()
            .all(|c| !super::contents::RULES.iter().any(|r| r.code == *c)),
        "{:?}",
        findings(&f)
    );
}

#[test]
fn deductions_add_up_to_the_grade() {
    let mut f = sound();
    f.discretion = "outside".into(); // 15
    f.delivered_on = Some(day("2024-04-25")); // 5 (and payment still in time)
    f.paid_on = Some(day("2024-04-26"));
    // The receipts carry the same days, so only the two deductions above count.
    each(&mut f, DocKind::DeliveryReceipt, |d| {
        d.dated_on = day("2024-04-25")
    });
    each(&mut f, DocKind::PaymentReceipt, |d| {
        d.dated_on = day("2024-04-26")
    });
    let e = evaluate(&f, Calendar::embedded(), DEFAULT_THRESHOLDS);
    assert_eq!((e.score, e.grade), (80, Grade::Pass), "{e:?}");
    let strict = Thresholds {
        excellent: 95,
        pass: 85,
    };
    assert_eq!(
        evaluate(&f, Calendar::embedded(), strict).grade,
        Grade::Fail
    );
}

#[test]
fn imported_files_are_not_faulted_for_records_kept_at_their_source() {
    let mut f = sound();
    f.own = false;
    f.facts_found = false;
    f.evidence = false;
    f.organisations_without_representative = 1;
    assert!(findings(&f).is_empty());
}

#[test]
fn an_extended_decision_limit_is_respected() {
    let mut f = sound();
    f.decided_on = Some(day("2024-06-20"));
    f.delivered_on = Some(day("2024-06-21"));
    f.paid_on = Some(day("2024-06-24"));
    f.closed_on = Some(day("2024-06-25"));
    assert!(findings(&f).contains(&"D08"));
    f.decision_due = Some(day("2024-07-02"));
    assert!(!findings(&f).contains(&"D08"));
}
