//! Who is acting: permissions, the three administrators (三员分立) and the resolved data scope.

use std::collections::BTreeSet;

use fazhi_store::Scope;
use fazhi_store::audit::AuditActor;
use serde::Serialize;

use crate::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Permission {
    /// Read the organisation directory (regions, departments, users) within one's scope.
    OrgRead,
    /// Maintain the enforcement catalog and its delegations to towns.
    CatalogManage,
    /// Read penalty cases within one's scope.
    CaseRead,
    /// File and handle penalty cases within one's scope.
    CaseHandle,
    /// Issue supervision notices to agencies within one's scope, and accept or return their
    /// rectification.
    SupervisionManage,
    /// Reply to the supervision notices addressed to one's own office.
    SupervisionReply,
    /// Keep the register of normative documents (登记、备案、清理).
    NormativeManage,
    /// Handle administrative reconsideration cases (行政复议机构).
    ReconsiderationHandle,
    /// Coordinate the defence of administrative suits (行政应诉).
    LitigationHandle,
    /// Take in, mediate and close disputes at the one window and the towns' centres.
    DisputeHandle,
    /// Keep the window's routing rules and route or re-route any dispute.
    DisputeManage,
    OrgManage,
    UserManage,
    TokenManage,
    RoleManage,
    PolicyManage,
    AuditRead,
    AuditExport,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminKind {
    System,
    Security,
    Audit,
}

/// Serialised as the stable code (`org.read`), in the API and on the audit log.
impl Serialize for Permission {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl Serialize for AdminKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl Permission {
    pub const ALL: [Permission; 18] = [
        Permission::OrgRead,
        Permission::CatalogManage,
        Permission::CaseRead,
        Permission::CaseHandle,
        Permission::SupervisionManage,
        Permission::SupervisionReply,
        Permission::NormativeManage,
        Permission::ReconsiderationHandle,
        Permission::LitigationHandle,
        Permission::DisputeHandle,
        Permission::DisputeManage,
        Permission::OrgManage,
        Permission::UserManage,
        Permission::TokenManage,
        Permission::RoleManage,
        Permission::PolicyManage,
        Permission::AuditRead,
        Permission::AuditExport,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::OrgRead => "org.read",
            Permission::CatalogManage => "catalog.manage",
            Permission::CaseRead => "case.read",
            Permission::CaseHandle => "case.handle",
            Permission::SupervisionManage => "supervision.manage",
            Permission::SupervisionReply => "supervision.reply",
            Permission::NormativeManage => "normative.manage",
            Permission::ReconsiderationHandle => "reconsideration.handle",
            Permission::LitigationHandle => "litigation.handle",
            Permission::DisputeHandle => "dispute.handle",
            Permission::DisputeManage => "dispute.manage",
            Permission::OrgManage => "org.manage",
            Permission::UserManage => "user.manage",
            Permission::TokenManage => "token.manage",
            Permission::RoleManage => "role.manage",
            Permission::PolicyManage => "policy.manage",
            Permission::AuditRead => "audit.read",
            Permission::AuditExport => "audit.export",
        }
    }

    pub fn parse(code: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Permission::OrgRead => "查看组织机构通讯录",
            Permission::CatalogManage => "维护执法事项目录、赋权和执法文书模板",
            Permission::CaseRead => "查看行政处罚案件",
            Permission::CaseHandle => "办理行政处罚案件",
            Permission::SupervisionManage => "发出执法监督通知书、验收整改",
            Permission::SupervisionReply => "回复执法监督通知书",
            Permission::NormativeManage => "维护行政规范性文件库（登记、备案、清理）",
            Permission::ReconsiderationHandle => "办理行政复议案件",
            Permission::LitigationHandle => "协调行政诉讼应诉",
            Permission::DisputeHandle => "受理、调解矛盾纠纷",
            Permission::DisputeManage => "维护纠纷分流规则、改派纠纷",
            Permission::OrgManage => "管理区域和部门",
            Permission::UserManage => "管理用户账号",
            Permission::TokenManage => "管理系统对接令牌",
            Permission::RoleManage => "管理角色与授权",
            Permission::PolicyManage => "管理密码策略",
            Permission::AuditRead => "查阅审计日志",
            Permission::AuditExport => "导出审计日志",
        }
    }

    /// The administrator a permission belongs to. Such permissions come only with that
    /// administrator's built-in role, never with a business role, so no role can join two of
    /// the three administrators' powers.
    pub fn admin_kind(self) -> Option<AdminKind> {
        match self {
            Permission::OrgRead
            | Permission::CatalogManage
            | Permission::CaseRead
            | Permission::CaseHandle
            | Permission::SupervisionManage
            | Permission::SupervisionReply
            | Permission::NormativeManage
            | Permission::ReconsiderationHandle
            | Permission::LitigationHandle
            | Permission::DisputeHandle
            | Permission::DisputeManage => None,
            Permission::OrgManage | Permission::UserManage | Permission::TokenManage => {
                Some(AdminKind::System)
            }
            Permission::RoleManage | Permission::PolicyManage => Some(AdminKind::Security),
            Permission::AuditRead | Permission::AuditExport => Some(AdminKind::Audit),
        }
    }
}

