//! Reading: the only module that queries the application tables (users, videos, event).
//!
//! Each query is a named `.sql` file under `src/sql/`, set-based, with every value bound as a
//! `$n` parameter. The one thing spliced into the text is the application schema, and only
//! after `quote_identifier` (it comes from `revenue_split.config`, never from an argument).
//! A period costs one ordered pass over its events (plus the six days before it), streamed
//! through a cursor and decoded straight from the tuples into `stream::Accumulator`, plus
//! three small queries: the videos, the early windows that reach outside the pass, and the
//! creators' users rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use pgrx::datum::Date;
use pgrx::datum::DatumWithOid;
use pgrx::pg_sys;
use pgrx::spi::{self, SpiClient, SpiHeapTupleData};
use pgrx::{check_for_interrupts, IntoDatum};
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::errors::{Error, Result};
use crate::period::Period;
use crate::stream::{day_start_us, Accumulator, Event, EventType, VideoInfo};
use crate::units::{parse_trust_score, Creator, EarlyViews, PeriodSignals};

const CONFIG_SQL: &str = include_str!("sql/config.sql");
const APP_COLUMNS_SQL: &str = include_str!("sql/app_columns.sql");
const VIDEOS_SQL: &str = include_str!("sql/videos.sql");
const EVENTS_SQL: &str = include_str!("sql/events.sql");
const EARLY_VIEWS_SQL: &str = include_str!("sql/early_views.sql");
const EARLY_VIEWS_BY_VIDEO_SQL: &str = include_str!("sql/early_views_by_video.sql");
const EVENT_INDEXES_SQL: &str = include_str!("sql/event_indexes.sql");
const CREATORS_SQL: &str = include_str!("sql/creators.sql");

/// The application tables and the columns revenue_split uses (SPEC §1).
const READ_COLUMNS: &[(&str, &[&str])] = &[
    ("users", &["id", "kyc_level", "creator_trust_score", "likely_bot"]),
    ("videos", &["id", "creator_id", "created_at"]),
    ("event", &["video_id", "event_type", "ts", "device_id", "ip_hash"]),
];
/// Columns that a commit also needs.
const WRITE_COLUMNS: &[(&str, &[&str])] = &[
    ("users", &["current_balance"]),
    ("transactions", &["id", "created_at", "recipient", "amount_cents", "payment_type", "status", "direction"]),
];

/// Rows per cursor fetch; each batch's tuple table is freed before the next, so memory stays
/// flat however long the period.
const BATCH: i64 = 10_000;

/// Postgres' date epoch (day 0 of `DateADT`).
fn pg_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default()
}

/// chrono → Postgres date, by day count: exact for every date, including the 1 BC days that
/// the integrity window of early year-1 periods reaches (chrono's year 0).
pub fn to_pg_date(d: NaiveDate) -> Date {
    Date::saturating_from_raw((d - pg_epoch()).num_days() as i32)
}

/// Postgres → chrono date; `None` for ±infinity and dates beyond chrono's range.
pub fn from_pg_date(d: Date) -> Option<NaiveDate> {
    if !d.is_finite() {
        return None;
    }
    pg_epoch().checked_add_signed(chrono::TimeDelta::try_days(i64::from(d.to_pg_epoch_days()))?)
}

/// `revenue_split.config`, validated (no row: the SPEC defaults).
pub fn read_config(client: &SpiClient<'_>) -> Result<Config> {
    let rows = client.select(CONFIG_SQL, None, &[]).map_err(spi_error)?;
    if rows.len() > 1 {
        return Err(Error::ConfigRows(rows.len() as i64));
    }
    let json: Option<String> = match rows.into_iter().next() {
        Some(row) => row.get::<String>(1).map_err(spi_error)?,
        None => None,
    };
    Ok(Config::from_json(json.as_deref())?)
}

/// One column of an application table, as the catalog describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppColumn {
    /// `format_type()`, e.g. `bigint`, `timestamp with time zone`.
    pub sql_type: String,
    /// `pg_type.typtype`: `b` base, `e` enum, `d` domain, ...
    pub type_kind: String,
    /// An enum type with the label `inflow`.
    pub has_inflow_label: bool,
}

/// Table name → column name → column, for the application tables that exist in `schema`;
/// `None` when the schema itself does not exist.
pub type AppTables = HashMap<String, HashMap<String, AppColumn>>;

