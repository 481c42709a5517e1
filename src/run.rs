//! Orchestration of one call: read (signals, the ledger's own tables) → compute (units,
//! payout, payment step) → write (ledger).
//!
//! Everything happens on one SPI connection inside the caller's transaction, so a commit is
//! all-or-nothing with whatever else the caller does. Calls that write take the run key's
//! lock first and then read everything on one snapshot (SPEC §6.2).

use std::collections::{BTreeMap, HashMap, HashSet};

use pgrx::datum::{Date, TimestampWithTimeZone};
use pgrx::prelude::*;
use pgrx::spi::SpiClient;

use crate::config::Config;
use crate::engine::signals::{self, to_pg_date, AppTables};
use crate::engine::units::{Creators, DayUnits};
use crate::errors::{Error, Result};
use crate::money::ledger::{self, FirstRun, NewRun, RunKey, RunRow};
use crate::money::payout::{payout, Payout, PayoutRow, UnitTotals};
use crate::money::policy::{correction_deltas, settle, Delta, Posting};
use crate::money::statement::{apportion, Lines, VideoLine};
use crate::money::step;
use crate::period::{Kind, Period};
use crate::spi_read::CallSnapshot;

/// The units of one day (SPEC §3–4): `revenue_split_video_units` / `revenue_split_units`.
pub fn day_units(period: &Period) -> Result<Option<DayUnits>> {
    Spi::connect(|client| {
        ledger::check_version(client)?;
        let cfg = signals::read_config(client)?;
        signals::check_app_tables(client, &cfg, false)?;
        let (s, days) = signals::gather(client, &cfg, period, false, true)?;
        Ok(days.into_iter().last().map(|d| d.finish(&cfg, |c| s.creators.get(&c))))
    })
}

/// A preview row: the allocation's row and what the payment step would do now.
#[derive(Debug, Clone)]
pub struct PreviewRow {
    pub row: PayoutRow,
    pub paid_cents: i64,
    pub owed_after_cents: i64,
}

/// The allocation a commit of `period` would make and what it would pay, without writing:
/// one row per creator with units, and one per creator taking part only through owed money.
pub fn preview(period: &Period, pool_cents: i64) -> Result<Vec<PreviewRow>> {
    Spi::connect(|client| {
        ledger::check_version(client)?;
        let cfg = signals::read_config(client)?;
        signals::check_app_tables(client, &cfg, false)?;
        let Computed { payout: p, mut users, .. } = compute(client, &cfg, period, pool_cents, PREVIEW)?;
        // With no units a commit writes nothing and runs no payment step (SPEC §6.3), so money
        // owed from earlier runs is not paid: the preview shows what the commit would do.
        if p.rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut phase = signals::Phases::new();
        let (postings, more) = settle_run(&cfg, &step::earned_of(&p.rows), &users, &HashMap::new())?;
        users.extend(more);
        phase.done("payment step");
        let rows = preview_rows(&cfg, p.rows, &postings, &users);
        phase.done("rows");
        Ok(rows)
    })
}

/// Commits `period` exactly once (SPEC §6). `payment_type` is the daily runs' one; monthly
/// runs use the configured `monthly_payment_type`, which is not part of their run key.
pub fn commit(period: &Period, pool_cents: i64, payment_type: &str) -> Result<RunRow> {
    Spi::connect_mut(|client| {
        let mut phase = signals::Phases::new();
        ledger::check_version(client)?;
        ledger::refuse_unfinished(client, period)?;
        let key = RunKey { period, payment_type };
        let _snapshot = lock(client, &key)?;
        if let Some(first) = ledger::first_run(&key)? {
            return ledger::skip_repeat(first, period, pool_cents);
        }
        let cfg = signals::read_config(client)?;
        let tables = signals::check_app_tables(client, &cfg, true)?;
        let payment_type = match period.kind {
            Kind::Monthly => cfg.monthly_payment_type.clone(),
            Kind::Daily => payment_type.to_string(),
        };
        phase.done("run key locked, tables checked");
        let c = compute(client, &cfg, period, pool_cents, RECORD)?;
        let p = &c.payout;
        if p.rows.is_empty() {
            let owed_cents = ledger::owed_total()?;
            return Ok(RunRow::no_units(period, pool_cents, owed_cents));
        }
        let mut phase = signals::Phases::new();
        let (postings, _) = settle_run(&cfg, &step::earned_of(&p.rows), &c.users, &HashMap::new())?;
        phase.done("payment step");
        check_ledger_columns(&tables, &postings)?;
        let run = NewRun {
            period,
            payment_type: &payment_type,
            status: "committed",
            corrects: None,
            pool_cents,
            allocated_cents: p.allocated_cents,
            unallocated_cents: p.unallocated_cents,
            total_units: p.total_units,
            creators: p.creators_paid(),
            config: &cfg,
            events_read: Some(c.events_read),
            newest_event_us: c.newest_event_us,
        };
        let run_id = ledger::post(client, &cfg.app_schema, &run, &p.rows, &postings, &c.lines)?;
        phase.done("ledger written");
        Ok(run_row(run_id, "committed", &run, &postings))
    })
}

