//! Writing: the only module that changes data. It records a run in `revenue_split.runs` /
//! `revenue_split.allocations`, inserts the application's `transactions` rows and bumps
//! `users.current_balance`, all inside the caller's transaction (SPEC §6).
//!
//! Exactly-once: a transaction-scoped advisory lock on the run key serializes concurrent
//! commits (and corrections) of the same key, the existence check under that lock turns the
//! later ones into `skipped`, and the unique index `runs_run_key` is the backstop. The key is
//! `(monthly, month)` or `(daily, day, payment_type)` (SPEC §6.2): never a configuration value.

use pgrx::datum::Date;
use pgrx::spi::SpiClient;

use crate::config::Config;
use crate::engine::signals::{spi_error, to_pg_date};
use crate::errors::{Error, Result};
use crate::money::payout::Payout;
use crate::period::{Kind, Period};
use crate::spi_read;

const LOCK_SQL: &str = include_str!("../sql/lock_run.sql");
const EXISTING_RUN_SQL: &str = include_str!("../sql/existing_run.sql");
const INSERT_RUN_SQL: &str = include_str!("../sql/insert_run.sql");
const LOCK_USERS_SQL: &str = include_str!("../sql/lock_users.sql");
const INSERT_TRANSACTIONS_SQL: &str = include_str!("../sql/insert_transactions.sql");
const INSERT_ALLOCATIONS_SQL: &str = include_str!("../sql/insert_allocations.sql");
const BUMP_BALANCES_SQL: &str = include_str!("../sql/bump_balances.sql");
const CHECK_RUN_SQL: &str = include_str!("../sql/check_run.sql");

/// A run key (SPEC §6.2): the period, and for a daily run its payment type.
#[derive(Debug, Clone, Copy)]
pub struct RunKey<'a> {
    pub period: &'a Period,
    /// The daily run's payment type; ignored for a month.
    pub payment_type: &'a str,
}

impl RunKey<'_> {
    fn lock_name(&self) -> String {
        match self.period.kind {
            Kind::Monthly => format!("revenue_split/monthly/{}", self.period.start),
            Kind::Daily => format!("revenue_split/daily/{}/{}", self.period.start, self.payment_type),
        }
    }
}

/// The first run of a key, as recorded.
#[derive(Debug, Clone)]
pub struct FirstRun {
    pub row: RunRow,
    /// `committed` or `adopted`.
    pub status: String,
    pub payment_type: String,
    /// The configuration it was committed with (JSON).
    pub config: String,
}

/// The row `revenue_split_commit` / `revenue_split_run` return.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub run_id: Option<i64>,
    pub status: &'static str,
    pub period_start: Date,
    pub period_end: Date,
    pub pool_cents: i64,
    pub creators: i32,
    pub allocated_cents: i64,
    pub unallocated_cents: i64,
    pub total_units: f64,
    /// Σ paid by the run's payment step, and Σ owed after it (SPEC §9).
    pub paid_cents: i64,
    pub owed_cents: i64,
}

impl RunRow {
    pub fn no_units(period: &Period, pool_cents: i64) -> RunRow {
        RunRow {
            run_id: None,
            status: "no_units",
            period_start: to_pg_date(period.start),
            period_end: to_pg_date(period.end),
            pool_cents,
            creators: 0,
            allocated_cents: 0,
            unallocated_cents: pool_cents,
            total_units: 0.0,
            paid_cents: 0,
            owed_cents: 0,
        }
    }
}

/// Refuses a period that has not ended (`period_end > now()`, SPEC §6.1).
pub fn refuse_unfinished(client: &SpiClient<'_>, period: &Period) -> Result<()> {
    let row = client
        .select(
            "SELECT ($1::date::timestamp AT TIME ZONE 'UTC') OPERATOR(pg_catalog.>) pg_catalog.now(), \
             pg_catalog.to_char(pg_catalog.now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS\"Z\"')",
            Some(1),
            &[to_pg_date(period.end).into()],
        )
        .map_err(spi_error)?
        .first()
        .get_two::<bool, String>()
        .map_err(spi_error)?;
    if let (Some(true), now) = row {
        return Err(Error::PeriodNotOver {
            period_start: period.start.to_string(),
            period_end: period.end.to_string(),
            now: now.unwrap_or_default(),
        });
    }
    Ok(())
}

