//! Legality review (合法性审查): requests (`LegalityReview`) from the units to the review
//! centre, each moving through its kind's configured procedure (`procedure`, `procedures.toml`)
//! on the case's workflow pattern — `transition` (pure: the open steps, the next first, and the
//! change a step makes), `repo` (load in scope, write with a versioned update, the reviewer's
//! limit on the deadline engine) and `apply` here —, ending in a signed opinion (.docx); and
//! the assisted review of a draft (`assist`, `check_draft`).

pub mod advisers;
pub mod assist;
pub mod procedure;
mod repo;
pub mod transition;

pub use transition::{Action, Conclusion, LegalityReview, State, Step, allowed_steps};

use chrono::NaiveDate;
use fazhi_store::Store;
use serde::Serialize;

use crate::normative::library;
use crate::{Actor, Error, Permission, Result};

use assist::{Article, Citation, CitationFinding, Flag};

/// Longest draft accepted, in characters.
pub const DRAFT_MAX: usize = 100_000;

/// The assisted review of one draft.
#[derive(Clone, Debug, Serialize)]
pub struct Assisted {
    pub articles: Vec<Article>,
    pub flags: Vec<Flag>,
    pub citations: Vec<Citation>,
    /// Documents of the register like the draft (by its title's words).
    pub similar: Vec<fazhi_search::Hit>,
    pub opinion: String,
}

/// Splits, flags and checks a draft as of `day`; citations are looked up among the laws fazhi
/// knows and the register; similar documents come from the library.
pub async fn check_draft(
    store: &Store,
    lib: &fazhi_search::Library,
    actor: &Actor,
    title: &str,
    text: &str,
    day: NaiveDate,
) -> Result<Assisted> {
    actor.require_any(&[Permission::NormativeManage, Permission::SupervisionManage])?;
    let mut refusals = crate::Refusals::default();
    if title.trim().is_empty() {
        refusals.push(Error::invalid("title", "请填写草案标题。"));
    }
    if text.trim().is_empty() {
        refusals.push(Error::invalid("text", "请粘贴草案全文。"));
    } else if text.chars().count() > DRAFT_MAX {
        refusals.push(Error::invalid(
            "text",
            format!("草案全文不超过 {DRAFT_MAX} 字。"),
        ));
    }
    refusals.finish()?;
    let flags = assist::flags(text);
    let mut citations = Vec::new();
    let mut conn = store.conn().await?;
    for t in assist::cited(text) {
        let finding = match assist::law_finding(&t, day) {
            Some(f) => f,
            None => {
                let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
                    "SELECT id, number, status, effective_on, expires_on FROM normative_documents WHERE title = $1 ORDER BY issued_on DESC LIMIT 1",
                )
                .bind(&t)
                .fetch_optional(&mut *conn)
                .await?;
                match row {
                    Some((id, number, status, effective_on, expires_on)) => {
                        let s = crate::normative::Status::parse(&status);
                        let day_text = day.to_string();
                        CitationFinding::Register {
                            id,
                            number,
                            status: s.map_or(status.clone(), |s| s.label_zh().to_string()),
                            applies: s.is_some_and(crate::normative::Status::applies)
                                && effective_on <= day_text
                                && day_text <= expires_on,
                        }
                    }
                    None => CitationFinding::Unknown,
                }
            }
        };
        citations.push(Citation { title: t, finding });
    }
    drop(conn);
    let similar = library::search(
        store,
        lib,
        &fazhi_search::Query {
            words: title.chars().take(100).collect(),
            limit: 5,
            ..Default::default()
        },
    )
    .await?
    .hits
    .hits;
    Ok(Assisted {
        articles: assist::articles(text),
        opinion: assist::draft_opinion(title.trim(), &flags, &citations),
        flags,
        citations,
        similar,
    })
}

/// The review centre: who accepts, assigns, returns and signs.
const CENTRE: Permission = Permission::NormativeManage;

