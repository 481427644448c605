//! Each step as a pure function: what it writes, and what it refuses with which article.

use chrono::NaiveDate;
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::money::Fen;
use fazhi_store::Arg;

use super::*;
use crate::enforcement::publication::PublicationRule;

fn d(s: &str) -> NaiveDate {
    fazhi_kernel::date::parse(s).expect("test date")
}

fn cal() -> &'static Calendar {
    Calendar::embedded()
}

const TODAY: &str = "2024-12-31";

/// A general-procedure case filed on 2024-03-01, nothing else done.
fn filed() -> Case {
    Case {
        id: 1,
        version: 3,
        stage: Stage::Filed,
        procedure: Procedure::General,
        item_code: "330217001000".into(),
        cause: "油烟直排".into(),
        department_id: 7,
        issuer_abbr: Some("店口镇".into()),
        filed_on: Some(d("2024-03-01")),
        act_ended_on: Some(d("2024-02-20")),
        illegal_gains: Fen::ZERO,
        first_party: Some(PartyKind::Person),
        evidence: vec!["现场照片".into()],
        investigated_on: None,
        prior_notice_on: None,
        hearing_right: false,
        triggers: ReviewTriggers::default(),
        waived: false,
        waived_on: None,
        hearing_requested: false,
        hearing_notice_on: None,
        hearing_held_on: None,
        legal_review_on: None,
        proposed: None,
        proposed_fine: Fen::ZERO,
        stated_on: None,
        decision: None,
        decision_number: None,
        fine: Fen::ZERO,
        rectification_number: None,
        dispute_on: None,
        dispute_concluded_on: None,
        payment_due: None,
        decided_on: None,
        delivered_on: None,
        paid_on: None,
        closed_on: None,
    }
}

fn noticed(on: &str) -> Case {
    Case {
        stage: Stage::PriorNotice,
        prior_notice_on: Some(d(on)),
        ..filed()
    }
}

fn run(case: &Case, action: Action) -> Result<Change> {
    let inputs = Inputs {
        benchmarks: Vec::new(),
        publication: Some(PublicationRule {
            days: 7,
            warnings: false,
        }),
        open_findings: Vec::new(),
        reviews: Vec::new(),
    };
    transition(case, &action, cal(), d(TODAY), &inputs)
}

fn field<'a>(c: &'a Change, column: &str) -> Option<&'a Arg> {
    c.fields.iter().find(|(k, _)| *k == column).map(|(_, v)| v)
}

fn refused(r: Result<Change>) -> String {
    match r {
        Err(e) => e.message_zh(),
        Ok(c) => panic!("expected a refusal, got {c:?}"),
    }
}

fn fine(on: &str, yuan: i64) -> Action {
    Action::Decide {
        on: d(on),
        decision: Decision::Fine,
        fine: Fen::from_yuan_whole(yuan),
        facts: None,
        deviation_reason: None,
        no_penalty_reason: None,
    }
}

#[test]
fn a_filed_case_offers_investigation_first_and_no_decision() {
    let steps = allowed_steps(&filed());
    assert_eq!(steps.first(), Some(&Step::Investigate));
    // Facts are found before the party is told of them.
    assert!(!steps.contains(&Step::PriorNotice));
    assert!(refusal(&filed(), Step::PriorNotice).is_some_and(|w| w.contains("尚未调查取证")));
    assert!(steps.contains(&Step::OnTheSpot));
    assert!(steps.contains(&Step::Rectify));
    assert!(!steps.contains(&Step::Decide));
    assert!(!steps.contains(&Step::Deliver));
    let why = refused(run(&filed(), fine("2024-03-20", 5000)));
    assert!(why.contains("已立案") && why.contains("作出决定"), "{why}");
}

#[test]
fn every_offered_step_is_one_transition_accepts_the_stage_of() {
    // The page's list and the refusal come from one rule: no step is offered that the
    // transition refuses for its stage, on any stage.
    for stage in Stage::ALL {
        let case = Case { stage, ..filed() };
        for step in Step::ALL {
            assert_eq!(
                allowed_steps(&case).contains(&step),
                refusal(&case, step).is_none(),
                "{stage:?} {step:?}"
            );
        }
    }
    assert!(
        allowed_steps(&Case {
            stage: Stage::Archived,
            ..filed()
        })
        .is_empty()
    );
}

