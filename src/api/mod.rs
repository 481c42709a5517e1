//! The SQL interface of SPEC §8. Each function checks its arguments, calls `run`, and turns
//! the result into rows; every refusal leaves here as an `ereport` with a SQLSTATE.
//!
//! All functions pin `search_path` to `pg_catalog, pg_temp`: nothing on the caller's path can
//! shadow a table, function or operator they use.

// pgrx reads each function's output columns from its signature, so the row tuples stay inline.
#![allow(clippy::type_complexity)]

use chrono::NaiveDate;
use pgrx::datum::Date;
use pgrx::prelude::*;

use crate::errors::{Error, Result};
use crate::money::ledger::RunRow;
use crate::money::payout::Payout;
use crate::period::{Period, PeriodError, MAX_YEAR, MIN_YEAR};
use crate::run;

type PreviewRow = (
    name!(creator_id, i64),
    name!(units, f64),
    name!(kyc_level, Option<i32>),
    name!(cap_cents, Option<i64>),
    name!(amount_cents, i64),
    name!(capped, bool),
);

type CommitRow = (
    name!(run_id, Option<i64>),
    name!(status, String),
    name!(period_start, Date),
    name!(period_end, Date),
    name!(pool_cents, i64),
    name!(creators, i32),
    name!(allocated_cents, i64),
    name!(unallocated_cents, i64),
    name!(total_units, f64),
);

/// Per-video units of one UTC day (SPEC §3): one row per video in the day's cohort.
#[pg_extern(stable)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_video_units(
    day: Option<Date>,
) -> TableIterator<
    'static,
    (
        name!(video_id, i64),
        name!(creator_id, Option<i64>),
        name!(views, i64),
        name!(likes, i64),
        name!(comments, i64),
        name!(shares, i64),
        name!(raw_units, f64),
        name!(quality_mult, f64),
        name!(early_mult, f64),
        name!(cluster_mult, f64),
        name!(units, f64),
    ),
> {
    let rows = or_report(check_day(day).and_then(|d| run::day_units(&Period::day(d))), function_name!());
    let videos = rows.map(|d| d.videos).unwrap_or_default();
    TableIterator::new(videos.into_iter().map(|v| {
        (
            v.video_id,
            v.creator_id,
            v.views,
            v.likes,
            v.comments,
            v.shares,
            v.raw_units,
            v.quality_mult,
            v.early_mult,
            v.cluster_mult,
            v.units,
        )
    }))
}

/// Per-creator units of one UTC day (SPEC §4): one row per creator with a video in the cohort.
#[pg_extern(stable)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_units(
    day: Option<Date>,
) -> TableIterator<
    'static,
    (
        name!(creator_id, i64),
        name!(units, f64),
        name!(raw_units, f64),
        name!(videos, i32),
        name!(integrity_mult, f64),
        name!(trust_mult, f64),
        name!(excluded, bool),
    ),
> {
    let rows = or_report(check_day(day).and_then(|d| run::day_units(&Period::day(d))), function_name!());
    let creators = rows.map(|d| d.creators).unwrap_or_default();
    TableIterator::new(
        creators
            .into_iter()
            .map(|c| (c.creator_id, c.units, c.raw_units, c.videos, c.integrity_mult, c.trust_mult, c.excluded)),
    )
}

/// The monthly allocation a commit would make (SPEC §5), without writing.
#[pg_extern(stable)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_preview(
    pool: Option<i64>,
    year: default!(Option<i32>, "NULL"),
    month: default!(Option<i32>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(creator_id, i64),
        name!(units, f64),
        name!(kyc_level, Option<i32>),
        name!(cap_cents, Option<i64>),
        name!(amount_cents, i64),
        name!(capped, bool),
    ),
> {
    let payout =
        or_report(check_pool(pool).and_then(|pool| run::preview(&month_period(year, month)?, pool)), function_name!());
    preview_rows(payout)
}

/// The daily allocation `revenue_split_run` would make, without writing.
#[pg_extern(stable)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_preview_day(
    pool: Option<i64>,
    day: Option<Date>,
) -> TableIterator<
    'static,
    (
        name!(creator_id, i64),
        name!(units, f64),
        name!(kyc_level, Option<i32>),
        name!(cap_cents, Option<i64>),
        name!(amount_cents, i64),
        name!(capped, bool),
    ),
> {
    let payout = or_report(
        check_pool(pool).and_then(|pool| run::preview(&Period::day(check_day(day)?), pool)),
        function_name!(),
    );
    preview_rows(payout)
}

