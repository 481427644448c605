//! The routing rules as data (`routing.toml`, edited at run time by the window's supervisor):
//! kind × place × amount × parties → the handling unit and the track, the first rule that fits
//! deciding, and every decision explained by the rule that made it.

use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use fazhi_store::Store;

use super::transition::{Handler, Kind, Track};
use crate::{Actor, Error, Permission, Result};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct City {
    pub name: String,
    pub department: String,
}

/// A level's limit on one track, with the source a city writes for it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitDef {
    pub track: String,
    pub days: u32,
    pub law: String,
    pub article: String,
}

/// How long the window follows a dispute it handed to a body outside people's mediation (a
/// department, the court, reconsideration, arbitration), with the source the city writes: those
/// bodies keep their own statutory limits; this is the window's own follow-up.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Handover {
    pub days: u32,
    pub law: String,
    pub article: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub no: u32,
    /// Left out: any kind. Written, never empty (`kinds = []` is refused as a mistake).
    pub kinds: Option<Vec<String>>,
    pub towns: Option<Vec<String>>,
    pub amount_min: Option<i64>,
    pub amount_max: Option<i64>,
    pub parties_min: Option<i64>,
    pub parties_max: Option<i64>,
    pub handler: String,
    pub name: Option<String>,
    pub department: Option<String>,
    pub track: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    city: City,
    limit: Vec<LimitDef>,
    handover: Handover,
    rule: Vec<Rule>,
}

/// What is known of a dispute when it is routed.
#[derive(Clone, Debug)]
pub struct Facts<'a> {
    pub kind: Kind,
    /// The town's (region's) name, as the rules name it: 店口镇.
    pub town: &'a str,
    pub village: &'a str,
    pub amount: Option<i64>,
    pub parties: i64,
}

/// Where a department-side handler is tracked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unit {
    /// The town the dispute is in (its village committee, its mediation centre).
    Town,
    /// A department named in the rules (the city centre's, or the rule's own).
    Named(String),
}

/// A routing decision: the rule, the handler, its name, the unit that tracks it, the track,
/// and the sentence that explains it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub rule_no: Option<u32>,
    pub handler: Handler,
    pub name: String,
    pub unit: Unit,
    pub track: Track,
    pub explanation: String,
}

#[derive(Clone, Debug)]
pub struct Rules {
    pub city: City,
    pub limits: Vec<LimitDef>,
    pub handover: Handover,
    pub rules: Vec<Rule>,
    pub text: Arc<String>,
    /// The setting's version (0: the built-in text).
    pub version: i64,
}

impl Rule {
    pub fn kinds(&self) -> &[String] {
        self.kinds.as_deref().unwrap_or_default()
    }

    pub fn towns(&self) -> &[String] {
        self.towns.as_deref().unwrap_or_default()
    }

    fn unconditional(&self) -> bool {
        self.kinds.is_none()
            && self.towns.is_none()
            && self.amount_min.is_none()
            && self.amount_max.is_none()
            && self.parties_min.is_none()
            && self.parties_max.is_none()
    }

    fn fits(&self, f: &Facts<'_>) -> bool {
        let within = |v: Option<i64>, min: Option<i64>, max: Option<i64>| {
            min.is_none_or(|m| v.is_some_and(|v| v >= m))
                && max.is_none_or(|m| v.is_none_or(|v| v <= m))
        };
        self.kinds
            .as_ref()
            .is_none_or(|ks| ks.iter().any(|k| k == f.kind.code()))
            && self
                .towns
                .as_ref()
                .is_none_or(|ts| ts.iter().any(|t| t == f.town))
            && within(f.amount, self.amount_min, self.amount_max)
            && within(Some(f.parties), self.parties_min, self.parties_max)
    }

    /// The rule's conditions in words: 劳动报酬；金额 ≤ 20000 元；店口镇.
    pub fn conditions_zh(&self) -> String {
        let mut parts = Vec::new();
        if !self.kinds().is_empty() {
            parts.push(
                self.kinds()
                    .iter()
                    .map(|k| Kind::parse(k).map_or(k.clone(), |k| k.label_zh().to_string()))
                    .collect::<Vec<_>>()
                    .join("、"),
            );
        }
        match (self.amount_min, self.amount_max) {
            (Some(a), Some(b)) => parts.push(format!("金额 {a} 至 {b} 元")),
            (Some(a), None) => parts.push(format!("金额 ≥ {a} 元")),
            (None, Some(b)) => parts.push(format!("金额 ≤ {b} 元")),
            (None, None) => {}
        }
        match (self.parties_min, self.parties_max) {
            (Some(a), Some(b)) => parts.push(format!("当事人 {a} 至 {b} 人")),
            (Some(a), None) => parts.push(format!("当事人 ≥ {a} 人")),
            (None, Some(b)) => parts.push(format!("当事人 ≤ {b} 人")),
            (None, None) => {}
        }
        if !self.towns().is_empty() {
            parts.push(self.towns().join("、"));
        }
        if parts.is_empty() {
            "其他纠纷".into()
        } else {
            parts.join("；")
        }
    }
}