#[test]
fn the_prior_notice_is_not_dated_before_the_last_investigation() {
    let investigated = Case {
        stage: Stage::Investigation,
        investigated_on: Some(d("2024-03-12")),
        ..filed()
    };
    let notice = |on: &str| Action::PriorNotice {
        delivered_on: d(on),
        hearing_right: false,
        triggers: ReviewTriggers::default(),
        proposed: Decision::Warning,
        proposed_fine: Fen::ZERO,
    };
    let e = run(&investigated, notice("2024-03-10")).expect_err("before the investigation");
    assert_eq!(e.code(), "case_date_order");
    assert!(
        e.message_zh().contains("调查取证日 2024-03-12"),
        "{}",
        e.message_zh()
    );
    assert!(run(&investigated, notice("2024-03-12")).is_ok());
    // A later investigation step moves the day; an earlier-dated one does not move it back.
    let later = run(
        &investigated,
        Action::Investigate {
            on: d("2024-03-11"),
            facts: "当事人占道经营。".into(),
            evidence: vec![],
            inspection_record: false,
            inquiry_record: false,
            concluded: false,
        },
    )
    .expect("investigate");
    assert_eq!(
        field(&later, "investigated_on"),
        Some(&Arg::from("2024-03-12"))
    );
}

#[test]
fn the_prior_notice_takes_a_number_and_starts_the_art_64_window() {
    let investigated = Case {
        stage: Stage::Investigation,
        ..filed()
    };
    let c = run(
        &investigated,
        Action::PriorNotice {
            delivered_on: d("2024-03-10"),
            hearing_right: true,
            triggers: ReviewTriggers {
                complex_legal_relations: true,
                ..ReviewTriggers::default()
            },
            proposed: Decision::Fine,
            proposed_fine: Fen::from_yuan_whole(3000),
        },
    )
    .expect("prior notice");
    // The notice enters the file under the number it takes, stating the fine proposed.
    assert_eq!(c.files.len(), 1);
    assert_eq!(
        (c.files[0].kind, c.files[0].takes_number, c.files[0].amount),
        (DocKind::PriorNotice, true, Some(Fen::from_yuan_whole(3000)))
    );
    assert_eq!(c.stage, Stage::PriorNotice);
    assert_eq!(
        c.number.as_ref().map(|n| (n.word, n.column)),
        Some(("罚告", "prior_notice_number"))
    );
    assert_eq!(field(&c, "review_triggers"), Some(&Arg::from("complex")));
    assert_eq!(c.starts.len(), 1);
    assert_eq!(c.starts[0].article, "第六十四条");
}

#[test]
fn a_decision_waits_for_the_defence_window_and_the_hearing_art_64_65() {
    let case = noticed("2024-03-04");
    // Five working days from Monday 2024-03-04 end on Monday 2024-03-11.
    let why = refused(run(&case, fine("2024-03-11", 5000)));
    assert!(why.contains("2024-03-11") && why.contains("届满"), "{why}");
    let c = run(&case, fine("2024-03-12", 5000)).expect("after the window");
    assert_eq!(c.stage, Stage::Decided);
    assert_eq!(c.meets, vec!["第六十条", "第六十四条"]);
    let articles: Vec<&str> = c.starts.iter().map(|l| l.article).collect();
    assert_eq!(articles, vec!["第六十一条", "第四十八条"]);
    assert!(c.note.contains(NUMBER));

    let heard = Case {
        hearing_right: true,
        hearing_requested: true,
        hearing_notice_on: Some(d("2024-03-05")),
        hearing_held_on: Some(d("2024-03-20")),
        ..case
    };
    let why = refused(run(&heard, fine("2024-03-19", 5000)));
    assert!(why.contains("第六十五条"), "{why}");
    assert!(run(&heard, fine("2024-03-20", 5000)).is_ok());
}

