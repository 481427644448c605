use super::*;

fn decision() -> MajorDecision {
    MajorDecision {
        id: 1,
        year: 2024,
        title: "诸暨市城区停车收费标准调整".into(),
        summary: "调整城区道路停车收费标准。".into(),
        stage: Stage::Drafting,
        department_id: 5,
        department: "诸暨市发展和改革局".into(),
        registered_on: "2024-02-01".into(),
        participation_exempt: None,
        expert_exempt: None,
        risk_exempt: Some("不涉及社会稳定风险。".into()),
        consultation: None,
        expert_on: None,
        expert_note: None,
        risk_on: None,
        risk_level: None,
        risk_note: None,
        review_id: None,
        review: None,
        review_signed_on: None,
        decided_on: None,
        meeting: None,
        published_on: None,
        archived_on: None,
        close_note: None,
        evaluation_started_on: None,
        evaluation_reason: None,
        evaluated_on: None,
        evaluation_report: None,
        evaluation_follow_up: None,
        version: 1,
    }
}

fn fields(e: &Error) -> Vec<&'static str> {
    e.refused_fields().into_iter().map(|f| f.0).collect()
}

fn day(s: &str) -> NaiveDate {
    fazhi_kernel::date::parse(s).unwrap()
}

fn consultation(closes_on: &str, undisposed: i64) -> Consultation {
    Consultation {
        draft: "第一条 为了规范停车秩序，制定本标准。".into(),
        opens_on: "2024-03-01".into(),
        closes_on: closes_on.into(),
        short_reason: None,
        closed_on: None,
        comments: 3,
        undisposed,
    }
}

fn open(opens: &str, closes: &str, reason: &str) -> Action {
    Action::OpenConsultation {
        draft: "第一条 为了规范停车秩序，制定本标准。\n第二条 本标准自公布之日起施行。".into(),
        opens_on: day(opens),
        closes_on: day(closes),
        short_reason: reason.into(),
    }
}

#[test]
fn a_comment_period_under_30_days_needs_its_reason_art_15() {
    let d = decision();
    let today = day("2024-03-01");
    // 2024-03-01 to 2024-03-30 is 30 days, both counted.
    assert!(transition(&d, &open("2024-03-01", "2024-03-30", ""), today).is_ok());
    let short = transition(&d, &open("2024-03-01", "2024-03-29", ""), today).unwrap_err();
    assert_eq!(fields(&short), vec!["short_reason"]);
    assert!(short.message_zh().contains("29 日"));
    match transition(
        &d,
        &open("2024-03-01", "2024-03-10", "防汛应急，情况紧急"),
        today,
    )
    .unwrap()
    {
        Change::ConsultationOpened { short_reason, .. } => {
            assert_eq!(short_reason.as_deref(), Some("防汛应急，情况紧急"))
        }
        other => panic!("{other:?}"),
    }
    // Not backdated: the consultation runs on the portal.
    assert!(transition(&d, &open("2024-02-01", "2024-03-30", ""), today).is_err());
}

#[test]
fn a_consultation_closes_only_after_its_period_and_when_every_comment_has_a_disposition() {
    let mut d = decision();
    d.consultation = Some(consultation("2024-03-30", 2));
    let close = |on| Action::CloseConsultation { on: day(on) };
    assert_eq!(
        transition(&d, &close("2024-03-30"), day("2024-03-30"))
            .unwrap_err()
            .code(),
        "consultation_running"
    );
    let e = transition(&d, &close("2024-03-31"), day("2024-04-01")).unwrap_err();
    assert_eq!(e.code(), "consultation_undisposed");
    assert!(e.message_zh().contains("2 条"));
    d.consultation = Some(consultation("2024-03-30", 0));
    assert_eq!(
        transition(&d, &close("2024-03-31"), day("2024-04-01")).unwrap(),
        Change::ConsultationClosed {
            on: day("2024-03-31")
        }
    );
}

#[test]
fn no_required_procedure_can_be_skipped_and_no_decision_without_a_lawful_review_art_25() {
    let mut d = decision();
    let today = day("2024-05-01");
    let facts = |unlawful| ReviewFacts {
        id: 9,
        kind: "major_decision".into(),
        concluded: true,
        unlawful,
        department_id: 5,
        used_by: None,
    };
    assert_eq!(
        allowed_steps(&d),
        vec![
            Step::OpenConsultation,
            Step::RecordExpertReview,
            Step::Withdraw
        ]
    );
    let e = transition(
        &d,
        &Action::LinkReview {
            review: facts(false),
        },
        today,
    )
    .unwrap_err();
    assert_eq!(e.code(), "decision_procedure_owed");
    assert!(e.message_zh().contains("公众参与") && e.message_zh().contains("专家论证"));
    assert!(!e.message_zh().contains("风险评估"), "exempt with a reason");
    let decide = Action::Decide {
        on: today,
        meeting: "市政府第12次常务会议".into(),
        adopted: true,
        note: String::new(),
    };
    assert_eq!(
        transition(&d, &decide, today).unwrap_err().code(),
        "decision_procedure_owed"
    );
    // The procedures done, the review is next; deciding still waits for it.
    let mut c = consultation("2024-03-30", 0);
    c.closed_on = Some("2024-04-01".into());
    d.consultation = Some(c);
    d.expert_on = Some("2024-04-10".into());
    assert_eq!(allowed_steps(&d), vec![Step::LinkReview, Step::Withdraw]);
    assert_eq!(
        transition(&d, &decide, today).unwrap_err().code(),
        "decision_review_required"
    );
    assert_eq!(
        transition(
            &d,
            &Action::LinkReview {
                review: facts(true)
            },
            today
        )
        .unwrap_err()
        .code(),
        "decision_review_unlawful"
    );
    let mut other_kind = facts(false);
    other_kind.kind = "contract".into();
    assert!(transition(&d, &Action::LinkReview { review: other_kind }, today).is_err());
    assert_eq!(
        transition(
            &d,
            &Action::LinkReview {
                review: facts(false)
            },
            today
        )
        .unwrap(),
        Change::ReviewLinked { review_id: 9 }
    );
    d.review_id = Some(9);
    assert_eq!(allowed_steps(&d)[0], Step::Decide);
    assert!(transition(&d, &decide, today).is_ok());
    // Not dated before the review's opinion it rests on.
    d.review_signed_on = Some("2024-05-02".into());
    let e = transition(&d, &decide, day("2024-05-03")).unwrap_err();
    assert!(e.message_zh().contains("合法性审查意见签署日期"), "{e:?}");
}

#[test]
fn after_publication_an_evaluation_can_start_and_needs_its_report_to_complete() {
    let mut d = decision();
    d.stage = Stage::Published;
    d.decided_on = Some("2024-05-01".into());
    d.published_on = Some("2024-05-10".into());
    assert_eq!(
        allowed_steps(&d),
        vec![Step::Archive, Step::StartEvaluation]
    );
    assert!(
        transition(
            &d,
            &Action::StartEvaluation {
                on: day("2024-05-01"),
                reason: "公众意见较多".into()
            },
            day("2025-06-01")
        )
        .is_err(),
        "before publication"
    );
    d.evaluation_started_on = Some("2025-06-01".into());
    let e = transition(
        &d,
        &Action::CompleteEvaluation {
            on: day("2025-09-01"),
            report: " ".into(),
            follow_up: String::new(),
        },
        day("2025-09-02"),
    )
    .unwrap_err();
    assert_eq!(fields(&e), vec!["report", "follow_up"]);
    d.stage = Stage::Archived;
    assert_eq!(allowed_steps(&d), vec![Step::CompleteEvaluation]);
}