impl Rules {
    /// The handler's name and unit for a dispute in `town` / `village`.
    pub fn handler_of(
        &self,
        handler: Handler,
        name: Option<&str>,
        unit: Option<&str>,
        town: &str,
        village: &str,
    ) -> (String, Unit) {
        match handler {
            Handler::Village => (format!("{town}{village}人民调解委员会"), Unit::Town),
            Handler::Town => (format!("{town}矛盾纠纷调解中心"), Unit::Town),
            Handler::City => (
                self.city.name.clone(),
                Unit::Named(self.city.department.clone()),
            ),
            _ => (
                name.unwrap_or(handler.label_zh()).to_string(),
                Unit::Named(unit.unwrap_or(&self.city.department).to_string()),
            ),
        }
    }

    /// The first rule that fits decides; the last rule fits everything (`parse` sees to it).
    pub fn route(&self, f: &Facts<'_>) -> Decision {
        let rule = self.rules.iter().find(|r| r.fits(f));
        let Some(rule) = rule else {
            let (name, unit) = self.handler_of(Handler::Town, None, None, f.town, f.village);
            return Decision {
                rule_no: None,
                explanation: format!("没有适用的规则 → {name}（复杂）"),
                handler: Handler::Town,
                name,
                unit,
                track: Track::Complex,
            };
        };
        let handler = Handler::parse(&rule.handler).unwrap_or(Handler::Town);
        let track = Track::parse(&rule.track).unwrap_or(Track::Complex);
        let (name, unit) = self.handler_of(
            handler,
            rule.name.as_deref(),
            rule.department.as_deref(),
            f.town,
            f.village,
        );
        Decision {
            rule_no: Some(rule.no),
            explanation: format!(
                "规则 {}：{} → {name}（{}）",
                rule.no,
                rule.conditions_zh(),
                track.label_zh()
            ),
            handler,
            name,
            unit,
            track,
        }
    }

    /// The limit a handler holds a dispute under: a mediation level's by the track, the
    /// window's follow-up of a handover otherwise. (days, law, article)
    pub fn limit(&self, handler: Handler, track: Track) -> Option<(u32, &str, &str)> {
        if handler.level().is_none() {
            let h = &self.handover;
            return Some((h.days, &h.law, &h.article));
        }
        self.limits
            .iter()
            .find(|l| l.track == track.code())
            .map(|l| (l.days, l.law.as_str(), l.article.as_str()))
    }