/// The row of `revenue_split_correct` (SPEC §9).
#[derive(Debug, Clone)]
pub struct CorrectionRow {
    pub run_id: Option<i64>,
    pub status: &'static str,
    pub corrects_run_id: i64,
    pub period_start: Date,
    pub period_end: Date,
    pub pool_cents: i64,
    pub creators_changed: i32,
    pub credited_cents: i64,
    pub debited_cents: i64,
    pub allocated_cents: i64,
    pub unallocated_cents: i64,
}

/// A row of `revenue_split_preview_correction`.
#[derive(Debug, Clone)]
pub struct CorrectionPreviewRow {
    pub delta: Delta,
    pub units: f64,
    pub kyc_level: Option<i32>,
    pub cap_cents: Option<i64>,
}

/// What a correction of a key computes: the recomputed allocation (with the key's recorded
/// configuration and the chosen pool), the deltas, and the pool it replaces.
struct Recomputed {
    first: FirstRun,
    cfg: Config,
    tables: AppTables,
    /// Its `users` covers every creator of the allocation or the deltas.
    computed: Computed,
    deltas: Vec<Delta>,
    /// Per creator, (earned, paid) under the key so far.
    key: HashMap<i64, (i64, i64)>,
    previous_pool: i64,
}

/// `writing`: a correction that will be recorded (statement lines are gathered only then).
fn recompute(client: &SpiClient<'_>, key: &RunKey<'_>, pool: Option<i64>, writing: bool) -> Result<Recomputed> {
    let first = ledger::first_run(key)?.ok_or_else(|| Error::NothingToCorrect {
        kind: key.period.kind.as_str(),
        period_start: key.period.start.to_string(),
        payment_type: key.payment_type.to_string(),
    })?;
    let first_id = first.row.run_id.unwrap_or_default();
    // Configuration changes never rewrite history: the key's first run's configuration.
    let cfg = Config::from_json(Some(&first.config))?;
    let tables = signals::check_app_tables(client, &cfg, true)?;
    let previous_pool = ledger::key_pool(first_id)?;
    let pool_cents = pool.unwrap_or(previous_pool);
    let mut computed = compute(client, &cfg, key.period, pool_cents, Gather { progress: true, lines: writing })?;
    let key_totals = ledger::key_totals(first_id)?;
    let earned: HashMap<i64, i64> = key_totals.iter().map(|(id, (e, _))| (*id, *e)).collect();
    let deltas = correction_deltas(&step::earned_of(&computed.payout.rows), &earned)?.rows;
    // Creators that earned under the key but have no units now still have a users row.
    let missing: Vec<i64> = deltas.iter().map(|d| d.creator_id).filter(|id| !computed.users.contains_key(id)).collect();
    computed.users.extend(signals::read_creators(&cfg, missing)?);
    Ok(Recomputed { first, cfg, tables, computed, deltas, key: key_totals, previous_pool })
}

/// What a correction of the key would change, without writing.
pub fn preview_correction(period: &Period, payment_type: &str, pool: Option<i64>) -> Result<Vec<CorrectionPreviewRow>> {
    Spi::connect(|client| {
        ledger::check_version(client)?;
        let key = RunKey { period, payment_type };
        let r = recompute(client, &key, pool, false)?;
        Ok(allocation_rows(&r)
            .into_iter()
            .zip(&r.deltas)
            .map(|(row, d)| CorrectionPreviewRow {
                delta: *d,
                units: row.units,
                kyc_level: row.kyc_level,
                cap_cents: row.cap_cents,
            })
            .collect())
    })
}

