//! The public consultation on the portal: the list, a draft by article with its comments, and
//! a visitor's comment.

use super::*;

use super::disposition::CommentView;

pub struct ArticleView {
    pub number: usize,
    pub heading: String,
    pub text: String,
    pub comments: Vec<CommentView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "consultation.html")]
pub struct ConsultationPage {
    pub layout: Layout,
    pub title: String,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub details: Vec<(String, String)>,
    pub summary: String,
    pub articles: Vec<ArticleView>,
    pub action: Option<String>,
    pub fields: Vec<Field>,
    pub links: Vec<Link>,
}

#[derive(Deserialize)]
pub struct PublicListQuery {
    after: Option<i64>,
}

pub async fn public_list(
    State(state): State<AppState>,
    Query(q): Query<PublicListQuery>,
) -> Result<Response, PageError> {
    let today = deadlines::china_today();
    let page = consultation::public_list(&state.store, today, q.after).await?;
    let rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                cell_link(
                    c.title.clone(),
                    format!("/public/consultations/{}", c.decision_id),
                ),
                cell(c.department.clone()),
                cell(format!("{} 至 {}", c.opens_on, c.closes_on)),
                cell(if c.open_now {
                    "正在征求意见".to_string()
                } else if c.withdrawn {
                    "草案已撤回".to_string()
                } else if let Some(p) = &c.published_on {
                    format!("决策已于 {p} 公布，意见处理结果已公开")
                } else {
                    "征求意见已截止".to_string()
                }),
                cell(format!("{} 条", c.comments)),
            ]
        })
        .collect::<Vec<_>>();
    Ok(ListPage {
        prev: None,
        layout: Layout::anonymous(String::new()),
        title: "重大行政决策公开征求意见".into(),
        intro: "重大行政决策草案在此公开征求意见，期限一般不少于 30 日。您可以针对草案的每一条提出意见；每条意见都会得到处理和理由，随决策一并公布。".into(),
        actions: Vec::new(),
        filters: Vec::new(),
        error: None,
        count_text: format!("本页 {} 件", rows.len()),
        hidden: Vec::new(),
        headers: plain(&["决策草案", "承办单位", "征求意见期", "状态", "意见"]),
        rows,
        next: page.next.map(|n| format!("/public/consultations?after={n}")),
    }
    .into_response())
}

