//! Organisation (组织机构): regions (city → town → village), departments (a tree, each in a
//! region, with the issuer abbreviation its document numbers carry), users, roles with their
//! permissions and data scopes, and API tokens for system integration.

pub mod model;
pub mod repo;
pub mod rules;
pub mod service;

pub use model::*;

/// The region a department sits in: the region a record of that department is kept under (its
/// data scope).
pub async fn region_of(conn: &mut sqlx::AnyConnection, department_id: i64) -> crate::Result<i64> {
    sqlx::query_scalar("SELECT region_id FROM departments WHERE id = $1")
        .bind(department_id)
        .fetch_optional(conn)
        .await?
        .ok_or(crate::Error::NotFound)
}

/// A town or street (镇乡街道): its office (the department its records are kept under) and its
/// name as people say it (店口镇).
#[derive(Clone, Debug)]
pub struct Town {
    pub department_id: i64,
    pub department: String,
    pub town: String,
}

/// The towns' offices, in the order of their statistical codes.
pub async fn towns(conn: &mut sqlx::AnyConnection) -> crate::Result<Vec<Town>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT d.id, d.name, r.name FROM departments d JOIN regions r ON r.id = d.region_id
         WHERE r.kind = 'town' ORDER BY r.stat_code, d.id",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(department_id, department, town)| Town {
            department_id,
            department,
            town,
        })
        .collect())
}