#[test]
fn a_decision_is_not_dated_before_the_legal_review_art_58() {
    let case = Case {
        triggers: ReviewTriggers {
            major_public_interest: true,
            ..ReviewTriggers::default()
        },
        ..noticed("2024-03-04")
    };
    assert_eq!(allowed_steps(&case).first(), Some(&Step::LegalReview));
    assert!(refused(run(&case, fine("2024-03-20", 5000))).contains("第五十八条"));
    let reviewed = Case {
        legal_review_on: Some(d("2024-03-25")),
        ..case
    };
    let why = refused(run(&reviewed, fine("2024-03-20", 5000)));
    assert!(why.contains("早于法制审核完成日 2024-03-25"), "{why}");
    assert_eq!(allowed_steps(&reviewed).first(), Some(&Step::Decide));
}

#[test]
fn a_warning_alone_starts_no_publication_limit_by_default() {
    let c = run(
        &noticed("2024-03-04"),
        Action::Decide {
            on: d("2024-03-12"),
            decision: Decision::Warning,
            fine: Fen::ZERO,
            facts: None,
            deviation_reason: None,
            no_penalty_reason: None,
        },
    )
    .expect("warning");
    assert!(c.starts.iter().all(|l| l.article != "第四十八条"));
}

#[test]
fn no_penalty_needs_its_reason_art_33_and_a_fine_its_amount() {
    let case = noticed("2024-03-04");
    let why = refused(run(
        &case,
        Action::Decide {
            on: d("2024-03-12"),
            decision: Decision::NoPenalty,
            fine: Fen::ZERO,
            facts: None,
            deviation_reason: None,
            no_penalty_reason: None,
        },
    ));
    assert!(why.contains("第三十三条"), "{why}");
    assert!(refused(run(&case, fine("2024-03-12", 0))).contains("罚款金额"));
}

#[test]
fn delivery_by_public_notice_counts_from_thirty_days_later() {
    let case = Case {
        stage: Stage::Decided,
        decision: Some(Decision::Fine),
        fine: Fen::from_yuan_whole(5000),
        ..filed()
    };
    let c = run(
        &case,
        Action::Deliver {
            on: d("2024-04-01"),
            method: DeliveryMethod::PublicNotice,
            place: None,
        },
    )
    .expect("public notice");
    assert_eq!(field(&c, "delivered_on"), Some(&Arg::from("2024-05-01")));
    assert_eq!(c.starts[0].article, PAYMENT_ARTICLE);
    assert_eq!(c.starts[0].on, d("2024-05-01"));
    let why = refused(run(
        &case,
        Action::Deliver {
            on: d("2024-04-01"),
            method: DeliveryMethod::Direct,
            place: None,
        },
    ));
    assert!(why.contains("送达地点"), "{why}");
}

#[test]
fn late_payment_carries_the_surcharge_art_72_and_a_dispute_pauses_it_art_73() {
    let delivered = Case {
        stage: Stage::Delivered,
        decision: Some(Decision::Fine),
        fine: Fen::from_yuan_whole(1000),
        payment_due: Some(d("2024-04-16")),
        ..filed()
    };
    let c = run(
        &delivered,
        Action::Pay {
            on: d("2024-04-18"),
        },
    )
    .expect("paid late");
    // 3% a day for two days: 60 yuan.
    assert_eq!(field(&c, "surcharge_fen"), Some(&Arg::Int(6000)));
    assert_eq!(c.stage, Stage::Executed);

    let d1 = run(
        &delivered,
        Action::Dispute {
            on: d("2024-04-10"),
            litigation: false,
        },
    )
    .expect("dispute");
    assert!(d1.pause.as_ref().is_some_and(|p| p.stop));
    let pending = Case {
        dispute_on: Some(d("2024-04-10")),
        ..delivered.clone()
    };
    assert_eq!(
        allowed_steps(&pending).first(),
        Some(&Step::DisputeConcluded)
    );
    assert!(
        refused(run(
            &pending,
            Action::Dispute {
                on: d("2024-04-11"),
                litigation: true
            }
        ))
        .contains("尚未审结")
    );
    let revoked = run(
        &pending,
        Action::DisputeConcluded {
            on: d("2024-06-01"),
            outcome: DisputeOutcome::Revoked,
        },
    )
    .expect("revoked");
    assert_eq!(revoked.meets, vec![PAYMENT_ARTICLE]);
    assert!(revoked.pause.is_none());
    let maintained = run(
        &pending,
        Action::DisputeConcluded {
            on: d("2024-06-01"),
            outcome: DisputeOutcome::Maintained,
        },
    )
    .expect("maintained");
    assert_eq!(
        maintained.pause.as_ref().map(|p| (p.on, p.stop)),
        Some((d("2024-06-02"), false))
    );
    assert!(
        refused(run(
            &pending,
            Action::DisputeConcluded {
                on: d("2024-04-01"),
                outcome: DisputeOutcome::Changed,
            },
        ))
        .contains("早于")
    );
}

