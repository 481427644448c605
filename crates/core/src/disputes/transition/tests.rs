use super::*;

fn cal() -> Calendar {
    Calendar::default()
}

fn day(s: &str) -> NaiveDate {
    fazhi_kernel::date::parse(s).unwrap()
}

fn dispute(handler: Handler) -> Dispute {
    Dispute {
        id: 7,
        channel: Channel::Window,
        hotline_ref: None,
        kind: Kind::Neighbour,
        town_id: 3,
        town: "枫桥镇".into(),
        village: "枫源村".into(),
        description: "相邻通行".into(),
        amount: None,
        party_count: 2,
        received_on: day("2026-03-02"),
        track: Track::Simple,
        handler,
        handler_name: "枫桥镇枫源村人民调解委员会".into(),
        department_id: 3,
        level_since: day("2026-03-02"),
        stage: Stage::Open,
        escalations: 0,
        closed_on: None,
        agreement: None,
        oral_agreement: false,
        confirm_applied_on: None,
        confirmed_on: None,
        confirm_court_ref: None,
        referred_to: None,
        close_note: None,
        followed_up_on: None,
        satisfaction: None,
        follow_up_note: None,
        version: 1,
    }
}

fn target(handler: Handler) -> Target {
    Target {
        handler,
        name: handler.label_zh().into(),
        department_id: 3,
        track: Track::Simple,
        rule_no: None,
        explanation: String::new(),
    }
}

fn code(e: Error) -> &'static str {
    match e {
        Error::Invalid { code, .. } => code,
        _ => "other",
    }
}

#[test]
fn mediation_goes_up_village_town_city_and_no_further() {
    let today = day("2026-04-30");
    let d = dispute(Handler::Village);
    assert_eq!(allowed_steps(&d)[0], Step::Agree);
    assert!(allowed_steps(&d).contains(&Step::Escalate));
    let on = day("2026-03-20");
    let escalate = Action::Escalate {
        on,
        reason: "村级调解期限届满未化解".into(),
    };
    let c = transition(&d, &escalate, Some(target(Handler::Town)), &cal(), today).unwrap();
    assert!(c.meets_level);
    assert!(c.fields.contains(&("escalations", Arg::Int(1))));
    assert!(
        c.fields
            .contains(&("level_since", Arg::Text(on.to_string())))
    );
    assert!(matches!(c.starts[..], [Start::Level(ref t)] if t.handler == Handler::Town));
    assert_eq!(c.routing.as_ref().map(|r| r.0), Some(Cause::Escalation));
    // A reason is always written.
    let bare = Action::Escalate {
        on,
        reason: " ".into(),
    };
    assert!(transition(&d, &bare, Some(target(Handler::Town)), &cal(), today).is_err());
    // Not dated before the level took the dispute.
    let early = Action::Escalate {
        on: day("2026-03-01"),
        reason: "村级调解期限届满未化解".into(),
    };
    assert!(transition(&d, &early, Some(target(Handler::Town)), &cal(), today).is_err());
    // The city centre is the top: 人民调解法 art. 26 — end it and tell the parties.
    let city = dispute(Handler::City);
    assert!(!allowed_steps(&city).contains(&Step::Escalate));
    let e = transition(&city, &escalate, None, &cal(), today).unwrap_err();
    assert!(e.message_zh().contains("第二十六条"), "{}", e.message_zh());
    // A department's handling is not one of the three levels.
    assert!(!allowed_steps(&dispute(Handler::Arbitration)).contains(&Step::Escalate));
}

#[test]
fn judicial_confirmation_is_applied_for_within_thirty_days_of_the_agreement_art_33() {
    let today = day("2026-06-30");
    let mut d = dispute(Handler::Town);
    let agree = Action::Agree {
        on: day("2026-03-10"),
        terms: "甲方于三月底前支付乙方修缮费 3000 元".into(),
        oral: false,
    };
    let c = transition(&d, &agree, None, &cal(), today).unwrap();
    assert!(c.starts.contains(&Start::Confirmation(day("2026-03-10"))));
    d.stage = Stage::Agreed;
    d.closed_on = Some(day("2026-03-10"));
    assert_eq!(allowed_steps(&d), vec![Step::Confirm, Step::FollowUp]);
    let confirm = |applied: &str| Action::Confirm {
        applied_on: day(applied),
        on: day("2026-04-20"),
        court_ref: "（2026）浙0681民特12号".into(),
    };
    // 2026-03-10 + 30 days = 2026-04-09, the last day.
    assert!(
        transition(&d, &confirm("2026-04-09"), None, &cal(), today)
            .unwrap()
            .meets_confirmation
    );
    let e = transition(&d, &confirm("2026-04-10"), None, &cal(), today).unwrap_err();
    assert!(
        e.message_zh().contains("三十日内（2026-04-09 前）"),
        "{}",
        e.message_zh()
    );
    assert_eq!(code(e), "confirmation_late");
    // The 30th day on a Saturday: the last day is the Monday after, as the deadline engine
    // shows it (2026-03-12 + 30 = 2026-04-11).
    assert_eq!(confirm_by(&cal(), day("2026-03-12")), day("2026-04-13"));
    // An oral agreement has no agreement document to confirm.
    let mut oral = d.clone();
    oral.oral_agreement = true;
    assert_eq!(allowed_steps(&oral), vec![Step::FollowUp]);
    // An agreement reached at a department (not a people's mediation committee) is not
    // confirmed under art. 33.
    let mut dep = dispute(Handler::Department);
    dep.stage = Stage::Agreed;
    dep.closed_on = Some(day("2026-03-10"));
    assert_eq!(allowed_steps(&dep), vec![Step::FollowUp]);
}

#[test]
fn a_closed_dispute_is_followed_up_once_and_nothing_else_moves_it() {
    let today = day("2026-06-30");
    let mut d = dispute(Handler::Village);
    let refer = Action::Refer {
        on: day("2026-03-20"),
        to: "向人民法院提起诉讼".into(),
        reason: "双方分歧较大，调解不成".into(),
    };
    let c = transition(&d, &refer, None, &cal(), today).unwrap();
    assert!(c.fields.contains(&("stage", Arg::Text("referred".into()))));
    d.stage = Stage::Referred;
    d.closed_on = Some(day("2026-03-20"));
    assert_eq!(allowed_steps(&d), vec![Step::FollowUp]);
    let e = transition(
        &d,
        &Action::Agree {
            on: today,
            terms: "达成协议内容".into(),
            oral: true,
        },
        None,
        &cal(),
        today,
    )
    .unwrap_err();
    assert_eq!(code(e), "dispute_step_not_open");
    let follow = Action::FollowUp {
        on: day("2026-03-19"),
        satisfaction: Satisfaction::Basic,
        note: "电话回访".into(),
    };
    assert!(
        transition(&d, &follow, None, &cal(), today).is_err(),
        "before the close"
    );
    d.followed_up_on = Some(day("2026-04-01"));
    assert!(allowed_steps(&d).is_empty());
}
