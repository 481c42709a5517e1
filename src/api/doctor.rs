//! `revenue_split_doctor()`: the health report (see `crate::doctor`).

use pgrx::prelude::*;

use super::or_report;

/// A read-only health report: application tables and types, the recommended index, the
/// configuration, privileges, the pg_cron job and the last runs.
#[pg_extern(stable, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_doctor() -> TableIterator<'static, (name!(check, String), name!(status, String), name!(detail, String))>
{
    let checks = or_report(crate::doctor::report(), function_name!());
    TableIterator::new(checks.into_iter().map(|c| (c.check, c.status.to_string(), c.detail)))
}