impl AdminKind {
    pub const ALL: [AdminKind; 3] = [AdminKind::System, AdminKind::Security, AdminKind::Audit];

    pub fn code(self) -> &'static str {
        match self {
            AdminKind::System => "system",
            AdminKind::Security => "security",
            AdminKind::Audit => "audit",
        }
    }

    pub fn parse(code: &str) -> Option<AdminKind> {
        AdminKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AdminKind::System => "系统管理员",
            AdminKind::Security => "安全管理员",
            AdminKind::Audit => "审计管理员",
        }
    }

    /// The permissions of the administrator's built-in role. The system administrator also reads
    /// the directory (to manage it); the security administrator too (to grant roles to users).
    pub fn permissions(self) -> Vec<Permission> {
        let mut ps: Vec<Permission> = Permission::ALL
            .into_iter()
            .filter(|p| p.admin_kind() == Some(self))
            .collect();
        if self != AdminKind::Audit {
            ps.insert(0, Permission::OrgRead);
        }
        ps
    }
}

/// The principal of a request: a signed-in user or an API token.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub token_id: Option<i64>,
    pub name: String,
    pub display_name: String,
    pub ip: Option<String>,
    pub permissions: BTreeSet<Permission>,
    pub admin_kind: Option<AdminKind>,
    pub scope: Scope,
    pub must_change_password: bool,
}

impl Actor {
    pub fn can(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }

    pub fn require(&self, p: Permission) -> Result<()> {
        if self.can(p) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    /// Allowed when the actor holds any of `ps` (a record read by two kinds of people, e.g. a
    /// notice by the supervisor who issued it and the agency that replies).
    pub fn require_any(&self, ps: &[Permission]) -> Result<()> {
        if ps.iter().any(|p| self.can(*p)) {
            Ok(())
        } else {
            Err(Error::Forbidden)
        }
    }

    pub fn audit(&self) -> AuditActor {
        AuditActor {
            user_id: self.user_id,
            name: self.name.clone(),
            ip: self.ip.clone(),
        }
    }
}

impl Actor {
    /// The person at the server's console running `fazhi user …`: not an account, but audited
    /// under this name like everyone else.
    pub fn operator() -> Actor {
        let who = std::env::var("USER").unwrap_or_else(|_| "root".into());
        Actor {
            user_id: None,
            token_id: None,
            name: format!("cli:{who}"),
            display_name: "服务器控制台".into(),
            ip: None,
            permissions: Permission::ALL.into_iter().collect(),
            admin_kind: None,
            scope: Scope {
                kind: fazhi_store::DataScope::All,
                user_id: None,
                region_path: "/".into(),
                department_id: 0,
                department_path: "/".into(),
                region_leaf: false,
                department_leaf: false,
            },
            must_change_password: false,
        }
    }

    /// Whether this is the server's console (`Actor::operator`): no account, no token.
    pub fn is_console(&self) -> bool {
        self.user_id.is_none() && self.token_id.is_none() && self.name.starts_with("cli:")
    }

    /// A background job acting on its own, audited as `system:<job>`, with only `permissions`.
    pub fn system(job: &str, permissions: &[Permission]) -> Actor {
        Actor {
            name: format!("system:{job}"),
            display_name: "系统任务".into(),
            permissions: permissions.iter().copied().collect(),
            ..Actor::operator()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_administrators_share_no_management_permission() {
        for a in AdminKind::ALL {
            for b in AdminKind::ALL {
                if a == b {
                    continue;
                }
                let shared: Vec<_> = a
                    .permissions()
                    .into_iter()
                    .filter(|p| p.admin_kind().is_some() && b.permissions().contains(p))
                    .collect();
                assert!(shared.is_empty(), "{a:?} and {b:?} share {shared:?}");
            }
        }
        assert!(
            !AdminKind::Audit
                .permissions()
                .contains(&Permission::UserManage)
        );
        assert!(
            AdminKind::Audit
                .permissions()
                .contains(&Permission::AuditExport)
        );
    }

    #[test]
    fn permission_codes_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.code()), Some(p));
        }
        assert_eq!(Permission::parse("root"), None);
    }
}
