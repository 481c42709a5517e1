//! Adopting periods another system already paid (SPEC §11), e.g. the original Python module.

use pgrx::datum::{Date, TimestampWithTimeZone};
use pgrx::prelude::*;

use super::payouts::{run_row, RunTuple};
use super::{check_day, check_paid_range, check_payment_type, check_pool, explicit_month, or_report};
use crate::period::Period;
use crate::run;

/// Records a month that another system paid as an `adopted` run: from then on commits skip
/// it, and corrections fix what it paid.
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_adopt(
    year: Option<i32>,
    month: Option<i32>,
    pool: Option<i64>,
    paid_from: Option<TimestampWithTimeZone>,
    paid_to: Option<TimestampWithTimeZone>,
    payment_type: default!(Option<String>, "'revenue_split_monthly'"),
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
    let row: RunTuple = run_row(or_report(
        explicit_month(year, month).and_then(|period| {
            let pool = check_pool(pool)?;
            let (from, to) = check_paid_range(paid_from, paid_to)?;
            run::adopt(&period, pool, from, to, &check_payment_type(payment_type)?)
        }),
        function_name!(),
    ));
    TableIterator::once(row)
}

/// Records a day that another system paid as an `adopted` daily run of `payment_type`.
#[pg_extern(volatile, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_adopt_day(
    day: Option<Date>,
    pool: Option<i64>,
    paid_from: Option<TimestampWithTimeZone>,
    paid_to: Option<TimestampWithTimeZone>,
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
    let row: RunTuple = run_row(or_report(
        check_day(day).and_then(|d| {
            let pool = check_pool(pool)?;
            let (from, to) = check_paid_range(paid_from, paid_to)?;
            run::adopt(&Period::day(d), pool, from, to, &check_payment_type(payment_type)?)
        }),
        function_name!(),
    ));
    TableIterator::once(row)
}
