//! Every route × every built-in role: who may reach what (issue 14, 等保 访问控制). The table
//! below says, for each route of `web`, which roles may use it; the test signs in one user of
//! each built-in role and asserts the status of every route for each — allowed or refused, for
//! a missing id, and for a case of the user's own town and of another. A route added to the
//! router without a row here fails `every_route_of_the_router_is_in_the_matrix`.

use std::collections::BTreeSet;

use reqwest::StatusCode;

use crate::helpers::*;

/// Who may use a route.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// Anyone, signed in or not.
    Public,
    /// Every signed-in user.
    Signed,
    /// Holders of any of these permissions (as the built-in roles grant them).
    Any(&'static [&'static str]),
}

const SYS: &str = "sysadmin";
const SEC: &str = "secadmin";
const AUD: &str = "auditadmin";
const SUP: &str = "supervisor";
const TOWN: &str = "town_clerk";
const DEPT: &str = "department_clerk";

/// The built-in roles that hold a permission (`demo::builtin_roles`).
fn holders(permission: &str) -> &'static [&'static str] {
    match permission {
        "org.read" => &[SYS, SEC, SUP, TOWN, DEPT],
        "catalog.manage"
        | "supervision.manage"
        | "normative.manage"
        | "reconsideration.handle"
        | "litigation.handle"
        | "dispute.manage" => &[SUP],
        "dispute.handle" => &[SUP, TOWN],
        "case.read" => &[SUP, TOWN, DEPT],
        "case.handle" | "supervision.reply" => &[TOWN, DEPT],
        "org.manage" | "user.manage" | "token.manage" => &[SYS],
        "role.manage" | "policy.manage" => &[SEC],
        "audit.read" | "audit.export" => &[AUD],
        other => panic!("unknown permission {other}"),
    }
}

const READ: Who = Who::Any(&["case.read"]);
const HANDLE: Who = Who::Any(&["case.handle"]);
const MANAGE: Who = Who::Any(&["supervision.manage"]);
const CATALOG: Who = Who::Any(&["catalog.manage"]);
const NOTICES: Who = Who::Any(&["supervision.manage", "supervision.reply"]);
/// The register of normative documents: its keepers, and (reading) those who read cases.
const REGISTER: Who = Who::Any(&["normative.manage", "supervision.manage", "case.read"]);
const KEEP_REGISTER: Who = Who::Any(&["normative.manage"]);
/// The review centre: the register's keepers and the supervisors (cleanups, assisted review).
const REVIEW_CENTRE: Who = Who::Any(&["normative.manage", "supervision.manage"]);
/// Units that send matters for legality review (their handlers) and the centre itself.
const REQUESTERS: Who = Who::Any(&["case.handle", "normative.manage"]);
/// Who follows review requests: the requesters and the supervisors.
const REVIEWS: Who = Who::Any(&["case.handle", "normative.manage", "supervision.manage"]);
/// Who coordinates the defence of administrative suits.
const LITIGATE: Who = Who::Any(&["litigation.handle"]);
/// The reconsideration body's staff.
const RECONSIDER: Who = Who::Any(&["reconsideration.handle"]);
/// The one window's staff and the towns' mediation centres; the window keeps the rules.
const DISPUTES: Who = Who::Any(&["dispute.handle", "dispute.manage"]);
const DISPUTE_RULES: Who = Who::Any(&["dispute.manage"]);
const ORG: Who = Who::Any(&["org.manage"]);
const USERS: Who = Who::Any(&["user.manage"]);
const ROLES_: Who = Who::Any(&["role.manage"]);
/// The directory of regions, departments and people: whoever reads it (the administrators who
/// keep it and the business users who look colleagues up), in their scope.
const DIRECTORY: Who = Who::Any(&["org.read"]);
/// Reference data the law has published anyway (行政执法公示: the enforcement catalog, the
/// discretion benchmarks, the joint-inspection scenarios, publication limits, criminal
/// thresholds): any signed-in user reads it. It names no party and no case.
const PUBLISHED: Who = Who::Signed;
/// The supervisor's results as the agencies see them, in their scope (bulletins, leads, their
/// performance).
const SUPERVISED: Who = Who::Any(&["supervision.manage", "supervision.reply"]);
/// Any business permission (the modules' pages; the administrators hold none).
const BUSINESS: Who = Who::Any(&[
    "case.read",
    "case.handle",
    "supervision.manage",
    "supervision.reply",
    "catalog.manage",
]);

