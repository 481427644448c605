use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn send(
    b: &Browser,
    method: reqwest::Method,
    path: &str,
    csrf: &str,
    body: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = b
        .client
        .request(method, b.url(path))
        .header("x-csrf-token", csrf);
    if let Some(body) = body {
        req = req
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_and_writes_nothing() {
    use reqwest::Method;
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let csrf = sys.csrf().await;
        let regions_before = app.count("SELECT COUNT(*) FROM regions").await;
        let audit_before = app.count("SELECT COUNT(*) FROM audit_log").await;
        let city: i64 = sqlx::query_scalar("SELECT id FROM regions WHERE kind = 'city'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let long = "长".repeat(65);
        let cases: Vec<(String, StatusCode, &str)> = vec![
            ("{not json".into(), StatusCode::BAD_REQUEST, "malformed_request"),
            (r#"{"kind": 5}"#.into(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            (json!({"kind":"town","name":long,"division_code":"330681","stat_code":"330681901","parent_id":city}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            (json!({"kind":"town","name":"新镇","division_code":"33068","stat_code":"330681901","parent_id":city}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            (json!({"kind":"town","name":"新镇","division_code":"330681","stat_code":"330682901","parent_id":city}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            (json!({"kind":"village","name":"新村","division_code":"330681","stat_code":"330681104201","parent_id":city}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            (json!({"kind":"town","name":"重号镇","division_code":"330681","stat_code":"330681104","parent_id":city}).to_string(), StatusCode::CONFLICT, "already_exists"),
            (json!({"kind":"town","name":"无上级","division_code":"330681","stat_code":"330681902","parent_id":987654}).to_string(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
        ];
        for (body, status, code) in &cases {
            let (s, v) = send(&sys, Method::POST, "/api/v1/regions", &csrf, Some(body)).await;
            assert_eq!(
                (s, v["code"].as_str().unwrap_or("")),
                (*status, *code),
                "{body} → {v}"
            );
            assert!(!v["message"].as_str().unwrap_or("").is_empty());
        }
        assert_eq!(
            app.count("SELECT COUNT(*) FROM regions").await,
            regions_before
        );
        assert_eq!(
            app.count("SELECT COUNT(*) FROM audit_log").await,
            audit_before
        );

        // Unknown ids and non-numeric ids: 404 in JSON.
        for path in [
            "/api/v1/regions/99999",
            "/api/v1/regions/abc",
            "/api/v1/nothing",
        ] {
            let (s, v) = send(&sys, Method::GET, path, &csrf, None).await;
            assert_eq!(
                (s, v["code"].as_str().unwrap()),
                (StatusCode::NOT_FOUND, "not_found"),
                "{path}"
            );
        }
        // Without a session or token: 401; a cookie session writing without X-CSRF-Token: 403.
        let r = reqwest::get(format!("{}/api/v1/regions", app.base))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let (s, v) = send(&sys, Method::POST, "/api/v1/regions", "", Some("{}")).await;
        assert_eq!(
            (s, v["code"].as_str().unwrap()),
            (StatusCode::FORBIDDEN, "csrf_rejected")
        );

        // Forms: a wrong type in a field is named, the page is re-shown with what was typed.
        let page = sys.text("/org/departments/new").await;
        let r = sys
            .post(
                "/org/departments",
                &[
                    ("csrf", csrf_of(&page)),
                    ("name", "测试局".into()),
                    ("region_id", "abc".into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(html.contains("所属区域") && html.contains("value=\"测试局\""));
        // Garbage instead of a form body.
        let r = sys
            .client
            .post(sys.url("/org/departments"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("csrf={}&%%%=%zz", csrf_of(&page)))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
        assert_eq!(
            app.count("SELECT COUNT(*) FROM departments WHERE name = '测试局'")
                .await,
            0
        );
    }
}

#[tokio::test]
async fn the_api_creates_and_updates_with_optimistic_concurrency() {
    use reqwest::Method;
    for db in backends() {
        let app = spawn_app(db).await;
        let sys = app.admin("sysadmin").await;
        let csrf = sys.csrf().await;
        let city: i64 = sqlx::query_scalar("SELECT id FROM regions WHERE kind = 'city'")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
        let body = json!({"kind":"town","name":"试验镇","division_code":"330681","stat_code":"330681901","parent_id":city});
        let (s, created) = send(
            &sys,
            Method::POST,
            "/api/v1/regions",
            &csrf,
            Some(&body.to_string()),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{created}");
        let id = created["id"].as_i64().unwrap();
        assert_eq!(created["version"], 1);
        assert!(
            created["path"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/{id}/"))
        );
        let mut update = body.clone();
        update["name"] = json!("试验镇（改）");
        update["version"] = json!(1);
        let path = format!("/api/v1/regions/{id}");
        let (s, v) = send(&sys, Method::PUT, &path, &csrf, Some(&update.to_string())).await;
        assert_eq!((s, v["version"].as_i64()), (StatusCode::OK, Some(2)));
        // The same stale version again: refused, the first change stands.
        update["name"] = json!("试验镇（覆盖）");
        let (s, v) = send(&sys, Method::PUT, &path, &csrf, Some(&update.to_string())).await;
        assert_eq!(
            (s, v["code"].as_str().unwrap()),
            (StatusCode::CONFLICT, "version_conflict")
        );
        let (_, v) = send(&sys, Method::GET, &path, &csrf, None).await;
        assert_eq!(v["name"], "试验镇（改）");
        // Create and update are on the audit log with what changed.
        let detail: String = sqlx::query_scalar(
            "SELECT detail FROM audit_log WHERE object_type = 'region' AND action = 'update'",
        )
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        assert!(detail.contains("试验镇（改）") && detail.contains("before"));
    }
}

#[tokio::test]
async fn openapi_document_lists_every_route_and_metrics_are_served() {
    let app = spawn_app(Db::Sqlite).await;
    let b = app.browser();
    let doc: Value = b.get("/api/openapi.json").await.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let src = include_str!("../../../web/src/api/mod.rs");
    let mut routes = 0;
    for literal in src.split("\"/api/v1/").skip(1) {
        let path = format!("/api/v1/{}", literal.split('"').next().unwrap());
        assert!(
            doc["paths"].get(&path).is_some(),
            "{path} missing from the OpenAPI document"
        );
        routes += 1;
    }
    assert!(routes >= 7);
    let metrics = b.text("/metrics").await;
    assert!(metrics.contains("fazhi_http_requests_total"), "{metrics}");
}
