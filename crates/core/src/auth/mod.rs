//! Sign-in (登录): passwords (argon2id and the password policy), sessions, lockout, API tokens,
//! and turning a session or a token into the `Actor` of a request.

pub mod password;
pub mod service;
pub mod session;
pub mod throttle;

pub use service::*;