/// Who may submit a request for their unit, and follow it.
fn requester(actor: &Actor) -> bool {
    actor.can(Permission::CaseHandle) || actor.can(CENTRE)
}

/// Submits a request of `kind` for the actor's own unit.
/// The kind whose requests are a penalty case's legal review (法制审核, 行政处罚法 art. 58): each
/// names its case.
pub const ENFORCEMENT: &str = "enforcement";

/// The undecided penalty cases in the actor's scope a legal review may be requested for:
/// (id, label), newest first.
pub async fn cases_open(store: &Store, actor: &Actor) -> Result<Vec<(i64, String)>> {
    use fazhi_store::Row;
    let mut sql = fazhi_store::Sql::new(
        "SELECT c.id, c.cause, c.filed_on FROM cases c
         WHERE c.stage IN ('filed', 'investigation', 'prior_notice', 'legal_review') AND ",
    );
    sql.append(
        actor
            .scope
            .condition("c", fazhi_store::scope::RECORD_COLUMNS),
    )
    .push(" ORDER BY c.id DESC LIMIT 200");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            let cause: String = r.try_get("cause")?;
            let filed: String = r.try_get("filed_on")?;
            Ok((id, format!("案件 {id}：{cause}（{filed} 立案）")))
        })
        .collect()
}

/// A case's legal reviews in fazhi, as the case's legal-review step needs them.
pub async fn of_case(
    conn: &mut sqlx::AnyConnection,
    case_id: i64,
) -> Result<Vec<crate::enforcement::case::transition::CaseReview>> {
    let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, state, signed_on FROM legality_reviews WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, state, signed_on)| crate::enforcement::case::transition::CaseReview {
                id,
                concluded: state == "concluded",
                signed_on,
            },
        )
        .collect())
}