/// (method, path, who). `{id}` and the like are filled with an id that does not exist.
const ROUTES: &[(&str, &str, Who)] = &[
    ("GET", "/", Who::Signed),
    ("GET", "/login", Who::Public),
    ("POST", "/logout", Who::Signed),
    ("GET", "/account/password", Who::Signed),
    ("GET", "/m/{module}", BUSINESS),
    ("GET", "/org/regions", DIRECTORY),
    ("POST", "/org/regions", ORG),
    ("GET", "/org/regions/new", ORG),
    ("GET", "/org/regions/{id}", ORG),
    ("POST", "/org/regions/{id}", ORG),
    ("GET", "/org/departments", DIRECTORY),
    ("POST", "/org/departments", ORG),
    ("GET", "/org/departments/new", ORG),
    ("GET", "/org/departments/{id}", ORG),
    ("POST", "/org/departments/{id}", ORG),
    ("GET", "/org/users", DIRECTORY),
    ("POST", "/org/users", USERS),
    ("GET", "/org/users/new", USERS),
    ("GET", "/org/users/{id}", DIRECTORY),
    ("POST", "/org/users/{id}", USERS),
    ("POST", "/org/users/{id}/reset-password", USERS),
    ("POST", "/org/users/{id}/lock", USERS),
    ("POST", "/org/users/{id}/unlock", USERS),
    ("GET", "/org/users/{id}/roles", ROLES_),
    ("POST", "/org/users/{id}/roles", ROLES_),
    ("GET", "/admin/roles", ROLES_),
    ("POST", "/admin/roles", ROLES_),
    ("GET", "/admin/roles/new", ROLES_),
    ("GET", "/admin/roles/{id}", ROLES_),
    ("POST", "/admin/roles/{id}", ROLES_),
    ("GET", "/admin/policy", Who::Any(&["policy.manage"])),
    ("POST", "/admin/policy", Who::Any(&["policy.manage"])),
    ("GET", "/admin/tokens", Who::Any(&["token.manage"])),
    ("GET", "/account/tokens", BUSINESS),
    ("POST", "/account/tokens", BUSINESS),
    ("POST", "/account/tokens/{id}/revoke", BUSINESS),
    (
        "POST",
        "/admin/tokens/{id}/revoke",
        Who::Any(&["token.manage"]),
    ),
    ("GET", "/enforcement/catalog", PUBLISHED),
    ("GET", "/enforcement/catalog/items/{code}", PUBLISHED),
    ("POST", "/enforcement/catalog/items/{code}", CATALOG),
    ("GET", "/enforcement/catalog/import", CATALOG),
    ("POST", "/enforcement/catalog/import", CATALOG),
    ("GET", "/enforcement/catalog/template.xlsx", PUBLISHED),
    ("GET", "/enforcement/catalog/export.xlsx", PUBLISHED),
    ("GET", "/enforcement/cases", READ),
    ("POST", "/enforcement/cases", HANDLE),
    ("GET", "/enforcement/cases/new", HANDLE),
    ("GET", "/enforcement/cases/import", HANDLE),
    ("POST", "/enforcement/cases/import", HANDLE),
    ("GET", "/enforcement/cases/import/template.xlsx", HANDLE),
    ("GET", "/dashboard", READ),
    ("GET", "/dashboard/figures.xlsx", MANAGE),
    ("GET", "/jobs/{id}", Who::Signed),
    ("GET", "/jobs/{id}/file", Who::Signed),
    ("GET", "/enforcement/cases/export.xlsx", READ),
    ("GET", "/enforcement/cases/{id}", READ),
    ("POST", "/enforcement/cases/{id}", HANDLE),
    ("POST", "/enforcement/cases/{id}/file-documents", HANDLE),
    (
        "POST",
        "/enforcement/cases/{id}/file-documents/remove",
        HANDLE,
    ),
    (
        "POST",
        "/enforcement/cases/{id}/file-documents/paper",
        HANDLE,
    ),
    ("GET", "/enforcement/cases/{id}/documents/{file}", READ),
    ("GET", "/enforcement/cases/{id}/disclosure", READ),
    ("POST", "/enforcement/cases/{id}/disclosure", HANDLE),
    ("GET", "/enforcement/publication-limits", PUBLISHED),
    ("POST", "/enforcement/publication-limits", CATALOG),
    ("GET", "/public/decisions", Who::Public),
    ("GET", "/public/decisions/{id}", Who::Public),
    ("GET", "/enforcement/figures", READ),
    ("GET", "/supervision/evaluation", NOTICES),
    (
        "GET",
        "/supervision/evaluation/settings",
        Who::Any(&["case.read", "supervision.manage"]),
    ),
    ("POST", "/supervision/evaluation/settings", MANAGE),
    ("GET", "/supervision/evaluation/settings/new", MANAGE),
    ("GET", "/supervision/notices", NOTICES),
    ("POST", "/supervision/notices", MANAGE),
    ("GET", "/supervision/notices/export.xlsx", NOTICES),
    ("GET", "/supervision/notices/new", MANAGE),
    ("GET", "/supervision/notices/{id}", NOTICES),
    ("POST", "/supervision/notices/{id}", NOTICES),
    ("GET", "/supervision/notices/{id}/notice.docx", NOTICES),
    ("GET", "/supervision/samples", MANAGE),
    ("POST", "/supervision/samples", MANAGE),
    ("GET", "/supervision/samples/new", MANAGE),
    ("GET", "/supervision/samples/{id}", MANAGE),
    ("GET", "/supervision/samples/{id}/cases/{case_id}", MANAGE),
    ("POST", "/supervision/samples/{id}/cases/{case_id}", MANAGE),
    ("GET", "/supervision/bulletins", SUPERVISED),
    ("POST", "/supervision/bulletins", MANAGE),
    ("GET", "/supervision/bulletins/new", MANAGE),
    ("GET", "/supervision/bulletins/{id}", SUPERVISED),
    (
        "GET",
        "/supervision/bulletins/{id}/bulletin.docx",
        SUPERVISED,
    ),
    ("GET", "/supervision/figures", READ),
    ("GET", "/supervision/leads", SUPERVISED),
    ("GET", "/supervision/leads/export.xlsx", READ),
    ("GET", "/supervision/leads/{id}", MANAGE),
    ("POST", "/supervision/leads/{id}", MANAGE),
    ("GET", "/supervision/performance", SUPERVISED),
    (
        "GET",
        "/supervision/transfers",
        Who::Any(&["case.read", "supervision.manage"]),
    ),
    ("POST", "/supervision/transfers", HANDLE),
    ("GET", "/supervision/transfers/new", HANDLE),
    ("GET", "/supervision/transfers/unreferred", READ),
    ("GET", "/supervision/transfers/thresholds", PUBLISHED),
    ("POST", "/supervision/transfers/thresholds", MANAGE),
    (
        "GET",
        "/supervision/transfers/{id}",
        Who::Any(&["case.read", "supervision.manage"]),
    ),
    (
        "POST",
        "/supervision/transfers/{id}",
        Who::Any(&["case.handle", "supervision.manage"]),
    ),
    ("GET", "/supervision/self-inspections", NOTICES),
    ("GET", "/supervision/self-inspections/plan", MANAGE),
    ("POST", "/supervision/self-inspections/plan", MANAGE),
    ("GET", "/supervision/self-inspections/supervisory", MANAGE),
    ("POST", "/supervision/self-inspections/supervisory", MANAGE),
    ("GET", "/supervision/self-inspections/{id}", NOTICES),
    ("POST", "/supervision/self-inspections/{id}", NOTICES),
    (
        "GET",
        "/inspection/certificates",
        Who::Any(&["case.read", "supervision.manage"]),
    ),
    ("POST", "/inspection/certificates", MANAGE),
    (
        "GET",
        "/inspection/inspections",
        Who::Any(&["case.handle", "supervision.manage"]),
    ),
    ("POST", "/inspection/inspections", HANDLE),
    ("GET", "/inspection/inspections/export.xlsx", READ),
    ("GET", "/inspection/inspections/new", HANDLE),
    (
        "GET",
        "/inspection/inspections/{id}",
        Who::Any(&["case.read", "supervision.manage"]),
    ),
    ("GET", "/inspection/disturbance", READ),
    ("GET", "/inspection/beyond-class", READ),
    ("GET", "/inspection/scenarios", PUBLISHED),
    ("GET", "/inspection/scenarios/import", CATALOG),
    ("POST", "/inspection/scenarios/import", CATALOG),
    ("GET", "/inspection/scenarios/export.xlsx", PUBLISHED),
    ("GET", "/public/scenarios", Who::Public),
    ("GET", "/inspection/entities", READ),
    ("GET", "/inspection/entities/import", MANAGE),
    ("POST", "/inspection/entities/import", MANAGE),
    ("GET", "/inspection/entities/export.xlsx", READ),
    ("POST", "/inspection/conflicts", MANAGE),
    ("GET", "/inspection/lists", READ),
    (
        "GET",
        "/inspection/draws",
        Who::Any(&["case.read", "supervision.manage"]),
    ),
    ("POST", "/inspection/draws", MANAGE),
    ("GET", "/inspection/draws/export.xlsx", READ),
    ("GET", "/inspection/draws/new", MANAGE),
    (
        "GET",
        "/inspection/draws/{id}",
        Who::Any(&["case.read", "supervision.manage"]),
    ),
    ("POST", "/inspection/draws/{id}/publish", MANAGE),
    (
        "GET",
        "/inspection/joint-plans",
        Who::Any(&["case.read", "case.handle", "supervision.manage"]),
    ),
    ("POST", "/inspection/joint-plans", MANAGE),
    ("GET", "/inspection/joint-plans/new", MANAGE),
    (
        "GET",
        "/inspection/joint-plans/{id}",
        Who::Any(&["case.read", "case.handle", "supervision.manage"]),
    ),
    ("POST", "/inspection/joint-plans/{id}/publish", MANAGE),
    ("GET", "/inspection/tasks/import", HANDLE),
    ("POST", "/inspection/tasks/import", HANDLE),
    ("GET", "/inspection/tasks/template.xlsx", HANDLE),
    ("GET", "/public/acts/key.txt", Who::Public),
    ("GET", "/public/acts/{code}", Who::Public),
    ("POST", "/public/acts/{code}/feedback", Who::Public),
    ("GET", "/inspection/acts", MANAGE),
    ("GET", "/public/draws", Who::Public),
    ("GET", "/public/documents", Who::Public),
    ("GET", "/public/documents/{id}", Who::Public),
    ("GET", "/normative/documents", REGISTER),
    ("GET", "/normative/documents/export.xlsx", REGISTER),
    ("GET", "/normative/documents/import", KEEP_REGISTER),
    ("POST", "/normative/documents/import", KEEP_REGISTER),
    ("GET", "/normative/documents/template.xlsx", KEEP_REGISTER),
    ("GET", "/normative/documents/{id}", REGISTER),
    ("POST", "/normative/documents/{id}/filing", KEEP_REGISTER),
    ("GET", "/litigations", LITIGATE),
    ("POST", "/litigations", LITIGATE),
    ("GET", "/litigations/new", LITIGATE),
    ("GET", "/litigations/{id}", LITIGATE),
    ("POST", "/litigations/{id}", LITIGATE),
    ("GET", "/reconsiderations", RECONSIDER),
    ("POST", "/reconsiderations", RECONSIDER),
    ("GET", "/reconsiderations/new", RECONSIDER),
    ("GET", "/reconsiderations/{id}", RECONSIDER),
    ("POST", "/reconsiderations/{id}", RECONSIDER),
    ("GET", "/reconsiderations/{id}/decision.docx", RECONSIDER),
    ("GET", "/decisions", REVIEWS),
    ("POST", "/decisions", HANDLE),
    ("GET", "/decisions/new", HANDLE),
    ("GET", "/decisions/{id}", REVIEWS),
    ("POST", "/decisions/{id}", HANDLE),
    ("GET", "/decisions/{id}/comments", REVIEWS),
    ("GET", "/decisions/{id}/comments/{comment}", REVIEWS),
    ("POST", "/decisions/{id}/comments/{comment}", HANDLE),
    ("GET", "/decisions/catalogs", REVIEWS),
    ("GET", "/decisions/catalogs/require", REVIEW_CENTRE),
    ("POST", "/decisions/catalogs/require", REVIEW_CENTRE),
    ("GET", "/decisions/catalogs/{id}", REVIEWS),
    ("POST", "/decisions/catalogs/{id}", REVIEWS),
    ("GET", "/public/consultations", Who::Public),
    ("GET", "/public/consultations/{id}", Who::Public),
    ("POST", "/public/consultations/{id}", Who::Public),
    ("GET", "/disputes", DISPUTES),
    ("POST", "/disputes", DISPUTES),
    ("GET", "/disputes/new", DISPUTES),
    ("GET", "/disputes/figures", DISPUTES),
    ("GET", "/disputes/routing", DISPUTE_RULES),
    ("POST", "/disputes/routing", DISPUTE_RULES),
    ("GET", "/disputes/{id}", DISPUTES),
    ("POST", "/disputes/{id}", DISPUTES),
    ("GET", "/public/identity", Who::Public),
    ("POST", "/public/identity", Who::Public),
    ("POST", "/public/identity/confirm", Who::Public),
    ("GET", "/public/identity/out", Who::Public),
    ("GET", "/public/disputes", Who::Public),
    ("POST", "/public/disputes", Who::Public),
    ("GET", "/public/disputes/new", Who::Public),
    ("GET", "/public/disputes/{id}", Who::Public),
    ("GET", "/contracts", REVIEWS),
    ("POST", "/contracts", HANDLE),
    ("GET", "/contracts/new", HANDLE),
    ("GET", "/contracts/{id}", REVIEWS),
    ("POST", "/contracts/{id}", HANDLE),
    ("GET", "/review/requests", REVIEWS),
    ("POST", "/review/requests", REQUESTERS),
    ("GET", "/review/requests/new", REQUESTERS),
    ("GET", "/review/statistics", REVIEWS),
    ("GET", "/review/procedures", KEEP_REGISTER),
    ("POST", "/review/procedures", KEEP_REGISTER),
    ("GET", "/review/advisers", REVIEWS),
    ("POST", "/review/advisers", KEEP_REGISTER),
    ("GET", "/review/advisers/new", KEEP_REGISTER),
    ("GET", "/review/advisers/{id}", REVIEWS),
    ("POST", "/review/advisers/{id}/conflicts", KEEP_REGISTER),
    ("GET", "/review/requests/{id}", REVIEWS),
    ("POST", "/review/requests/{id}", REVIEWS),
    ("GET", "/review/requests/{id}/opinion.docx", REVIEWS),
    ("GET", "/review/assist", REVIEW_CENTRE),
    ("POST", "/review/assist", REVIEW_CENTRE),
    ("GET", "/normative/cleanups", REVIEW_CENTRE),
    ("POST", "/normative/cleanups", KEEP_REGISTER),
    ("GET", "/normative/cleanups/new", KEEP_REGISTER),
    ("GET", "/normative/cleanups/{id}", REVIEW_CENTRE),
    ("POST", "/normative/cleanups/{id}", KEEP_REGISTER),
    ("GET", "/public/draws/{id}", Who::Public),
    ("GET", "/public/draws/{id}/pool.txt", Who::Public),
    ("GET", "/public/draws/{id}/roster.txt", Who::Public),
    ("GET", "/inspection/figures", READ),
    ("GET", "/enforcement/discretion", PUBLISHED),
    ("GET", "/enforcement/discretion/import", CATALOG),
    ("POST", "/enforcement/discretion/import", CATALOG),
    ("GET", "/enforcement/discretion/export.xlsx", PUBLISHED),
    (
        "GET",
        "/enforcement/templates",
        Who::Any(&["catalog.manage", "case.read", "case.handle"]),
    ),
    ("GET", "/enforcement/document-settings", CATALOG),
    ("POST", "/enforcement/document-settings", CATALOG),
    ("GET", "/enforcement/templates/{code}", CATALOG),
    ("POST", "/enforcement/templates/{code}", CATALOG),
    (
        "GET",
        "/enforcement/templates/{code}/sample.docx",
        Who::Any(&["catalog.manage", "case.read", "case.handle"]),
    ),
    ("GET", "/messages", Who::Signed),
    ("GET", "/messages/read", Who::Signed),
    ("POST", "/messages/read", Who::Signed),
    (
        "GET",
        "/deadlines/{id}",
        Who::Any(&["case.read", "supervision.manage", "supervision.reply"]),
    ),
    (
        "POST",
        "/deadlines/{id}",
        Who::Any(&["case.handle", "supervision.manage"]),
    ),
    ("GET", "/admin/calendar", ORG),
    ("POST", "/admin/calendar", ORG),
    ("GET", "/audit", Who::Any(&["audit.read"])),
    ("GET", "/audit/export.xlsx", Who::Any(&["audit.export"])),
    ("GET", "/healthz", Who::Public),
    ("GET", "/metrics", Who::Public),
    ("GET", "/static/app.css", Who::Public),
    ("GET", "/static/favicon.svg", Who::Public),
    ("GET", "/favicon.ico", Who::Public),
    ("GET", "/api/openapi.json", Who::Public),
    ("GET", "/api/v1/me", Who::Signed),
    ("GET", "/api/v1/regions", Who::Any(&["org.read"])),
    ("POST", "/api/v1/regions", ORG),
    ("GET", "/api/v1/regions/{id}", Who::Any(&["org.read"])),
    ("PUT", "/api/v1/regions/{id}", ORG),
    ("GET", "/api/v1/departments", Who::Any(&["org.read"])),
    ("POST", "/api/v1/departments", ORG),
    ("GET", "/api/v1/departments/{id}", Who::Any(&["org.read"])),
    ("PUT", "/api/v1/departments/{id}", ORG),
    ("GET", "/api/v1/users", Who::Any(&["org.read"])),
    ("GET", "/api/v1/users/{id}", Who::Any(&["org.read"])),
    ("GET", "/api/v1/audit", Who::Any(&["audit.read"])),
    ("GET", "/api/v1/catalog", PUBLISHED),
    ("GET", "/api/v1/catalog/{code}", PUBLISHED),
    ("GET", "/api/v1/cases", READ),
    ("POST", "/api/v1/cases/import", HANDLE),
];