/// Corrects a committed (or adopted) run key with the data as it is now (SPEC §9).
pub fn correct(period: &Period, payment_type: &str, pool: Option<i64>) -> Result<CorrectionRow> {
    Spi::connect_mut(|client| {
        ledger::check_version(client)?;
        ledger::refuse_unfinished(client, period)?;
        let key = RunKey { period, payment_type };
        let _snapshot = lock(client, &key)?;
        let r = recompute(client, &key, pool, true)?;
        let first_id = r.first.row.run_id.unwrap_or_default();
        let p = &r.computed.payout;
        let changed: Vec<&Delta> = r.deltas.iter().filter(|d| d.delta_cents != 0).collect();
        let mut row = CorrectionRow {
            run_id: None,
            status: "unchanged",
            corrects_run_id: first_id,
            period_start: to_pg_date(period.start),
            period_end: to_pg_date(period.end),
            pool_cents: p.pool_cents,
            creators_changed: changed.len() as i32,
            credited_cents: changed.iter().map(|d| d.delta_cents.max(0)).sum(),
            debited_cents: changed.iter().map(|d| (-d.delta_cents).max(0)).sum(),
            allocated_cents: p.allocated_cents,
            unallocated_cents: p.unallocated_cents,
        };
        if changed.is_empty() && p.pool_cents == r.previous_pool {
            return Ok(row);
        }
        let earned: BTreeMap<i64, i64> = r.deltas.iter().map(|d| (d.creator_id, d.delta_cents)).collect();
        let key_paid: HashMap<i64, i64> = r.key.iter().map(|(id, (_, paid))| (*id, *paid)).collect();
        let (postings, _) = settle_run(&r.cfg, &earned, &r.computed.users, &key_paid)?;
        check_ledger_columns(&r.tables, &postings)?;
        let allocations = allocation_rows(&r);
        let run = NewRun {
            period,
            payment_type: &r.first.payment_type,
            status: "correction",
            corrects: Some(first_id),
            pool_cents: p.pool_cents,
            allocated_cents: p.allocated_cents,
            unallocated_cents: p.unallocated_cents,
            total_units: p.total_units,
            creators: p.creators_paid(),
            config: &r.cfg,
            events_read: Some(r.computed.events_read),
            newest_event_us: r.computed.newest_event_us,
        };
        row.run_id = Some(ledger::post(client, &r.cfg.app_schema, &run, &allocations, &postings, &r.computed.lines)?);
        row.status = "corrected";
        Ok(row)
    })
}

/// Records a period that another system already paid as an `adopted` run (SPEC §11).
pub fn adopt(
    period: &Period,
    pool_cents: i64,
    paid_from: TimestampWithTimeZone,
    paid_to: TimestampWithTimeZone,
    payment_type: &str,
) -> Result<RunRow> {
    Spi::connect_mut(|client| {
        ledger::check_version(client)?;
        // A daily key includes its payment type; a month's does not.
        let key = RunKey { period, payment_type };
        let _snapshot = lock(client, &key)?;
        if let Some(first) = ledger::first_run(&key)? {
            return Err(Error::AlreadyHasRun {
                kind: period.kind.as_str(),
                period_start: period.start.to_string(),
                run_id: first.row.run_id.unwrap_or_default(),
                status: first.status,
            });
        }
        let cfg = signals::read_config(client)?;
        signals::check_app_tables(client, &cfg, true)?;
        let found = signals::paid_rows(&cfg, payment_type, paid_from, paid_to)?;
        if let Some((runs, rows)) = found.adopted_before {
            return Err(Error::AdoptedBefore { runs: runs.into_iter().collect(), rows });
        }
        if found.paid.is_empty() {
            return Err(Error::NothingPaid { payment_type: payment_type.to_string(), own_rows: found.own_rows });
        }
        if found.own_rows > 0 {
            pgrx::notice!(
                "revenue_split: {} inflow rows in [paid_from, paid_to) were written by revenue_split itself and are not adopted",
                found.own_rows
            );
        }
        let paid = &found.paid;
        if let Some(&(recipient, amount_cents)) = paid.iter().find(|(_, amount)| *amount < 0) {
            return Err(Error::NegativeAdopted { recipient, amount_cents });
        }
        let allocated = paid.iter().try_fold(0i64, |a, (_, amount)| a.checked_add(*amount));
        let allocated = allocated.ok_or_else(|| Error::Internal("adopted amounts overflow bigint".into()))?;
        // Both are >= 0, so the difference fits.
        let unallocated_cents = pool_cents - allocated;
        let owed = ledger::owed()?;
        // What was paid counts as earned and paid: nothing becomes owed, no money moves.
        let mut postings: Vec<Posting> = paid
            .iter()
            .filter(|(_, amount)| *amount != 0)
            .map(|(id, amount)| Posting {
                creator_id: *id,
                earned_cents: *amount,
                paid_cents: *amount,
                owed_after_cents: owed.get(id).copied().unwrap_or(0),
            })
            .collect();
        // The creators owed money from earlier runs, unchanged: a run row's owed_cents is what
        // every creator is owed after it. They move nothing, so they get no ledger entry.
        let recipients: HashSet<i64> = paid.iter().map(|(id, _)| *id).collect();
        postings.extend(owed.iter().filter(|(id, o)| **o > 0 && !recipients.contains(id)).map(|(id, o)| Posting {
            creator_id: *id,
            earned_cents: 0,
            paid_cents: 0,
            owed_after_cents: *o,
        }));
        let allocations: Vec<PayoutRow> = paid
            .iter()
            .map(|(id, amount)| PayoutRow {
                creator_id: *id,
                units: 0.0,
                kyc_level: None,
                cap_cents: None,
                amount_cents: *amount,
                capped: false,
            })
            .collect();
        let run = NewRun {
            period,
            payment_type,
            status: "adopted",
            corrects: None,
            pool_cents,
            allocated_cents: allocated,
            unallocated_cents,
            total_units: 0.0,
            creators: paid.iter().filter(|(_, a)| *a > 0).count() as i32,
            config: &cfg,
            events_read: None,
            newest_event_us: None,
        };
        let run_id = ledger::post(client, &cfg.app_schema, &run, &allocations, &postings, &Lines::default())?;
        ledger::record_adopted_rows(client, run_id, found.ids)?;
        Ok(run_row(run_id, "adopted", &run, &postings))
    })
}