pub async fn submit(
    ctx: &crate::Ctx<'_>,
    kind: &str,
    title: &str,
    draft: &str,
    case_id: Option<i64>,
) -> Result<i64> {
    if !requester(ctx.actor) {
        return Err(Error::Forbidden);
    }
    let mut r = crate::Refusals::default();
    r.take(procedure::in_force(ctx.store).await?.get(kind).map(|_| ()))?;
    if title.trim().is_empty() {
        r.push(Error::invalid("title", "请填写送审事项名称。"));
    } else if title.chars().count() > 200 {
        r.push(Error::invalid("title", "名称不超过 200 字。"));
    }
    if draft.trim().is_empty() {
        r.push(Error::invalid("draft", "请填写或粘贴送审稿。"));
    } else if draft.chars().count() > DRAFT_MAX {
        r.push(Error::invalid(
            "draft",
            format!("送审稿不超过 {DRAFT_MAX} 字。"),
        ));
    }
    match (kind == ENFORCEMENT, case_id) {
        (true, None) => r.push(Error::invalid(
            "case_id",
            "重大执法决定法制审核须选择所审核的案件（《行政处罚法》第五十八条）；可选的是本单位已立案、尚未作出决定的案件，没有的请先立案。",
        )),
        (false, Some(_)) => r.push(Error::invalid(
            "case_id",
            "只有“重大执法决定法制审核”关联案件。",
        )),
        _ => {}
    }
    r.finish()?;
    let mut tx = ctx.store.begin().await?;
    if let Some(case) = case_id {
        crate::enforcement::case::repo::in_scope(tx.conn(), ctx.actor, case)
            .await
            .map_err(|_| Error::invalid("case_id", format!("案件 {case} 不在您的办案范围内。")))?;
    }
    let id = repo::insert(
        &mut tx,
        ctx.actor,
        &repo::NewRequest {
            kind,
            title: title.trim(),
            draft: draft.trim(),
            department_id: ctx.actor.scope.department_id,
            case_id,
        },
        ctx.clock.today,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// What a record that needs a concluded review (a contract, a major decision) checks of the
/// review the user names.
#[derive(Clone, Debug)]
pub struct ReviewFacts {
    pub id: i64,
    pub kind: String,
    pub concluded: bool,
    pub unlawful: bool,
    pub department_id: i64,
    /// The contract or decision the review is already linked to: a review answers for one.
    pub used_by: Option<String>,
}

impl ReviewFacts {
    /// The review is of `kind`, from the record's own unit, concluded; `unlawful` is for the
    /// caller, whose law says what an unlawful conclusion stops.
    pub fn check(&self, kind: &str, kind_zh: &str, department_id: i64) -> Result<()> {
        if self.kind != kind {
            return Err(Error::invalid(
                "review_id",
                format!("请关联类别为“{kind_zh}”的合法性审查。"),
            ));
        }
        if self.department_id != department_id {
            return Err(Error::invalid("review_id", "该审查不是本单位送审的。"));
        }
        if !self.concluded {
            return Err(Error::refused(
                "review_open",
                "review_id",
                "该合法性审查尚未办结。",
            ));
        }
        if let Some(other) = &self.used_by {
            return Err(Error::refused(
                "review_used",
                "review_id",
                format!("该合法性审查已关联到{other}；每项审查只对应一个事项。"),
            ));
        }
        Ok(())
    }
}

/// The concluded reviews of `kind` that a record of the actor's unit may link: of the unit,
/// not unlawful, not yet linked to a contract or a decision. (id, opinion number and title.)
pub async fn linkable(store: &Store, actor: &Actor, kind: &str) -> Result<Vec<(i64, String)>> {
    let rows: Vec<(i64, Option<String>, String)> = sqlx::query_as(
        "SELECT r.id, r.opinion_number, r.title FROM legality_reviews r
         WHERE r.kind = $1 AND r.department_id = $2 AND r.state = 'concluded'
           AND r.conclusion <> 'unlawful'
           AND NOT EXISTS (SELECT 1 FROM administrative_contracts c WHERE c.review_id = r.id)
           AND NOT EXISTS (SELECT 1 FROM major_decisions m WHERE m.review_id = r.id)
         ORDER BY r.id DESC LIMIT 200",
    )
    .bind(kind)
    .bind(actor.scope.department_id)
    .fetch_all(&mut *store.conn().await?)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, number, title)| (id, format!("{} {title}", number.unwrap_or_default())))
        .collect())
}

/// The facts of the review the user names, whatever the user's scope: the rules then require
/// it to be of the record's own unit.
pub async fn review_facts(store: &Store, review_id: i64) -> Result<ReviewFacts> {
    let row: Option<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT kind, state, conclusion, department_id FROM legality_reviews WHERE id = $1",
    )
    .bind(review_id)
    .fetch_optional(&mut *store.conn().await?)
    .await?;
    let (kind, state, conclusion, department_id) =
        row.ok_or_else(|| Error::invalid("review_id", format!("合法性审查 {review_id} 不存在。")))?;
    let used_by: Option<String> = sqlx::query_scalar(
        "SELECT '行政合同“' || title || '”' FROM administrative_contracts WHERE review_id = $1
         UNION ALL SELECT '重大行政决策“' || title || '”' FROM major_decisions WHERE review_id = $1",
    )
    .bind(review_id)
    .fetch_optional(&mut *store.conn().await?)
    .await?;
    Ok(ReviewFacts {
        id: review_id,
        kind,
        concluded: state == "concluded",
        unlawful: conclusion.as_deref() == Some("unlawful"),
        department_id,
        used_by,
    })
}

pub async fn get(store: &Store, actor: &Actor, id: i64) -> Result<LegalityReview> {
    if !requester(actor) && !actor.can(Permission::SupervisionManage) {
        return Err(Error::Forbidden);
    }
    repo::load(&mut *store.conn().await?, actor, id).await
}