/// Commits the monthly payout exactly once (SPEC §6).
#[pg_extern(volatile)]
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
    ),
> {
    let row = or_report(
        check_pool(pool).and_then(|pool| run::commit(&month_period(year, month)?, pool, "")),
        function_name!(),
    );
    commit_row(row)
}

/// Commits the daily payout of `day` exactly once per payment_type (SPEC §6).
#[pg_extern(volatile)]
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
    commit_row(row)
}

/// A read-only health report: application tables and types, the recommended index, the
/// configuration, privileges, the pg_cron job and the last runs.
#[pg_extern(stable)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_doctor() -> TableIterator<'static, (name!(check, String), name!(status, String), name!(detail, String))>
{
    let checks = or_report(crate::doctor::report(), function_name!());
    TableIterator::new(checks.into_iter().map(|c| (c.check, c.status.to_string(), c.detail)))
}

fn preview_rows(p: Payout) -> TableIterator<'static, PreviewRow> {
    TableIterator::new(
        p.rows.into_iter().map(|r| (r.creator_id, r.units, r.kyc_level, r.cap_cents, r.amount_cents, r.capped)),
    )
}

fn commit_row(r: RunRow) -> TableIterator<'static, CommitRow> {
    TableIterator::once((
        r.run_id,
        r.status.to_string(),
        r.period_start,
        r.period_end,
        r.pool_cents,
        r.creators,
        r.allocated_cents,
        r.unallocated_cents,
        r.total_units,
    ))
}

fn or_report<T>(r: Result<T>, funcname: &'static str) -> T {
    r.unwrap_or_else(|e| e.report(funcname))
}

fn invalid(arg: &'static str, value: impl ToString, accepted: &str) -> Error {
    Error::InvalidArgument { arg, value: value.to_string(), accepted: accepted.to_string() }
}

fn check_pool(pool: Option<i64>) -> Result<i64> {
    match pool {
        Some(p) if p >= 0 => Ok(p),
        Some(p) => Err(invalid("pool", p, "a number of cents >= 0")),
        None => Err(invalid("pool", "NULL", "a number of cents >= 0")),
    }
}

const DAY_RANGE: &str = "a date between 0001-01-01 and 9999-12-31 (UTC day)";

fn check_day(day: Option<Date>) -> Result<NaiveDate> {
    let d = day.ok_or_else(|| invalid("day", "NULL", DAY_RANGE))?;
    if d.is_infinity() {
        return Err(invalid("day", "infinity", DAY_RANGE));
    }
    if d.is_neg_infinity() {
        return Err(invalid("day", "-infinity", DAY_RANGE));
    }
    crate::engine::signals::from_pg_date(d)
        .filter(|n| (MIN_YEAR..=MAX_YEAR).contains(&chrono::Datelike::year(n)))
        .ok_or_else(|| {
            let shown = match d.year() {
                y if y < 1 => format!("{:04}-{:02}-{:02} BC", -y, d.month(), d.day()),
                y => format!("{y:04}-{:02}-{:02}", d.month(), d.day()),
            };
            invalid("day", shown, DAY_RANGE)
        })
}

fn month_period(year: Option<i32>, month: Option<i32>) -> Result<Period> {
    let today = run::today_utc()?;
    Period::month_or_previous(year, month, today).map_err(|e| match e {
        PeriodError::Month(m) => invalid("month", m, "between 1 and 12"),
        PeriodError::Year(y) => invalid("year", y, &format!("between {MIN_YEAR} and {MAX_YEAR}")),
        PeriodError::HalfGiven => invalid(
            if year.is_none() { "year" } else { "month" },
            "NULL",
            "given together with the other (or both omitted: the previous calendar month, UTC)",
        ),
    })
}

/// Longest accepted payment_type, in bytes: it is part of the run key's btree index, whose
/// entries must stay under ~2.7 kB.
const MAX_PAYMENT_TYPE_BYTES: usize = 1000;

fn check_payment_type(p: Option<String>) -> Result<String> {
    const ACCEPTED: &str = "a non-empty text of at most 1000 bytes";
    match p {
        Some(p) if p.len() > MAX_PAYMENT_TYPE_BYTES => {
            Err(invalid("payment_type", format!("a text of {} bytes", p.len()), ACCEPTED))
        }
        Some(p) if !p.trim().is_empty() => Ok(p),
        Some(p) => Err(invalid("payment_type", format!("'{p}'"), ACCEPTED)),
        None => Err(invalid("payment_type", "NULL", ACCEPTED)),
    }
}
