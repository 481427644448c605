//! The JSON API under `/api/v1`, for system integration (API tokens) and scripts. Errors are
//! JSON with a stable code and a Chinese message. The OpenAPI document is at `/api/openapi.json`.

mod openapi;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use fazhi_core::audit;
use fazhi_core::org::{self, service};
use fazhi_store::page::Keyset;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;
use crate::error::ApiError;
use crate::pages::audit::AuditQuery;
use crate::session::ApiActor;

pub use openapi::document;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/regions", get(regions).post(create_region))
        .route("/api/v1/regions/{id}", get(region).put(update_region))
        .route(
            "/api/v1/departments",
            get(departments).post(create_department),
        )
        .route(
            "/api/v1/departments/{id}",
            get(department).put(update_department),
        )
        .route("/api/v1/users", get(users))
        .route("/api/v1/users/{id}", get(user))
        .route("/api/v1/audit", get(audit_log))
        .route("/api/v1/catalog", get(catalog))
        .route("/api/v1/catalog/{code}", get(catalog_item))
        .route("/api/v1/cases", get(cases))
        .route("/api/v1/cases/import", axum::routing::post(import_cases))
        .route("/api/openapi.json", get(openapi))
        .route("/api/{*rest}", axum::routing::any(not_found))
}

/// The OpenAPI document, for whom `OpsAccess` lets read it.
async fn openapi(State(st): State<AppState>, req: Request) -> Response {
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    if st.config.ops.allows(peer, req.headers()) {
        Json(document()).into_response()
    } else {
        ApiError::Domain(fazhi_core::Error::NotFound).into_response()
    }
}

async fn not_found() -> ApiError {
    ApiError::Domain(fazhi_core::Error::NotFound)
}

/// The fields of a JSON body, read after the caller's permission is checked: someone who may
/// not act learns nothing from how their input would have been judged.
fn fields<T: DeserializeOwned>(body: serde_json::Value) -> Result<T, ApiError> {
    serde_json::from_value(body).map_err(|e| {
        ApiError::Domain(fazhi_core::Error::invalid(
            "body",
            format!("字段缺失或类型不符：{e}"),
        ))
    })
}

/// A JSON body whose malformed or mistyped content is answered with a clear JSON error.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::BadRequest(
                "请求须带 Content-Type: application/json。".into(),
            )),
            Err(JsonRejection::JsonSyntaxError(_)) => {
                Err(ApiError::BadRequest("请求体不是合法的 JSON。".into()))
            }
            Err(JsonRejection::JsonDataError(e)) => {
                Err(ApiError::Domain(fazhi_core::Error::invalid(
                    "body",
                    format!("字段缺失或类型不符：{}", e.body_text()),
                )))
            }
            Err(e) => Err(ApiError::BadRequest(e.body_text())),
        }
    }
}

/// A record id in the path; anything but a number is a record that does not exist.
pub struct ApiId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for ApiId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::Domain(fazhi_core::Error::NotFound))?;
        raw.parse()
            .map(ApiId)
            .map_err(|_| ApiError::Domain(fazhi_core::Error::NotFound))
    }
}

#[derive(Serialize)]
struct Items<T> {
    items: Vec<T>,
    next: Option<i64>,
}

async fn me(ApiActor(a): ApiActor) -> Json<serde_json::Value> {
    Json(json!({
        "user_id": a.user_id,
        "token_id": a.token_id,
        "name": a.name,
        "display_name": a.display_name,
        "admin_kind": a.admin_kind.map(|k| k.code()),
        "data_scope": a.scope.kind.code(),
        "permissions": a.permissions.iter().map(|p| p.code()).collect::<Vec<_>>(),
    }))
}

async fn regions(State(st): State<AppState>, ApiActor(a): ApiActor) -> Result<Response, ApiError> {
    let items = service::regions(&st.store, &a).await?;
    Ok(Json(Items { items, next: None }).into_response())
}

async fn region(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    ApiId(id): ApiId,
) -> Result<Response, ApiError> {
    Ok(Json(service::region(&st.store, &a, id).await?).into_response())
}

