use super::*;

fn day(s: &str) -> NaiveDate {
    fazhi_kernel::date::parse(s).unwrap()
}

fn cal() -> Calendar {
    Calendar::default()
}

fn application(received: &str, known: &str, explained: bool) -> Reconsideration {
    Reconsideration {
        id: 12,
        law: law_for(day(received)).into(),
        channel: Channel::Window,
        applicant: "王小明".into(),
        respondent_id: 3,
        respondent: "诸暨市市场监督管理局".into(),
        act: "诸市监罚〔2024〕17号行政处罚决定".into(),
        case_id: None,
        request: "撤销该处罚决定".into(),
        known_on: day(known),
        right_explained: explained,
        received_on: day(received),
        stage: Stage::Received,
        completion_requested_on: None,
        completion_items: None,
        completed_on: None,
        accepted_on: None,
        number: None,
        delay_reason: None,
        procedure: None,
        simplified_ground: None,
        copy_sent_on: None,
        answered_on: None,
        hearing_notice_on: None,
        hearing_on: None,
        heard_on: None,
        extended_on: None,
        extension_days: None,
        extension_reason: None,
        closed_on: None,
        outcome: None,
        decision_text: None,
        close_note: None,
        version: 1,
    }
}

fn accept(on: &str, procedure: Procedure, reason: &str) -> Action {
    Action::Accept {
        on: day(on),
        procedure,
        ground: (procedure == Procedure::Simplified).then_some(SimplifiedGround::Warning),
        delay_reason: reason.into(),
    }
}

#[test]
fn an_application_after_60_days_needs_a_reason_and_a_year_where_the_right_was_not_told_art_20() {
    let today = day("2024-07-01");
    // Known 2024-03-01: 60 days end 2024-04-30.
    let late = application("2024-05-06", "2024-03-01", true);
    let e = transition(
        &late,
        &accept("2024-05-07", Procedure::Ordinary, ""),
        &cal(),
        today,
    )
    .unwrap_err();
    assert_eq!(e.code(), "reconsideration_late");
    assert!(e.message_zh().contains("第二十条"), "{}", e.message_zh());
    assert!(
        transition(
            &late,
            &accept("2024-05-07", Procedure::Ordinary, "住院治疗，有诊断证明"),
            &cal(),
            today
        )
        .is_ok()
    );
    let unexplained = application("2024-05-06", "2024-03-01", false);
    assert!(
        transition(
            &unexplained,
            &accept("2024-05-07", Procedure::Ordinary, ""),
            &cal(),
            today
        )
        .is_ok(),
        "within a year"
    );
}

#[test]
fn acceptance_starts_the_copy_and_the_decision_limits_by_procedure_art_54_62() {
    let r = application("2024-05-06", "2024-04-20", true);
    let today = day("2024-05-08");
    let c = transition(
        &r,
        &accept("2024-05-08", Procedure::Ordinary, ""),
        &cal(),
        today,
    )
    .unwrap();
    assert!(
        c.fields
            .contains(&("number", Arg::Text("诸政复〔2024〕12号".into())))
    );
    assert_eq!(c.meets, vec![ART_ACCEPT]);
    let decide = c.starts.iter().find(|l| l.article == ART_DECIDE).unwrap();
    assert_eq!(decide.period, Period::CalendarDays(60));
    let c = transition(
        &r,
        &accept("2024-05-08", Procedure::Simplified, ""),
        &cal(),
        today,
    )
    .unwrap();
    let decide = c.starts.iter().find(|l| l.article == ART_DECIDE).unwrap();
    assert_eq!(decide.period, Period::CalendarDays(30));
    assert_eq!(
        c.starts
            .iter()
            .find(|l| l.article == ART_COPY)
            .unwrap()
            .period,
        Period::WorkingDays(3)
    );
    // No simplified procedure under the 2017 text, whose limits cite its own articles.
    let old = application("2023-12-20", "2023-12-01", true);
    let c = transition(
        &old,
        &accept("2023-12-22", Procedure::Ordinary, ""),
        &cal(),
        today,
    )
    .unwrap();
    assert_eq!(c.meets, vec!["第十七条"]);
    assert!(c.starts.iter().any(|l| l.article == "第三十一条"));
    assert!(
        transition(
            &old,
            &accept("2023-12-22", Procedure::Simplified, ""),
            &cal(),
            today
        )
        .is_err()
    );
}

