//! Reading: the only module that queries the application tables (users, videos, event).
//!
//! Each query is a named `.sql` file under `src/sql/`, set-based, with every value bound as a
//! `$n` parameter. The one thing spliced into the text is the application schema, and only
//! after `quote_identifier` (it comes from `revenue_split.config`, never from an argument).
//! A period costs one ordered pass over its events (plus the six days before it), streamed
//! from the executor through a `DestReceiver` and decoded straight from each result slot
//! into `pipeline::Pass` (aggregated on a worker thread), plus small queries: the videos,
//! the view events of the early windows that reach outside the pass (`early`), and the
//! creators' users rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use pgrx::datum::DatumWithOid;
use pgrx::datum::{Date, TimestampWithTimeZone};
use pgrx::pg_sys;
use pgrx::spi::{self, SpiClient, SpiHeapTupleData};
use pgrx::{check_for_interrupts, pg_guard, IntoDatum};
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::early::{EarlyWindows, Scan};
use crate::errors::{Error, Result};
use crate::period::Period;
use crate::pipeline::Pass;
use crate::stream::{day_start_us, key_hash, Accumulator, Event, EventType, VideoInfo};
use crate::units::{parse_trust_score, Creator, EarlyViews, PeriodSignals};

const CONFIG_SQL: &str = include_str!("sql/config.sql");
const APP_COLUMNS_SQL: &str = include_str!("sql/app_columns.sql");
const VIDEOS_SQL: &str = include_str!("sql/videos.sql");
const EVENTS_SQL: &str = include_str!("sql/events.sql");
const EVENTS_BY_SORT_SQL: &str = include_str!("sql/events_by_sort.sql");
const EVENT_TS_ORDER_SQL: &str = include_str!("sql/event_ts_order.sql");
const EARLY_EVENTS_SPAN_SQL: &str = include_str!("sql/early_events_span.sql");
const EARLY_EVENTS_RANGES_SQL: &str = include_str!("sql/early_events_ranges.sql");
const EVENT_BOUNDS_SQL: &str = include_str!("sql/event_bounds.sql");
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

    // 2. The one pass over the events, in ts order: decoded here, aggregated on a worker.
    let early_us = cfg.early_window_seconds.saturating_mul(1_000_000);
    let pass_start = day_start_us(w0.to_pg_epoch_days());
    let acc = Accumulator::new(pass_start, period.days(), early_us, videos);
    let mut pass = Pass::start(acc, true);
    let events_sql = if stored_in_ts_order(client, cfg)? { EVENTS_SQL } else { EVENTS_BY_SORT_SQL };
    stream_rows(client, &with_schema(events_sql, cfg), &[w0.into(), end.into()], |v, n| {
        if n[2] {
            return Ok(());
        }
        // SAFETY: column 3 is a non-NULL text datum of the current tuple.
        let Some(kind) = EventType::parse(unsafe { text_bytes(v[2]) }) else { return Ok(()) };
        // Only views' devices and IPs are counted (SPEC §2).
        let key = |i: usize| {
            // SAFETY: columns 4 and 5 are text datums when not NULL.
            (kind == EventType::View && !n[i]).then(|| key_hash(unsafe { text_bytes(v[i]) }))
        };
        pass.add(Event::new(v[0].value() as i64, v[1].value() as i64, kind, key(3), key(4))).map_err(out_of_order)
    })?;
    let (mut signals, outside) = pass.finish().map_err(out_of_order)?;

    // 3. Early windows that reach outside the pass (videos launched before it, or at its end):
    //    one index probe per video with an event(video_id, ts) index, else a scan of their
    //    merged time ranges that returns only these videos' views.
    if !outside.is_empty() {
        let indexes = event_indexes(client, &cfg.app_schema)?;
        if indexes.video_ts {
            let ids: Vec<i64> = outside.iter().map(|o| o.0).collect();
            let rows = client
                .select(
                    &with_schema(EARLY_VIEWS_BY_VIDEO_SQL, cfg),
                    None,
                    &[ids.into(), (cfg.early_window_seconds as f64).into()],
                )
                .map_err(spi_error)?;
            for row in rows {
                signals.early.insert(
                    req::<i64>(&row, 1)?,
                    EarlyViews { views: req(&row, 2)?, uniq_devices: req(&row, 3)?, uniq_ips: req(&row, 4)? },
                );
            }
        } else {
            let bounds = if indexes.ts { event_bounds(client, cfg)? } else { None };
            let mut windows = EarlyWindows::new(&outside, early_us, bounds);
            for scan in windows.scans(pass_start) {
                let (sql, args): (&str, Vec<DatumWithOid<'_>>) = match scan {
                    Scan::Span { lo, hi, ids } => {
                        (EARLY_EVENTS_SPAN_SQL, vec![timestamptz(lo)?.into(), timestamptz(hi)?.into(), ids.into()])
                    }
                    Scan::Ranges { ranges, ids } => {
                        let lo = ranges.iter().map(|r| timestamptz(r.0)).collect::<Result<Vec<_>>>()?;
                        let hi = ranges.iter().map(|r| timestamptz(r.1)).collect::<Result<Vec<_>>>()?;
                        (EARLY_EVENTS_RANGES_SQL, vec![lo.into(), hi.into(), ids.into()])
                    }
                };
                stream_rows(client, &with_schema(sql, cfg), &args, |v, n| {
                    // SAFETY: columns 3 and 4 are text datums when not NULL.
                    let key = |i: usize| (!n[i]).then(|| key_hash(unsafe { text_bytes(v[i]) }));
                    windows.add(v[0].value() as i64, v[1].value() as i64, key(2), key(3));
                    Ok(())
                })?;
            }
            signals.early.extend(windows.finish());
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

/// Runs `sql` and hands each result row's datums and null flags to `f`, straight from the
/// executor's result slot: a `DestReceiver` instead of a cursor, so no row is copied into an
/// SPI tuple table, the plan is chosen for the whole result rather than a cursor's first
/// rows, and Postgres may use parallel workers. The datums are valid only during the call;
/// `f` returning an error stops the query.
fn stream_rows(
    client: &SpiClient<'_>,
    sql: &str,
    args: &[DatumWithOid<'_>],
    mut f: impl FnMut(&[pg_sys::Datum], &[bool]) -> Result<()>,
) -> Result<()> {
    let _ = client; // the caller's SPI connection is what makes SPI_execute_extended legal
    let sql = std::ffi::CString::new(sql).map_err(|e| Error::Internal(format!("query text: {e}")))?;
    let mut f_dyn: RowFn<'_> = &mut f;
    let mut receiver = RowReceiver {
        dest: pg_sys::DestReceiver {
            receiveSlot: Some(receive_row),
            rStartup: Some(receiver_startup),
            rShutdown: Some(receiver_noop),
            rDestroy: Some(receiver_noop),
            mydest: pg_sys::CommandDest::DestNone,
        },
        f: std::ptr::addr_of_mut!(f_dyn).cast(),
        rows: 0,
        error: None,
    };
    // SAFETY: SPI is connected (we hold its client); the parameter list and the receiver
    // outlive the call, and the receiver is only used during it.
    unsafe {
        let params = if args.is_empty() {
            std::ptr::null_mut()
        } else {
            let list = pg_sys::makeParamList(args.len() as i32);
            let slots = (*list).params.as_mut_slice(args.len());
            for (p, a) in slots.iter_mut().zip(args) {
                *p = pg_sys::ParamExternData {
                    value: a.datum().map_or(pg_sys::Datum::from(0), |d| d.sans_lifetime()),
                    isnull: a.datum().is_none(),
                    pflags: pg_sys::PARAM_FLAG_CONST as u16,
                    ptype: a.oid(),
                };
            }
            list
        };
        let options = pg_sys::SPIExecuteOptions {
            params,
            read_only: true,
            dest: std::ptr::addr_of_mut!(receiver).cast(),
            ..Default::default()
        };
        let rc = pg_sys::SPI_execute_extended(sql.as_ptr(), &options);
        if let Some(e) = receiver.error.take() {
            return Err(e);
        }
        if rc < 0 {
            return Err(Error::Internal(format!("SPI_execute_extended returned {rc}")));
        }
    }
    Ok(())
}

/// The state behind [`stream_rows`]' `DestReceiver` (which must come first: the executor
/// hands receive_row a pointer to it).
#[repr(C)]
struct RowReceiver {
    dest: pg_sys::DestReceiver,
    /// A `*mut &mut dyn FnMut(..)`, erased to a thin pointer.
    f: *mut std::ffi::c_void,
    rows: u64,
    error: Option<Error>,
}

type RowFn<'a> = &'a mut dyn FnMut(&[pg_sys::Datum], &[bool]) -> Result<()>;

#[pg_guard]
unsafe extern "C-unwind" fn receive_row(slot: *mut pg_sys::TupleTableSlot, dest: *mut pg_sys::DestReceiver) -> bool {
    // SAFETY: `dest` is the first field of the RowReceiver that stream_rows passed, which
    // lives until SPI_execute_extended returns; `slot` is the executor's current result row.
    unsafe {
        let r = &mut *dest.cast::<RowReceiver>();
        let natts = (*(*slot).tts_tupleDescriptor).natts as usize;
        if ((*slot).tts_nvalid as usize) < natts {
            pg_sys::slot_getallattrs(slot); // a projected (virtual) slot is already complete
        }
        let values = std::slice::from_raw_parts((*slot).tts_values, natts);
        let nulls = std::slice::from_raw_parts((*slot).tts_isnull, natts);
        r.rows += 1;
        if r.rows % 16_384 == 0 {
            check_for_interrupts!();
        }
        let f = &mut *r.f.cast::<RowFn<'_>>();
        match f(values, nulls) {
            Ok(()) => true,
            Err(e) => {
                r.error = Some(e);
                false // stops the executor
            }
        }
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn receiver_startup(
    _dest: *mut pg_sys::DestReceiver,
    _operation: i32,
    _typeinfo: pg_sys::TupleDesc,
) {
}

#[pg_guard]
unsafe extern "C-unwind" fn receiver_noop(_dest: *mut pg_sys::DestReceiver) {}

/// The bytes of a text datum (no copy). Short and plain values — every device, IP and event
/// type in practice — are read in place from their varlena header; anything else (compressed
/// or out of line) goes through `pg_detoast_datum_packed`. Reading the header here saves a
/// guarded FFI call per column per event.
///
/// # Safety
/// `d` must be a non-NULL datum of type text (or a binary-compatible type) that outlives the
/// returned slice.
unsafe fn text_bytes<'a>(d: pg_sys::Datum) -> &'a [u8] {
    unsafe {
        let p = d.cast_mut_ptr::<u8>();
        #[cfg(target_endian = "little")]
        {
            let h = *p;
            // VARATT_IS_1B and not VARATT_IS_1B_E: a 1-byte header holding the total size.
            if h & 0x01 == 0x01 && h != 0x01 {
                return std::slice::from_raw_parts(p.add(1), usize::from(h >> 1) - 1);
            }
            // VARATT_IS_4B_U: a 4-byte header, not compressed.
            if h & 0x03 == 0x00 {
                let size = (std::ptr::read_unaligned(p.cast::<u32>()) >> 2) as usize;
                return std::slice::from_raw_parts(p.add(4), size - 4);
            }
        }
        let v = pg_sys::pg_detoast_datum_packed(p.cast());
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

/// Whether `event` is stored roughly in `ts` order (or nothing says otherwise): then the pass
/// reads it through the `ts` index, else by a sort (see `sql/events_by_sort.sql`).
fn stored_in_ts_order(client: &SpiClient<'_>, cfg: &Config) -> Result<bool> {
    let rows = client.select(EVENT_TS_ORDER_SQL, Some(1), &[cfg.app_schema.as_str().into()]).map_err(spi_error)?;
    let correlation: Option<f64> = if rows.is_empty() { None } else { rows.first().get_one().map_err(spi_error)? };
    Ok(correlation.is_none_or(|c| c.abs() >= 0.5))
}

/// The first and last event time, as µs (`None` for an empty table).
fn event_bounds(client: &SpiClient<'_>, cfg: &Config) -> Result<Option<(i64, i64)>> {
    let rows = client.select(&with_schema(EVENT_BOUNDS_SQL, cfg), Some(1), &[]).map_err(spi_error)?;
    let (first, last) = rows.first().get_two::<TimestampWithTimeZone, TimestampWithTimeZone>().map_err(spi_error)?;
    Ok(first.zip(last).map(|(f, l)| (f.into_inner(), l.into_inner())))
}

/// A timestamptz from µs since 2000-01-01; past Postgres' range (a window ending after the
/// year 294276) it is `infinity`.
fn timestamptz(us: i64) -> Result<TimestampWithTimeZone> {
    TimestampWithTimeZone::try_from(us)
        .or_else(|_| TimestampWithTimeZone::try_from(if us < 0 { i64::MIN } else { i64::MAX }))
        .map_err(|e| Error::Internal(format!("timestamp {us}: {e}")))
}

fn out_of_order(e: crate::window::OutOfOrder) -> Error {
    Error::Internal(format!("event pass out of ts order (day {} after {})", e.day, e.latest))
}

pub fn spi_error(e: spi::SpiError) -> Error {
    Error::Internal(format!("SPI: {e}"))
}
