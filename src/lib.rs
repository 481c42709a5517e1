//! revenue_split: a creator revenue split computed inside PostgreSQL (see SPEC.md, README.md).
//!
//! Layout: `api` is the SQL surface. Two halves sit under it: `engine` turns events into
//! units (its `signals` is the only reader of the application tables) and `money` turns units
//! into ledger rows (its `ledger` is the only writer). `run` wires one call together. The math
//! (`config`, `period`, `engine::{stream, window, early, units}`, `money::{allocation,
//! payout}`) is plain Rust with no pgrx import, tested with `cargo test`.

use pgrx::prelude::*;

::pgrx::pg_module_magic!();

pub mod config;
pub mod engine;
pub mod money;
pub mod period;

mod api;
mod doctor;
mod errors;
mod run;
mod spi_read;

// The extension's own schema and tables, before any function is created.
extension_sql_file!("../sql/bootstrap.sql", name = "bootstrap", bootstrap);
// Objects added in 0.2.0 (an upgrade from 0.1.0 creates the same in
// sql/revenue_split--0.1.0--0.2.0.sql).
extension_sql_file!("../sql/v0_2_0.sql", name = "v0_2_0", requires = ["bootstrap"]);
// Objects added in 0.3.0 (the upgrade from 0.2.0 does the same in
// sql/revenue_split--0.2.0--0.3.0.sql).
extension_sql_file!("../sql/v0_3_0.sql", name = "v0_3_0", requires = ["v0_2_0"]);
// Privileges, once every function exists.
extension_sql_file!("../sql/finalize.sql", name = "finalize", finalize);

/// Runs once per backend, when the library is loaded.
#[pg_guard]
pub extern "C-unwind" fn _PG_init() {
    // pgrx attaches a Rust backtrace to the DETAIL of an error raised inside one of our
    // queries whenever RUST_BACKTRACE is set in the server's environment. SQL users get the
    // message, detail and hint only: RUST_LIB_BACKTRACE=0 turns off std's backtrace capture
    // (panics still honour RUST_BACKTRACE in the server log).
    // SAFETY: _PG_init runs on the backend's only thread, before our worker threads exist.
    unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
}

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
