//! Writing: the only module that changes data. It records a run in `revenue_split.runs` /
//! `revenue_split.allocations`, inserts the application's `transactions` rows and bumps
//! `users.current_balance`, all inside the caller's transaction (SPEC §6).
//!
//! Exactly-once: a transaction-scoped advisory lock on the run key serializes concurrent
//! commits (and corrections) of the same key, the existence check under that lock turns the
//! later ones into `skipped`, and the unique index `runs_run_key` is the backstop. The key is
//! `(monthly, month)` or `(daily, day, payment_type)` (SPEC §6.2): never a configuration value.

use chrono::Datelike;
use pgrx::datum::Date;
use pgrx::spi::SpiClient;

use crate::config::Config;
use crate::engine::signals::{spi_error, to_pg_date};
use crate::errors::{Error, Result};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

use crate::money::payout::PayoutRow;
use crate::money::policy::Posting;
use crate::money::statement::{Lines, VideoLine};
use crate::period::{Kind, Period};
use crate::spi_read;

const LOCK_SQL: &str = include_str!("../sql/lock_run.sql");
const EXISTING_RUN_SQL: &str = include_str!("../sql/existing_run.sql");
const INSERT_RUN_SQL: &str = include_str!("../sql/insert_run.sql");
const LOCK_USERS_SQL: &str = include_str!("../sql/lock_users.sql");
const INSERT_TRANSACTIONS_SQL: &str = include_str!("../sql/insert_transactions.sql");
const INSERT_ALLOCATIONS_SQL: &str = include_str!("../sql/insert_allocations.sql");
const BUMP_BALANCES_SQL: &str = include_str!("../sql/bump_balances.sql");
const INSERT_ADOPTED_ROWS_SQL: &str = include_str!("../sql/insert_adopted_rows.sql");
const CHECK_RUN_SQL: &str = include_str!("../sql/check_run.sql");
const INSERT_CLAWBACKS_SQL: &str = include_str!("../sql/insert_clawbacks.sql");
const INSERT_ENTRIES_SQL: &str = include_str!("../sql/insert_entries.sql");
const UPSERT_ACCOUNTS_SQL: &str = include_str!("../sql/upsert_accounts.sql");
const CHECK_ENTRIES_SQL: &str = include_str!("../sql/check_entries.sql");
const OWED_SQL: &str = include_str!("../sql/owed.sql");
const KEY_TOTALS_SQL: &str = include_str!("../sql/key_totals.sql");
const KEY_POOL_SQL: &str = include_str!("../sql/key_pool.sql");
const INSERT_STATEMENT_LINES_SQL: &str = include_str!("../sql/insert_statement_lines.sql");
const STATEMENT_SQL: &str = include_str!("../sql/statement.sql");
const STATEMENT_AMOUNTS_SQL: &str = include_str!("../sql/statement_amounts.sql");

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
    /// Nothing ran: what is owed stays owed, and the row says how much (`owed_cents`).
    pub fn no_units(period: &Period, pool_cents: i64, owed_cents: i64) -> RunRow {
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
            owed_cents,
        }
    }
}