/// Whether the actor may take `step` on `r` now: the unit prepares and submits, the centre
/// accepts, assigns, returns; only the named reviewer signs the opinion.
pub fn may(actor: &Actor, r: &LegalityReview, p: &procedure::Procedure, step: Step) -> bool {
    let centre = actor.can(CENTRE);
    let before_acceptance = p
        .index_of(&p.accept_stage)
        .is_some_and(|a| r.stage_index < a);
    match step {
        Step::Provide | Step::Advance => centre || (before_acceptance && requester(actor)),
        Step::Resubmit => centre || requester(actor),
        Step::Assign | Step::Consult | Step::Return => centre,
        Step::Opinion => actor.user_id.is_some() && actor.user_id == r.reviewer_id,
    }
}

/// One step: load in scope, lock, check the version seen, work the change out, write it.
pub async fn apply(
    ctx: &crate::Ctx<'_>,
    id: i64,
    seen_version: i64,
    action: &Action,
) -> Result<()> {
    // Read before the transaction opens: it uses a connection of its own.
    let procedures = procedure::in_force(ctx.store).await?;
    let mut tx = ctx.store.begin().await?;
    let r = repo::load(tx.conn(), ctx.actor, id).await?;
    let p = procedures.get(&r.kind)?;
    let step = action.step();
    if !may(ctx.actor, &r, p, step) {
        // A page left open while the request moved on to the centre: say why, not only "no".
        return Err(if seen_version != r.version && requester(ctx.actor) {
            Error::NotAllowed {
                code: "review_moved_on",
                message: "本事项已进入下一环节，该操作现由审查中心办理。请刷新页面查看当前环节。"
                    .into(),
            }
        } else {
            Error::Forbidden
        });
    }
    crate::lock_seen(&mut tx, "legality_reviews", id, seen_version, r.version).await?;
    let change = transition::transition(&r, p, action, ctx.clock.today)?;
    repo::write(&mut tx, ctx, &r, p, &change).await?;
    tx.commit().await?;
    Ok(())
}

/// The people of the review centre who may be named reviewers: (user id, name, department id).
pub async fn reviewers(store: &Store) -> Result<Vec<(i64, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT DISTINCT u.id, u.display_name, u.department_id FROM users u
         JOIN user_roles ur ON ur.user_id = u.id
         JOIN role_permissions rp ON rp.role_id = ur.role_id
         WHERE rp.permission = 'normative.manage' ORDER BY u.id",
    )
    .fetch_all(&mut *store.conn().await?)
    .await?)
}

/// A request as the list shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub department: String,
    pub state: State,
    pub stage_index: i64,
    pub submitted_on: String,
    pub conclusion: Option<String>,
}

/// The requests in the actor's scope (and those they review), newest first.
/// What the list of requests is narrowed to; the statistics page links each count here.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub kind: Option<String>,
    pub conclusion: Option<Conclusion>,
    /// Opinions signed in this year.
    pub concluded_in: Option<i32>,
    /// Submitted in this year.
    pub submitted_in: Option<i32>,
}

fn in_year(sql: &mut fazhi_store::Sql, column: &str, year: i32) {
    sql.push(" AND ")
        .push(column)
        .push(" >= ")
        .bind(format!("{year:04}-01-01"))
        .push(" AND ")
        .push(column)
        .push(" <= ")
        .bind(format!("{year:04}-12-31"));
}