#[test]
fn the_summary_procedure_is_for_the_filing_day_and_small_fines_art_51() {
    let spot = |yuan: i64, on: &str| Action::OnTheSpot {
        on: d(on),
        decision: Decision::Fine,
        fine: Fen::from_yuan_whole(yuan),
    };
    let c = run(&filed(), spot(200, "2024-03-01")).expect("200 yuan on the spot");
    assert_eq!(c.stage, Stage::Delivered);
    assert_eq!(field(&c, "procedure"), Some(&Arg::from("summary")));
    assert!(refused(run(&filed(), spot(201, "2024-03-01"))).contains("第五十一条"));
    assert!(refused(run(&filed(), spot(100, "2024-03-02"))).contains("立案当日"));
}

#[test]
fn a_rectification_order_is_given_once() {
    let c = run(
        &filed(),
        Action::Rectify {
            on: d("2024-03-02"),
            rectify_by: d("2024-03-20"),
        },
    )
    .expect("rectify");
    assert_eq!(c.stage, Stage::Filed);
    let ordered = Case {
        rectification_number: Some("店口镇责改〔2024〕1号".into()),
        ..filed()
    };
    assert!(!allowed_steps(&ordered).contains(&Step::Rectify));
    assert!(
        refused(run(
            &ordered,
            Action::Rectify {
                on: d("2024-03-02"),
                rectify_by: d("2024-03-20"),
            }
        ))
        .contains("已责令改正")
    );
}

#[test]
fn no_step_is_dated_after_today() {
    let why = refused(run(
        &filed(),
        Action::Investigate {
            on: d("2025-01-01"),
            facts: "查明".into(),
            evidence: Vec::new(),
            inspection_record: false,
            inquiry_record: false,
            concluded: false,
        },
    ));
    assert!(why.contains("不能晚于今天"), "{why}");
}

#[test]
fn closing_a_fine_waits_for_its_payment_and_archiving_for_closure() {
    let delivered = Case {
        stage: Stage::Delivered,
        decision: Some(Decision::Fine),
        ..filed()
    };
    assert!(!allowed_steps(&delivered).contains(&Step::Close));
    let warned = Case {
        decision: Some(Decision::Warning),
        ..delivered
    };
    assert_eq!(allowed_steps(&warned).first(), Some(&Step::Close));
    let closed = run(
        &warned,
        Action::Close {
            on: d("2024-05-01"),
            approver: Some("张三".into()),
        },
    )
    .expect("close");
    assert_eq!(closed.stage, Stage::Closed);
    assert!(
        refused(run(
            &warned,
            Action::Archive {
                on: d("2024-05-02"),
                reason: None,
            }
        ))
        .contains("归档")
    );
}