/// Refuses to run when the database's extension objects are not this library's version
/// (the package was upgraded without `ALTER EXTENSION revenue_split UPDATE`): the tables
/// this code reads and writes may not exist yet.
pub fn check_version(_client: &SpiClient<'_>) -> Result<()> {
    let installed = spi_read::first(
        "SELECT e.extversion::text FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'revenue_split'",
        &[],
        |r| r.req::<String>(0),
    )?;
    match installed {
        Some(v) if v != env!("CARGO_PKG_VERSION") => Err(Error::SchemaVersion { installed: v }),
        _ => Ok(()),
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
///
/// Then it takes the owed ledger's lock, which every run that writes takes after its key's:
/// creators' owed money is shared by all keys, so two runs of different keys must not both
/// pay what one snapshot said was owed. Runs are rare; waiting is cheap, paying twice is not.
pub fn lock_run_key(client: &SpiClient<'_>, key: &RunKey<'_>) -> Result<()> {
    client.select(LOCK_SQL, None, &[key.lock_name().into()]).map_err(spi_error)?;
    client.select(LOCK_SQL, None, &["revenue_split/ledger".into()]).map_err(spi_error)?;
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
pub fn skip_repeat(first: FirstRun, period: &Period, pool_cents: i64) -> Result<RunRow> {
    if first.row.pool_cents != pool_cents {
        let start = period.start;
        let correct = match period.kind {
            Kind::Monthly => {
                format!("revenue_split_correct({}, {}, pool => {pool_cents})", start.year(), start.month())
            }
            Kind::Daily => format!(
                "revenue_split_correct_day('{start}', '{}', pool => {pool_cents})",
                first.payment_type.replace('\'', "''")
            ),
        };
        return Err(Error::PoolMismatch {
            kind: period.kind.as_str(),
            period_start: start.to_string(),
            done: first.status,
            run_id: first.row.run_id.unwrap_or_default(),
            earlier_pool: first.row.pool_cents,
            pool: pool_cents,
            correct,
        });
    }
    Ok(first.row)
}

/// Refuses amounts (creator, cents) that the application's `amount_cents` column cannot
/// hold, before any write.
pub fn check_amounts_fit(amounts: impl Iterator<Item = (i64, i64)>, column_type: &str) -> Result<()> {
    let max = match column_type {
        "smallint" => i16::MAX as i64,
        "integer" => i32::MAX as i64,
        _ => i64::MAX,
    };
    for (creator_id, amount_cents) in amounts {
        if amount_cents > max {
            return Err(Error::AmountOutOfRange { creator_id, amount_cents, column_type: column_type.to_string() });
        }
    }
    Ok(())
}

/// A run to record (SPEC §6.4, §9, §11).
#[derive(Debug, Clone)]
pub struct NewRun<'a> {
    pub period: &'a Period,
    /// The run's payment type: what its inflows carry (a correction's carry it + `_adjustment`).
    pub payment_type: &'a str,
    /// `committed`, `correction` or `adopted`.
    pub status: &'static str,
    /// The key's first run, for a correction.
    pub corrects: Option<i64>,
    pub pool_cents: i64,
    pub allocated_cents: i64,
    pub unallocated_cents: i64,
    pub total_units: f64,
    /// Creators with an amount (earned or target) > 0.
    pub creators: i32,
    /// The configuration it used (a correction: its first run's).
    pub config: &'a Config,
    /// What its pass read: rows and the newest `ts` (µs); `None` for an adoption.
    pub events_read: Option<i64>,
    pub newest_event_us: Option<i64>,
}

impl NewRun<'_> {
    /// The payment type of the transactions rows it writes.
    pub fn transactions_payment_type(&self) -> String {
        match self.status {
            "correction" => format!("{}_adjustment", self.payment_type),
            _ => self.payment_type.to_string(),
        }
    }
}

/// What to write for one run: its allocations (what it computed), the owed-ledger postings
/// of its payment step, and its statement lines. Returns the run id.
pub fn post(
    client: &mut SpiClient<'_>,
    app_schema: &str,
    run: &NewRun<'_>,
    allocations: &[PayoutRow],
    postings: &[Posting],
    lines: &Lines,
) -> Result<i64> {
    let app = pgrx::spi::quote_identifier(app_schema);
    let config = serde_json::to_value(run.config).map_err(|e| Error::Internal(e.to_string()))?;
    let paid_cents = postings.iter().try_fold(0i64, |a, p| a.checked_add(p.paid_cents)).ok_or_else(overflow)?;
    let owed_cents = postings.iter().try_fold(0i64, |a, p| a.checked_add(p.owed_after_cents)).ok_or_else(overflow)?;
    let run_id = client
        .update(
            INSERT_RUN_SQL,
            Some(1),
            &[
                run.period.kind.as_str().into(),
                to_pg_date(run.period.start).into(),
                to_pg_date(run.period.end).into(),
                run.payment_type.into(),
                run.pool_cents.into(),
                run.allocated_cents.into(),
                run.unallocated_cents.into(),
                run.total_units.into(),
                run.creators.into(),
                pgrx::JsonB(config).into(),
                run.status.into(),
                run.corrects.into(),
                paid_cents.into(),
                owed_cents.into(),
                run.events_read.into(),
                run.newest_event_us.map(timestamptz).transpose()?.into(),
            ],
        )
        .map_err(spi_error)?
        .first()
        .get_one::<i64>()
        .map_err(spi_error)?
        .ok_or_else(|| Error::Internal("INSERT INTO revenue_split.runs returned no run_id".into()))?;

    // Money moves only where the payment step paid or clawed back, and never for an adopted
    // run: another system paid it (SPEC §11).
    let adopted = run.status == "adopted";
    let moved: Vec<&Posting> = postings.iter().filter(|p| p.paid_cents != 0 && !adopted).collect();
    let moved_ids: Vec<i64> = moved.iter().map(|p| p.creator_id).collect();
    let moved_amounts: Vec<i64> = moved.iter().map(|p| p.paid_cents).collect();

    // Lock the users rows in id order, so two runs paying the same creators queue instead of
    // deadlocking. A creator may have no users row (SPEC §4.4: cap 0), e.g. a recipient of an
    // adopted month, or a users row deleted since it was paid: a clawback from it is still
    // posted (the transactions row records the debt), there is just no balance to change.
    let mut sorted = moved_ids.clone();
    sorted.sort_unstable();
    let mut locked_ids = Vec::new();
    for row in client.update(&LOCK_USERS_SQL.replace("@app@", &app), None, &[sorted.into()]).map_err(spi_error)? {
        locked_ids.push(row.get::<i64>(1).map_err(spi_error)?.unwrap_or_default());
    }
    // In id order: two rows of one id would both get the amount.
    if let Some(w) = locked_ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::DuplicateUser { schema: app_schema.to_string(), id: w[0] });
    }
    let locked = locked_ids.len();

    let payment_type = run.transactions_payment_type();
    let mut transaction_ids: HashMap<i64, i64> = HashMap::new();
    for (sql, inflow) in [(INSERT_TRANSACTIONS_SQL, true), (INSERT_CLAWBACKS_SQL, false)] {
        let (ids, amounts): (Vec<i64>, Vec<i64>) =
            moved.iter().filter(|p| (p.paid_cents > 0) == inflow).map(|p| (p.creator_id, p.paid_cents.abs())).unzip();
        if ids.is_empty() {
            continue;
        }
        let rows = client
            .update(
                &sql.replace("@app@", &app),
                None,
                &[ids.clone().into(), amounts.into(), payment_type.as_str().into()],
            )
            .map_err(spi_error)?;
        for row in rows {
            if let (Some(id), Some(recipient)) =
                (row.get::<i64>(1).map_err(spi_error)?, row.get::<i64>(2).map_err(spi_error)?)
            {
                transaction_ids.insert(recipient, id);
            }
        }
    }
    if transaction_ids.len() != moved.len() {
        return Err(Error::Internal("transactions rows do not match the paid creators".into()));
    }

    let tx: Vec<Option<i64>> = allocations.iter().map(|r| transaction_ids.get(&r.creator_id).copied()).collect();
    client
        .update(
            INSERT_ALLOCATIONS_SQL,
            None,
            &[
                run_id.into(),
                allocations.iter().map(|r| r.creator_id).collect::<Vec<_>>().into(),
                allocations.iter().map(|r| r.units).collect::<Vec<_>>().into(),
                allocations.iter().map(|r| r.kyc_level).collect::<Vec<_>>().into(),
                allocations.iter().map(|r| r.cap_cents).collect::<Vec<_>>().into(),
                allocations.iter().map(|r| r.amount_cents).collect::<Vec<_>>().into(),
                allocations.iter().map(|r| r.capped).collect::<Vec<_>>().into(),
                tx.into(),
            ],
        )
        .map_err(spi_error)?;

    if !moved_ids.is_empty() {
        let bumped = client
            .update(&BUMP_BALANCES_SQL.replace("@app@", &app), None, &[moved_ids.clone().into(), moved_amounts.into()])
            .map_err(spi_error)?
            .len();
        if bumped != locked {
            return Err(Error::Internal(format!("{locked} users rows locked but {bumped} balances updated")));
        }
    }

    // The owed ledger: an entry per creator whose earned or paid moved, and its totals.
    let entries: Vec<&Posting> = postings.iter().filter(|p| p.earned_cents != 0 || p.paid_cents != 0).collect();
    if !entries.is_empty() {
        let ids: Vec<i64> = entries.iter().map(|p| p.creator_id).collect();
        let earned: Vec<i64> = entries.iter().map(|p| p.earned_cents).collect();
        let paid: Vec<i64> = entries.iter().map(|p| p.paid_cents).collect();
        client
            .update(
                INSERT_ENTRIES_SQL,
                None,
                &[
                    run_id.into(),
                    ids.clone().into(),
                    earned.clone().into(),
                    paid.clone().into(),
                    entries.iter().map(|p| p.owed_after_cents).collect::<Vec<_>>().into(),
                    entries.iter().map(|p| transaction_ids.get(&p.creator_id).copied()).collect::<Vec<_>>().into(),
                ],
            )
            .map_err(spi_error)?;
        let rows =
            client.update(UPSERT_ACCOUNTS_SQL, None, &[ids.into(), earned.into(), paid.into()]).map_err(spi_error)?;
        // What the accounts say now must be what the payment step computed from them.
        let expected: HashMap<i64, i64> = entries.iter().map(|p| (p.creator_id, p.owed_after_cents)).collect();
        // (The accounts table cannot check owed >= 0 itself, see sql/v0_3_0.sql: this does,
        // since the payment step never leaves a creator owed a negative amount.)
        if rows.len() != expected.len() {
            return Err(Error::Internal(format!(
                "run {run_id}: {} accounts moved, {} expected",
                rows.len(),
                expected.len()
            )));
        }
        for row in rows {
            let id = row.get::<i64>(1).map_err(spi_error)?.unwrap_or_default();
            let owed = row.get::<i64>(2).map_err(spi_error)?.unwrap_or_default();
            if owed < 0 || expected.get(&id) != Some(&owed) {
                return Err(Error::Internal(format!(
                    "run {run_id}: creator {id} is owed {owed} cents, the payment step computed {:?}",
                    expected.get(&id)
                )));
            }
        }
    }

    insert_statement_lines(client, run_id, lines)?;

    // The parts must add up to the whole before the caller's transaction may commit.
    let sum = client
        .update(CHECK_RUN_SQL, Some(1), &[run_id.into()])
        .map_err(spi_error)?
        .first()
        .get_one::<i64>()
        .map_err(spi_error)?
        .unwrap_or(0);
    if sum != run.allocated_cents {
        return Err(Error::Internal(format!(
            "run {run_id}: allocations sum to {sum}, allocated_cents is {}",
            run.allocated_cents
        )));
    }
    let (earned_sum, paid_sum) = client
        .update(CHECK_ENTRIES_SQL, Some(1), &[run_id.into()])
        .map_err(spi_error)?
        .first()
        .get_two::<i64, i64>()
        .map_err(spi_error)?;
    let earned_expected = postings.iter().map(|p| p.earned_cents).sum::<i64>();
    if earned_sum != Some(earned_expected) || paid_sum != Some(paid_cents) {
        return Err(Error::Internal(format!(
            "run {run_id}: entries sum to earned {earned_sum:?} / paid {paid_sum:?}, expected {earned_expected} / {paid_cents}"
        )));
    }
    Ok(run_id)
}