fn allowed(who: Who, role: &str) -> bool {
    match who {
        Who::Public | Who::Signed => true,
        Who::Any(ps) => ps.iter().any(|p| holders(p).contains(&role)),
    }
}

/// A path with its parameters filled with ids that do not exist.
fn missing(path: &str) -> String {
    path.replace("{id}", "987654321")
        .replace("{case_id}", "987654321")
        .replace("{code}", "NOPE-404")
        .replace("{comment}", "987654321")
        .replace("{file}", "filing_approval.docx")
        .replace("{module}", "review")
}

#[test]
fn every_route_of_the_router_is_in_the_matrix() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src");
    let mut routed = BTreeSet::new();
    for file in ["lib.rs", "api/mod.rs"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        for part in text.split(".route(").skip(1) {
            let path = part.trim_start().trim_start_matches('"');
            if let Some(end) = path.find('"') {
                routed.insert(path[..end].to_string());
            }
        }
    }
    routed.remove("/api/{*rest}");
    let listed: BTreeSet<String> = ROUTES.iter().map(|(_, p, _)| p.to_string()).collect();
    let unlisted: Vec<&String> = routed.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "routes without a row in the matrix: {unlisted:?}"
    );
    let gone: Vec<&String> = listed.difference(&routed).collect();
    assert!(gone.is_empty(), "rows for routes that are gone: {gone:?}");
}