pub async fn list(
    store: &Store,
    actor: &Actor,
    filter: &Filter,
    after: Option<i64>,
) -> Result<fazhi_store::page::Page<Listed>> {
    if !requester(actor) && !actor.can(Permission::SupervisionManage) {
        return Err(Error::Forbidden);
    }
    let keyset = fazhi_store::page::Keyset::new(after, Some(50));
    let mut sql = fazhi_store::Sql::new(
        "SELECT r.id, r.kind, r.title, d.name AS department, r.state, r.stage_index, r.submitted_on, r.conclusion
         FROM legality_reviews r JOIN departments d ON d.id = r.department_id WHERE (",
    );
    sql.append(
        actor
            .scope
            .condition("r", fazhi_store::scope::RECORD_COLUMNS),
    );
    if let Some(user) = actor.user_id {
        sql.push(" OR r.reviewer_id = ").bind(user);
    }
    sql.push(")");
    if let Some(k) = &filter.kind {
        sql.push(" AND r.kind = ").bind(k.clone());
    }
    if let Some(c) = filter.conclusion {
        sql.push(" AND r.conclusion = ").bind(c.code());
    }
    if let Some(y) = filter.concluded_in {
        in_year(&mut sql, "r.signed_on", y);
    }
    if let Some(y) = filter.submitted_in {
        in_year(&mut sql, "r.submitted_on", y);
    }
    keyset.apply(&mut sql, "r.id");
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    let items = rows
        .iter()
        .map(|r| {
            use fazhi_store::Row;
            let state: String = r.try_get("state")?;
            Ok(Listed {
                id: r.try_get("id")?,
                kind: r.try_get("kind")?,
                title: r.try_get("title")?,
                department: r.try_get("department")?,
                state: State::parse(&state)
                    .ok_or_else(|| Error::malformed(format!("state {state}")))?,
                stage_index: r.try_get("stage_index")?,
                submitted_on: r.try_get("submitted_on")?,
                conclusion: r.try_get("conclusion")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(keyset.finish(items, |l| l.id))
}

/// The signed opinion (审查意见书) as a GB/T 9704 .docx.
pub fn opinion_docx(r: &LegalityReview, p: &procedure::Procedure) -> Result<Vec<u8>> {
    use crate::enforcement::documents::{Block, docx};
    let (Some(conclusion), Some(text), Some(number), Some(signed_by), Some(signed_on)) = (
        r.conclusion,
        r.opinion.as_deref(),
        r.opinion_number.as_deref(),
        r.signed_by.as_deref(),
        r.signed_on.as_deref(),
    ) else {
        return Err(Error::refused(
            "review_no_opinion",
            "id",
            "尚未出具审查意见。",
        ));
    };
    let mut blocks = vec![
        Block::Title(p.opinion.title.clone()),
        Block::Right(number.to_string()),
        Block::Plain(format!("{}：", r.department)),
        Block::Paragraph(format!(
            "你单位于 {} 送审的《{}》（{}）收悉。{}",
            r.submitted_on, r.title, p.name, p.opinion.opening
        )),
        Block::Paragraph(format!("审查结论：{}。", conclusion.label_zh())),
    ];
    blocks.extend(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| Block::Paragraph(l.trim().to_string())),
    );
    blocks.push(Block::Right(format!("审查人：{signed_by}")));
    blocks.push(Block::Right(p.opinion.signed_by.clone()));
    blocks.push(Block::Right(crate::enforcement::cases::date_zh(Some(
        signed_on,
    ))));
    docx(&blocks)
}

/// Registers a concluded review of a normative document, not found unlawful, in the register as
/// published: its text as reviewed, the requesting unit as issuer, the number and dates given.
/// The filing limit starts with it. Returns the document's id.
pub async fn register(
    ctx: &crate::Ctx<'_>,
    id: i64,
    number: &str,
    issued_on: &str,
    published_on: &str,
) -> Result<i64> {
    ctx.actor.require(CENTRE)?;
    let r = repo::load(&mut *ctx.store.conn().await?, ctx.actor, id).await?;
    let refuse = |code, message: String| Err(Error::refused(code, "number", message));
    if r.kind != "normative" || r.state != State::Concluded {
        return refuse(
            "review_not_registrable",
            "只有审查完毕的规范性文件才能登记发布。".into(),
        );
    }
    if r.conclusion == Some(Conclusion::Unlawful) {
        return refuse(
            "review_unlawful",
            "审查结论为不合法的文件不能登记发布。".into(),
        );
    }
    let normalized = crate::normative::rules::parse_number(number).map(|n| n.text());
    let mut conn = ctx.store.conn().await?;
    let taken: Option<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, number, review_id FROM normative_documents WHERE review_id = $1 OR number = $2",
    )
    .bind(id)
    .bind(normalized.clone().unwrap_or_default())
    .fetch_optional(&mut *conn)
    .await?;
    drop(conn);
    match taken {
        Some((_, n, Some(rid))) if rid == id => {
            return refuse("review_already_registered", format!("本事项已登记为 {n}。"));
        }
        Some((_, n, _)) => {
            return refuse(
                "number_taken",
                format!("文号 {n} 已被文件库中的另一件文件使用。"),
            );
        }
        None => {}
    }
    let line = crate::normative::Line {
        number: number.to_string(),
        title: r.title.clone(),
        issuer: r.department.clone(),
        issued_on: issued_on.to_string(),
        published_on: Some(published_on.to_string()).filter(|p| !p.trim().is_empty()),
        text: r.draft.clone(),
        review_id: Some(id),
        ..Default::default()
    };
    let report = crate::normative::import(ctx, [(1, Ok(line))], &|_| {}).await?;
    if let Some(e) = report.errors.first() {
        return Err(Error::invalid("number", e.reason.clone()));
    }
    let doc: i64 = sqlx::query_scalar("SELECT id FROM normative_documents WHERE review_id = $1")
        .bind(id)
        .fetch_one(&mut *ctx.store.conn().await?)
        .await?;
    Ok(doc)
}

/// The register's document made from this review, if any.
pub async fn registered_as(store: &Store, id: i64) -> Result<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, number FROM normative_documents WHERE review_id = $1")
            .bind(id)
            .fetch_optional(&mut *store.conn().await?)
            .await?,
    )
}

/// Reviews concluded (opinion signed) in `year`, by kind, in the actor's scope: the report's
/// 审查市政府文件 / 合同 (FIGURES.md 一(一)2).
pub async fn concluded_by_kind(
    store: &Store,
    actor: &Actor,
    year: i32,
) -> Result<Vec<(String, i64)>> {
    let mut sql = fazhi_store::Sql::new(
        "SELECT r.kind, COUNT(*) AS n FROM legality_reviews r WHERE r.signed_on >= ",
    );
    sql.bind(format!("{year:04}-01-01"))
        .push(" AND r.signed_on <= ")
        .bind(format!("{year:04}-12-31"))
        .push(" AND ")
        .append(
            actor
                .scope
                .condition("r", fazhi_store::scope::RECORD_COLUMNS),
        )
        .push(" GROUP BY r.kind ORDER BY r.kind");
    sql.fetch_all(&mut *store.conn().await?)
        .await?
        .iter()
        .map(|r| {
            use fazhi_store::Row;
            Ok((r.try_get("kind")?, r.try_get("n")?))
        })
        .collect()
}

/// A year's requests of one kind: submitted, concluded by conclusion, returned for revision,
/// and how many of those concluded were signed within their (last round's) limit.
#[derive(Clone, Debug, Default, Serialize)]
pub struct KindStatistics {
    pub kind: String,
    pub name: String,
    pub submitted: i64,
    pub concluded: i64,
    pub lawful: i64,
    pub lawful_if_revised: i64,
    pub unlawful: i64,
    /// Returns for revision of the requests submitted in the year.
    pub returns: i64,
    /// Requests concluded in the year with a limit, and those signed by its due day.
    pub met: i64,
    pub on_time: i64,
}

impl KindStatistics {
    pub fn on_time_rate(&self) -> Option<f64> {
        (self.met > 0).then(|| self.on_time as f64 / self.met as f64)
    }
}

/// Statistics by kind (every configured kind, in the order of `procedures.toml`) and by
/// conclusion, for `year`, within the actor's scope.
pub async fn statistics(store: &Store, actor: &Actor, year: i32) -> Result<Vec<KindStatistics>> {
    if !requester(actor) && !actor.can(Permission::SupervisionManage) {
        return Err(Error::Forbidden);
    }
    use fazhi_store::Row;
    let (from, until) = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
    let mut sql = fazhi_store::Sql::new("SELECT r.kind");
    // Each count: SUM(CASE WHEN <column> in the year [AND <more>] THEN <what> ELSE 0 END).
    let mut count = |alias: &str, column: &str, more: &str, what: &str| {
        sql.push(", CAST(SUM(CASE WHEN ")
            .push(column)
            .push(" >= ")
            .bind(from.clone())
            .push(" AND ")
            .push(column)
            .push(" <= ")
            .bind(until.clone())
            .push(more)
            .push(" THEN ")
            .push(what)
            .push(" ELSE 0 END) AS BIGINT) AS ")
            .push(alias);
    };
    count("submitted", "r.submitted_on", "", "1");
    count("returns", "r.submitted_on", "", "r.returns");
    count("concluded", "r.signed_on", "", "1");
    count("lawful", "r.signed_on", " AND r.conclusion = 'lawful'", "1");
    count(
        "lawful_if_revised",
        "r.signed_on",
        " AND r.conclusion = 'lawful_if_revised'",
        "1",
    );
    count(
        "unlawful",
        "r.signed_on",
        " AND r.conclusion = 'unlawful'",
        "1",
    );
    sql.push(" FROM legality_reviews r WHERE ")
        .append(
            actor
                .scope
                .condition("r", fazhi_store::scope::RECORD_COLUMNS),
        )
        .push(" GROUP BY r.kind");
    let rows = sql.fetch_all(&mut *store.conn().await?).await?;
    // On time: a request concluded in the year whose opinion was signed by the due day of its
    // last round's limit (a return ends a round's limit without concluding the request).
    let mut sql = fazhi_store::Sql::new(
        "SELECT r.kind, COUNT(*) AS met,
                CAST(SUM(CASE WHEN r.signed_on <= d.due_on THEN 1 ELSE 0 END) AS BIGINT) AS on_time
         FROM legality_reviews r JOIN deadlines d ON d.subject_type = 'legality_review'
           AND d.subject_id = CAST(r.id AS TEXT)
           AND d.id = (SELECT MAX(d2.id) FROM deadlines d2 WHERE d2.subject_type = 'legality_review'
                       AND d2.subject_id = CAST(r.id AS TEXT))
         WHERE r.signed_on >= ",
    );
    sql.bind(from.clone())
        .push(" AND r.signed_on <= ")
        .bind(until.clone())
        .push(" AND ")
        .append(
            actor
                .scope
                .condition("r", fazhi_store::scope::RECORD_COLUMNS),
        )
        .push(" GROUP BY r.kind");
    let limits = sql.fetch_all(&mut *store.conn().await?).await?;
    let mut out: Vec<KindStatistics> = procedure::in_force(store)
        .await?
        .all()
        .iter()
        .map(|p| KindStatistics {
            kind: p.code.clone(),
            name: p.name.clone(),
            ..Default::default()
        })
        .collect();
    let n = |r: &sqlx::any::AnyRow, c: &str| -> Result<i64> {
        Ok(r.try_get::<Option<i64>, _>(c)?.unwrap_or(0))
    };
    for r in &rows {
        let kind: String = r.try_get("kind")?;
        if let Some(k) = out.iter_mut().find(|k| k.kind == kind) {
            k.submitted = n(r, "submitted")?;
            k.returns = n(r, "returns")?;
            k.concluded = n(r, "concluded")?;
            k.lawful = n(r, "lawful")?;
            k.lawful_if_revised = n(r, "lawful_if_revised")?;
            k.unlawful = n(r, "unlawful")?;
        }
    }
    for r in &limits {
        let kind: String = r.try_get("kind")?;
        if let Some(k) = out.iter_mut().find(|k| k.kind == kind) {
            k.met = n(r, "met")?;
            k.on_time = n(r, "on_time")?;
        }
    }
    Ok(out)
}
