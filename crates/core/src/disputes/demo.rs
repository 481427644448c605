//! The demo's disputes, beside a freshly seeded demo organisation: one of each way a dispute
//! goes — open at a town, escalated from a village, agreed and followed up, referred, sent to
//! the court by the rules, and a 12345 transfer — so the desk and its figures show something
//! on the first start.

use chrono::Duration;

use super::{Action, Channel, Intake, Kind, Satisfaction, apply, register};
use crate::vault::Keyring;
use crate::{Actor, Ctx, Result};

pub async fn seed_demo(store: &fazhi_store::Store, keyring: &Keyring) -> Result<()> {
    let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM disputes")
        .fetch_one(store.pool())
        .await?;
    if held > 0 {
        return Ok(());
    }
    let towns = super::town_list(store).await?;
    let town = |name: &str| {
        towns
            .iter()
            .find(|t| t.town == name)
            .map(|t| t.department_id)
    };
    let (Some(dk), Some(fq)) = (town("店口镇"), town("枫桥镇")) else {
        return Ok(());
    };
    let actor = Actor::operator();
    let (cal, policy) = crate::deadlines::in_force(store).await?;
    let today = crate::deadlines::china_today();
    let ctx = Ctx {
        store,
        actor: &actor,
        keyring,
        clock: crate::deadlines::Clock {
            cal: &cal,
            policy,
            today,
        },
    };
    let ago = |days: i64| today - Duration::days(days);
    let intake = |kind, town_id, village, description, amount, days| Intake {
        hotline_ref: None,
        kind: Some(kind),
        town_id: Some(town_id),
        village,
        description,
        amount,
        party_count: None,
        applicant: "王小明",
        applicant_phone: "13905750001",
        respondent: "李建国",
        respondent_phone: "",
        received_on: Some(ago(days)),
    };
    let step = |id: i64, action: Action| {
        let ctx = &ctx;
        async move {
            let version: i64 = sqlx::query_scalar("SELECT version FROM disputes WHERE id = $1")
                .bind(id)
                .fetch_one(ctx.store.pool())
                .await?;
            apply(ctx, id, version, &action).await
        }
    };
    register(
        &ctx,
        Channel::Window,
        &intake(
            Kind::Wages,
            dk,
            "湄池村",
            "某五金厂拖欠三名工人两个月工资",
            Some(18_000),
            3,
        ),
    )
    .await?;
    let escalated = register(
        &ctx,
        Channel::Window,
        &intake(
            Kind::Neighbour,
            fq,
            "枫源村",
            "相邻通道堆放杂物引发争执",
            None,
            12,
        ),
    )
    .await?;
    step(
        escalated,
        Action::Escalate {
            on: ago(5),
            reason: "村调委会两次调解，双方仍各执一词".into(),
        },
    )
    .await?;
    let agreed = register(
        &ctx,
        Channel::Portal,
        &intake(Kind::Land, dk, "新桥村", "宅基地边界争议", None, 25),
    )
    .await?;
    step(
        agreed,
        Action::Agree {
            on: ago(10),
            terms: "以 1998 年分户图为准重新确定界址，双方各让 0.3 米".into(),
            oral: false,
        },
    )
    .await?;
    step(
        agreed,
        Action::FollowUp {
            on: ago(2),
            satisfaction: Satisfaction::Satisfied,
            note: "界桩已埋设，双方履行完毕".into(),
        },
    )
    .await?;
    let referred = register(
        &ctx,
        Channel::Window,
        &intake(
            Kind::Family,
            fq,
            "栎桥村",
            "离婚后子女抚养费争议",
            Some(4_000),
            20,
        ),
    )
    .await?;
    step(
        referred,
        Action::Refer {
            on: ago(8),
            to: "向人民法院提起诉讼".into(),
            reason: "双方对抚养费数额分歧较大，调解不成".into(),
        },
    )
    .await?;
    register(
        &ctx,
        Channel::Window,
        &intake(
            Kind::Traffic,
            dk,
            "店口村",
            "电动车与轿车碰撞，赔偿数额争议",
            Some(35_000),
            1,
        ),
    )
    .await?;
    register(
        &ctx,
        Channel::Hotline,
        &Intake {
            hotline_ref: Some("ZJ12345-DEMO-0001"),
            ..intake(
                Kind::Consumer,
                fq,
                "枫桥村",
                "预付卡健身房闭店不退款",
                Some(2_600),
                2,
            )
        },
    )
    .await?;
    Ok(())
}
