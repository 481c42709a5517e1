//! revenue_split: a creator revenue split computed inside PostgreSQL (see SPEC.md, README.md).
//!
//! Layout: `api` is the SQL surface; `signals` reads the application tables and `ledger`
//! writes; `run` wires one call together. The math — `config`, `period`, `stream`, `units`,
//! `window`, `allocation`, `payout` — is plain Rust with no pgrx import, tested with `cargo test`.

use pgrx::prelude::*;

::pgrx::pg_module_magic!();

pub mod allocation;
pub mod config;
pub mod early;
pub mod payout;
pub mod period;
pub mod pipeline;
pub mod stream;
pub mod units;
pub mod window;

mod api;
mod doctor;
mod errors;
mod ledger;
mod run;
mod signals;

// The extension's own schema and tables, before any function is created.
extension_sql_file!("../sql/bootstrap.sql", name = "bootstrap", bootstrap);
// Objects added in 0.2.0 (an upgrade from 0.1.0 creates the same in
// sql/revenue_split--0.1.0--0.2.0.sql).
extension_sql_file!("../sql/v0_2_0.sql", name = "v0_2_0", requires = ["bootstrap"]);
// Privileges, once every function exists.
extension_sql_file!("../sql/finalize.sql", name = "finalize", finalize);

#[cfg(any(test, feature = "pg_test"))]
mod pg_tests;

/// Required by `cargo pgrx test`.
#[cfg(test)]
pub mod pg_test {
    pub fn setup(_options: Vec<&str>) {}

    #[must_use]
    pub fn postgresql_conf_options() -> Vec<&'static str> {
        vec![]
    }
}