/// Statement lines go in chunks, so that a wide catalog's month does not build one huge set
/// of array arguments.
const LINES_PER_INSERT: usize = 50_000;

fn insert_statement_lines(client: &mut SpiClient<'_>, run_id: i64, lines: &Lines) -> Result<()> {
    let all = lines.sorted();
    for chunk in all.chunks(LINES_PER_INSERT) {
        client
            .update(
                INSERT_STATEMENT_LINES_SQL,
                None,
                &[
                    run_id.into(),
                    chunk.iter().map(|(k, _)| k.0).collect::<Vec<_>>().into(),
                    chunk.iter().map(|(k, _)| k.1).collect::<Vec<_>>().into(),
                    chunk.iter().map(|(_, l)| l.views).collect::<Vec<_>>().into(),
                    chunk.iter().map(|(_, l)| l.likes).collect::<Vec<_>>().into(),
                    chunk.iter().map(|(_, l)| l.comments).collect::<Vec<_>>().into(),
                    chunk.iter().map(|(_, l)| l.shares).collect::<Vec<_>>().into(),
                    chunk.iter().map(|(_, l)| l.raw_units).collect::<Vec<_>>().into(),
                    chunk.iter().map(|(_, l)| l.units).collect::<Vec<_>>().into(),
                ],
            )
            .map_err(spi_error)?;
        pgrx::check_for_interrupts!();
    }
    Ok(())
}