async fn create_region(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    a.require(fazhi_core::access::Permission::OrgManage)?;
    let input: org::RegionInput = fields(body)?;
    let r = service::create_region(&st.store, &a, &input).await?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

#[derive(Deserialize)]
struct Versioned<T> {
    version: i64,
    #[serde(flatten)]
    input: T,
}

async fn update_region(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    a.require(fazhi_core::access::Permission::OrgManage)?;
    let body: Versioned<org::RegionInput> = fields(body)?;
    Ok(
        Json(service::update_region(&st.store, &a, id, body.version, &body.input).await?)
            .into_response(),
    )
}

async fn departments(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
) -> Result<Response, ApiError> {
    let items = service::departments(&st.store, &a).await?;
    Ok(Json(Items { items, next: None }).into_response())
}

async fn department(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    ApiId(id): ApiId,
) -> Result<Response, ApiError> {
    Ok(Json(service::department(&st.store, &a, id).await?).into_response())
}

async fn create_department(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    a.require(fazhi_core::access::Permission::OrgManage)?;
    let input: org::DepartmentInput = fields(body)?;
    let d = service::create_department(&st.store, &a, &input).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

async fn update_department(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    ApiId(id): ApiId,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Response, ApiError> {
    a.require(fazhi_core::access::Permission::OrgManage)?;
    let body: Versioned<org::DepartmentInput> = fields(body)?;
    Ok(
        Json(service::update_department(&st.store, &a, id, body.version, &body.input).await?)
            .into_response(),
    )
}

#[derive(Deserialize)]
struct UsersQuery {
    q: Option<String>,
    department_id: Option<i64>,
    mobile: Option<String>,
    after: Option<i64>,
    limit: Option<i64>,
}

async fn users(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    q: Result<Query<UsersQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) =
        q.map_err(|e| ApiError::BadRequest(format!("查询参数错误：{}", e.body_text())))?;
    let filter = org::UserFilter {
        q: q.q,
        department_id: q.department_id,
        mobile: q.mobile,
    };
    let page = service::users(
        &st.store,
        &a,
        &st.keyring,
        &filter,
        Keyset::new(q.after, q.limit),
    )
    .await?;
    Ok(Json(page).into_response())
}

async fn user(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    ApiId(id): ApiId,
) -> Result<Response, ApiError> {
    Ok(Json(service::user(&st.store, &a, id).await?).into_response())
}

async fn audit_log(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) =
        q.map_err(|e| ApiError::BadRequest(format!("查询参数错误：{}", e.body_text())))?;
    let filter = q.filter()?;
    let page = audit::search(&st.store, &a, &filter, Keyset::new(q.after, q.limit)).await?;
    Ok(Json(page).into_response())
}

#[derive(Deserialize)]
struct CatalogApiQuery {
    list: Option<String>,
    department_id: Option<i64>,
    town_id: Option<i64>,
    q: Option<String>,
    on: Option<String>,
    after: Option<String>,
}

fn catalog_day(on: Option<&str>) -> Result<chrono::NaiveDate, ApiError> {
    match on.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(fazhi_core::deadlines::china_today()),
        Some(s) => fazhi_kernel::date::parse(s).ok_or_else(|| {
            ApiError::Domain(fazhi_core::Error::invalid(
                "on",
                format!("日期“{s}”格式应为 YYYY-MM-DD。"),
            ))
        }),
    }
}

/// The catalog in force on a day (public reference data: any authenticated caller).
async fn catalog(
    State(st): State<AppState>,
    ApiActor(_): ApiActor,
    q: Result<Query<CatalogApiQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    use fazhi_core::enforcement::catalog::{CatalogKind, repo::CatalogFilter, service};
    let Query(q) =
        q.map_err(|e| ApiError::BadRequest(format!("查询参数错误：{}", e.body_text())))?;
    let list = match q.list.as_deref().filter(|l| !l.is_empty()) {
        Some(l) => Some(CatalogKind::parse(l).ok_or_else(|| {
            ApiError::Domain(fazhi_core::Error::invalid(
                "list",
                "清单应为 master、comprehensive、professional 或 town。",
            ))
        })?),
        None => None,
    };
    let filter = CatalogFilter {
        list,
        department_id: q.department_id,
        town_id: q.town_id,
        q: q.q,
    };
    let on = catalog_day(q.on.as_deref())?;
    let (items, next) = service::list(&st.store, &filter, on, q.after.as_deref()).await?;
    Ok(Json(json!({ "on": on.to_string(), "items": items, "next": next })).into_response())
}

async fn catalog_item(
    State(st): State<AppState>,
    ApiActor(_): ApiActor,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let on = fazhi_core::deadlines::china_today();
    let (versions, current, delegations) =
        fazhi_core::enforcement::catalog::service::item(&st.store, &code, on).await?;
    Ok(
        Json(json!({ "versions": versions, "current": current, "delegations": delegations }))
            .into_response(),
    )
}

