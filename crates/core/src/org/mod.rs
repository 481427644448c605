//! Organisation (组织机构): regions (city → town → village), departments (a tree, each in a
//! region, with the issuer abbreviation its document numbers carry), users, roles with their
//! permissions and data scopes, and API tokens for system integration.

pub mod model;
pub mod repo;
pub mod rules;
pub mod service;

pub use model::*;