/// Blocks until no other transaction holds this run key; held until our transaction ends.
/// It is taken before anything else is read: the caller then takes the call's one snapshot
/// (`spi_read::CallSnapshot`), which sees whatever the transaction we waited for committed.
pub fn lock_run_key(client: &SpiClient<'_>, key: &RunKey<'_>) -> Result<()> {
    client.select(LOCK_SQL, None, &[key.lock_name().into()]).map_err(spi_error)?;
    Ok(())
}

/// The first run of this key (committed or adopted), if any. Under READ COMMITTED the call's
/// snapshot, taken after the lock, sees a run committed while we waited; under REPEATABLE
/// READ it cannot, and the unique index `runs_run_key` turns the race into error 23505.
pub fn first_run(key: &RunKey<'_>) -> Result<Option<FirstRun>> {
    let period = key.period;
    spi_read::first(
        EXISTING_RUN_SQL,
        &[period.kind.as_str().into(), to_pg_date(period.start).into(), key.payment_type.into()],
        |row| {
            let i64_at = |i| row.get::<i64>(i).map(Option::unwrap_or_default);
            Ok(FirstRun {
                row: RunRow {
                    run_id: row.get::<i64>(0)?,
                    status: "skipped",
                    period_start: row.get::<Date>(1)?.unwrap_or(to_pg_date(period.start)),
                    period_end: row.get::<Date>(2)?.unwrap_or(to_pg_date(period.end)),
                    pool_cents: i64_at(3)?,
                    creators: row.get::<i32>(4)?.unwrap_or_default(),
                    allocated_cents: i64_at(5)?,
                    unallocated_cents: i64_at(6)?,
                    total_units: row.get::<f64>(7)?.unwrap_or_default(),
                    paid_cents: i64_at(8)?,
                    owed_cents: i64_at(9)?,
                },
                status: row.req::<String>(10)?,
                payment_type: row.req::<String>(11)?,
                config: row.req::<String>(12)?,
            })
        },
    )
}

/// A repeat of a key is `skipped`, unless its pool differs from the key's first run (SPEC
/// §6.2: 23505, whatever corrections did since).
pub fn skip_repeat(first: FirstRun, kind: Kind, pool_cents: i64) -> Result<RunRow> {
    if first.row.pool_cents != pool_cents {
        return Err(Error::PoolMismatch {
            kind: kind.as_str(),
            period_start: first.row.period_start.to_string(),
            run_id: first.row.run_id.unwrap_or_default(),
            earlier_pool: first.row.pool_cents,
            pool: pool_cents,
        });
    }
    Ok(first.row)
}

/// Refuses amounts that the application's `amount_cents` column cannot hold, before any write.
pub fn check_amounts_fit(payout: &Payout, column_type: &str) -> Result<()> {
    let max = match column_type {
        "smallint" => i16::MAX as i64,
        "integer" => i32::MAX as i64,
        _ => i64::MAX,
    };
    match payout.rows.iter().find(|r| r.amount_cents > max) {
        Some(r) => Err(Error::AmountOutOfRange {
            creator_id: r.creator_id,
            amount_cents: r.amount_cents,
            column_type: column_type.to_string(),
        }),
        None => Ok(()),
    }
}

