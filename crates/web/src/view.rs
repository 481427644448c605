//! The page types: one layout, and a few generic page shapes (list, form, message) that every
//! module fills, so that lists, forms and messages look and behave the same everywhere.

use std::borrow::Cow;

use askama::Template;
use askama_web::WebTemplate;
use fazhi_core::{Actor, Permission};

/// One page in the navigation.
pub struct NavItem {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

/// A group of the navigation (办案 / 监督 / 检查 / 目录与基准 / 系统); the first has no heading.
pub struct NavGroup {
    pub label: &'static str,
    pub items: Vec<NavItem>,
}

/// The modules of fazhi; the placeholder page of an unbuilt one says what it will do (it is
/// not in the menu until it is built).
pub const MODULES: &[(&str, &str, &str)] = &[
    (
        "review",
        "合法性审查",
        "规范性文件审查与备案、重大行政决策、行政合同审查。",
    ),
    (
        "disputes",
        "复议诉讼调解",
        "纠纷一窗受理、行政复议、行政诉讼应诉。",
    ),
    (
        "services",
        "政务服务",
        "政务服务事项、办件时限预警、智能问答、智慧地图。",
    ),
    (
        "assessment",
        "法治考核",
        "法治建设考核指标、法治巡察、普法、年度报告。",
    ),
];

pub struct Layout {
    pub user: Option<String>,
    pub role: Option<String>,
    pub csrf: String,
    pub nav: Vec<NavGroup>,
}

impl Layout {
    pub fn anonymous(csrf: String) -> Layout {
        Layout {
            user: None,
            role: None,
            csrf,
            nav: Vec::new(),
        }
    }

    /// The layout for `actor`: the menu, grouped, shows exactly the pages the actor may open
    /// (the route × role matrix test opens every item for every built-in role).
    pub fn for_actor(actor: &Actor, csrf: &str, current: &str) -> Layout {
        let mut nav: Vec<NavGroup> = Vec::new();
        let mut group = |label: &'static str, items: Vec<(&str, &'static str, bool)>| {
            let items: Vec<NavItem> = items
                .into_iter()
                .filter(|(_, _, shown)| *shown)
                .map(|(href, label, _)| NavItem {
                    href: href.to_string(),
                    label,
                    current: current == href
                        || (href != "/" && current.starts_with(&format!("{href}/"))),
                })
                .collect();
            if !items.is_empty() {
                nav.push(NavGroup { label, items });
            }
        };
        let business = actor.admin_kind.is_none();
        let read = business && actor.can(Permission::CaseRead);
        let manage = business && actor.can(Permission::SupervisionManage);
        let supervised = manage || (business && actor.can(Permission::SupervisionReply));
        group(
            "",
            vec![
                ("/", "工作台", true),
                ("/dashboard", "驾驶舱", read),
                ("/messages", "消息", actor.user_id.is_some()),
            ],
        );
        group(
            "办案",
            vec![
                ("/enforcement/cases", "行政处罚案件", read),
                ("/supervision/transfers", "行刑衔接", read),
                ("/enforcement/figures", "执法统计", read),
            ],
        );
        group(
            "监督",
            vec![
                ("/supervision/evaluation", "案卷评查", supervised),
                ("/supervision/notices", "监督通知", supervised),
                ("/supervision/self-inspections", "部门自查", supervised),
                ("/supervision/leads", "违法线索", supervised),
                ("/supervision/performance", "效能评价", supervised),
                ("/supervision/bulletins", "工作通报", supervised),
                ("/supervision/figures", "监督统计", read),
            ],
        );
        group(
            "检查",
            vec![
                ("/inspection/inspections", "行政检查", read),
                ("/inspection/draws", "双随机抽查", read),
                ("/inspection/joint-plans", "综合查一次", read),
                ("/inspection/lists", "无事不扰清单", read),
                ("/inspection/entities", "检查对象", read),
                ("/inspection/certificates", "执法证", read || manage),
                ("/inspection/disturbance", "只扰不查", read),
                ("/inspection/acts", "行政行为码反馈", manage),
                ("/inspection/figures", "综合查一次统计", read),
            ],
        );
        group(
            "合法性审查",
            vec![
                (
                    "/review/requests",
                    "合法性审查",
                    business
                        && (actor.can(Permission::CaseHandle)
                            || manage
                            || actor.can(Permission::NormativeManage)),
                ),
                (
                    "/contracts",
                    "行政合同",
                    business
                        && (actor.can(Permission::CaseHandle)
                            || manage
                            || actor.can(Permission::NormativeManage)),
                ),
                (
                    "/decisions",
                    "重大行政决策",
                    business
                        && (actor.can(Permission::CaseHandle)
                            || manage
                            || actor.can(Permission::NormativeManage)),
                ),
                (
                    "/review/assist",
                    "合法性审查辅助",
                    business && (manage || actor.can(Permission::NormativeManage)),
                ),
                (
                    "/normative/documents",
                    "规范性文件库",
                    business && (read || manage || actor.can(Permission::NormativeManage)),
                ),
                (
                    "/normative/cleanups",
                    "规范性文件清理",
                    business && (manage || actor.can(Permission::NormativeManage)),
                ),
            ],
        );
        group(
            "复议与应诉",
            vec![
                (
                    "/disputes",
                    "矛盾纠纷受理",
                    business
                        && (actor.can(Permission::DisputeHandle)
                            || actor.can(Permission::DisputeManage)),
                ),
                (
                    "/reconsiderations",
                    "行政复议",
                    business && actor.can(Permission::ReconsiderationHandle),
                ),
                (
                    "/litigations",
                    "行政诉讼应诉",
                    business && actor.can(Permission::LitigationHandle),
                ),
            ],
        );
        group(
            "目录与基准",
            vec![
                ("/enforcement/catalog", "执法事项目录", business),
                ("/enforcement/discretion", "裁量基准", business),
                ("/enforcement/templates", "执法文书模板", business),
                (
                    "/enforcement/document-settings",
                    "执法文书设置",
                    business && actor.can(Permission::CatalogManage),
                ),
                (
                    "/enforcement/publication-limits",
                    "处罚决定公开期限",
                    business,
                ),
                ("/inspection/scenarios", "综合查一次清单", business),
            ],
        );
        group(
            "系统",
            vec![
                ("/org/regions", "区域", actor.can(Permission::OrgRead)),
                ("/org/departments", "部门", actor.can(Permission::OrgRead)),
                ("/org/users", "用户", actor.can(Permission::OrgRead)),
                (
                    "/admin/roles",
                    "角色与授权",
                    actor.can(Permission::RoleManage),
                ),
                (
                    "/admin/policy",
                    "密码策略",
                    actor.can(Permission::PolicyManage),
                ),
                (
                    "/admin/calendar",
                    "工作日历",
                    actor.can(Permission::OrgManage),
                ),
                (
                    "/admin/tokens",
                    "对接令牌",
                    actor.can(Permission::TokenManage),
                ),
                ("/audit", "审计日志", actor.can(Permission::AuditRead)),
            ],
        );
        Layout {
            user: Some(actor.display_name.clone()),
            role: actor
                .admin_kind
                .map(|k| k.label_zh().to_string())
                .filter(|r| *r != actor.display_name),
            csrf: csrf.to_string(),
            nav,
        }
    }
}