/// A stored statement line with the creator's earned amount of the run.
#[derive(Debug, Clone, Copy)]
pub struct StatementLine {
    pub creator_id: i64,
    pub video_id: i64,
    pub line: VideoLine,
    pub earned_cents: i64,
}

/// Whether run `run_id` exists.
pub fn run_exists(run_id: i64) -> Result<bool> {
    Ok(spi_read::first(
        "SELECT 1 FROM revenue_split.runs r WHERE r.run_id OPERATOR(pg_catalog.=) $1",
        &[run_id.into()],
        |_| Ok(()),
    )?
    .is_some())
}

/// The statement lines of a run (of one creator), by creator and video, each with what its
/// creator earned in the run (0 without an allocation row).
pub fn statement_lines(run_id: i64, creator_id: Option<i64>) -> Result<Vec<StatementLine>> {
    let args = [run_id.into(), creator_id.into()];
    let mut earned: FxHashMap<i64, i64> = FxHashMap::default();
    spi_read::for_each_row(STATEMENT_AMOUNTS_SQL, &args, |r| {
        earned.insert(r.req(0)?, r.req(1)?);
        Ok(())
    })?;
    spi_read::collect(STATEMENT_SQL, &args, |r| {
        let creator_id = r.req(0)?;
        Ok(StatementLine {
            creator_id,
            video_id: r.req(1)?,
            line: VideoLine {
                views: r.req(2)?,
                likes: r.req(3)?,
                comments: r.req(4)?,
                shares: r.req(5)?,
                raw_units: r.req(6)?,
                units: r.req(7)?,
            },
            earned_cents: earned.get(&creator_id).copied().unwrap_or(0),
        })
    })
}