/// Writes the run: run row, ledger rows, allocation rows, balances (SPEC §6.4–6.5).
pub fn record(
    client: &mut SpiClient<'_>,
    cfg: &Config,
    period: &Period,
    payment_type: &str,
    payout: &Payout,
) -> Result<RunRow> {
    let app = pgrx::spi::quote_identifier(&cfg.app_schema);
    let config_json = serde_json::to_string(cfg).map_err(|e| Error::Internal(e.to_string()))?;
    let creators = payout.creators_paid();
    let run_id = client
        .update(
            INSERT_RUN_SQL,
            Some(1),
            &[
                period.kind.as_str().into(),
                to_pg_date(period.start).into(),
                to_pg_date(period.end).into(),
                payment_type.into(),
                payout.pool_cents.into(),
                payout.allocated_cents.into(),
                payout.unallocated_cents.into(),
                payout.total_units.into(),
                creators.into(),
                pgrx::JsonB(serde_json::from_str(&config_json).map_err(|e| Error::Internal(e.to_string()))?).into(),
            ],
        )
        .map_err(spi_error)?
        .first()
        .get_one::<i64>()
        .map_err(spi_error)?
        .ok_or_else(|| Error::Internal("INSERT INTO revenue_split.runs returned no run_id".into()))?;

    let paid: Vec<&crate::money::payout::PayoutRow> = payout.rows.iter().filter(|r| r.amount_cents > 0).collect();
    let paid_ids: Vec<i64> = paid.iter().map(|r| r.creator_id).collect();
    let paid_amounts: Vec<i64> = paid.iter().map(|r| r.amount_cents).collect();

    // Lock the paid users' rows in id order, so two commits paying the same creators
    // queue instead of deadlocking.
    let locked = client
        .update(&LOCK_USERS_SQL.replace("@app@", &app), None, &[paid_ids.clone().into()])
        .map_err(spi_error)?
        .len();
    if locked != paid_ids.len() {
        return Err(Error::Internal(format!("{} paid creators but {locked} users rows", paid_ids.len())));
    }

    let mut transaction_ids = std::collections::HashMap::new();
    if !paid_ids.is_empty() {
        let rows = client
            .update(
                &INSERT_TRANSACTIONS_SQL.replace("@app@", &app),
                None,
                &[paid_ids.clone().into(), paid_amounts.clone().into(), payment_type.into()],
            )
            .map_err(spi_error)?;
        for row in rows {
            let id = row.get::<i64>(1).map_err(spi_error)?;
            let recipient = row.get::<i64>(2).map_err(spi_error)?;
            if let (Some(id), Some(recipient)) = (id, recipient) {
                transaction_ids.insert(recipient, id);
            }
        }
        if transaction_ids.len() != paid_ids.len() {
            return Err(Error::Internal("transactions rows do not match the paid creators".into()));
        }
    }

    let rows = &payout.rows;
    let tx: Vec<Option<i64>> = rows.iter().map(|r| transaction_ids.get(&r.creator_id).copied()).collect();
    client
        .update(
            INSERT_ALLOCATIONS_SQL,
            None,
            &[
                run_id.into(),
                rows.iter().map(|r| r.creator_id).collect::<Vec<_>>().into(),
                rows.iter().map(|r| r.units).collect::<Vec<_>>().into(),
                rows.iter().map(|r| r.kyc_level).collect::<Vec<_>>().into(),
                rows.iter().map(|r| r.cap_cents).collect::<Vec<_>>().into(),
                rows.iter().map(|r| r.amount_cents).collect::<Vec<_>>().into(),
                rows.iter().map(|r| r.capped).collect::<Vec<_>>().into(),
                tx.into(),
            ],
        )
        .map_err(spi_error)?;

    if !paid_ids.is_empty() {
        let bumped = client
            .update(&BUMP_BALANCES_SQL.replace("@app@", &app), None, &[paid_ids.into(), paid_amounts.into()])
            .map_err(spi_error)?
            .len();
        if bumped != paid.len() {
            return Err(Error::Internal(format!("{} paid creators but {bumped} balances updated", paid.len())));
        }
    }

    // The parts must add up to the whole before the caller's transaction may commit.
    let sum = client
        .select(CHECK_RUN_SQL, Some(1), &[run_id.into()])
        .map_err(spi_error)?
        .first()
        .get_one::<i64>()
        .map_err(spi_error)?
        .unwrap_or(0);
    if sum != payout.allocated_cents {
        return Err(Error::Internal(format!(
            "run {run_id}: allocations sum to {sum}, allocated_cents is {}",
            payout.allocated_cents
        )));
    }

    Ok(RunRow {
        run_id: Some(run_id),
        status: "committed",
        period_start: to_pg_date(period.start),
        period_end: to_pg_date(period.end),
        pool_cents: payout.pool_cents,
        creators,
        allocated_cents: payout.allocated_cents,
        unallocated_cents: payout.unallocated_cents,
        total_units: payout.total_units,
        paid_cents: payout.allocated_cents,
        owed_cents: 0,
    })
}