/// One allocation row per creator a correction is about (its deltas), with the target as
/// the amount; creators without units now get a row with units 0.
fn allocation_rows(r: &Recomputed) -> Vec<PayoutRow> {
    let by_id: HashMap<i64, &PayoutRow> = r.computed.payout.rows.iter().map(|row| (row.creator_id, row)).collect();
    r.deltas
        .iter()
        .map(|d| match by_id.get(&d.creator_id) {
            Some(row) => (*row).clone(),
            None => PayoutRow::without_units(&r.cfg, d.creator_id, r.computed.users.get(&d.creator_id)),
        })
        .collect()
}

/// One row of `revenue_split_statement`.
#[derive(Debug, Clone)]
pub struct StatementRow {
    pub creator_id: i64,
    pub video_id: i64,
    pub line: VideoLine,
    pub amount_cents: i64,
}

/// A run's statement (SPEC §10): each creator's earned amount apportioned over its videos.
pub fn statement(run_id: i64, creator_id: Option<i64>) -> Result<Vec<StatementRow>> {
    Spi::connect(|client| {
        ledger::check_version(client)?;
        if !ledger::run_exists(run_id)? {
            return Err(Error::UnknownRun(run_id));
        }
        let lines = ledger::statement_lines(run_id, creator_id)?;
        let mut out = Vec::with_capacity(lines.len());
        for creator in lines.chunk_by(|a, b| a.creator_id == b.creator_id) {
            let videos: Vec<(i64, f64)> = creator.iter().map(|l| (l.video_id, l.line.units)).collect();
            let amounts = apportion(creator[0].earned_cents, &videos)?;
            out.extend(creator.iter().zip(amounts).map(|(l, amount_cents)| StatementRow {
                creator_id: l.creator_id,
                video_id: l.video_id,
                line: l.line,
                amount_cents,
            }));
        }
        Ok(out)
    })
}

/// Takes the run key's lock, then the snapshot every later read of the call uses.
fn lock(client: &SpiClient<'_>, key: &RunKey<'_>) -> Result<CallSnapshot> {
    ledger::lock_run_key(client, key)?;
    Ok(CallSnapshot::take())
}

/// The payment step of a run that earned `earned` (SPEC §9): reads what is owed, and the
/// users rows of the creators owed money that `users` lacks (returned too), then settles.
fn settle_run(
    cfg: &Config,
    earned: &BTreeMap<i64, i64>,
    users: &Creators,
    key_paid: &HashMap<i64, i64>,
) -> Result<(Vec<Posting>, Creators)> {
    let owed = ledger::owed()?;
    let mut unknown: Vec<i64> =
        earned.keys().chain(owed.keys()).filter(|id| !users.contains_key(id)).copied().collect();
    unknown.sort_unstable();
    unknown.dedup();
    let more = signals::read_creators(cfg, unknown)?;
    let parts =
        step::participants(earned, &owed, key_paid, |id| step::standing(cfg, users.get(&id).or_else(|| more.get(&id))));
    Ok((settle(cfg.min_payout_cents, &parts)?, more))
}