#[derive(Deserialize)]
struct CasesQuery {
    region_id: Option<i64>,
    item_code: Option<String>,
    stage: Option<String>,
    procedure: Option<String>,
    filed_from: Option<String>,
    filed_until: Option<String>,
    #[serde(default)]
    delegated: bool,
    filing_town: Option<i64>,
    finding: Option<String>,
    /// Words in the decision number, cause or a party's name.
    q: Option<String>,
    department_id: Option<i64>,
    /// excellent | pass | fail | none
    grade: Option<String>,
    after: Option<i64>,
    before: Option<i64>,
    limit: Option<i64>,
}

async fn cases(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    q: Result<Query<CasesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    use fazhi_core::enforcement::cases::{self, CaseFilter};
    let Query(q) =
        q.map_err(|e| ApiError::BadRequest(format!("查询参数错误：{}", e.body_text())))?;
    let filter = CaseFilter {
        region_id: q.region_id,
        item_code: q.item_code,
        stage: q.stage,
        procedure: q.procedure,
        filed_from: q.filed_from,
        filed_until: q.filed_until,
        delegated: q.delegated,
        filing_town: q.filing_town,
        finding: q.finding,
        text: q.q,
        department_id: q.department_id,
        grade: q.grade,
    };
    let page = cases::list(
        &st.store,
        &a,
        &filter,
        fazhi_store::page::Keyset::new(q.after, q.limit)
            .back(q.before)
            .into(),
    )
    .await?
    .ids();
    Ok(Json(page).into_response())
}

/// The longest line accepted: a case record is a few kilobytes.
const MAX_LINE: usize = 1 << 20;
/// The largest import body (about 200,000 cases); `fazhi import cases` takes more.
pub const IMPORT_LIMIT: usize = 512 << 20;
/// How long the client may send nothing before the import is dropped.
const IDLE: std::time::Duration = std::time::Duration::from_secs(30);

/// Cases from another system as JSON Lines. The body is first written to an anonymous temporary
/// file (removed when closed) and its lines' lengths checked; only then does the import take the
/// database's write transaction, so a client that sends slowly holds up nobody else.
async fn import_cases(
    State(st): State<AppState>,
    ApiActor(a): ApiActor,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    a.require(fazhi_core::access::Permission::CaseHandle)?;
    let file = spool(body).await?;
    let report = fazhi_core::enforcement::ingest::json_lines(
        &st.store,
        &a,
        &st.keyring,
        tokio::io::BufReader::new(file),
        &|_| {},
    )
    .await?;
    Ok(Json(report).into_response())
}

/// The request body in a temporary file, rewound; refused past `IMPORT_LIMIT`, a line over
/// `MAX_LINE`, or `IDLE` without data.
async fn spool(mut body: axum::body::Body) -> Result<tokio::fs::File, ApiError> {
    use http_body_util::BodyExt;
    use tokio::io::{AsyncSeekExt, AsyncWriteExt};
    let internal = |e: std::io::Error| {
        ApiError::Domain(fazhi_core::Error::Store(fazhi_store::StoreError::Task(
            format!("temporary file: {e}"),
        )))
    };
    let mut file = tokio::fs::File::from_std(tempfile::tempfile().map_err(internal)?);
    let (mut total, mut line, mut line_len) = (0usize, 1usize, 0usize);
    loop {
        let frame = match tokio::time::timeout(IDLE, body.frame()).await {
            Err(_) => {
                return Err(ApiError::BadRequest(format!(
                    "请求体 {} 秒内没有新的数据，导入已放弃，未写入任何记录。",
                    IDLE.as_secs()
                )));
            }
            Ok(Some(Ok(f))) => f,
            Ok(Some(Err(e))) => return Err(ApiError::BadRequest(format!("读取请求体失败：{e}"))),
            Ok(None) => break,
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total += data.len();
        if total > IMPORT_LIMIT {
            return Err(ApiError::TooLarge(format!(
                "请求体超过 {} MB，请分批导入或使用 fazhi import cases。",
                IMPORT_LIMIT >> 20
            )));
        }
        for chunk in data.split_inclusive(|b| *b == b'\n') {
            line_len += chunk.len();
            if line_len > MAX_LINE {
                return Err(ApiError::BadRequest(format!(
                    "第 {line} 行超过 1 MB，不是一件案件记录。"
                )));
            }
            if chunk.ends_with(b"\n") {
                line += 1;
                line_len = 0;
            }
        }
        file.write_all(&data).await.map_err(internal)?;
    }
    file.flush().await.map_err(internal)?;
    file.rewind().await.map_err(internal)?;
    Ok(file)
}
