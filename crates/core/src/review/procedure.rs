//! The procedures of the legality review as data (`procedures.toml`): per kind of request, its
//! stages, the materials each needs, where it is accepted and where the opinion is issued, and
//! the reviewer's limit with its source.

use std::sync::{Arc, OnceLock};

use fazhi_kernel::period::Period;
use serde::Deserialize;

use fazhi_store::Store;

use crate::{Actor, Error, Permission, Result};

#[derive(Clone, Debug, Deserialize)]
pub struct Material {
    pub code: String,
    pub name: String,
    pub required: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct StageDef {
    pub code: String,
    /// The step (步骤) the stage (环节) belongs to.
    pub step: String,
    pub name: String,
    pub materials: Vec<Material>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Procedure {
    pub code: String,
    pub name: String,
    pub limit_days: u32,
    pub limit_source: String,
    pub accept_stage: String,
    pub opinion_stage: String,
    /// The opinion's template: its title and the sentence that opens it (the request's date,
    /// title and kind follow in the text).
    #[serde(default)]
    pub opinion: OpinionTemplate,
    pub stages: Vec<StageDef>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct OpinionTemplate {
    pub title: String,
    pub opening: String,
    pub signed_by: String,
}

impl Default for OpinionTemplate {
    fn default() -> Self {
        OpinionTemplate {
            title: "合法性审查意见书".into(),
            opening: "经审查，现提出如下审查意见：".into(),
            signed_by: "诸暨市合法性审查中心".into(),
        }
    }
}

impl Procedure {
    pub fn limit(&self) -> Period {
        Period::WorkingDays(self.limit_days)
    }

    pub fn index_of(&self, stage: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.code == stage)
    }

    pub fn stage(&self, index: usize) -> Option<&StageDef> {
        self.stages.get(index)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    kind: Vec<Procedure>,
}

/// Reads procedures as written (TOML), each checked: a kind has stages, a unique code, a limit,
/// and its acceptance before its opinion. Refusals are for people: the centre edits this text.
fn parse(text: &str) -> Result<Vec<Procedure>> {
    let file: File = toml::from_str(text)
        .map_err(|e| crate::settings::toml_refusal("procedures", "审查流程配置", text, &e))?;
    let bad = |m: String| Err(Error::invalid("procedures", m));
    if file.kind.is_empty() {
        return bad("至少要有一个审查事项类别。".into());
    }
    for (i, p) in file.kind.iter().enumerate() {
        if file.kind[..i].iter().any(|q| q.code == p.code) {
            return bad(format!("类别代码“{}”重复。", p.code));
        }
        if p.stages.is_empty() {
            return bad(format!("类别“{}”没有环节。", p.name));
        }
        for (j, stage) in p.stages.iter().enumerate() {
            if p.stages[..j].iter().any(|o| o.code == stage.code) {
                return bad(format!("类别“{}”的环节代码“{}”重复。", p.name, stage.code));
            }
            for (k, m) in stage.materials.iter().enumerate() {
                if stage.materials[..k].iter().any(|o| o.code == m.code) {
                    return bad(format!(
                        "类别“{}”环节“{}”的材料代码“{}”重复。",
                        p.name, stage.name, m.code
                    ));
                }
            }
        }
        if !(1..=60).contains(&p.limit_days) {
            return bad(format!(
                "类别“{}”的审查期限应在 1 至 60 个工作日之间。",
                p.name
            ));
        }
        for stage in [&p.accept_stage, &p.opinion_stage] {
            if p.index_of(stage).is_none() {
                return bad(format!("类别“{}”没有环节“{stage}”。", p.name));
            }
        }
        if p.index_of(&p.accept_stage) >= p.index_of(&p.opinion_stage) {
            return bad(format!("类别“{}”的受理环节须在出具意见环节之前。", p.name));
        }
    }
    Ok(file.kind)
}

/// The procedures shipped with fazhi (`procedures.toml`), in force until the centre saves its own.
pub const BUILT_IN: &str = include_str!("procedures.toml");

/// The procedures in force: the built-in ones or the centre's saved text.
#[derive(Clone, Debug)]
pub struct Procedures {
    pub kinds: Arc<Vec<Procedure>>,
    /// The text they were read from, and the setting's version (0: the built-in text).
    pub text: Arc<String>,
    pub version: i64,
}

impl Procedures {
    pub fn all(&self) -> &[Procedure] {
        &self.kinds
    }

    pub fn get(&self, kind: &str) -> Result<&Procedure> {
        self.kinds
            .iter()
            .find(|p| p.code == kind)
            .ok_or_else(|| Error::invalid("kind", format!("审查事项类别“{kind}”不存在。")))
    }
}

/// The built-in procedures, parsed once.
pub fn built_in() -> Result<Procedures> {
    static PARSED: OnceLock<std::result::Result<Procedures, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            parse(BUILT_IN)
                .map(|kinds| Procedures {
                    kinds: Arc::new(kinds),
                    text: Arc::new(BUILT_IN.to_string()),
                    version: 0,
                })
                .map_err(|e| e.message_zh())
        })
        .clone()
        .map_err(Error::malformed)
}

const KEY: &str = "review_procedures";

/// The procedures in force, read from the settings (parsed again only when their version
/// changes, so every process sees a save at its next request).
pub async fn in_force(store: &Store) -> Result<Procedures> {
    static CACHE: crate::settings::ParsedText<Procedures> = crate::settings::ParsedText::new();
    let saved = CACHE
        .get(store, KEY, |text, version| {
            Ok(Procedures {
                kinds: Arc::new(parse(&text).map_err(|e| Error::malformed(e.message_zh()))?),
                text: Arc::new(text),
                version,
            })
        })
        .await?;
    saved.map_or_else(built_in, Ok)
}

/// Saves the centre's procedures. Refused, with the kinds named: text that does not read; a
/// kind removed while requests of it exist; a kind whose stages change while one of its
/// requests is under way (its stage is an index into them).
pub async fn save(store: &Store, actor: &Actor, seen_version: i64, text: &str) -> Result<()> {
    actor.require(Permission::NormativeManage)?;
    let kinds = parse(text)?;
    let current = in_force(store).await?;
    if seen_version != current.version {
        return Err(Error::Conflict);
    }
    let used: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT kind, COUNT(*) AS n,
                CAST(SUM(CASE WHEN state <> 'concluded' THEN 1 ELSE 0 END) AS BIGINT) AS open
         FROM legality_reviews GROUP BY kind ORDER BY kind",
    )
    .fetch_all(store.pool())
    .await?;
    let mut r = crate::Refusals::default();
    for (kind, _, open) in &used {
        let name = current.get(kind).map_or(kind.clone(), |p| p.name.clone());
        match kinds.iter().find(|p| &p.code == kind) {
            None => r.push(Error::invalid(
                "procedures",
                format!("类别“{name}”已有审查事项，不能删除。"),
            )),
            Some(new) if *open > 0 => {
                let codes =
                    |p: &Procedure| p.stages.iter().map(|s| s.code.clone()).collect::<Vec<_>>();
                if current.get(kind).is_ok_and(|old| codes(old) != codes(new)) {
                    r.push(Error::invalid(
                        "procedures",
                        format!(
                            "类别“{name}”有 {open} 件审查事项正在办理，其环节不能增删或调换顺序（可以修改名称、材料和期限）。"
                        ),
                    ));
                }
            }
            Some(_) => {}
        }
    }
    r.finish()?;
    crate::settings::save(store, actor, KEY, current.version, text, "update", KEY).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_procedures_parse_and_the_agenda_has_four_steps_and_nine_stages() {
        let built = built_in().unwrap();
        let get = |k: &str| built.get(k);
        let agenda = get("agenda").unwrap();
        assert_eq!(agenda.stages.len(), 9);
        let mut steps: Vec<&str> = agenda.stages.iter().map(|s| s.step.as_str()).collect();
        steps.dedup();
        assert_eq!(steps.len(), 4);
        assert_eq!(
            get("major_decision").unwrap().limit(),
            Period::WorkingDays(7)
        );
        assert!(get("nothing").is_err());
        // Stage codes are the requests' positions: two alike would make one unreachable.
        let doubled = BUILT_IN.replacen(
            "{ code = \"review\", step = \"合法性审查\", name = \"审查\"",
            "{ code = \"accept\", step = \"合法性审查\", name = \"审查\"",
            1,
        );
        assert_ne!(doubled, BUILT_IN);
        let e = parse(&doubled).unwrap_err();
        assert!(
            e.message_zh().contains("环节代码“accept”重复"),
            "{}",
            e.message_zh()
        );
        let e = parse("[[kind]]\ncode = ").unwrap_err();
        assert!(e.message_zh().contains("第 2 行附近"), "{}", e.message_zh());
        assert!(parse("[[kind]]\ncode='x'\nname='x'\nlimit_days=1\nlimit_source=''\naccept_stage='b'\nopinion_stage='a'\nstages=[{code='a',step='s',name='a',materials=[]},{code='b',step='s',name='b',materials=[]}]").is_err());
    }
}