    /// The department names the rules send disputes to, to be checked against the directory.
    pub fn departments(&self) -> Vec<&str> {
        let mut names: Vec<&str> = std::iter::once(self.city.department.as_str())
            .chain(self.rules.iter().filter_map(|r| r.department.as_deref()))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// Reads the rules as written, each checked; refusals are for the person editing the text.
fn parse(text: &str) -> Result<File> {
    if text.len() > TEXT_MAX {
        return Err(Error::invalid(
            "rules",
            format!("分流规则不超过 {TEXT_MAX} 个字节。"),
        ));
    }
    let file: File = toml::from_str(text)
        .map_err(|e| crate::settings::toml_refusal("rules", "分流规则", text, &e))?;
    let bad = |m: String| Err(Error::invalid("rules", m));
    if let Some(l) = file.limit.iter().find(|l| Track::parse(&l.track).is_none()) {
        return bad(format!("期限的分流“{}”应为 simple 或 complex。", l.track));
    }
    for track in Track::ALL {
        match file
            .limit
            .iter()
            .filter(|l| l.track == track.code())
            .count()
        {
            1 => {}
            0 => {
                return bad(format!(
                    "缺少“{}”分流的期限（[[limit]]）。",
                    track.label_zh()
                ));
            }
            _ => return bad(format!("“{}”分流的期限写了不止一次。", track.label_zh())),
        }
    }
    let limits = file
        .limit
        .iter()
        .map(|l| (l.days, &l.law, &l.article))
        .chain(std::iter::once((
            file.handover.days,
            &file.handover.law,
            &file.handover.article,
        )));
    for (days, law, article) in limits {
        if !(1..=90).contains(&days) {
            return bad(format!("期限 {days} 日应在 1 至 90 日之间。"));
        }
        if law.trim().is_empty() || article.trim().is_empty() {
            return bad("每项期限须写明依据（law、article）。".into());
        }
    }
    if file.rule.is_empty() {
        return bad("至少要有一条规则。".into());
    }
    for (i, r) in file.rule.iter().enumerate() {
        let at = format!("规则 {}", r.no);
        if file.rule[..i].iter().any(|o| o.no == r.no) {
            return bad(format!("{at} 的编号重复。"));
        }
        let Some(handler) = Handler::parse(&r.handler) else {
            return bad(format!("{at} 的去处“{}”不认识。", r.handler));
        };
        if Track::parse(&r.track).is_none() {
            return bad(format!("{at} 的分流“{}”应为 simple 或 complex。", r.track));
        }
        if let Some(k) = r.kinds().iter().find(|k| Kind::parse(k).is_none()) {
            return bad(format!("{at} 的纠纷类型“{k}”不认识。"));
        }
        if r.kinds()
            .iter()
            .chain(r.towns())
            .any(|v| v.trim().is_empty())
        {
            return bad(format!("{at} 的类型或镇乡街道列表里有空值。"));
        }
        for (list, name) in [(&r.kinds, "kinds"), (&r.towns, "towns")] {
            if list.as_ref().is_some_and(Vec::is_empty) {
                return bad(format!(
                    "{at} 的 {name} 是空列表：不限时请删去这一行，而不是写 []。"
                ));
            }
        }
        if r.amount_min.is_some_and(|a| a < 0) || r.amount_max.is_some_and(|a| a < 0) {
            return bad(format!("{at} 的金额不能为负数。"));
        }
        if r.parties_min.is_some_and(|p| p < 1) || r.parties_max.is_some_and(|p| p < 1) {
            return bad(format!("{at} 的当事人人数至少为 1。"));
        }
        if i + 1 < file.rule.len() && r.unconditional() {
            return bad(format!(
                "{at} 没有任何条件，排在它后面的规则永远用不到；没有条件的规则只能放在最后。"
            ));
        }
        if let (Some(a), Some(b)) = (r.amount_min, r.amount_max)
            && a > b
        {
            return bad(format!("{at} 的金额下限大于上限。"));
        }
        if let (Some(a), Some(b)) = (r.parties_min, r.parties_max)
            && a > b
        {
            return bad(format!("{at} 的人数下限大于上限。"));
        }
        if handler.level().is_none() && (r.name.is_none() || r.department.is_none()) {
            return bad(format!(
                "{at} 移交{}，须写明受理单位名称（name）和跟踪办理的部门（department）。",
                handler.label_zh()
            ));
        }
        if handler.level().is_some() && (r.name.is_some() || r.department.is_some()) {
            return bad(format!(
                "{at} 由{}调解，名称和部门由纠纷所在地确定，不写 name、department。",
                handler.label_zh()
            ));
        }
    }
    if let Some(last) = file.rule.last()
        && !last.unconditional()
    {
        return bad(format!(
            "最后一条规则（规则 {}）不能有条件，以保证每件纠纷都有去处。",
            last.no
        ));
    }
    Ok(file)
}

/// The largest rules text saved (the form's own limit).
pub const TEXT_MAX: usize = 100_000;

pub const BUILT_IN: &str = include_str!("routing.toml");

fn rules_of(text: String, version: i64) -> Result<Rules> {
    let file = parse(&text)?;
    Ok(Rules {
        city: file.city,
        limits: file.limit,
        handover: file.handover,
        rules: file.rule,
        text: Arc::new(text),
        version,
    })
}

pub fn built_in() -> Result<Rules> {
    static PARSED: OnceLock<std::result::Result<Rules, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| rules_of(BUILT_IN.to_string(), 0).map_err(|e| e.message_zh()))
        .clone()
        .map_err(Error::malformed)
}

const KEY: &str = "dispute_routing";

/// The rules in force: the built-in ones until the window saves its own.
pub async fn in_force(store: &Store) -> Result<Rules> {
    static CACHE: crate::settings::ParsedText<Rules> = crate::settings::ParsedText::new();
    let saved = CACHE
        .get(store, KEY, |text, version| {
            rules_of(text, version).map_err(|e| Error::malformed(e.message_zh()))
        })
        .await?;
    saved.map_or_else(built_in, Ok)
}

/// Saves the window's rules: the text must read, and every department and town it names must
/// be in the directory.
pub async fn save(store: &Store, actor: &Actor, seen_version: i64, text: &str) -> Result<()> {
    actor.require(Permission::DisputeManage)?;
    let rules = rules_of(text.to_string(), 0)?;
    let current = in_force(store).await?;
    if seen_version != current.version {
        return Err(Error::Conflict);
    }
    let mut conn = store.conn().await?;
    let mut r = crate::Refusals::default();
    for name in rules.departments() {
        let found: Option<i64> = sqlx::query_scalar("SELECT id FROM departments WHERE name = $1")
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            r.push(Error::invalid(
                "rules",
                format!("部门“{name}”不在组织机构中。"),
            ));
        }
    }
    let towns: Vec<String> = super::towns(&mut conn)
        .await?
        .into_iter()
        .map(|t| t.town)
        .collect();
    for rule in &rules.rules {
        for t in rule.towns() {
            if !towns.contains(t) {
                r.push(Error::invalid(
                    "rules",
                    format!("规则 {} 的镇乡街道“{t}”不在组织机构中。", rule.no),
                ));
            }
        }
    }
    r.finish()?;
    drop(conn);
    crate::settings::save(store, actor, KEY, current.version, text, "update", KEY).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(kind: Kind, town: &'static str, amount: Option<i64>, parties: i64) -> Facts<'static> {
        Facts {
            kind,
            town,
            village: "枫源村",
            amount,
            parties,
        }
    }

    #[test]
    fn the_first_rule_that_fits_decides_and_says_why() {
        let rules = built_in().unwrap();
        let d = rules.route(&facts(Kind::Wages, "店口镇", Some(18_000), 2));
        assert_eq!(d.rule_no, Some(12));
        assert_eq!(d.handler, Handler::Town);
        assert_eq!(d.track, Track::Simple);
        assert_eq!(
            d.explanation,
            "规则 12：劳动报酬；金额 ≤ 20000 元 → 店口镇矛盾纠纷调解中心（简易）"
        );
        // Over the amount the next wages rule sends it to arbitration.
        let d = rules.route(&facts(Kind::Wages, "店口镇", Some(20_001), 2));
        assert_eq!((d.rule_no, d.handler), (Some(13), Handler::Arbitration));
        assert_eq!(d.unit, Unit::Named("诸暨市人力资源和社会保障局".into()));
        // Ten parties or more go to the city centre before their kind is looked at.
        let d = rules.route(&facts(Kind::Wages, "店口镇", Some(100), 12));
        assert_eq!((d.rule_no, d.handler), (Some(1), Handler::City));
        // A small neighbours' quarrel stays in its village; with no amount it still fits.
        let d = rules.route(&facts(Kind::Neighbour, "枫桥镇", None, 2));
        assert_eq!((d.rule_no, d.handler), (Some(30), Handler::Village));
        assert_eq!(d.name, "枫桥镇枫源村人民调解委员会");
        let d = rules.route(&facts(Kind::Other, "枫桥镇", None, 3));
        assert_eq!(d.rule_no, Some(99));
    }

    #[test]
    fn rules_that_cannot_route_every_dispute_are_refused_with_the_reason() {
        let no_catch_all = BUILT_IN.replace(
            "no = 99\nhandler = \"town\"",
            "no = 99\nkinds = [\"other\"]\nhandler = \"town\"",
        );
        assert_ne!(no_catch_all, BUILT_IN);
        let e = parse(&no_catch_all).unwrap_err().message_zh();
        assert!(e.contains("最后一条规则（规则 99）不能有条件"), "{e}");
        let unknown = BUILT_IN.replace("kinds = [\"medical\"]", "kinds = [\"medicine\"]");
        let e = parse(&unknown).unwrap_err().message_zh();
        assert!(e.contains("规则 21 的纠纷类型“medicine”不认识"), "{e}");
        let no_unit = BUILT_IN.replace("department = \"诸暨市卫生健康局\"\n", "");
        let e = parse(&no_unit).unwrap_err().message_zh();
        assert!(e.contains("规则 21 移交行业主管部门"), "{e}");
        for (from, to, says) in [
            (
                "kinds = [\"medical\"]",
                "kinds = []",
                "规则 21 的 kinds 是空列表",
            ),
            (
                "amount_max = 20000",
                "amount_max = -1",
                "规则 12 的金额不能为负数",
            ),
            (
                "parties_min = 10",
                "parties_min = 0",
                "规则 1 的当事人人数至少为 1",
            ),
            (
                "no = 31\nkinds = [\"land\", \"property\"]\n",
                "no = 31\n",
                "规则 31 没有任何条件，排在它后面的规则永远用不到",
            ),
            (
                "track = \"simple\"\ndays = 15",
                "track = \"turbo\"\ndays = 15",
                "“turbo”应为 simple 或 complex",
            ),
        ] {
            let changed = BUILT_IN.replacen(from, to, 1);
            assert_ne!(changed, BUILT_IN, "{from}");
            let e = parse(&changed).unwrap_err().message_zh();
            assert!(e.contains(says), "{e}");
        }
        let e = parse("[city]\nname = ").unwrap_err().message_zh();
        assert!(e.contains("第 2 行附近"), "{e}");
    }
}