/// Refuses, before any write, amounts that `transactions.amount_cents` cannot hold, and a
/// clawback that an enum `direction` without the label `outflow` cannot record.
fn check_ledger_columns(tables: &AppTables, postings: &[Posting]) -> Result<()> {
    let col = |c: &str| tables.get("transactions").and_then(|t| t.get(c));
    let amount_type = col("amount_cents").map(|c| c.sql_type.clone()).unwrap_or_default();
    ledger::check_amounts_fit(postings.iter().map(|p| (p.creator_id, p.paid_cents.abs())), &amount_type)?;
    if let (Some(d), Some(p)) = (col("direction"), postings.iter().find(|p| p.paid_cents < 0)) {
        if d.type_kind == "e" && !d.has_outflow_label {
            return Err(Error::NoOutflowLabel { type_name: d.sql_type.clone(), creator_id: p.creator_id });
        }
    }
    Ok(())
}

fn run_row(run_id: i64, status: &'static str, run: &NewRun<'_>, postings: &[Posting]) -> RunRow {
    RunRow {
        run_id: Some(run_id),
        status,
        period_start: to_pg_date(run.period.start),
        period_end: to_pg_date(run.period.end),
        pool_cents: run.pool_cents,
        creators: run.creators,
        allocated_cents: run.allocated_cents,
        unallocated_cents: run.unallocated_cents,
        total_units: run.total_units,
        paid_cents: postings.iter().map(|p| p.paid_cents).sum(),
        owed_cents: postings.iter().map(|p| p.owed_after_cents).sum(),
    }
}

/// Preview rows: the allocation's creators, and creators taking part only through owed money,
/// by creator. Both lists are walked in creator order (each is sorted already, and found so):
/// no map of either (on W, 370k creators, the two maps took most of the 40 ms of this step).
fn preview_rows(cfg: &Config, mut rows: Vec<PayoutRow>, postings: &[Posting], users: &Creators) -> Vec<PreviewRow> {
    rows.sort_by_key(|r| r.creator_id);
    let mut postings: Vec<&Posting> = postings.iter().collect();
    postings.sort_by_key(|p| p.creator_id);
    let mut postings = postings.into_iter().peekable();
    let mut out: Vec<PreviewRow> = Vec::with_capacity(rows.len());
    // A bot takes no part in any payment step (SPEC §9): owed money alone does not list it.
    let owed_only = |p: &Posting| {
        let user = users.get(&p.creator_id);
        (!user.is_some_and(|c| c.likely_bot)).then(|| PreviewRow {
            row: PayoutRow::without_units(cfg, p.creator_id, user),
            paid_cents: p.paid_cents,
            owed_after_cents: p.owed_after_cents,
        })
    };
    for row in rows {
        while let Some(p) = postings.next_if(|p| p.creator_id < row.creator_id) {
            out.extend(owed_only(p));
        }
        let p = postings.next_if(|p| p.creator_id == row.creator_id);
        out.push(PreviewRow {
            paid_cents: p.map_or(0, |p| p.paid_cents),
            owed_after_cents: p.map_or(0, |p| p.owed_after_cents),
            row,
        });
    }
    out.extend(postings.filter_map(owed_only));
    out
}

/// What a period computes: the allocation, the creators' users rows, and for a run that is
/// written, its statement lines and what its pass read.
struct Computed {
    payout: Payout,
    users: Creators,
    lines: Lines,
    events_read: i64,
    newest_event_us: Option<i64>,
}

/// What a computation gathers besides the allocation.
#[derive(Debug, Clone, Copy)]
struct Gather {
    /// A NOTICE per day of the period as the pass reads it.
    progress: bool,
    /// The statement lines of a run that is recorded.
    lines: bool,
}

const PREVIEW: Gather = Gather { progress: false, lines: false };
const RECORD: Gather = Gather { progress: true, lines: true };

/// Units of every day of the period, summed per creator, then allocated.
fn compute(client: &SpiClient<'_>, cfg: &Config, period: &Period, pool_cents: i64, gather: Gather) -> Result<Computed> {
    let (s, days) = signals::gather(client, cfg, period, gather.progress, gather.lines)?;
    let mut phase = signals::Phases::new();
    let mut totals = UnitTotals::default();
    let mut lines = Lines::default();
    for d in days {
        check_for_interrupts!();
        let d = d.finish(cfg, |c| s.creators.get(&c));
        totals.add_day(&d);
        if gather.lines {
            lines.add_day(&d);
        }
    }
    phase.done("units of every day");
    let payout = payout(cfg, pool_cents, &totals, &s.creators)?;
    phase.done("allocation");
    Ok(Computed { payout, users: s.creators, lines, events_read: s.events_read, newest_event_us: s.newest_event_us })
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
    .ok_or_else(|| Error::Internal("now() is NULL".into()))?;
    signals::from_pg_date(d).ok_or_else(|| Error::Internal(format!("now() is out of range: {d:?}")))
}