async fn public_page(
    state: &AppState,
    st: &SessionState,
    id: i64,
    posted: Option<&FormData>,
    error: Option<Error>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let (csrf, cookie) = crate::pages::anonymous_csrf(state, st).await?;
    let v = consultation::public_view(&state.store, id, deadlines::china_today()).await?;
    let comment_view = |c: &consultation::Comment| CommentView {
        id: c.id,
        article: String::new(),
        shown: c.shown.clone(),
        author: c.author.clone().unwrap_or_else(|| "匿名".into()),
        sent_at: c.sent_at.clone(),
        redactions: String::new(),
        disposition: c.disposition.map(Disposition::label_zh),
        reason: c.reason.clone().unwrap_or_default(),
        form: None,
    };
    let mut articles = vec![ArticleView {
        number: 0,
        heading: "对草案整体的意见".into(),
        text: String::new(),
        comments: v
            .comments
            .iter()
            .filter(|c| c.article == 0)
            .map(comment_view)
            .collect(),
    }];
    for (i, a) in v.articles.iter().enumerate() {
        let n = i + 1;
        articles.push(ArticleView {
            number: n,
            heading: if a.heading.is_empty() {
                "草案全文".into()
            } else {
                a.heading.clone()
            },
            text: a.text.clone(),
            comments: v
                .comments
                .iter()
                .filter(|c| c.article == n as i64)
                .map(comment_view)
                .collect(),
        });
    }
    // The whole draft's comments read best after its articles.
    articles.rotate_left(1);
    let status = if v.open_now {
        "正在征求意见".to_string()
    } else if let Some(p) = &v.published_on {
        format!("决策已于 {p} 公布；每条意见的处理结果和理由见下")
    } else if v.stage == Stage::Withdrawn {
        "草案已撤回".to_string()
    } else {
        "征求意见已截止；意见的处理结果将随决策一并公布".to_string()
    };
    let mut details = vec![
        ("承办单位".to_string(), v.department.clone()),
        (
            "征求意见期".into(),
            format!("{} 至 {}", v.opens_on, v.closes_on),
        ),
        ("状态".into(), status),
        ("意见".into(), format!("{} 条", v.comments.len())),
    ];
    if let Some(r) = &v.short_reason {
        details.insert(2, ("期限少于 30 日的理由".into(), r.clone()));
    }
    let pick = |name: &str| posted.map_or(String::new(), |f| f.get(name).to_string());
    let mut fields = vec![
        Field::select(
            "article",
            "针对",
            std::iter::once(("0".to_string(), "草案整体".to_string()))
                .chain(v.articles.iter().enumerate().map(|(i, a)| {
                    (
                        (i + 1).to_string(),
                        format!(
                            "{} {}",
                            a.heading,
                            a.text.chars().take(20).collect::<String>()
                        ),
                    )
                }))
                .collect(),
            &posted.map_or("0".to_string(), |f| f.get("article").to_string()),
        ),
        Field::textarea("body", "意见", pick("body"))
            .required()
            .max(*consultation::COMMENT_CHARS.end())
            .hint(format!(
                "{} 至 {} 字。",
                consultation::COMMENT_CHARS.start(),
                consultation::COMMENT_CHARS.end()
            )),
        Field::text("author", "署名（可不填）", pick("author"), 50)
            .hint("个人署名公开时只显示姓氏，如“张某”。"),
    ];
    let http_status = match &error {
        Some(Error::NotAllowed { .. }) => StatusCode::TOO_MANY_REQUESTS,
        Some(e) => crate::error::status_of(e),
        None => StatusCode::OK,
    };
    if let Some(e) = &error {
        mark(&mut fields, &e.refused_fields());
    }
    let page = ConsultationPage {
        layout: Layout::anonymous(csrf),
        title: v.title.clone(),
        notice,
        error: error.map(|e| e.message_zh()),
        details,
        summary: v.summary.clone(),
        articles,
        action: v.open_now.then(|| format!("/public/consultations/{id}")),
        fields,
        links: vec![link("/public/consultations", "返回征求意见列表")],
    };
    Ok(crate::pages::with_cookie(
        cookie,
        (http_status, page).into_response(),
    ))
}

#[derive(Deserialize)]
pub struct ThanksQuery {
    thanks: Option<String>,
}

pub async fn public_show(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    Path(id): Path<i64>,
    Query(q): Query<ThanksQuery>,
) -> Result<Response, PageError> {
    let notice = q.thanks.map(|_| {
        "已收到您的意见，已公开显示（个人信息已隐去）。处理结果将随决策一并公布。".to_string()
    });
    public_page(&state, &st, id, None, None, notice).await
}

pub async fn public_comment(
    State(state): State<AppState>,
    Extension(st): Extension<SessionState>,
    Path(id): Path<i64>,
    f: FormData,
) -> Result<Response, PageError> {
    // The CSRF check passed, so the visitor has a nonce or a session.
    let device = st
        .visit
        .clone()
        .or_else(|| st.session.as_ref().map(|s| s.id_hash.clone()))
        .unwrap_or_default();
    let sender = fazhi_core::visitor::Sender {
        device: &device,
        address: st.ip.as_deref().unwrap_or("-"),
    };
    let article = f.get("article").trim().parse::<i64>().unwrap_or(-1);
    match consultation::submit(
        &state.store,
        &state.keyring,
        deadlines::china_today(),
        id,
        &sender,
        &consultation::NewComment {
            article,
            body: f.get("body"),
            author: f.get("author"),
        },
    )
    .await
    {
        Ok(c) => Ok(
            Redirect::to(&format!("/public/consultations/{id}?thanks=1#comment-{c}"))
                .into_response(),
        ),
        Err(e @ (Error::Invalid { .. } | Error::Several(_) | Error::NotAllowed { .. })) => {
            public_page(&state, &st, id, Some(&f), Some(e), None).await
        }
        Err(e) => Err(PageError(e)),
    }
}