pub fn app_tables(client: &SpiClient<'_>, schema: &str) -> Result<Option<AppTables>> {
    let schema_exists = !client
        .select("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) $1", None, &[schema.into()])
        .map_err(spi_error)?
        .is_empty();
    if !schema_exists {
        return Ok(None);
    }
    let tables: Vec<&str> = vec!["users", "videos", "event", "transactions"];
    let rows = client.select(APP_COLUMNS_SQL, None, &[schema.into(), tables.into()]).map_err(spi_error)?;
    let mut found: AppTables = HashMap::new();
    for row in rows {
        let table: String = row.get(1).map_err(spi_error)?.unwrap_or_default();
        let cols = found.entry(table).or_default();
        if let (Some(c), Some(t)) = (row.get::<String>(2).map_err(spi_error)?, row.get::<String>(3).map_err(spi_error)?)
        {
            let type_kind = row.get::<String>(4).map_err(spi_error)?.unwrap_or_default();
            let has_inflow_label = row.get::<bool>(5).map_err(spi_error)?.unwrap_or(false);
            cols.insert(c, AppColumn { sql_type: t, type_kind, has_inflow_label });
        }
    }
    Ok(Some(found))
}

/// Checks that the application tables and columns exist (SPEC §1). Returns the SQL type of
/// `transactions.amount_cents` when `for_commit`.
pub fn check_app_tables(client: &SpiClient<'_>, cfg: &Config, for_commit: bool) -> Result<Option<String>> {
    let Some(found) = app_tables(client, &cfg.app_schema)? else {
        return Err(Error::UndefinedSchema { schema: cfg.app_schema.clone() });
    };
    missing_column(&found, cfg, for_commit)?;
    Ok(found.get("transactions").and_then(|c| c.get("amount_cents")).map(|c| c.sql_type.clone()))
}