#[test]
fn a_step_is_not_dated_before_the_step_it_follows() {
    let decided = Case {
        stage: Stage::Decided,
        decision: Some(Decision::Warning),
        decided_on: Some(d("2024-04-15")),
        ..filed()
    };
    let why = refused(run(
        &decided,
        Action::Deliver {
            on: d("2024-04-14"),
            method: DeliveryMethod::Post,
            place: None,
        },
    ));
    assert!(why.contains("早于决定日 2024-04-15"), "{why}");
    let closed = Case {
        stage: Stage::Closed,
        closed_on: Some(d("2024-05-10")),
        ..decided
    };
    let why = refused(run(
        &closed,
        Action::Archive {
            on: d("2024-05-09"),
            reason: None,
        },
    ));
    assert!(why.contains("早于结案日 2024-05-10"), "{why}");
    assert!(
        run(
            &closed,
            Action::Archive {
                on: d("2024-05-10"),
                reason: None,
            }
        )
        .is_ok()
    );
    let why = refused(run(
        &filed(),
        Action::Investigate {
            on: d("2024-02-28"),
            facts: "查明".into(),
            evidence: Vec::new(),
            inspection_record: false,
            inquiry_record: false,
            concluded: false,
        },
    ));
    assert!(why.contains("早于立案日 2024-03-01"), "{why}");
}

#[test]
fn each_refusal_has_its_own_stable_code() {
    let code = |r: Result<Change>| match r {
        Err(e) => e.code(),
        Ok(c) => panic!("expected a refusal, got {c:?}"),
    };
    assert_eq!(
        code(run(&filed(), fine("2024-03-20", 5000))),
        "case_step_not_open"
    );
    assert_eq!(
        code(run(&noticed("2024-03-04"), fine("2024-03-05", 5000))),
        "case_decision_not_allowed"
    );
    assert_eq!(
        code(run(
            &filed(),
            Action::Archive {
                on: d("2024-03-05"),
                reason: None,
            }
        )),
        "case_step_not_open"
    );
    assert_eq!(
        code(run(
            &filed(),
            Action::Rectify {
                on: d("2024-02-01"),
                rectify_by: d("2024-02-10"),
            }
        )),
        "case_date_order"
    );
    assert_eq!(
        code(run(
            &filed(),
            Action::OnTheSpot {
                on: d("2024-03-01"),
                decision: Decision::Fine,
                fine: Fen::from_yuan_whole(500),
            }
        )),
        "case_summary_procedure_limit"
    );
}

fn proposing(proposed: Decision, yuan: i64) -> Case {
    Case {
        proposed: Some(proposed),
        proposed_fine: Fen::from_yuan_whole(yuan),
        waived: true,
        waived_on: Some(d("2024-03-05")),
        ..noticed("2024-03-04")
    }
}

#[test]
fn the_decision_is_not_heavier_than_the_notice_proposed() {
    // Art. 45 ¶2: no heavier penalty for the party's statement and defence.
    let r = run(&proposing(Decision::Fine, 3000), fine("2024-03-20", 5000));
    let code = match &r {
        Err(e) => e.code(),
        Ok(c) => panic!("{c:?}"),
    };
    assert_eq!(code, "case_decision_heavier_than_notice");
    assert!(refused(r).contains("第四十五条第二款"));
    assert!(run(&proposing(Decision::Fine, 3000), fine("2024-03-20", 3000)).is_ok());
    assert!(run(&proposing(Decision::Warning, 0), fine("2024-03-20", 100)).is_err());
    // A fine proposed needs its amount.
    let investigated = Case {
        stage: Stage::Investigation,
        ..filed()
    };
    let r = run(
        &investigated,
        Action::PriorNotice {
            delivered_on: d("2024-03-10"),
            hearing_right: false,
            triggers: ReviewTriggers::default(),
            proposed: Decision::Fine,
            proposed_fine: Fen::ZERO,
        },
    );
    assert!(
        matches!(r, Err(ref e) if e.code() == "case_proposed_fine_required"),
        "{r:?}"
    );
}

