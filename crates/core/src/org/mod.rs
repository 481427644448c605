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
