//! Correcting a paid period with the data as it is now (SPEC §9): previews and corrections.

use pgrx::datum::Date;
use pgrx::prelude::*;

use super::srf::materialize;
use super::{check_day, check_optional_pool, check_payment_type, explicit_month, or_report};
use crate::period::Period;
use crate::run::{self, CorrectionPreviewRow, CorrectionRow};

/// What `revenue_split_correct(year, month, pool)` would change, without writing.
#[pg_extern(sql = r#"
CREATE FUNCTION "revenue_split_preview_correction"(
	"year" INT,
	"month" INT,
	"pool" bigint DEFAULT NULL
) RETURNS TABLE (
	"creator_id" bigint,
	"earned_cents" bigint,
	"target_cents" bigint,
	"delta_cents" bigint,
	"units" double precision,
	"kyc_level" INT,
	"cap_cents" bigint
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_preview_correction_wrapper';
"#)]
fn revenue_split_preview_correction(
    year: Option<i32>,
    month: Option<i32>,
    pool: Option<i64>,
    fcinfo: pg_sys::FunctionCallInfo,
) {
    let rows = or_report(
        explicit_month(year, month).and_then(|period| run::preview_correction(&period, "", check_optional_pool(pool)?)),
        function_name!(),
    );
    // SAFETY: fcinfo is this call's.
    unsafe { materialize(fcinfo, rows.into_iter().map(preview_row)) }
}

/// What `revenue_split_correct_day(day, payment_type, pool)` would change, without writing.
#[pg_extern(sql = r#"
CREATE FUNCTION "revenue_split_preview_correction_day"(
	"day" date,
	"payment_type" TEXT DEFAULT 'revenue_split',
	"pool" bigint DEFAULT NULL
) RETURNS TABLE (
	"creator_id" bigint,
	"earned_cents" bigint,
	"target_cents" bigint,
	"delta_cents" bigint,
	"units" double precision,
	"kyc_level" INT,
	"cap_cents" bigint
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_preview_correction_day_wrapper';
"#)]
fn revenue_split_preview_correction_day(
    day: Option<Date>,
    payment_type: Option<String>,
    pool: Option<i64>,
    fcinfo: pg_sys::FunctionCallInfo,
) {
    let rows = or_report(
        check_day(day).and_then(|d| {
            let payment_type = check_payment_type(payment_type)?;
            run::preview_correction(&Period::day(d), &payment_type, check_optional_pool(pool)?)
        }),
        function_name!(),
    );
    // SAFETY: fcinfo is this call's.
    unsafe { materialize(fcinfo, rows.into_iter().map(preview_row)) }
}

/// Corrects a committed month (SPEC §9): books the difference between what it earned and
/// what the data says now, as new entries, inflows and clawbacks.
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_correct(
    year: Option<i32>,
    month: Option<i32>,
    pool: default!(Option<i64>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(run_id, Option<i64>),
        name!(status, String),
        name!(corrects_run_id, i64),
        name!(period_start, Date),
        name!(period_end, Date),
        name!(pool_cents, i64),
        name!(creators_changed, i32),
        name!(credited_cents, i64),
        name!(debited_cents, i64),
        name!(allocated_cents, i64),
        name!(unallocated_cents, i64),
    ),
> {
    let row = or_report(
        explicit_month(year, month).and_then(|period| run::correct(&period, "", check_optional_pool(pool)?)),
        function_name!(),
    );
    TableIterator::once(correction_row(row))
}

/// Corrects a committed daily run of `payment_type` (SPEC §9).
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_correct_day(
    day: Option<Date>,
    payment_type: default!(Option<String>, "'revenue_split'"),
    pool: default!(Option<i64>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(run_id, Option<i64>),
        name!(status, String),
        name!(corrects_run_id, i64),
        name!(period_start, Date),
        name!(period_end, Date),
        name!(pool_cents, i64),
        name!(creators_changed, i32),
        name!(credited_cents, i64),
        name!(debited_cents, i64),
        name!(allocated_cents, i64),
        name!(unallocated_cents, i64),
    ),
> {
    let row = or_report(
        check_day(day).and_then(|d| {
            let payment_type = check_payment_type(payment_type)?;
            run::correct(&Period::day(d), &payment_type, check_optional_pool(pool)?)
        }),
        function_name!(),
    );
    TableIterator::once(correction_row(row))
}

fn preview_row(r: CorrectionPreviewRow) -> (i64, i64, i64, i64, f64, Option<i32>, Option<i64>) {
    let d = r.delta;
    (d.creator_id, d.earned_cents, d.target_cents, d.delta_cents, r.units, r.kyc_level, r.cap_cents)
}

type CorrectionTuple = (Option<i64>, String, i64, Date, Date, i64, i32, i64, i64, i64, i64);

fn correction_row(r: CorrectionRow) -> CorrectionTuple {
    (
        r.run_id,
        r.status.to_string(),
        r.corrects_run_id,
        r.period_start,
        r.period_end,
        r.pool_cents,
        r.creators_changed,
        r.credited_cents,
        r.debited_cents,
        r.allocated_cents,
        r.unallocated_cents,
    )
}