#[test]
fn each_step_files_its_documents_and_the_decision_the_lapse_record() {
    let files = |c: &Change| -> Vec<DocKind> { c.files.iter().map(|f| f.kind).collect() };
    let investigated = run(
        &filed(),
        Action::Investigate {
            on: d("2024-03-02"),
            facts: "经查，当事人油烟直排".into(),
            evidence: vec!["现场照片".into()],
            inspection_record: true,
            inquiry_record: false,
            concluded: true,
        },
    )
    .expect("investigate");
    assert_eq!(
        files(&investigated),
        [
            DocKind::InspectionRecord,
            DocKind::Evidence,
            DocKind::InvestigationReport
        ]
    );
    // The party neither stated its case nor waived nor was heard: the lapse is on record.
    let noticed = Case {
        proposed: Some(Decision::Fine),
        proposed_fine: Fen::from_yuan_whole(3000),
        ..noticed("2024-03-04")
    };
    let decided = run(&noticed, fine("2024-03-20", 3000)).expect("decide");
    assert_eq!(
        files(&decided),
        [DocKind::PenaltyDecision, DocKind::StatementRecord]
    );
    assert!(decided.files[0].takes_number);
    assert_eq!(decided.files[0].amount, Some(Fen::from_yuan_whole(3000)));
    let stated = Case {
        stated_on: Some(d("2024-03-06")),
        ..noticed
    };
    let decided = run(&stated, fine("2024-03-20", 3000)).expect("decide");
    assert_eq!(files(&decided), [DocKind::PenaltyDecision]);
}

#[test]
fn archiving_with_open_findings_needs_a_reason() {
    let closed = Case {
        stage: Stage::Closed,
        closed_on: Some(d("2024-05-10")),
        ..filed()
    };
    let inputs = Inputs {
        open_findings: vec!["F24".into(), "G12".into()],
        ..Inputs::default()
    };
    let archive = |reason: Option<&str>| Action::Archive {
        on: d("2024-05-11"),
        reason: reason.map(str::to_string),
    };
    match transition(&closed, &archive(None), cal(), d(TODAY), &inputs) {
        Err(e) => {
            assert_eq!(e.code(), "case_archive_reason_required");
            assert!(e.message_zh().contains("F24、G12"), "{}", e.message_zh());
        }
        Ok(c) => panic!("{c:?}"),
    }
    let c = transition(
        &closed,
        &archive(Some("送达回证原件由邮政退回，已附说明")),
        cal(),
        d(TODAY),
        &inputs,
    )
    .expect("archive with reason");
    assert!(
        c.note.contains("F24、G12") && c.note.contains("邮政退回"),
        "{}",
        c.note
    );
}

#[test]
fn a_warning_carries_no_fine_a_benchmark_needs_its_facts_and_payment_follows_delivery() {
    let case = proposing(Decision::Fine, 3000);
    let warning = Action::Decide {
        on: d("2024-03-20"),
        decision: Decision::Warning,
        fine: Fen::from_yuan_whole(2000),
        facts: None,
        deviation_reason: None,
        no_penalty_reason: None,
    };
    let code = |r: Result<Change>| match r {
        Err(e) => e.code(),
        Ok(c) => panic!("expected a refusal, got {c:?}"),
    };
    assert_eq!(code(run(&case, warning)), "case_fine_without_fine_decision");
    // With the item's benchmark loaded, "不比对" is not a choice.
    let band = crate::enforcement::discretion::Band {
        severity: crate::enforcement::discretion::Severity::Ordinary,
        circumstances: "一般".into(),
        warning: false,
        fine: Some(crate::enforcement::discretion::FineRule::Fixed {
            min: Fen::ZERO,
            max: Fen::from_yuan_whole(5000),
        }),
    };
    let inputs = Inputs {
        benchmarks: vec![Benchmark {
            item_code: case.item_code.clone(),
            effective_from: d("2020-01-01"),
            basis: "《城市道路管理条例》第四十二条".into(),
            grades: vec![band],
            lists: Vec::new(),
        }],
        ..Inputs::default()
    };
    assert_eq!(
        code(transition(
            &case,
            &fine("2024-03-20", 3000),
            cal(),
            d(TODAY),
            &inputs
        )),
        "case_benchmark_facts_required"
    );
    // Paid before the decision was delivered: the dates contradict each other.
    let delivered = Case {
        stage: Stage::Delivered,
        decision: Some(Decision::Fine),
        fine: Fen::from_yuan_whole(3000),
        decided_on: Some(d("2024-04-01")),
        delivered_on: Some(d("2024-04-05")),
        payment_due: Some(d("2024-04-20")),
        ..filed()
    };
    let why = refused(run(
        &delivered,
        Action::Pay {
            on: d("2024-04-03"),
        },
    ));
    assert!(why.contains("早于送达日 2024-04-05"), "{why}");
}