pub struct Link {
    pub href: String,
    pub label: String,
}

pub fn link(href: impl Into<String>, label: impl Into<String>) -> Link {
    Link {
        href: href.into(),
        label: label.into(),
    }
}

/// A column header; a sortable one links to the list sorted by it and says how the list is
/// sorted now (`aria-sort`: none / ascending / descending; empty when not sortable).
pub struct Header {
    pub label: &'static str,
    pub href: Option<String>,
    pub sort: &'static str,
}

impl From<&'static str> for Header {
    fn from(label: &'static str) -> Header {
        Header {
            label,
            href: None,
            sort: "",
        }
    }
}

/// Headers that do not sort.
pub fn plain(labels: &[&'static str]) -> Vec<Header> {
    labels.iter().map(|l| Header::from(*l)).collect()
}

pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

pub fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        href: None,
    }
}

pub fn cell_link(text: impl Into<String>, href: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        href: Some(href.into()),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Password,
    Select,
    Checkboxes,
    Date,
    TextArea,
    File,
}

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct Field {
    /// Static for a fixed form; built (`Cow::Owned`) for one field per row of a sheet.
    pub name: Cow<'static, str>,
    pub label: Cow<'static, str>,
    pub kind: FieldKind,
    pub value: String,
    pub options: Vec<Opt>,
    pub required: bool,
    pub maxlength: usize,
    pub hint: String,
    pub autocomplete: &'static str,
    /// The value was refused: the field says so to the eye and to a screen reader.
    pub invalid: bool,
}

impl Field {
    pub fn text(
        name: impl Into<Cow<'static, str>>,
        label: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
        maxlength: usize,
    ) -> Field {
        Field {
            name: name.into(),
            label: label.into(),
            kind: FieldKind::Text,
            value: value.into(),
            options: Vec::new(),
            required: false,
            maxlength,
            hint: String::new(),
            invalid: false,
            autocomplete: "off",
        }
    }

    pub fn password(name: &'static str, label: &'static str, autocomplete: &'static str) -> Field {
        Field {
            kind: FieldKind::Password,
            required: true,
            autocomplete,
            ..Field::text(name, label, "", 128)
        }
    }