async fn send(b: &Browser, method: &str, path: &str, csrf: &str) -> StatusCode {
    let url = b.url(path);
    let request = match method {
        "GET" => b.client.get(url),
        "POST" if path.starts_with("/api/") => b
            .client
            .post(url)
            .header("x-csrf-token", csrf)
            .json(&serde_json::json!({})),
        "PUT" => b
            .client
            .put(url)
            .header("x-csrf-token", csrf)
            .json(&serde_json::json!({})),
        // Uploads: multipart with the token in the action URL, as the pages send them.
        _ if path.ends_with("/import") => b
            .client
            .post(format!("{url}?csrf={csrf}"))
            .multipart(reqwest::multipart::Form::new().text("note", "")),
        _ => b.client.post(url).form(&[("csrf", csrf)]),
    };
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn every_route_answers_every_built_in_role_as_the_matrix_says() {
    for db in backends() {
        let app = spawn_app(db).await;
        // A case of 店口镇 (the town clerk's own), filed by that clerk.
        let (town, case_path) = crate::cases::filed_case(
            &app,
            ["person", "王小明", &resident_id("33068119850315123")],
        )
        .await;
        let case_id: i64 = case_path.rsplit('/').next().unwrap().parse().unwrap();
        let deadline: i64 = sqlx::query_scalar(
            "SELECT id FROM deadlines WHERE subject_type = 'case' AND subject_id = $1 ORDER BY id LIMIT 1",
        )
        .bind(case_id.to_string())
        .fetch_one(app.store.pool())
        .await
        .unwrap();
        let signed = |user: &'static str| {
            let app = &app;
            async move {
                let b = app.browser();
                assert_eq!(
                    b.login(user, PASSWORD).await.status(),
                    StatusCode::SEE_OTHER,
                    "{user}"
                );
                b
            }
        };
        let sys = signed("sysadmin").await;
        let sec = signed("secadmin").await;
        let aud = app.admin("auditadmin").await;
        let sup = signed("case_sup2").await;
        let fq = app.department_id("枫桥镇人民政府").await;
        let zh = app.department_id("诸暨市综合行政执法局").await;
        let (_, dept) = app
            .user_with_role(&sys, &sec, "mx_dept", zh, "department_clerk")
            .await;
        let (_, foreign) = app
            .user_with_role(&sys, &sec, "mx_foreign", fq, "town_clerk")
            .await;
        let browsers = [
            (SYS, &sys),
            (SEC, &sec),
            (AUD, &aud),
            (SUP, &sup),
            (TOWN, &town),
            (DEPT, &dept),
        ];

        let mut wrong = Vec::new();
        for (role, b) in browsers {
            let csrf = b.csrf().await;
            for (method, path, who) in ROUTES {
                // Signing out would end the session the rest of the rows need.
                if *path == "/logout" {
                    continue;
                }
                let url = missing(path);
                let status = send(b, method, &url, &csrf).await;
                let by_id = path.contains('{');
                let ok = match (allowed(*who, role), *method) {
                    (_, _) if status == StatusCode::INTERNAL_SERVER_ERROR => false,
                    (false, _) => {
                        status == StatusCode::FORBIDDEN
                            || (by_id && status == StatusCode::NOT_FOUND)
                    }
                    (true, "GET") if by_id => {
                        status == StatusCode::NOT_FOUND
                            || status == StatusCode::OK
                            || status == StatusCode::UNPROCESSABLE_ENTITY
                    }
                    // A form that needs a query parameter says so (422); the sign-in page sends
                    // a signed-in user home; a list's export starts a job and sends the user
                    // to it.
                    (true, "GET") => {
                        status == StatusCode::OK
                            || status == StatusCode::UNPROCESSABLE_ENTITY
                            || (*path == "/login" && status == StatusCode::SEE_OTHER)
                            || (path.ends_with("export.xlsx") && status == StatusCode::SEE_OTHER)
                    }
                    (true, _) => status != StatusCode::FORBIDDEN,
                };
                if !ok {
                    wrong.push(format!("{role} {method} {url} → {status}"));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{db:?}: {} answers off the matrix:\n{}",
            wrong.len(),
            wrong.join("\n")
        );

        // Every item of each role's menu opens for that role (a menu never leads to 403).
        for (role, b) in browsers {
            let home = b.text("/").await;
            let nav = home
                .split("aria-label=\"功能导航\"")
                .nth(1)
                .and_then(|rest| rest.split("</nav>").next())
                .unwrap_or("");
            for href in nav
                .split("<a href=\"")
                .skip(1)
                .filter_map(|rest| rest.split('"').next())
            {
                let status = b.get(href).await.status();
                assert_eq!(status, StatusCode::OK, "{db:?}: {role}'s menu item {href}");
            }
        }

        // Own and foreign records: the town's case and its deadline.
        for (path, readers) in [
            (format!("/enforcement/cases/{case_id}"), &[SUP, TOWN][..]),
            (
                format!("/enforcement/cases/{case_id}/disclosure"),
                &[SUP, TOWN][..],
            ),
            (format!("/deadlines/{deadline}"), &[SUP, TOWN][..]),
            (
                format!("/enforcement/cases/{case_id}/documents/filing_approval.docx"),
                &[SUP, TOWN][..],
            ),
        ] {
            for (role, b) in browsers {
                let status = b.get(&path).await.status();
                let expected: &[StatusCode] = if readers.contains(&role) {
                    &[StatusCode::OK]
                } else if role == DEPT {
                    // A clerk of another department holds the permission but not the scope.
                    &[StatusCode::NOT_FOUND]
                } else {
                    &[StatusCode::FORBIDDEN]
                };
                assert!(
                    expected.contains(&status),
                    "{db:?}: {role} GET {path} → {status}"
                );
            }
            let status = foreign.get(&path).await.status();
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{db:?}: another town's clerk GET {path}"
            );
        }
        // The file's documents print the party's ID whole for who handles the case, masked for
        // the supervisor who reads it.
        let id = resident_id("33068119850315123");
        let docx = format!("/enforcement/cases/{case_id}/documents/filing_approval.docx");
        let clerk_sees = document_xml(&town.get(&docx).await.bytes().await.unwrap());
        let supervisor_sees = document_xml(&sup.get(&docx).await.bytes().await.unwrap());
        assert!(clerk_sees.contains(&id), "{clerk_sees}");
        assert!(
            !supervisor_sees.contains(&id) && supervisor_sees.contains(&id[..6]),
            "{supervisor_sees}"
        );
    }
}