/// The first required table or column that `found` lacks, as an error.
pub fn missing_column(found: &AppTables, cfg: &Config, for_commit: bool) -> Result<()> {
    let mut need: Vec<(&'static str, &'static [&'static str])> = READ_COLUMNS.to_vec();
    if for_commit {
        need.extend_from_slice(WRITE_COLUMNS);
    }
    for (table, columns) in need {
        let Some(cols) = found.get(table) else {
            return Err(Error::UndefinedTable { schema: cfg.app_schema.clone(), table });
        };
        if let Some(column) = columns.iter().find(|c| !cols.contains_key(**c)) {
            return Err(Error::UndefinedColumn { schema: cfg.app_schema.clone(), table, column });
        }
    }
    Ok(())
}

/// The query text with the application schema in place, quoted as an identifier.
fn with_schema(sql: &str, cfg: &Config) -> String {
    sql.replace("@app@", &spi::quote_identifier(&cfg.app_schema))
}

/// Gathers every signal of a period (SPEC §2–4).
pub fn gather(client: &SpiClient<'_>, cfg: &Config, period: &Period) -> Result<PeriodSignals> {
    let w0 = to_pg_date(period.window_start());
    let end = to_pg_date(period.end);

    // 1. The videos, joined to events in memory (a hash join in SQL would cost more per event).
    let mut videos: FxHashMap<i64, VideoInfo> = FxHashMap::default();
    stream_rows(client, &with_schema(VIDEOS_SQL, cfg), &[], |v, n| {
        let created_at = (!n[2]).then(|| v[2].value() as i64).filter(|t| *t != i64::MAX && *t != i64::MIN);
        videos.insert(v[0].value() as i64, VideoInfo { creator_id: (!n[1]).then(|| v[1].value() as i64), created_at });
        Ok(())
    })?;

    // 2. The one pass over the events, in ts order.
    let early_us = cfg.early_window_seconds.saturating_mul(1_000_000);
    let mut acc = Accumulator::new(day_start_us(w0.to_pg_epoch_days()), period.days(), early_us, videos);
    stream_rows(client, &with_schema(EVENTS_SQL, cfg), &[w0.into(), end.into()], |v, n| {
        if n[2] {
            return Ok(());
        }
        // SAFETY: column 3 is a non-NULL text datum of the current tuple.
        let Some(kind) = EventType::parse(unsafe { text_bytes(v[2]) }) else { return Ok(()) };
        // SAFETY: columns 4 and 5 are text datums when not NULL.
        let device = (!n[3]).then(|| unsafe { text_bytes(v[3]) });
        let ip = (!n[4]).then(|| unsafe { text_bytes(v[4]) });
        acc.add(&Event { video_id: v[0].value() as i64, ts: v[1].value() as i64, kind, device, ip })
            .map_err(|e| Error::Internal(format!("event pass out of ts order (day {} after {})", e.day, e.latest)))
    })?;
    let (mut signals, outside) = acc.finish();

    // 3. Early windows that reach outside the pass (videos launched before it, or at its end):
    //    one index probe per video with an event(video_id, ts) index, else merged ts ranges.
    if !outside.is_empty() {
        let by_video = event_indexes(client, &cfg.app_schema)?.video_ts;
        let sql = if by_video { EARLY_VIEWS_BY_VIDEO_SQL } else { EARLY_VIEWS_SQL };
        let rows = client
            .select(&with_schema(sql, cfg), None, &[outside.into(), (cfg.early_window_seconds as f64).into()])
            .map_err(spi_error)?;
        for row in rows {
            signals.early.insert(
                req::<i64>(&row, 1)?,
                EarlyViews { views: req(&row, 2)?, uniq_devices: req(&row, 3)?, uniq_ips: req(&row, 4)? },
            );
        }
    }
    check_for_interrupts!();

    // 4. The creators' users rows.
    let mut creator_ids: Vec<i64> = signals.video_days.iter().filter_map(|v| v.creator_id).collect();
    creator_ids.sort_unstable();
    creator_ids.dedup();
    if !creator_ids.is_empty() {
        let rows = client.select(&with_schema(CREATORS_SQL, cfg), None, &[creator_ids.into()]).map_err(spi_error)?;
        for row in rows {
            let trust: Option<String> = row.get(3).map_err(spi_error)?;
            signals.creators.insert(
                req::<i64>(&row, 1)?,
                Creator {
                    kyc_level: row.get::<i64>(2).map_err(spi_error)?,
                    trust_score: trust.as_deref().and_then(parse_trust_score),
                    likely_bot: req::<bool>(&row, 4)?,
                },
            );
        }
    }
    Ok(signals)
}

/// Runs `sql` through a cursor and hands each row's raw datums and null flags to `f`.
///
/// Rows are decoded with one `heap_deform_tuple` each (pgrx's per-column getters cost more
/// than the rest of the pass), and each batch's tuple table is freed right after use: SPI
/// would otherwise keep every fetched batch until the connection ends.
fn stream_rows(
    client: &SpiClient<'_>,
    sql: &str,
    args: &[DatumWithOid<'_>],
    mut f: impl FnMut(&[pg_sys::Datum], &[bool]) -> Result<()>,
) -> Result<()> {
    let mut cursor = client.try_open_cursor(sql, args).map_err(spi_error)?;
    let mut values: Vec<pg_sys::Datum> = Vec::new();
    let mut nulls: Vec<bool> = Vec::new();
    loop {
        check_for_interrupts!();
        let n = cursor.fetch(BATCH).map_err(spi_error)?.len();
        if n == 0 {
            return Ok(());
        }
        // SAFETY: the fetch just set SPI_tuptable to a table of `n` tuples with its tuple
        // descriptor; datums point into those tuples, which live until SPI_freetuptable below.
        unsafe {
            let table = pg_sys::SPI_tuptable;
            let tupdesc = (*table).tupdesc;
            let natts = (*tupdesc).natts as usize;
            values.resize(natts, pg_sys::Datum::from(0));
            nulls.resize(natts, true);
            for i in 0..n {
                pg_sys::heap_deform_tuple(*(*table).vals.add(i), tupdesc, values.as_mut_ptr(), nulls.as_mut_ptr());
                f(&values, &nulls)?;
            }
            pg_sys::SPI_freetuptable(table);
        }
    }
}

/// The bytes of a text datum (detoasted if needed, no copy for the usual short strings).
///
/// # Safety
/// `d` must be a non-NULL datum of type text (or a binary-compatible type) that outlives the
/// returned slice.
unsafe fn text_bytes<'a>(d: pg_sys::Datum) -> &'a [u8] {
    unsafe {
        let v = pg_sys::pg_detoast_datum_packed(d.cast_mut_ptr());
        pgrx::varlena::varlena_to_byte_slice(v)
    }
}

/// The indexes of `event` that matter to revenue_split.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EventIndexes {
    /// An index leading with `ts`.
    pub ts: bool,
    /// An index leading with `(video_id, ts)`.
    pub video_ts: bool,
}

pub fn event_indexes(client: &SpiClient<'_>, schema: &str) -> Result<EventIndexes> {
    let (ts, video_ts) = client
        .select(EVENT_INDEXES_SQL, Some(1), &[schema.into()])
        .map_err(spi_error)?
        .first()
        .get_two::<bool, bool>()
        .map_err(spi_error)?;
    Ok(EventIndexes { ts: ts.unwrap_or(false), video_ts: video_ts.unwrap_or(false) })
}

/// A non-NULL column (the queries guarantee it; a NULL would be a bug, reported as such).
fn req<T: pgrx::FromDatum + IntoDatum>(row: &SpiHeapTupleData<'_>, ordinal: usize) -> Result<T> {
    row.get::<T>(ordinal)
        .map_err(spi_error)?
        .ok_or_else(|| Error::Internal(format!("unexpected NULL in column {ordinal}")))
}

pub fn spi_error(e: spi::SpiError) -> Error {
    Error::Internal(format!("SPI: {e}"))
}
