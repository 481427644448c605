//! The unit's answer to each public comment of a consultation: a disposition and its reason.

use super::*;

fn article_label(articles: &[Article], n: i64) -> String {
    match usize::try_from(n).ok().and_then(|n| n.checked_sub(1)) {
        Some(i) => articles
            .get(i)
            .map(|a| a.heading.clone())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| format!("第 {n} 条")),
        None => "对草案整体".into(),
    }
}

pub struct CommentView {
    pub id: i64,
    pub article: String,
    pub shown: String,
    pub author: String,
    pub sent_at: String,
    pub redactions: String,
    pub disposition: Option<&'static str>,
    pub reason: String,
    pub form: Option<FormSection>,
}

#[derive(Template, WebTemplate)]
#[template(path = "decision_comments.html")]
pub struct CommentsPage {
    pub layout: Layout,
    pub title: String,
    pub intro: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub links: Vec<Link>,
    pub count_text: String,
    pub comments: Vec<CommentView>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct CommentsQuery {
    after: Option<i64>,
    #[serde(default)]
    all: String,
    saved: Option<i64>,
}

fn redaction_labels(codes: &str) -> String {
    codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| match c {
            "resident_id" => "身份证号",
            "number" => "长数字（证件号等）",
            "uscc" => "统一社会信用代码",
            "mobile" | "landline" | "phone" => "电话",
            "bank_card" => "银行卡号",
            "email" => "电子邮箱",
            "address" => "住址",
            "person_name" | "name" => "姓名",
            other => other,
        })
        .fold(Vec::<&str>::new(), |mut seen, l| {
            if !seen.contains(&l) {
                seen.push(l);
            }
            seen
        })
        .join("、")
}

async fn comments_view(
    state: &AppState,
    s: &Signed,
    id: i64,
    q: &CommentsQuery,
    error: Option<String>,
) -> Result<CommentsPage, PageError> {
    let d = decisions::get(&state.store, &s.actor, id).await?;
    let articles = d
        .consultation
        .as_ref()
        .map(|c| assist::articles(&c.draft))
        .unwrap_or_default();
    let all = q.all == "1";
    let page = consultation::comments(&state.store, &s.actor, id, !all, q.after).await?;
    let editable = s.actor.can(Permission::CaseHandle) && d.consultation_open();
    let comments = page
        .items
        .iter()
        .map(|c| CommentView {
            id: c.id,
            article: article_label(&articles, c.article),
            shown: c.shown.clone(),
            author: c.author.clone().unwrap_or_else(|| "匿名".into()),
            sent_at: c.sent_at.clone(),
            redactions: redaction_labels(&c.redactions),
            disposition: c.disposition.map(Disposition::label_zh),
            reason: c.reason.clone().unwrap_or_default(),
            form: editable.then(|| FormSection {
                title: String::new(),
                action: format!("/decisions/{id}/comments/{}", c.id),
                hidden: vec![("version", c.version.to_string())],
                fields: vec![
                    Field::select(
                        "disposition",
                        "处理结果",
                        std::iter::once((String::new(), "请选择".to_string()))
                            .chain(
                                Disposition::ALL
                                    .iter()
                                    .map(|d| (d.code().to_string(), d.label_zh().to_string())),
                            )
                            .collect(),
                        c.disposition.map_or("", Disposition::code),
                    )
                    .required(),
                    Field::textarea("reason", "理由", c.reason.clone().unwrap_or_default())
                        .required()
                        .max(1000),
                ],
                submit: if c.disposition.is_some() {
                    "修改处理结果"
                } else {
                    "保存处理结果"
                },
            }),
        })
        .collect::<Vec<_>>();
    let undisposed = d.consultation.as_ref().map_or(0, |c| c.undisposed);
    let total = d.consultation.as_ref().map_or(0, |c| c.comments);
    Ok(CommentsPage {
        layout: layout(s),
        title: format!("意见处理：{}", d.title),
        intro: "每条意见都须作出“采纳、部分采纳或不采纳”的处理并说明理由，处理完毕后方可结束征求意见；处理结果随决策一并公布。显示的意见已隐去个人信息。".into(),
        notice: q
            .saved
            .map(|c| format!("已保存意见 {c} 的处理结果（可在“查看全部意见”中修改，征求意见结束前有效）。")),
        error,
        links: vec![
            link(format!("/decisions/{id}"), "返回决策事项"),
            if all {
                link(format!("/decisions/{id}/comments"), "只看待处理的意见")
            } else {
                link(format!("/decisions/{id}/comments?all=1"), "查看全部意见")
            },
        ],
        count_text: format!("共 {total} 条意见，待处理 {undisposed} 条；本页 {} 条", comments.len()),
        comments,
        next: page
            .next
            .map(|n| format!("/decisions/{id}/comments?all={}&after={n}", q.all)),
    })
}

pub async fn comments(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<i64>,
    Query(q): Query<CommentsQuery>,
) -> Result<Response, PageError> {
    Ok(comments_view(&state, &s, id, &q, None)
        .await?
        .into_response())
}

/// The address a refused disposition was shown at, opened again: the comments page.
pub async fn comment_page(
    State(state): State<AppState>,
    s: Signed,
    Path((id, _comment)): Path<(i64, i64)>,
) -> Result<Response, PageError> {
    decisions::get(&state.store, &s.actor, id).await?;
    Ok(Redirect::to(&format!("/decisions/{id}/comments?all=1")).into_response())
}

pub async fn dispose(
    State(state): State<AppState>,
    s: Signed,
    Path((id, comment)): Path<(i64, i64)>,
    f: FormData,
) -> Result<Response, PageError> {
    let in_force = state.in_force().await?;
    let result = async {
        let version = f.int("version", "版本")?;
        consultation::dispose(
            &state.ctx(&s.actor, &in_force),
            comment,
            version,
            Disposition::parse(f.get("disposition")),
            f.get("reason"),
        )
        .await
    }
    .await;
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/decisions/{id}/comments?saved={comment}")).into_response())
        }
        Err(e) => {
            let marked = e.refused_fields();
            let (status, message) = refused(e)?;
            let q = CommentsQuery {
                after: None,
                all: "1".into(),
                saved: None,
            };
            let mut page = comments_view(
                &state,
                &s,
                id,
                &q,
                Some(format!("意见 {comment}：{message}")),
            )
            .await?;
            if let Some(form) = page
                .comments
                .iter_mut()
                .find(|c| c.id == comment)
                .and_then(|c| c.form.as_mut())
            {
                form.refill(&f, &marked);
            }
            Ok((status, page).into_response())
        }
    }
}
