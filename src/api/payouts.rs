//! Previewing and paying a period (SPEC §5–6, §8, §9 for the `paid_cents` / `owed_*` columns).

use pgrx::datum::Date;
use pgrx::prelude::*;

use super::srf::materialize;
use super::{check_day, check_payment_type, check_pool, month_period, or_report};
use crate::money::ledger::RunRow;
use crate::period::Period;
use crate::run::{self, PreviewRow};

/// The monthly allocation a commit would make (SPEC §5), and what it would pay now (§9),
/// without writing.
#[pg_extern(sql = r#"
CREATE FUNCTION "revenue_split_preview"(
	"pool" bigint,
	"year" INT DEFAULT NULL,
	"month" INT DEFAULT NULL
) RETURNS TABLE (
	"creator_id" bigint,
	"units" double precision,
	"kyc_level" INT,
	"cap_cents" bigint,
	"amount_cents" bigint,
	"capped" bool,
	"paid_cents" bigint,
	"owed_after_cents" bigint
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_preview_wrapper';
"#)]
fn revenue_split_preview(pool: Option<i64>, year: Option<i32>, month: Option<i32>, fcinfo: pg_sys::FunctionCallInfo) {
    let rows =
        or_report(check_pool(pool).and_then(|pool| run::preview(&month_period(year, month)?, pool)), function_name!());
    // SAFETY: fcinfo is this call's.
    unsafe { materialize(fcinfo, rows.into_iter().map(preview_row)) }
}

/// The daily allocation `revenue_split_run` would make, without writing.
#[pg_extern(sql = r#"
CREATE FUNCTION "revenue_split_preview_day"(
	"pool" bigint,
	"day" date
) RETURNS TABLE (
	"creator_id" bigint,
	"units" double precision,
	"kyc_level" INT,
	"cap_cents" bigint,
	"amount_cents" bigint,
	"capped" bool,
	"paid_cents" bigint,
	"owed_after_cents" bigint
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_preview_day_wrapper';
"#)]
fn revenue_split_preview_day(pool: Option<i64>, day: Option<Date>, fcinfo: pg_sys::FunctionCallInfo) {
    let rows = or_report(
        check_pool(pool).and_then(|pool| run::preview(&Period::day(check_day(day)?), pool)),
        function_name!(),
    );
    // SAFETY: fcinfo is this call's.
    unsafe { materialize(fcinfo, rows.into_iter().map(preview_row)) }
}

/// Commits the monthly payout exactly once (SPEC §6).
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_commit(
    pool: Option<i64>,
    year: default!(Option<i32>, "NULL"),
    month: default!(Option<i32>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(run_id, Option<i64>),
        name!(status, String),
        name!(period_start, Date),
        name!(period_end, Date),
        name!(pool_cents, i64),
        name!(creators, i32),
        name!(allocated_cents, i64),
        name!(unallocated_cents, i64),
        name!(total_units, f64),
        name!(paid_cents, i64),
        name!(owed_cents, i64),
    ),
> {
    let row = or_report(
        check_pool(pool).and_then(|pool| run::commit(&month_period(year, month)?, pool, "")),
        function_name!(),
    );
    TableIterator::once(run_row(row))
}

/// Commits the daily payout of `day` exactly once per payment_type (SPEC §6).
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_run(
    pool: Option<i64>,
    day: Option<Date>,
    payment_type: default!(Option<String>, "'revenue_split'"),
) -> TableIterator<
    'static,
    (
        name!(run_id, Option<i64>),
        name!(status, String),
        name!(period_start, Date),
        name!(period_end, Date),
        name!(pool_cents, i64),
        name!(creators, i32),
        name!(allocated_cents, i64),
        name!(unallocated_cents, i64),
        name!(total_units, f64),
        name!(paid_cents, i64),
        name!(owed_cents, i64),
    ),
> {
    let row = or_report(
        check_pool(pool).and_then(|pool| {
            let period = Period::day(check_day(day)?);
            let payment_type = check_payment_type(payment_type)?;
            run::commit(&period, pool, &payment_type)
        }),
        function_name!(),
    );
    TableIterator::once(run_row(row))
}

type PreviewTuple = (i64, f64, Option<i32>, Option<i64>, i64, bool, i64, i64);

fn preview_row(p: PreviewRow) -> PreviewTuple {
    let r = p.row;
    (r.creator_id, r.units, r.kyc_level, r.cap_cents, r.amount_cents, r.capped, p.paid_cents, p.owed_after_cents)
}

pub(super) type RunTuple = (Option<i64>, String, Date, Date, i64, i32, i64, i64, f64, i64, i64);

/// The commit row of SPEC §8 (+ §9's `paid_cents`, `owed_cents`); also an adoption's.
pub(super) fn run_row(r: RunRow) -> RunTuple {
    (
        r.run_id,
        r.status.to_string(),
        r.period_start,
        r.period_end,
        r.pool_cents,
        r.creators,
        r.allocated_cents,
        r.unallocated_cents,
        r.total_units,
        r.paid_cents,
        r.owed_cents,
    )
}