    pub fn textarea(
        name: impl Into<Cow<'static, str>>,
        label: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Field {
        Field {
            kind: FieldKind::TextArea,
            ..Field::text(name, label, value, 0)
        }
    }

    pub fn file(name: &'static str, label: &'static str) -> Field {
        Field {
            kind: FieldKind::File,
            required: true,
            ..Field::text(name, label, "", 0)
        }
    }

    pub fn date(
        name: impl Into<Cow<'static, str>>,
        label: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Field {
        Field {
            kind: FieldKind::Date,
            ..Field::text(name, label, value, 0)
        }
    }

    /// A drop-down; `options` are (value, label) and the one equal to `selected` is chosen.
    pub fn select(
        name: impl Into<Cow<'static, str>>,
        label: impl Into<Cow<'static, str>>,
        options: Vec<(String, String)>,
        selected: &str,
    ) -> Field {
        Field {
            kind: FieldKind::Select,
            options: options
                .into_iter()
                .map(|(value, label)| Opt {
                    selected: value == selected,
                    value,
                    label,
                })
                .collect(),
            ..Field::text(name, label, "", 0)
        }
    }

    pub fn checkboxes(
        name: &'static str,
        label: &'static str,
        options: Vec<(String, String)>,
        checked: &[String],
    ) -> Field {
        Field {
            kind: FieldKind::Checkboxes,
            options: options
                .into_iter()
                .map(|(value, label)| Opt {
                    selected: checked.contains(&value),
                    value,
                    label,
                })
                .collect(),
            ..Field::text(name, label, "", 0)
        }
    }

    /// At most `n` characters (the rule's own limit): the browser stops the typing there.
    pub fn max(mut self, n: usize) -> Field {
        self.maxlength = n;
        self
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    /// Values a text field suggests as it is typed in (a `<datalist>`: searchable, and any
    /// other value can still be typed and is checked by the server).
    pub fn suggest(mut self, options: Vec<(String, String)>) -> Field {
        self.options = options
            .into_iter()
            .map(|(value, label)| Opt {
                value,
                label,
                selected: false,
            })
            .collect();
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = hint.into();
        self
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub title: String,
    pub intro: String,
    pub actions: Vec<Link>,
    pub filters: Vec<Field>,
    /// A refused filter (a malformed or reversed date …), said above the list.
    pub error: Option<String>,
    /// What the filter form carries besides its fields (the sort, kept when filtering).
    pub hidden: Vec<(&'static str, String)>,
    pub count_text: String,
    pub headers: Vec<Header>,
    pub rows: Vec<Vec<Cell>>,
    pub next: Option<String>,
    /// The previous page, where the list pages back.
    pub prev: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub title: String,
    pub intro: String,
    pub details: Vec<(String, String)>,
    pub error: Option<String>,
    pub action: String,
    pub hidden: Vec<(&'static str, String)>,
    pub fields: Vec<Field>,
    pub submit: &'static str,
    pub buttons: Vec<Link>,
    pub links: Vec<Link>,
    /// A file upload form (multipart; the CSRF token travels in the action URL).
    pub multipart: bool,
    /// A query form (GET, no CSRF token: it changes nothing).
    pub method_get: bool,
}

impl FormPage {
    /// A form to upload one .xlsx file to `action`.
    pub fn upload(
        layout: Layout,
        title: &str,
        action: &str,
        intro: &str,
        error: Option<String>,
    ) -> FormPage {
        let mut page = FormPage::new(layout, title, action);
        page.intro = intro.to_string();
        page.error = error;
        page.multipart = true;
        page.fields = vec![Field::file("file", "Excel 文件")];
        page.submit = "导入";
        page
    }

    pub fn new(layout: Layout, title: impl Into<String>, action: impl Into<String>) -> FormPage {
        FormPage {
            layout,
            title: title.into(),
            intro: String::new(),
            details: Vec::new(),
            error: None,
            action: action.into(),
            hidden: Vec::new(),
            fields: Vec::new(),
            submit: "保存",
            buttons: Vec::new(),
            links: Vec::new(),
            multipart: false,
            method_get: false,
        }
    }
}

/// One of several forms on a page.
pub struct FormSection {
    pub title: String,
    pub action: String,
    pub hidden: Vec<(&'static str, String)>,
    pub fields: Vec<Field>,
    pub submit: &'static str,
}

impl FormSection {
    /// One step's form on a workflow record's page: posted to `action` with the version the
    /// page shows and the step's code, so a step taken on a stale page is refused (409).
    pub fn step(
        action: String,
        version: i64,
        step: &str,
        title: impl Into<String>,
        fields: Vec<Field>,
        submit: &'static str,
    ) -> FormSection {
        FormSection {
            title: title.into(),
            action,
            hidden: vec![
                ("version", version.to_string()),
                ("action", step.to_string()),
            ],
            fields,
            submit,
        }
    }

    /// The form shown again with what was posted (after a refusal, so nothing typed is lost);
    /// passwords and files are never echoed.
    /// `refused`: the field the refusal named (`field`, message), marked with it.
    pub fn refill(&mut self, posted: &crate::form::FormData, refused: &[(&str, String)]) {
        mark(&mut self.fields, refused);
        for f in &mut self.fields {
            match f.kind {
                FieldKind::Password | FieldKind::File => {}
                FieldKind::Select | FieldKind::Checkboxes => {
                    let chosen = posted.all(&f.name);
                    for o in &mut f.options {
                        o.selected = chosen.contains(&o.value);
                    }
                }
                FieldKind::Text | FieldKind::Date | FieldKind::TextArea => {
                    f.value = posted.get(&f.name).to_string();
                }
            }
        }
    }
}

/// Marks each refused field (to the eye and to a screen reader) with its message; a field
/// refused twice shows both.
pub fn mark(fields: &mut [Field], refused: &[(&str, String)]) {
    for (name, message) in refused {
        // A party's details are refused by the rule's names (uscc, phone …); the filing form
        // calls its fields party_code, party_phone ….
        let alias = match *name {
            "uscc" | "resident_id" => "party_code".to_string(),
            other => format!("party_{other}"),
        };
        let found = fields
            .iter()
            .position(|f| f.name == *name)
            .or_else(|| fields.iter().position(|f| f.name == alias));
        if let Some(f) = found.map(|i| &mut fields[i]) {
            if f.invalid {
                f.hint.push_str(message);
            } else {
                f.invalid = true;
                f.hint = format!("此项有误：{message}");
            }
        }
    }
}

/// One form laid out as a table: a row per record, a cell per field (the case file's paper
/// facts: signatures, seal, pages — one submit for the whole file).
pub struct TableForm {
    pub title: String,
    pub action: String,
    pub hidden: Vec<(&'static str, String)>,
    pub columns: Vec<&'static str>,
    pub rows: Vec<TableRow>,
    pub submit: &'static str,
}

pub struct TableRow {
    pub label: String,
    pub cells: Vec<InputCell>,
}

/// One input of a table row; `name` carries the row's id (`sealed_12`).
pub struct InputCell {
    pub name: String,
    /// The column's label, for the input's accessible name.
    pub label: String,
    pub checkbox: bool,
    pub value: String,
    pub checked: bool,
    /// The largest number the server accepts in it.
    pub max: u32,
}

/// A record with several independent actions, each its own form.
#[derive(Template, WebTemplate)]
#[template(path = "sections.html")]
pub struct SectionsPage {
    pub layout: Layout,
    pub title: String,
    pub intro: String,
    /// What the last action did (shown once after it).
    pub notice: Option<String>,
    pub error: Option<String>,
    /// Warnings before the next step (办案中预警): (heading, text).
    pub warnings: Vec<(String, String)>,
    pub table: Option<TableForm>,
    pub details: Vec<(String, String)>,
    pub sections: Vec<FormSection>,
    pub links: Vec<Link>,
}

impl SectionsPage {
    /// After a refused step: the step's form (the section posting the same `action`) shown
    /// again with what was posted, the refused fields marked, so nothing typed is lost.
    pub fn refill_step(&mut self, posted: &crate::form::FormData, refused: &[(&str, String)]) {
        let action = posted.get("action");
        if let Some(section) = self
            .sections
            .iter_mut()
            .find(|s| s.hidden.iter().any(|(n, v)| *n == "action" && v == action))
        {
            section.refill(posted, refused);
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub layout: Layout,
    pub title: String,
    pub paragraphs: Vec<String>,
    pub secret: Option<(String, String)>,
    pub links: Vec<Link>,
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub username: String,
    pub error: Option<String>,
    pub expired: bool,
}

pub struct Todo {
    pub light: &'static str,
    pub light_label: &'static str,
    pub purpose: String,
    pub due: String,
    pub basis: String,
    pub state: &'static str,
    pub href: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub layout: Layout,
    pub greeting: String,
    pub todos: Vec<Todo>,
    pub unread: i64,
    pub facts: Vec<(String, String)>,
    pub shortcuts: Vec<Link>,
}

/// A select's options from a `codes!` enum: (code, Chinese label) for each of `all`.
pub fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (code(*v).to_string(), label(*v).to_string()))
        .collect()
}

/// `rest` after an empty first option labelled `first` (a filter's "全部").
pub fn with_all(first: &str, rest: Vec<(String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), first.to_string()))
        .chain(rest)
        .collect()
}
