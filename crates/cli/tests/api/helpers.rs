//! One `spawn_app` for every integration test: a fresh database (a new SQLite directory, or a
//! new schema in the PostgreSQL of `FAZHI_TEST_PG`), migrated and seeded with the demo
//! organisation, served on a random port.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use fazhi_store::Store;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};

#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// SQLite always; PostgreSQL too when FAZHI_TEST_PG holds a URL.
pub fn backends() -> Vec<Db> {
    let mut v = vec![Db::Sqlite];
    if std::env::var("FAZHI_TEST_PG").is_ok_and(|u| !u.is_empty()) {
        v.push(Db::Postgres);
    }
    v
}

pub const PASSWORD: &str = "Zhuji#Fazhi2024";

pub struct TestApp {
    pub base: String,
    pub store: Store,
    /// The database as the CLI takes it: `--data-dir` or `--database-url`.
    pub cli_db: Vec<String>,
    pub db: Db,
    pub one_time: HashMap<String, String>,
    /// The personal-data keys the app runs with, as the CLI takes them from the environment.
    pub data_keys: String,
    pub index_key: String,
    _data_dir: Option<TempDir>,
}

pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{:x}",
        std::process::id(),
        rand::random::<u64>()
    )
}

pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_with(db, Duration::from_secs(1800)).await
}

pub async fn spawn_app_with(db: Db, idle_timeout: Duration) -> TestApp {
    spawn_app_ops(db, idle_timeout, fazhi_web::OpsAccess::Open).await
}

/// With who may read /metrics and /api/openapi.json.
pub async fn spawn_app_ops(db: Db, idle_timeout: Duration, ops: fazhi_web::OpsAccess) -> TestApp {
    let (store, cli_db, dir) = match db {
        Db::Sqlite => {
            let dir = std::env::temp_dir().join(unique("fazhi_test"));
            let store = Store::open_data_dir(&dir).await.expect("open sqlite");
            let cli = vec!["--data-dir".to_string(), dir.display().to_string()];
            (store, cli, Some(TempDir(dir)))
        }
        Db::Postgres => {
            let base = std::env::var("FAZHI_TEST_PG").expect("FAZHI_TEST_PG");
            let schema = unique("t");
            let admin = Store::connect(&base).await.expect("connect postgres");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(admin.pool())
                .await
                .expect("create schema");
            admin.close().await;
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options[search_path]={schema}");
            let store = Store::connect(&url).await.expect("connect schema");
            (store, vec!["--database-url".to_string(), url], None)
        }
    };
    let creds = fazhi::prepare(&store, true)
        .await
        .expect("prepare")
        .expect("seeded");
    let one_time = creds
        .into_iter()
        .map(|c| (c.username, c.one_time_password))
        .collect();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (data_keys, index_key) = fazhi_core::vault::Keyring::generate();
    let keyring = fazhi_core::vault::Keyring::parse(&data_keys, None, &index_key).expect("keys");
    let state = fazhi_web::AppState::new(
        store.clone(),
        fazhi_web::WebConfig {
            idle_timeout,
            secure_cookies: false,
            ops,
            trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
            long_job_wait: Duration::ZERO,
        },
        keyring,
        fazhi_search::Library::in_memory().expect("index"),
    );
    tokio::spawn(fazhi_web::serve(listener, state, std::future::pending()));
    TestApp {
        base,
        store,
        cli_db,
        db,
        one_time,
        data_keys,
        index_key,
        _data_dir: dir,
    }
}

/// A browser: its own cookie jar, redirects not followed so tests can see them.
pub struct Browser {
    pub client: Client,
    pub base: String,
}

pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    html.find(marker)
        .map(|i| {
            html[i + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default()
}

impl TestApp {
    pub fn browser(&self) -> Browser {
        Browser {
            client: Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .expect("client"),
            base: self.base.clone(),
        }
    }

    /// Signs in with the one-time password and sets `PASSWORD`.
    pub async fn admin(&self, username: &str) -> Browser {
        let b = self.browser();
        let otp = self.one_time[username].clone();
        let r = b.login(username, &otp).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign in {username}");
        b.change_password(&otp, PASSWORD).await;
        b
    }

    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"));
        cmd.args(args)
            .args(&self.cli_db)
            .env_remove("FAZHI_DATABASE_URL")
            .env_remove("FAZHI_DATA_DIR")
            .env("FAZHI_DATA_KEYS", &self.data_keys)
            .env("FAZHI_INDEX_KEY", &self.index_key);
        cmd.output().expect("run fazhi")
    }

    /// Runs the CLI with standard input and no database arguments.
    pub fn cli_stdin(args: &[&str], input: &str) -> std::process::Output {
        use std::io::Write;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fazhi"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn fazhi");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write");
        child.wait_with_output().expect("run fazhi")
    }

    pub async fn count(&self, sql: &'static str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.store.pool())
            .await
            .expect("count")
    }

    /// Creates a user through the system administrator's form, grants a role through the
    /// security administrator's form, and returns a browser signed in as that user.
    pub async fn user_with_role(
        &self,
        sys: &Browser,
        sec: &Browser,
        username: &str,
        department_id: i64,
        role_code: &str,
    ) -> (i64, Browser) {
        let page = sys.text("/org/users/new").await;
        let r = sys
            .post(
                "/org/users",
                &[
                    ("csrf", csrf_of(&page)),
                    ("username", username.into()),
                    ("display_name", format!("测试{username}")),
                    ("department_id", department_id.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let html = r.text().await.expect("body");
        let otp: String = html
            .split("<code>")
            .nth(1)
            .and_then(|s| s.split("</code>").next())
            .expect("one-time password shown")
            .to_string();
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(self.store.pool())
            .await
            .expect("user id");
        let role: i64 = sqlx::query_scalar("SELECT id FROM roles WHERE code = $1")
            .bind(role_code)
            .fetch_one(self.store.pool())
            .await
            .expect("role id");
        let page = sec.text(&format!("/org/users/{id}/roles")).await;
        let r = sec
            .post(
                &format!("/org/users/{id}/roles"),
                &[("csrf", csrf_of(&page)), ("role", role.to_string())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "grant role");
        let b = self.browser();
        assert_eq!(
            b.login(username, &otp).await.status(),
            StatusCode::SEE_OTHER
        );
        b.change_password(&otp, PASSWORD).await;
        (id, b)
    }

    pub async fn department_id(&self, name: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM departments WHERE name = $1")
            .bind(name)
            .fetch_one(self.store.pool())
            .await
            .expect("department")
    }
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    pub async fn post(&self, path: &str, form: &[(&str, String)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("POST")
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        let page = self.text("/login").await;
        self.post(
            "/login",
            &[
                ("csrf", csrf_of(&page)),
                ("username", username.into()),
                ("password", password.into()),
            ],
        )
        .await
    }

    pub async fn change_password(&self, current: &str, new: &str) {
        let page = self.text("/account/password").await;
        let r = self
            .post(
                "/account/password",
                &[
                    ("csrf", csrf_of(&page)),
                    ("current", current.into()),
                    ("new", new.into()),
                    ("confirm", new.into()),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK, "change password");
    }

    /// The CSRF token of the signed-in session, for API writes from the browser session.
    pub async fn csrf(&self) -> String {
        csrf_of(&self.text("/").await)
    }
}

/// A workbook with `headers` and `rows`, as people fill the templates.
pub fn xlsx(headers: &[&str], rows: &[Vec<&str>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in (0u16..).zip(headers) {
        sheet.write_string(0, c, *h).expect("header");
    }
    for (r, row) in (1u32..).zip(rows) {
        for (c, v) in (0u16..).zip(row) {
            sheet.write_string(r, c, *v).expect("cell");
        }
    }
    book.save_to_buffer().expect("workbook")
}

/// Uploads `bytes` as the file of the import form at `path`, the way the browser does.
pub async fn upload_to(b: &Browser, path: &str, bytes: Vec<u8>) -> (reqwest::StatusCode, String) {
    let r = upload_response(b, path, bytes).await;
    let status = r.status();
    (status, r.text().await.expect("body"))
}

async fn upload_response(b: &Browser, path: &str, bytes: Vec<u8>) -> reqwest::Response {
    let page = b.text(path).await;
    let marker = "?csrf=";
    let csrf: String = page
        .find(marker)
        .map(|i| {
            page[i + marker.len()..]
                .chars()
                .take_while(|c| *c != '"')
                .collect()
        })
        .unwrap_or_default();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("upload.xlsx"),
    );
    b.client
        .post(b.url(&format!("{path}?csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

/// An upload whose import runs as a long job: the job's page once done (its report), or the
/// form refusing the file at once (not a job).
pub async fn import_job(b: &Browser, path: &str, bytes: Vec<u8>) -> (reqwest::StatusCode, String) {
    let r = upload_response(b, path, bytes).await;
    if r.status() != reqwest::StatusCode::SEE_OTHER {
        let status = r.status();
        return (status, r.text().await.expect("body"));
    }
    let job = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("a job page")
        .to_string();
    assert!(job.starts_with("/jobs/"), "{job}");
    (reqwest::StatusCode::OK, finished_job(b, &job).await)
}

/// A long job's page once the job is done, having shown its progress while it ran.
pub async fn finished_job(b: &Browser, job: &str) -> String {
    for _ in 0..300 {
        let page = b.text(job).await;
        assert!(page.contains("已处理"), "{page}");
        if !page.contains("正在处理") {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{job} did not finish");
}

/// The body of a .docx: its word/document.xml.
pub fn document_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("docx is a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("word/document.xml").expect("document.xml"),
        &mut xml,
    )
    .expect("read");
    xml
}

/// Posts a form to `path` with the CSRF token of the page at `page_path`.
pub async fn submit(
    b: &Browser,
    page_path: &str,
    path: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    let page = b.text(page_path).await;
    let mut f: Vec<(&str, String)> = vec![("csrf", csrf_of(&page))];
    f.extend(form.iter().cloned());
    b.post(path, &f).await
}

/// One step on a workflow record's page at `path`: the form posted back to it with the page's
/// CSRF token and the version the page shows. Returns the status and the body.
pub async fn versioned_step(
    b: &Browser,
    path: &str,
    form: &[(&str, String)],
) -> (StatusCode, String) {
    let page = b.text(path).await;
    let version = page
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("0")
        .to_string();
    let mut all = vec![("csrf", csrf_of(&page)), ("version", version)];
    all.extend(form.iter().cloned());
    let r = b.post(path, &all).await;
    let status = r.status();
    (status, r.text().await.expect("body"))
}

/// A legality review of `kind` sent by `clerk` (for `case`, a penalty case's legal review).
/// Returns the review's id.
pub async fn submit_review(clerk: &Browser, kind: &str, title: &str, case: Option<i64>) -> i64 {
    let page = clerk.text("/review/requests/new").await;
    let mut form = vec![
        ("csrf", csrf_of(&page)),
        ("kind", kind.to_string()),
        ("title", title.to_string()),
        ("draft", "第一条 送审内容。".to_string()),
    ];
    if let Some(c) = case {
        form.push(("case_id", c.to_string()));
    }
    let r = clerk.post("/review/requests", &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "submit {kind}");
    created_id(&r)
}

/// Review `review`: `clerk` provides the `materials` its submission stage requires; `reviewer`
/// (id `reviewer_id`) accepts it, names themselves and signs it lawful.
pub async fn conclude_submitted(
    clerk: &Browser,
    reviewer: &Browser,
    reviewer_id: i64,
    review: i64,
    materials: &[&str],
) {
    let path = format!("/review/requests/{review}");
    let provide = |material: &str, note: &str| {
        vec![
            ("action", "provide".to_string()),
            ("material", material.to_string()),
            ("note", note.to_string()),
        ]
    };
    let mut steps: Vec<(&Browser, Vec<(&str, String)>)> = materials
        .iter()
        .map(|m| (clerk, provide(m, "已提供")))
        .collect();
    steps.extend([
        (clerk, vec![("action", "advance".to_string())]),
        (reviewer, provide("complete", "齐全")),
        (reviewer, vec![("action", "advance".to_string())]),
        (
            reviewer,
            vec![
                ("action", "assign".to_string()),
                ("reviewer_id", reviewer_id.to_string()),
                ("no_conflict", "1".into()),
            ],
        ),
        (reviewer, provide("worksheet", "底稿")),
        (reviewer, vec![("action", "advance".to_string())]),
        (
            reviewer,
            vec![
                ("action", "opinion".to_string()),
                ("conclusion", "lawful".into()),
                ("opinion", "经审查，合法。".into()),
            ],
        ),
    ]);
    for (who, form) in steps {
        let (status, body) = versioned_step(who, &path, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{form:?}: {body}");
    }
}

/// `submit_review` and `conclude_submitted` in one. Returns the review's id.
pub async fn conclude_review(
    clerk: &Browser,
    reviewer: &Browser,
    reviewer_id: i64,
    kind: &str,
    title: &str,
    materials: &[&str],
) -> i64 {
    let review = submit_review(clerk, kind, title, None).await;
    conclude_submitted(clerk, reviewer, reviewer_id, review, materials).await;
    review
}

/// The id a redirect after a create points at (`…/{id}`).
pub fn created_id(r: &reqwest::Response) -> i64 {
    r.headers()["location"]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// `fazhi generate cases --count N --seed S` written to a file of this test run: (path, text).
pub fn generated_cases(tag: &str, count: usize, seed: u64) -> (String, String) {
    let dir = std::env::temp_dir().join(format!("fazhi-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = TestApp::cli_stdin(
        &[
            "generate",
            "cases",
            "--count",
            &count.to_string(),
            "--seed",
            &seed.to_string(),
        ],
        "",
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let path = dir.join("cases.jsonl");
    std::fs::write(&path, &text).unwrap();
    (path.display().to_string(), text)
}

/// A fresh app with the demo catalog and the cases of `file` imported, evaluated when asked.
pub async fn app_with_cases(db: Db, file: &str, evaluate: bool) -> TestApp {
    let app = spawn_app(db).await;
    fazhi_core::demo::seed_catalog_if_empty(&app.store)
        .await
        .unwrap();
    let imported = app.cli(&["import", "cases", file, "--json"]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    if evaluate {
        let evaluated = app.cli(&["evaluate", "--json"]);
        assert!(
            evaluated.status.success(),
            "{}",
            String::from_utf8_lossy(&evaluated.stderr)
        );
    }
    app
}

/// Registers, as supervisor `sup`, an enforcement certificate numbered `number` for `user`,
/// valid from 2020 to 2099.
pub async fn certify(sup: &Browser, user: i64, number: &str) {
    let r = submit(
        sup,
        "/inspection/certificates",
        "/inspection/certificates",
        &[
            ("user_id", user.to_string()),
            ("number", number.to_string()),
            ("valid_from", "2020-01-01".into()),
            ("valid_until", "2099-12-31".into()),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "certificate {number}");
}

/// A valid USCC of a Zhuji company numbered `n` (organisation code `n` in eight digits).
pub fn company_uscc(n: usize) -> String {
    use fazhi_kernel::ids::uscc;
    let body = format!("{n:08}");
    let org = format!("{body}{}", uscc::org_check_character(&body).unwrap());
    let first17 = format!("91330681{org}");
    format!("{first17}{}", uscc::check_character(&first17).unwrap())
}

/// Creates, as the security administrator `sec`, the role `town_supervisor`: supervision with
/// a region data scope (one town's supervisor).
pub async fn town_supervisor_role(sec: &Browser) {
    let page = sec.text("/admin/roles/new").await;
    let r = sec
        .post(
            "/admin/roles",
            &[
                ("csrf", csrf_of(&page)),
                ("code", "town_supervisor".into()),
                ("name", "镇街监督员".into()),
                ("description", String::new()),
                ("data_scope", "region".into()),
                ("permissions", "supervision.manage".into()),
                ("permissions", "case.read".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

/// Posts the same form `n` times at once from one browser (the workflow race tests): the
/// statuses, in the order the requests were made.
pub async fn concurrently(
    b: &Browser,
    path: &str,
    form: &[(&str, String)],
    n: usize,
) -> Vec<StatusCode> {
    let form: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let mut sent = Vec::new();
    for _ in 0..n {
        let (client, url, form) = (b.client.clone(), b.url(path), form.clone());
        sent.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&form)
                .send()
                .await
                .expect("post")
                .status()
        }));
    }
    let mut statuses = Vec::new();
    for s in sent {
        statuses.push(s.await.expect("request task"));
    }
    statuses
}

/// Exactly one of `statuses` went through (303) and every other was told the record moved on
/// (409).
pub fn one_through_rest_conflict(statuses: &[StatusCode]) {
    let through = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let conflict = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((through, conflict), (1, statuses.len() - 1), "{statuses:?}");
}

/// A valid resident ID number from its first 17 characters (the check character computed).
pub fn resident_id(first17: &str) -> String {
    format!(
        "{first17}{}",
        fazhi_kernel::ids::resident_id::check_character(first17.as_bytes()).expect("17 digits")
    )
}

/// An export as a user gets it: the list's export link starts a long job and sends the user to
/// its page (the tests' servers never wait for the job); the page shows the rows done until
/// the file is there. Returns the job's page when done and the file.
pub async fn exported(b: &Browser, path: &str) -> (String, Vec<u8>) {
    let r = b.get(path).await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "{path}");
    let job = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("a job page")
        .to_string();
    assert!(job.starts_with("/jobs/"), "{job}");
    let page = finished_job(b, &job).await;
    assert!(page.contains("导出完成"), "{page}");
    let file = b.get(&format!("{job}/file")).await;
    assert_eq!(file.status(), reqwest::StatusCode::OK);
    (page, file.bytes().await.expect("bytes").to_vec())
}

/// The rows of a workbook's sheet, as text.
pub fn sheet_rows(bytes: &[u8], sheet: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).expect("xlsx");
    book.worksheet_range(sheet)
        .expect("sheet")
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}
