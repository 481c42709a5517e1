//! The SQL interface (SPEC §8–11), grouped by what a user does: `units` (look at a day),
//! `payouts` (preview and pay), `corrections` (fix a paid period), `adopt` (take over months
//! another system paid), `doctor`. Each function checks its arguments, makes one call into
//! `run`, and turns the result into rows; every refusal leaves here as an `ereport` with a
//! SQLSTATE (the argument checks are in this file).
//!
//! All functions pin `search_path` to `pg_catalog, pg_temp`: nothing on the caller's path can
//! shadow a table, function or operator they use.

// pgrx reads each function's output columns from its signature, so the row tuples stay inline.
#![allow(clippy::type_complexity)]

mod adopt;
mod corrections;
mod doctor;
mod payouts;
mod srf;
mod statements;
mod units;

use chrono::NaiveDate;
use pgrx::datum::{Date, TimestampWithTimeZone};

use crate::errors::{Error, Result};
use crate::period::{Period, PeriodError, MAX_YEAR, MIN_YEAR};
use crate::run;

pub(crate) fn or_report<T>(r: Result<T>, funcname: &'static str) -> T {
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

/// An explicit month (corrections and adoptions have no default month).
fn explicit_month(year: Option<i32>, month: Option<i32>) -> Result<Period> {
    let y = year.ok_or_else(|| invalid("year", "NULL", &format!("between {MIN_YEAR} and {MAX_YEAR}")))?;
    let m = month.ok_or_else(|| invalid("month", "NULL", "between 1 and 12"))?;
    month_period(Some(y), Some(m))
}

/// A correction's pool: absent (NULL) keeps the key's pool; otherwise >= 0.
fn check_optional_pool(pool: Option<i64>) -> Result<Option<i64>> {
    match pool {
        Some(p) if p < 0 => Err(invalid("pool", p, "a number of cents >= 0, or NULL to keep the run's pool")),
        p => Ok(p),
    }
}

/// An adoption's paid range `[paid_from, paid_to)`: both given, finite, and in order.
fn check_paid_range(
    from: Option<TimestampWithTimeZone>,
    to: Option<TimestampWithTimeZone>,
) -> Result<(TimestampWithTimeZone, TimestampWithTimeZone)> {
    const ACCEPTED: &str = "a finite timestamptz, with paid_from < paid_to";
    let from = from.ok_or_else(|| invalid("paid_from", "NULL", ACCEPTED))?;
    let to = to.ok_or_else(|| invalid("paid_to", "NULL", ACCEPTED))?;
    if !from.is_finite() {
        return Err(invalid("paid_from", "infinity", ACCEPTED));
    }
    if !to.is_finite() {
        return Err(invalid("paid_to", "infinity", ACCEPTED));
    }
    if from.into_inner() >= to.into_inner() {
        return Err(invalid("paid_from", format!("{from} (not before paid_to {to})"), ACCEPTED));
    }
    Ok((from, to))
}
