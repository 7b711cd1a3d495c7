//! Integration tests: the real `goldthread` binary, in a temporary
//! directory, against a real database, over real HTTP on loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

mod util;
mod webdriver;

mod access;
mod api;
mod authoring;
mod authoring_plans;
mod browser;
mod cli;
mod cycle;
mod durability;
mod hostile;
mod import;
mod links;
mod monitor;
mod oidc;
mod plan_document;
mod posts;
mod public;
mod report;
mod roundtrip;
mod serve;
mod tables;
mod xss;