/// A timestamptz from µs since 2000-01-01 UTC.
fn timestamptz(us: i64) -> Result<pgrx::datum::TimestampWithTimeZone> {
    pgrx::datum::TimestampWithTimeZone::try_from(us).map_err(|e| Error::Internal(format!("timestamp {us}: {e}")))
}

fn overflow() -> Error {
    Error::Internal("run totals overflow bigint".into())
}

/// What is owed to every creator owed anything (SPEC §9); any other creator is owed 0.
pub fn owed() -> Result<HashMap<i64, i64>> {
    let mut out = HashMap::new();
    spi_read::for_each_row(OWED_SQL, &[], |r| {
        out.insert(r.req::<i64>(0)?, r.req::<i64>(1)?);
        Ok(())
    })?;
    Ok(out)
}

/// Records the transactions rows that adopted run `run_id` counted as paid (SPEC §11).
pub fn record_adopted_rows(client: &mut SpiClient<'_>, run_id: i64, ids: Vec<i64>) -> Result<()> {
    client.update(INSERT_ADOPTED_ROWS_SQL, None, &[run_id.into(), ids.into()]).map_err(spi_error)?;
    Ok(())
}

/// Σ owed by every creator (held bots included), as a run row reports it.
pub fn owed_total() -> Result<i64> {
    owed()?
        .values()
        .try_fold(0i64, |a, o| a.checked_add(*o))
        .ok_or_else(|| Error::Internal("the creators' owed money exceeds bigint".into()))
}

/// Per creator, (earned, paid) under the key of `first_run` so far.
pub fn key_totals(first_run: i64) -> Result<HashMap<i64, (i64, i64)>> {
    let mut out = HashMap::new();
    spi_read::for_each_row(KEY_TOTALS_SQL, &[first_run.into()], |r| {
        out.insert(r.req::<i64>(0)?, (r.req::<i64>(1)?, r.req::<i64>(2)?));
        Ok(())
    })?;
    Ok(out)
}

/// The pool of the key's latest correction, else of its first run.
pub fn key_pool(first_run: i64) -> Result<i64> {
    spi_read::first(KEY_POOL_SQL, &[first_run.into()], |r| r.req::<i64>(0))?
        .ok_or_else(|| Error::Internal(format!("run {first_run} has no pool")))
}
