//! Simultaneous requests for the same step of a workflow record (issue 15): exactly one goes
//! through, the rest are told the record moved on (409), and nothing is done twice. Run on
//! PostgreSQL too, where READ COMMITTED let two "decide" requests both pass the stage check
//! before the row was locked.

use reqwest::StatusCode;

use crate::cases::waived_case;
use crate::helpers::*;

/// The `version` a form on `html` carries.
fn version_of(html: &str) -> String {
    let marker = "name=\"version\" value=\"";
    let at = html.find(marker).expect("a form with the version") + marker.len();
    html[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

#[tokio::test]
async fn eight_identical_decisions_on_one_case_make_one_decision_and_take_one_number() {
    for db in backends() {
        let app = spawn_app(db).await;
        let (clerk, path) = waived_case(&app).await;
        let page = clerk.text(&path).await;
        let (csrf, version) = (csrf_of(&page), version_of(&page));
        let form = [
            ("csrf", csrf.clone()),
            ("version", version.clone()),
            ("action", "decide".to_string()),
            ("on", "2024-05-22".to_string()),
            ("outcome", "fine".to_string()),
            ("fine", "500".to_string()),
        ];
        one_through_rest_conflict(&concurrently(&clerk, &path, &form, 8).await);
        let case_id = path.rsplit('/').next().unwrap();
        assert_eq!(
            app.count("SELECT COUNT(*) FROM case_events WHERE stage = 'decided'")
                .await,
            1
        );
        let number: String = sqlx::query_scalar("SELECT decision_number FROM cases WHERE id = $1")
            .bind(case_id.parse::<i64>().unwrap())
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        // One number taken: the next decision of the town will be 2.
        assert_eq!(number, "店口镇罚〔2024〕1号");
        // A form from before the decision is refused too, with the reason.
        let r = clerk
            .post(
                &path,
                &[
                    ("csrf", csrf.clone()),
                    ("version", version.clone()),
                    ("action", "deliver".to_string()),
                    ("on", "2024-05-23".to_string()),
                    ("method", "direct".to_string()),
                    ("place", "当事人经营场所".to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(r.text().await.unwrap().contains("已被他人修改"));
    }
}
