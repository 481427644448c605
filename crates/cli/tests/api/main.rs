//! Integration tests: the real app on a random port, driven over HTTP, against SQLite and (when
//! FAZHI_TEST_PG is set) PostgreSQL. One file per feature.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

mod acts;
mod admins;
mod advisers;
mod api;
mod audit;
mod benchmarks;
mod bulletins;
mod cases;
mod catalog;
mod cleanups;
mod cli;
mod contracts;
mod deadlines;
mod decisions;
mod documents;
mod draws;
mod evaluate;
mod file_contents;
mod hardening;
mod ingest;
mod inspections;
mod jobs;
mod joint_plans;
mod kernel_cli;
mod leads;
mod lists;
mod matrix;
mod normative;
mod notices;
mod numbers;
mod performance;
mod plan;
mod races;
mod reconsiderations;
mod review;
mod reviews;
mod samples;
mod scope;
mod self_inspections;
mod sign_in;
mod transfers;
mod vault;
