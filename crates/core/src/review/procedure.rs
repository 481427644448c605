//! The procedures of the legality review as data (`procedures.toml`): per kind of request, its
//! stages, the materials each needs, where it is accepted and where the opinion is issued, and
//! the reviewer's limit with its source.

use std::sync::OnceLock;

use fazhi_kernel::period::Period;
use serde::Deserialize;

use crate::{Error, Result};

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
    pub stages: Vec<StageDef>,
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
struct File {
    kind: Vec<Procedure>,
}

fn parse(text: &str) -> Result<Vec<Procedure>> {
    let file: File =
        toml::from_str(text).map_err(|e| Error::malformed(format!("review procedures: {e}")))?;
    for p in &file.kind {
        for stage in [&p.accept_stage, &p.opinion_stage] {
            if p.index_of(stage).is_none() {
                return Err(Error::malformed(format!(
                    "procedure {} has no stage {stage}",
                    p.code
                )));
            }
        }
        if p.index_of(&p.accept_stage) >= p.index_of(&p.opinion_stage) {
            return Err(Error::malformed(format!(
                "procedure {}: acceptance must come before the opinion",
                p.code
            )));
        }
    }
    Ok(file.kind)
}

/// Every procedure, parsed once.
pub fn all() -> Result<&'static [Procedure]> {
    static PARSED: OnceLock<std::result::Result<Vec<Procedure>, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| parse(include_str!("procedures.toml")).map_err(|e| e.message_zh()))
        .as_deref()
        .map_err(|e| Error::malformed(e.clone()))
}

pub fn get(kind: &str) -> Result<&'static Procedure> {
    all()?
        .iter()
        .find(|p| p.code == kind)
        .ok_or_else(|| Error::invalid("kind", format!("审查事项类别“{kind}”不存在。")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_procedures_parse_and_the_agenda_has_four_steps_and_nine_stages() {
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
        assert!(parse("[[kind]]\ncode='x'\nname='x'\nlimit_days=1\nlimit_source=''\naccept_stage='b'\nopinion_stage='a'\nstages=[{code='a',step='s',name='a',materials=[]},{code='b',step='s',name='b',materials=[]}]").is_err());
    }
}
