//! The OpenAPI 3.1 document of `/api/v1`. A test checks that every route of the API is in it.

use serde_json::{Value, json};

fn error_responses() -> Value {
    json!({
        "400": { "$ref": "#/components/responses/Error" },
        "401": { "$ref": "#/components/responses/Error" },
        "403": { "$ref": "#/components/responses/Error" },
        "404": { "$ref": "#/components/responses/Error" },
        "409": { "$ref": "#/components/responses/Error" },
        "422": { "$ref": "#/components/responses/Error" }
    })
}

fn op(summary: &str, schema: &str, params: Value, body: Option<&str>) -> Value {
    let mut responses = error_responses();
    responses["200"] = json!({ "description": "OK", "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
    let mut o = json!({ "summary": summary, "parameters": params, "responses": responses });
    if let Some(b) = body {
        o["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{b}") } } } });
    }
    o
}

fn id_param() -> Value {
    json!([{ "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } }])
}

fn page_params(extra: &[(&str, &str)]) -> Value {
    let mut ps = vec![
        json!({ "name": "after", "in": "query", "schema": { "type": "integer" }, "description": "keyset: the `next` of the previous page" }),
        json!({ "name": "limit", "in": "query", "schema": { "type": "integer", "minimum": 1, "maximum": 500 } }),
    ];
    for (name, ty) in extra {
        ps.push(json!({ "name": name, "in": "query", "schema": { "type": ty } }));
    }
    Value::Array(ps)
}

pub fn document() -> Value {
    let str_ = json!({ "type": "string" });
    let int = json!({ "type": "integer" });
    let opt_str = json!({ "type": ["string", "null"] });
    let opt_int = json!({ "type": ["integer", "null"] });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "fazhi API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "法治 fazhi 的系统对接接口。认证：Authorization: Bearer <对接令牌>，或已登录浏览器会话（写操作须带 X-CSRF-Token 头）。错误均为 JSON：{code, message, field?}。"
        },
        "components": {
            "securitySchemes": { "token": { "type": "http", "scheme": "bearer" } },
            "responses": { "Error": { "description": "错误", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } } },
            "schemas": {
                "Error": { "type": "object", "required": ["code", "message"], "properties": { "code": str_, "message": str_, "field": str_ } },
                "Me": { "type": "object" },
                "Region": { "type": "object", "properties": { "id": int, "parent_id": opt_int, "kind": { "enum": ["city", "town", "village"] }, "name": str_, "division_code": str_, "stat_code": opt_str, "path": str_, "version": int } },
                "RegionInput": { "type": "object", "required": ["kind", "name", "division_code"], "properties": { "parent_id": opt_int, "kind": str_, "name": str_, "division_code": str_, "stat_code": opt_str, "version": { "type": "integer", "description": "required on PUT" } } },
                "RegionList": { "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Region" } } } },
                "Department": { "type": "object", "properties": { "id": int, "parent_id": opt_int, "region_id": int, "region_name": str_, "name": str_, "issuer_abbr": opt_str, "path": str_, "version": int } },
                "DepartmentInput": { "type": "object", "required": ["region_id", "name"], "properties": { "parent_id": opt_int, "region_id": int, "name": str_, "issuer_abbr": opt_str, "version": { "type": "integer", "description": "required on PUT" } } },
                "DepartmentList": { "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/Department" } } } },
                "User": { "type": "object", "properties": { "id": int, "username": str_, "display_name": str_, "department_id": int, "department_name": str_, "region_id": int, "disabled": { "type": "boolean" }, "version": int } },
                "UserPage": { "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/User" } }, "next": opt_int } },
                "AuditEntry": { "type": "object", "properties": { "id": int, "seq": int, "at": int, "actor_name": str_, "ip": opt_str, "action": str_, "object_type": str_, "object_id": opt_str, "detail": str_, "prev_hash": str_, "hash": str_ } },
                "CatalogItem": { "type": "object", "properties": { "id": int, "code": str_, "name": str_, "kind": { "enum": ["penalty", "coercion", "inspection", "levy", "other"] }, "catalog": { "enum": ["comprehensive", "professional"] }, "law": str_, "article": str_, "basis_text": str_, "department_id": int, "department_name": str_, "effective_from": str_, "repealed": { "type": "boolean" } } },
                "CatalogPage": { "type": "object", "properties": { "on": str_, "items": { "type": "array", "items": { "$ref": "#/components/schemas/CatalogItem" } }, "next": opt_str } },
                "CatalogItemDetail": { "type": "object", "properties": { "versions": { "type": "array", "items": { "$ref": "#/components/schemas/CatalogItem" } }, "current": { "oneOf": [{ "$ref": "#/components/schemas/CatalogItem" }, { "type": "null" }] }, "delegations": { "type": "array", "items": { "type": "object" } } } },
                "CaseSummary": { "type": "object", "properties": { "id": int, "source_system": str_, "stage": str_, "procedure": str_, "item_code": str_, "cause": str_, "department_name": str_, "region_name": str_, "filed_on": str_, "decision_number": opt_str } },
                "CasePage": { "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/CaseSummary" } }, "next": opt_int } },
                "IngestReport": { "type": "object", "required": ["inserted", "updated", "unchanged", "rejected", "errors"], "properties": { "inserted": int, "updated": int, "unchanged": int, "rejected": int, "errors": { "type": "array", "items": { "type": "object", "properties": { "line": int, "reason": str_ } } } } },
                "AuditPage": { "type": "object", "properties": { "items": { "type": "array", "items": { "$ref": "#/components/schemas/AuditEntry" } }, "next": opt_int } }
            }
        },
        "security": [{ "token": [] }],
        "paths": {
            "/api/v1/me": { "get": op("当前调用者", "Me", json!([]), None) },
            "/api/v1/regions": {
                "get": op("区域列表", "RegionList", json!([]), None),
                "post": op("新增区域", "Region", json!([]), Some("RegionInput"))
            },
            "/api/v1/regions/{id}": {
                "get": op("区域", "Region", id_param(), None),
                "put": op("修改区域（带 version，乐观并发）", "Region", id_param(), Some("RegionInput"))
            },
            "/api/v1/departments": {
                "get": op("部门列表（按数据权限）", "DepartmentList", json!([]), None),
                "post": op("新增部门", "Department", json!([]), Some("DepartmentInput"))
            },
            "/api/v1/departments/{id}": {
                "get": op("部门", "Department", id_param(), None),
                "put": op("修改部门（带 version，乐观并发）", "Department", id_param(), Some("DepartmentInput"))
            },
            "/api/v1/users": { "get": op("用户列表（按数据权限，键集分页）", "UserPage", page_params(&[("q", "string"), ("department_id", "integer")]), None) },
            "/api/v1/users/{id}": { "get": op("用户", "User", id_param(), None) },
            "/api/v1/catalog": { "get": op("执法事项目录（某日有效的版本，按编码键集分页）", "CatalogPage", json!([
                { "name": "list", "in": "query", "schema": { "enum": ["master", "comprehensive", "professional", "town"] } },
                { "name": "department_id", "in": "query", "schema": { "type": "integer" } },
                { "name": "town_id", "in": "query", "schema": { "type": "integer" } },
                { "name": "q", "in": "query", "schema": { "type": "string" } },
                { "name": "on", "in": "query", "schema": { "type": "string", "format": "date" } },
                { "name": "after", "in": "query", "schema": { "type": "string" }, "description": "keyset: the `next` of the previous page" }
            ]), None) },
            "/api/v1/catalog/{code}": { "get": op("执法事项（全部版本、现行版本、赋权）", "CatalogItemDetail", json!([{ "name": "code", "in": "path", "required": true, "schema": { "type": "string" } }]), None) },
            "/api/v1/cases": { "get": op("行政处罚案件（数据权限内，新的在前）", "CasePage", page_params(&[("region_id", "integer"), ("item_code", "string"), ("stage", "string"), ("procedure", "string"), ("filed_from", "string"), ("filed_until", "string"), ("delegated", "boolean"), ("filing_town", "integer"), ("finding", "string")]), None) },
            "/api/v1/cases/import": { "post": {
                "summary": "归集案件：请求体为 JSON Lines（每行一件，格式见 docs/case-import.md），流式读取；按来源系统+来源编号幂等；整批一个事务",
                "requestBody": { "required": true, "content": { "application/x-ndjson": { "schema": { "type": "string" } } } },
                "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/IngestReport" } } } }, "400": { "$ref": "#/components/responses/Error" }, "401": { "$ref": "#/components/responses/Error" }, "403": { "$ref": "#/components/responses/Error" } }
            } },
            "/api/v1/audit": { "get": op("审计日志（审计管理员）", "AuditPage", page_params(&[("actor", "string"), ("action", "string"), ("object_type", "string"), ("from", "string"), ("until", "string")]), None) }
        }
    })
}
