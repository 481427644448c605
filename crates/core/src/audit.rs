//! The audit administrator's side of the audit log: search and export. Exports are themselves
//! audited.

use fazhi_store::Store;
use fazhi_store::audit::{self, AuditEntry, AuditEvent, AuditFilter};
use fazhi_store::page::{Keyset, Page};
use rust_xlsxwriter::Workbook;
use serde_json::json;

use crate::access::{Actor, Permission};
use crate::{Error, Result};

/// Records an import that was refused — a file refused before reading or rows rejected, with
/// nothing written — so that probing with bad files leaves a trace (等保 安全审计).
pub async fn import_rejected(
    store: &Store,
    actor: &Actor,
    what: &str,
    detail: serde_json::Value,
) -> Result<()> {
    read_or_refusal(store, actor, "import_rejected", what, None, detail).await
}

/// Records a read of personal data in clear (a full ID number, a mobile number opened for an
/// edit form) or a read through an API token, in its own transaction.
pub async fn read(
    store: &Store,
    actor: &Actor,
    object_type: &str,
    object_id: Option<String>,
    detail: serde_json::Value,
) -> Result<()> {
    read_or_refusal(store, actor, "read", object_type, object_id, detail).await
}

async fn read_or_refusal(
    store: &Store,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: Option<String>,
    detail: serde_json::Value,
) -> Result<()> {
    let mut tx = store.begin().await?;
    record(&mut tx, actor, action, object_type, object_id, detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Appends the audit entry of a change by `actor`, in the transaction of the change.
pub async fn record(
    tx: &mut fazhi_store::Tx,
    actor: &Actor,
    action: &str,
    object_type: &str,
    object_id: Option<String>,
    detail: serde_json::Value,
) -> Result<()> {
    audit::append(
        tx,
        &actor.audit(),
        &AuditEvent {
            action,
            object_type,
            object_id,
            detail,
        },
    )
    .await?;
    Ok(())
}

/// The most rows one export holds; a larger export must be narrowed by the filters.
pub const EXPORT_LIMIT: i64 = 100_000;

pub async fn search(
    store: &Store,
    actor: &Actor,
    filter: &AuditFilter,
    keyset: Keyset,
) -> Result<Page<AuditEntry>> {
    actor.require(Permission::AuditRead)?;
    Ok(audit::search(store, filter, keyset).await?)
}

pub fn action_label(action: &str) -> &str {
    match action {
        "sign_in" => "登录",
        "sign_in_failed" => "登录失败",
        "sign_out" => "退出",
        "create" => "新增",
        "update" => "修改",
        "delete" => "删除",
        "export" => "导出",
        "permission_change" => "权限变更",
        "grant_roles" => "授予角色",
        "reset_password" => "重置密码",
        "change_password" => "修改密码",
        "lock" => "锁定账号",
        "unlock" => "解锁账号",
        "revoke" => "吊销",
        "seed" => "初始化数据",
        "verify" => "校验审计链",
        "verify_identity" => "实名核验",
        "import" => "导入",
        "warn" => "期限预警",
        "rotate_key" => "密钥轮换",
        other => other,
    }
}

pub fn object_label(object_type: &str) -> &str {
    match object_type {
        "user" => "用户",
        "region" => "区域",
        "department" => "部门",
        "role" => "角色",
        "api_token" => "对接令牌",
        "password_policy" => "密码策略",
        "deadline_warning_policy" => "预警设置",
        "audit_log" => "审计日志",
        "organisation" => "组织机构",
        "calendar_year" => "年度节假日安排",
        "local_rest_day" => "本地休息日",
        "deadline" => "期限",
        "users" => "用户（批量）",
        "enforcement_catalog" => "执法事项目录",
        "delegation" => "赋权",
        "portal_identity" => "门户实名核验",
        "dispute" => "矛盾纠纷",
        "reconsideration" => "行政复议",
        "litigation" => "行政诉讼",
        other => other,
    }
}

/// Formats Unix ms as China time, the way people read it.
pub fn china_time(ms: i64) -> String {
    let offset = chrono::FixedOffset::east_opt(8 * 3600);
    match (chrono::DateTime::from_timestamp_millis(ms), offset) {
        (Some(t), Some(o)) => t.with_timezone(&o).format("%Y-%m-%d %H:%M:%S").to_string(),
        _ => ms.to_string(),
    }
}

/// Writes every entry matching `filter` to an .xlsx workbook and records the export.
pub async fn export_xlsx(store: &Store, actor: &Actor, filter: &AuditFilter) -> Result<Vec<u8>> {
    actor.require(Permission::AuditExport)?;
    let entries = audit::search_all(store, filter, EXPORT_LIMIT).await?;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let xl = |e: rust_xlsxwriter::XlsxError| Error::invalid("export", e.to_string());
    sheet.set_name("审计日志").map_err(xl)?;
    let headers = [
        "序号",
        "时间",
        "操作人",
        "来源地址",
        "操作",
        "对象类型",
        "对象标识",
        "详情",
        "哈希",
    ];
    for (c, h) in (0u16..).zip(headers) {
        sheet.write_string(0, c, h).map_err(xl)?;
    }
    for (r, e) in (1u32..).zip(&entries) {
        sheet.write_number(r, 0, e.seq as f64).map_err(xl)?;
        sheet.write_string(r, 1, china_time(e.at)).map_err(xl)?;
        sheet.write_string(r, 2, &e.actor_name).map_err(xl)?;
        sheet
            .write_string(r, 3, e.ip.as_deref().unwrap_or(""))
            .map_err(xl)?;
        sheet
            .write_string(r, 4, action_label(&e.action))
            .map_err(xl)?;
        sheet.write_string(r, 5, &e.object_type).map_err(xl)?;
        sheet
            .write_string(r, 6, e.object_id.as_deref().unwrap_or(""))
            .map_err(xl)?;
        sheet.write_string(r, 7, &e.detail).map_err(xl)?;
        sheet.write_string(r, 8, &e.hash).map_err(xl)?;
    }
    let bytes = book.save_to_buffer().map_err(xl)?;
    let mut tx = store.begin().await?;
    audit::append(
        &mut tx,
        &actor.audit(),
        &AuditEvent {
            action: "export",
            object_type: "audit_log",
            object_id: None,
            detail: json!({
                "rows": entries.len(),
                "filter": {
                    "actor": filter.actor, "action": filter.action,
                    "object_type": filter.object_type, "object_id": filter.object_id,
                    "from": filter.from, "until": filter.until,
                },
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(bytes)
}
