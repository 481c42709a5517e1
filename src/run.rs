//! Orchestration of one call: read (signals) → compute (units, payout) → write (ledger).
//!
//! Everything happens on one SPI connection inside the caller's transaction, so a commit is
//! all-or-nothing with whatever else the caller does.

use pgrx::prelude::*;

use crate::config::Config;
use crate::engine::signals;
use crate::engine::units::{for_each_day, DayUnits};
use crate::errors::Result;
use crate::money::ledger::{self, RunKey, RunRow};
use crate::money::payout::{payout, Payout, UnitTotals};
use crate::period::{Kind, Period};
use crate::spi_read::CallSnapshot;

/// The units of one day (SPEC §3–4): `revenue_split_video_units` / `revenue_split_units`.
pub fn day_units(period: &Period) -> Result<Option<DayUnits>> {
    Spi::connect(|client| {
        let cfg = signals::read_config(client)?;
        signals::check_app_tables(client, &cfg, false)?;
        let mut s = signals::gather(client, &cfg, period, false)?;
        let mut out = None;
        for_each_day(&cfg, &mut s, |d| -> Result<()> {
            out = Some(d);
            Ok(())
        })?;
        Ok(out)
    })
}

/// The allocation a commit of `period` would make, without writing.
pub fn preview(period: &Period, pool_cents: i64) -> Result<Payout> {
    Spi::connect(|client| {
        let cfg = signals::read_config(client)?;
        signals::check_app_tables(client, &cfg, false)?;
        compute(client, &cfg, period, pool_cents, false)
    })
}

/// Commits `period` exactly once (SPEC §6). `payment_type` is the daily runs' one; monthly
/// runs use the configured `monthly_payment_type`, which is not part of their run key.
pub fn commit(period: &Period, pool_cents: i64, payment_type: &str) -> Result<RunRow> {
    Spi::connect_mut(|client| {
        ledger::refuse_unfinished(client, period)?;
        // The run key's lock comes before any read, and every read after it uses one
        // snapshot taken once we hold it (SPEC §6.2).
        let key = RunKey { period, payment_type };
        ledger::lock_run_key(client, &key)?;
        let _snapshot = CallSnapshot::take();
        if let Some(first) = ledger::first_run(&key)? {
            return ledger::skip_repeat(first, period.kind, pool_cents);
        }
        let cfg = signals::read_config(client)?;
        let tables = signals::check_app_tables(client, &cfg, true)?;
        let amount_type = tables
            .get("transactions")
            .and_then(|c| c.get("amount_cents"))
            .map(|c| c.sql_type.clone())
            .unwrap_or_default();
        let payment_type = match period.kind {
            Kind::Monthly => cfg.monthly_payment_type.clone(),
            Kind::Daily => payment_type.to_string(),
        };
        let payout = compute(client, &cfg, period, pool_cents, true)?;
        if payout.rows.is_empty() {
            return Ok(RunRow::no_units(period, pool_cents));
        }
        ledger::check_amounts_fit(&payout, &amount_type)?;
        ledger::record(client, &cfg, period, &payment_type, &payout)
    })
}

/// Units of every day of the period, summed per creator, then allocated.
fn compute(
    client: &pgrx::spi::SpiClient<'_>,
    cfg: &Config,
    period: &Period,
    pool_cents: i64,
    progress: bool,
) -> Result<Payout> {
    let mut s = signals::gather(client, cfg, period, progress)?;
    let mut totals = UnitTotals::default();
    for_each_day(cfg, &mut s, |d| -> Result<()> {
        check_for_interrupts!();
        totals.add_day(&d);
        Ok(())
    })?;
    Ok(payout(cfg, pool_cents, &totals, &s.creators)?)
}

/// Today's date in UTC at the transaction's `now()` (for the default month).
pub fn today_utc() -> Result<chrono::NaiveDate> {
    let d = Spi::connect(|client| {
        client
            .select("SELECT (pg_catalog.now() AT TIME ZONE 'UTC')::date", Some(1), &[])?
            .first()
            .get_one::<pgrx::datum::Date>()
    })
    .map_err(signals::spi_error)?
    .ok_or_else(|| crate::errors::Error::Internal("now() is NULL".into()))?;
    signals::from_pg_date(d).ok_or_else(|| crate::errors::Error::Internal(format!("now() is out of range: {d:?}")))
}
