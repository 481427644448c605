use fazhi_store::DataScope;
use serde::{Deserialize, Serialize};

use crate::access::{AdminKind, Permission};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    City,
    Town,
    Village,
}

impl RegionKind {
    pub const ALL: [RegionKind; 3] = [RegionKind::City, RegionKind::Town, RegionKind::Village];

    pub fn code(self) -> &'static str {
        match self {
            RegionKind::City => "city",
            RegionKind::Town => "town",
            RegionKind::Village => "village",
        }
    }

    pub fn parse(code: &str) -> Option<RegionKind> {
        RegionKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RegionKind::City => "市（县、区）",
            RegionKind::Town => "镇乡（街道）",
            RegionKind::Village => "村（社区）",
        }
    }

    /// The kind a region of this kind must sit under (`None`: it is a root).
    pub fn parent_kind(self) -> Option<RegionKind> {
        match self {
            RegionKind::City => None,
            RegionKind::Town => Some(RegionKind::City),
            RegionKind::Village => Some(RegionKind::Town),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Region {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: RegionKind,
    pub name: String,
    /// GB/T 2260 six-digit code of the county-level division the region lies in.
    pub division_code: String,
    /// The 9- or 12-digit statistical code (统计用区划代码) of a town or village.
    pub stat_code: Option<String>,
    pub path: String,
    pub version: i64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RegionInput {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub division_code: String,
    pub stat_code: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Department {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub region_id: i64,
    pub region_name: String,
    pub name: String,
    /// The abbreviation that opens the department's document numbers (诸市监 in 诸市监罚〔2024〕17号).
    pub issuer_abbr: Option<String>,
    pub path: String,
    pub version: i64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct DepartmentInput {
    pub parent_id: Option<i64>,
    pub region_id: i64,
    pub name: String,
    pub issuer_abbr: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RoleRef {
    pub id: i64,
    pub name: String,
    pub admin_kind: Option<AdminKind>,
}

#[derive(Clone, Debug, Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub department_id: i64,
    pub department_name: String,
    pub region_id: i64,
    /// The mobile number as shown on screen (138****5678); the number itself is sealed.
    pub mobile_masked: Option<String>,
    pub must_change_password: bool,
    pub locked_until: Option<i64>,
    pub disabled: bool,
    pub version: i64,
    pub roles: Vec<RoleRef>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct UserInput {
    pub username: String,
    pub display_name: String,
    pub department_id: i64,
    #[serde(default)]
    pub mobile: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct UserUpdate {
    pub display_name: String,
    pub department_id: i64,
    pub disabled: bool,
    pub mobile: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct UserFilter {
    /// Part of the user name or display name.
    pub q: Option<String>,
    pub department_id: Option<i64>,
    /// An exact mobile number, found through its blind index.
    pub mobile: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Role {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: String,
    pub admin_kind: Option<AdminKind>,
    pub data_scope: DataScope,
    pub permissions: Vec<Permission>,
    pub builtin: bool,
    pub version: i64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct RoleInput {
    pub code: String,
    pub name: String,
    pub description: String,
    pub data_scope: String,
    pub permissions: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub department_id: i64,
    pub department_name: String,
    /// The user the token acts for (none on tokens issued before holders: those no longer work).
    pub holder: Option<String>,
    pub permissions: Vec<Permission>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ApiTokenInput {
    pub name: String,
    /// The user name of the person the token acts for: it carries at most their permissions
    /// and sees at most what they see.
    pub holder: String,
    pub permissions: Vec<String>,
}