#[test]
fn one_completion_notice_within_five_working_days_then_a_new_acceptance_review_art_31() {
    let mut r = application("2024-05-06", "2024-04-20", true);
    let today = day("2024-06-01");
    let request = |on: &str| Action::RequestCompletion {
        on: day(on),
        items: "身份证明复印件；行政处罚决定书复印件".into(),
    };
    // 2024-05-06 (Monday) + 5 working days = 2024-05-13.
    assert_eq!(
        transition(&r, &request("2024-05-14"), &cal(), today)
            .unwrap_err()
            .code(),
        "completion_late"
    );
    let c = transition(&r, &request("2024-05-08"), &cal(), today).unwrap();
    assert_eq!(c.starts[0].article, ART_COMPLETE);
    r.stage = Stage::Completing;
    r.completion_requested_on = Some(day("2024-05-08"));
    let c = transition(
        &r,
        &Action::Completed {
            on: day("2024-05-15"),
        },
        &cal(),
        today,
    )
    .unwrap();
    assert_eq!(c.starts[0].article, ART_ACCEPT);
    r.stage = Stage::Received;
    assert!(
        !allowed_steps(&r).contains(&Step::RequestCompletion),
        "once"
    );
}

#[test]
fn the_decision_waits_for_the_copy_and_a_noticed_hearing_and_an_extension_is_once_art_51_62() {
    let mut r = application("2024-05-06", "2024-04-20", true);
    r.stage = Stage::Accepted;
    r.accepted_on = Some(day("2024-05-08"));
    r.procedure = Some(Procedure::Ordinary);
    let today = day("2024-07-01");
    let decide = Action::Decide {
        on: day("2024-06-20"),
        outcome: Outcome::Revoke,
        text: "事实不清，证据不足。".into(),
    };
    assert!(
        transition(&r, &decide, &cal(), today)
            .unwrap_err()
            .message_zh()
            .contains("副本")
    );
    r.copy_sent_on = Some(day("2024-05-09"));
    // Noticed on Monday 2024-06-03: the hearing not before the fifth working day after.
    let notice = |at: &str| Action::NoticeHearing {
        on: day("2024-06-03"),
        hearing_on: day(at),
    };
    assert!(transition(&r, &notice("2024-06-06"), &cal(), today).is_err());
    assert!(transition(&r, &notice("2024-06-12"), &cal(), today).is_ok());
    r.hearing_notice_on = Some(day("2024-06-03"));
    r.hearing_on = Some(day("2024-06-12"));
    assert!(
        !allowed_steps(&r).contains(&Step::Decide),
        "after the hearing"
    );
    r.heard_on = Some(day("2024-06-12"));
    let c = transition(&r, &decide, &cal(), today).unwrap();
    assert!(c.meets.contains(&ART_DECIDE));
    assert!(Outcome::Revoke.corrects() && !Outcome::Maintain.corrects());
    let extend = |days| Action::Extend {
        on: day("2024-06-20"),
        days,
        reason: "案情复杂，经负责人批准".into(),
    };
    assert!(transition(&r, &extend(31), &cal(), today).is_err());
    assert_eq!(
        transition(&r, &extend(30), &cal(), today)
            .unwrap()
            .extends
            .unwrap()
            .0,
        30
    );
    r.extended_on = Some(day("2024-06-20"));
    assert!(transition(&r, &extend(10), &cal(), today).is_err(), "once");
}
