//! Reading: the only module that queries the application tables (users, videos, event).
//!
//! Each query is a named `.sql` file under `src/sql/`, set-based, with every value bound as a
//! `$n` parameter. The one thing spliced into the text is the application schema, and only
//! after `quote_identifier` (it comes from `revenue_split.config`, never from an argument).
//! A period costs one ordered pass over its events (plus the six days before it), streamed
//! from the executor through a `DestReceiver` and decoded straight from each result slot
//! into `pipeline::Pass` (aggregated on a worker thread), plus smaller queries: the videos
//! the events name (on a catalog wider than the window, only those: one probe each), the view
//! events of the early windows that reach outside the pass (`early`), and the creators'
//! users rows (one probe each). Per-phase wall times are DEBUG1 messages.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use pgrx::check_for_interrupts;
use pgrx::datum::DatumWithOid;
use pgrx::datum::{Date, TimestampWithTimeZone};
use pgrx::pg_sys;
use pgrx::spi::{self, SpiClient};
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::engine::early::{EarlyWindows, Scan};
use crate::engine::mem::{reserve_map, reserve_vec, room_in_vec, AllocError};
use crate::engine::pipeline::Pass;
use crate::engine::stream::{
    day_start_us, key_hash, look_up_active_videos, sorted_distinct, Accumulator, Event, EventType, IdSpan, VideoInfo,
    DAY_US,
};
use crate::engine::units::{days_alongside, parse_trust_score, Creator, Creators, DayPartial, DayWork, PeriodSignals};
use crate::engine::window::PassError;
use crate::errors::{Error, Result};
use crate::period::Period;
use crate::spi_read::{self, stream_rows, text_bytes};

const CONFIG_SQL: &str = include_str!("../sql/config.sql");
const APP_COLUMNS_SQL: &str = include_str!("../sql/app_columns.sql");
const VIDEOS_SQL: &str = include_str!("../sql/videos.sql");
const VIDEOS_BY_ID_SQL: &str = include_str!("../sql/videos_by_id.sql");
const ACTIVE_VIDEO_IDS_SQL: &str = include_str!("../sql/active_video_ids.sql");
const TABLE_ROWS_SQL: &str = include_str!("../sql/table_rows.sql");

const EVENTS_SQL: &str = include_str!("../sql/events.sql");
const EVENTS_BY_SORT_SQL: &str = include_str!("../sql/events_by_sort.sql");
const EVENT_TS_ORDER_SQL: &str = include_str!("../sql/event_ts_order.sql");
const EARLY_EVENTS_SPAN_SQL: &str = include_str!("../sql/early_events_span.sql");
const EARLY_EVENTS_RANGES_SQL: &str = include_str!("../sql/early_events_ranges.sql");
const EVENT_BOUNDS_SQL: &str = include_str!("../sql/event_bounds.sql");
const EARLY_VIEWS_BY_ID_SQL: &str = include_str!("../sql/early_views_by_id.sql");
const BTREE_INDEXES_SQL: &str = include_str!("../sql/btree_indexes.sql");
const CREATORS_SQL: &str = include_str!("../sql/creators.sql");
const RLS_FILTERED_SQL: &str = include_str!("../sql/rls_filtered.sql");
const PAID_ROWS_SQL: &str = include_str!("../sql/paid_rows.sql");

/// The application tables: the three it reads, then the one commits write.
const APP_TABLES: [&str; 4] = ["users", "videos", "event", "transactions"];

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

/// What the pass needs of a row of `videos.sql` / `videos_by_id.sql` (id, creator_id,
/// created_at); an infinite `created_at` counts as NULL.
fn video_info(v: &[pg_sys::Datum], n: &[bool]) -> VideoInfo {
    let created_at = (!n[2]).then(|| v[2].value() as i64).filter(|t| *t != i64::MAX && *t != i64::MIN);
    VideoInfo::new((!n[1]).then(|| v[1].value() as i64), created_at)
}

/// What the videos active in the window are called when their allocation is refused.
const ACTIVE: &str = "the videos with events in the window";

/// `revenue_split.config`, validated (no row: the SPEC defaults).
/// (`_client`: reads need an SPI connection; they run through `spi_read`.)
pub fn read_config(_client: &SpiClient<'_>) -> Result<Config> {
    let rows: Vec<Option<String>> = spi_read::collect(CONFIG_SQL, &[], |r| r.get::<String>(0))?;
    if rows.len() > 1 {
        return Err(Error::ConfigRows(rows.len() as i64));
    }
    Ok(Config::from_json(rows.into_iter().next().flatten().as_deref())?)
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
    /// An enum type with the label `outflow` (needed by clawbacks, SPEC §9).
    pub has_outflow_label: bool,
    /// `pg_type.typname` of the type, or of a domain's base type: `int8`, `timestamptz`, ...
    pub base_type: String,
}

/// Table name → column name → column, for the application tables that exist in `schema`;
/// `None` when the schema itself does not exist.
pub type AppTables = HashMap<String, HashMap<String, AppColumn>>;

pub fn app_tables(_client: &SpiClient<'_>, schema: &str) -> Result<Option<AppTables>> {
    let schema_exists = spi_read::first(
        "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) $1",
        &[schema.into()],
        |_| Ok(()),
    )?;
    if schema_exists.is_none() {
        return Ok(None);
    }
    let mut found: AppTables = HashMap::new();
    spi_read::for_each_row(APP_COLUMNS_SQL, &[schema.into(), APP_TABLES.to_vec().into()], |row| {
        let table: String = row.req(0)?;
        let cols = found.entry(table).or_default();
        if let (Some(c), Some(t)) = (row.get::<String>(1)?, row.get::<String>(2)?) {
            cols.insert(
                c,
                AppColumn {
                    sql_type: t,
                    type_kind: row.get::<String>(3)?.unwrap_or_default(),
                    has_inflow_label: row.get::<bool>(4)?.unwrap_or(false),
                    has_outflow_label: row.get::<bool>(5)?.unwrap_or(false),
                    base_type: row.get::<String>(6)?.unwrap_or_default(),
                },
            );
        }
        Ok(())
    })?;
    Ok(Some(found))
}

/// Checks that the application tables are what they seem before anything is computed
/// (SPEC §1): every table and column exists, has a type the computation is right for, and
/// no row-level security policy would hide rows from the caller. Returns the application
/// tables' columns (for a commit: `transactions.amount_cents` and `direction`).
pub fn check_app_tables(client: &SpiClient<'_>, cfg: &Config, for_commit: bool) -> Result<AppTables> {
    let Some(found) = app_tables(client, &cfg.app_schema)? else {
        return Err(Error::UndefinedSchema { schema: cfg.app_schema.clone() });
    };
    missing_column(&found, cfg, for_commit)?;
    if let Some(e) = column_type_problems(&found, cfg, for_commit).into_iter().next() {
        return Err(e);
    }
    let tables: Vec<&str> = if for_commit { APP_TABLES.to_vec() } else { APP_TABLES[..3].to_vec() };
    let filtered =
        spi_read::collect(RLS_FILTERED_SQL, &[cfg.app_schema.as_str().into(), tables.into()], |r| r.req::<String>(0))?;
    if let Some(table) = filtered.into_iter().next() {
        let role = spi_read::first("SELECT current_user::text", &[], |r| r.req::<String>(0))?.unwrap_or_default();
        return Err(Error::RowSecurity { schema: cfg.app_schema.clone(), table, role });
    }
    Ok(found)
}

/// Column types the computation is right for, by `pg_type.typname` of the (base) type.
const INTEGER: &[&str] = &["int2", "int4", "int8"];
/// `"*enum"` stands for any enum type.
const ENUM: &str = "*enum";

/// Per column: the accepted base types, and what the message says is expected. `ts` and
/// `created_at` must be timestamptz (a `timestamp` would shift every day boundary by the
/// session's TimeZone); `char(n)` drops trailing blanks on its way to text, so `'view '`
/// would count as a view.
const COLUMN_TYPES: &[(&str, &str, &[&str], &str)] = &[
    ("users", "id", INTEGER, "smallint, integer or bigint"),
    ("users", "kyc_level", INTEGER, "smallint, integer or bigint"),
    ("users", "creator_trust_score", &["numeric", "float4", "float8", "int2", "int4", "int8"], "a number"),
    ("users", "likely_bot", &["bool"], "boolean"),
    ("videos", "id", INTEGER, "smallint, integer or bigint"),
    ("videos", "creator_id", INTEGER, "smallint, integer or bigint"),
    ("videos", "created_at", &["timestamptz"], "timestamp with time zone"),
    ("event", "video_id", INTEGER, "smallint, integer or bigint"),
    ("event", "event_type", &["text", "varchar", "citext", "name", ENUM], "text, varchar or an enum"),
    ("event", "ts", &["timestamptz"], "timestamp with time zone"),
];
/// Columns that commits also use.
const WRITE_COLUMN_TYPES: &[(&str, &str, &[&str], &str)] = &[
    ("users", "current_balance", &["int2", "int4", "int8", "numeric"], "an integer type or numeric"),
    ("transactions", "id", INTEGER, "smallint, integer or bigint"),
    ("transactions", "recipient", INTEGER, "smallint, integer or bigint"),
    ("transactions", "amount_cents", &["int2", "int4", "int8", "numeric"], "an integer type or numeric"),
    ("transactions", "created_at", &["timestamptz", "timestamp"], "timestamp with time zone"),
    ("transactions", "payment_type", &["text", "varchar", "citext", ENUM], "text, varchar or an enum"),
    ("transactions", "status", &["text", "varchar", "citext", ENUM], "text, varchar or an enum"),
    ("transactions", "direction", &["text", "varchar", "citext", ENUM], "text, or an enum with the label 'inflow'"),
];

/// Every application column whose type the computation cannot work with (SQLSTATE 42804),
/// in table order. The tables and columns must exist (`missing_column`).
pub fn column_type_problems(found: &AppTables, cfg: &Config, for_commit: bool) -> Vec<Error> {
    let rules = COLUMN_TYPES.iter().chain(if for_commit { WRITE_COLUMN_TYPES } else { &[] });
    let mut out = Vec::new();
    for (table, column, accepted, expected) in rules {
        let Some(c) = found.get(*table).and_then(|t| t.get(*column)) else { continue };
        let is_enum = c.type_kind == "e";
        let ok = accepted.iter().any(|a| *a == c.base_type || (*a == ENUM && is_enum))
            && !(*column == "direction" && is_enum && !c.has_inflow_label);
        if !ok {
            out.push(Error::ColumnType {
                schema: cfg.app_schema.clone(),
                table,
                column,
                found: c.sql_type.clone(),
                expected,
            });
        }
    }
    out
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

/// How a lookup by id (`videos_by_id.sql`, `creators.sql`) reads the rows of its ids.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// One index range scan of the ids' span (`$1`, `$2`), keeping the rows the span holds:
    /// when the table has a valid btree led by `id` and the ids are dense (see
    /// [`crate::engine::stream::SPAN_PER_ID`]), as ids from a sequence are.
    Span(String, IdSpan),
    /// One probe an id of the list `$1`. The list is hidden from the planner behind a scalar
    /// subquery when the table has such an index, else it stays a constant. Hidden, the
    /// planner no longer estimates `= ANY` element by element: on 586k video ids that
    /// planning took 60-70 ms of a 690 ms lookup, and 40 ms on 372k creators, for the same
    /// probes of the index. A constant is what lets PostgreSQL hash the list when it filters
    /// a scan of a table without such an index.
    List(String),
}

/// The lookup of `ids` in `table`, by `sql`: its `@match@` becomes the condition on
/// `column` (a fixed name from this crate, never user text).
pub(crate) fn lookup(sql: &str, cfg: &Config, table: &str, column: &str, ids: &[i64]) -> Result<Lookup> {
    let indexed = btree_indexes(&cfg.app_schema, table)?.iter().any(|i| i.valid && i.leads_with(&["id"]));
    let span = if indexed { IdSpan::of(ids) } else { None };
    let matches = match (&span, indexed) {
        (Some(_), _) => {
            format!("{column} OPERATOR(pg_catalog.>=) $1::pg_catalog.int8 AND {column} OPERATOR(pg_catalog.<=) $2::pg_catalog.int8")
        }
        (None, true) => {
            format!("{column} OPERATOR(pg_catalog.=) ANY ((SELECT $1::pg_catalog.int8[])::pg_catalog.int8[])")
        }
        (None, false) => format!("{column} OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.int8[])"),
    };
    // The condition first: the schema's name (user text) must not be searched for `@match@`.
    let sql = with_schema(&sql.replace("@match@", &matches), cfg);
    Ok(match span {
        Some(span) => Lookup::Span(sql, span),
        None => Lookup::List(sql),
    })
}

/// Streams the rows of `table` whose `id` (the query's first column, `int8`) is in `ids`
/// to `row`, through [`lookup`]. A list is probed by index even when long: the planner,
/// blind to its length, would rather scan the whole table, and that is the cost that must
/// not grow with the catalog (a table without an index on id is still scanned). A span is
/// left to the planner, whose estimate of a range is good: when the span is most of the
/// table it scans the table instead, which on W's creators (370k ids spanning all 1M users)
/// took 0.17-0.19 s against 0.25-0.50 s by index.
pub(crate) fn read_by_ids(
    sql: &str,
    cfg: &Config,
    table: &str,
    column: &str,
    ids: Vec<i64>,
    mut row: impl FnMut(&[pg_sys::Datum], &[bool]) -> Result<()>,
) -> Result<()> {
    match lookup(sql, cfg, table, column, &ids)? {
        Lookup::Span(sql, span) => {
            drop(ids);
            let (lo, hi) = span.bounds();
            stream_rows(
                &sql,
                &[lo.into(), hi.into()],
                |v, n| {
                    if span.holds(v[0].value() as i64) {
                        row(v, n)
                    } else {
                        Ok(())
                    }
                },
            )
        }
        Lookup::List(sql) => {
            spi_read::with_settings(&[(c"enable_seqscan", c"off")], || stream_rows(&sql, &[ids.into()], row))
        }
    }
}

/// Gathers every signal of a period (SPEC §2–4), and computes its days' units but what the
/// creators' `users` rows decide (`signals.creators`: see [`DayPartial::finish`]); the days
/// keep their video units with `keep_videos`. With `progress`, a NOTICE reports each day
/// of the period as the pass finishes reading it.
pub fn gather(
    client: &SpiClient<'_>,
    cfg: &Config,
    period: &Period,
    progress: bool,
    keep_videos: bool,
) -> Result<(PeriodSignals, Vec<DayPartial>)> {
    let w0 = to_pg_date(period.window_start());
    let end = to_pg_date(period.end);
    let mut phase = Phases::new();

    // 1. The videos the pass joins to its events, in memory: either every row of `videos`,
    //    or only the videos with an event in the window — their ids from a first, narrow
    //    read of the window (one column), their rows by index (see `read_by_ids`). The
    //    whole table is read when it has no more rows than the window has events (planner
    //    statistics), so either way the cost and the map follow the window's events, not the
    //    catalog. Measured (server defaults) for a 3M-event month: the whole table of 2M
    //    videos 0.2 s (0.6-0.9 s while its rows went into a hash map); the lookup of the 586k
    //    active videos among 20M 0.8-0.9 s probed (0.67-0.69 s as a range, tuned), where the
    //    whole table (then hashed) took 18-21 s.
    //    The lookup needs an index leading with `event.ts` (else its first read would scan
    //    all of `event`).
    let indexes = event_indexes(client, &cfg.app_schema)?;
    let bounds = if indexes.ts { event_bounds(cfg)? } else { None };
    let window = (day_start_us(w0.to_pg_epoch_days()), day_start_us(end.to_pg_epoch_days()));
    let (video_rows, event_rows) = table_rows(cfg)?;
    // The rows as read (the pass builds its table from them: see `stream::VideoTable`).
    let mut videos: Vec<(i64, VideoInfo)> = Vec::new();
    if indexes.ts && look_up_active_videos(video_rows, event_rows, bounds, window) {
        let mut ids: Vec<i64> = Vec::new();
        stream_rows(&with_schema(ACTIVE_VIDEO_IDS_SQL, cfg), &[w0.into(), end.into()], |v, _| {
            room_in_vec(&mut ids, ACTIVE).map_err(out_of_memory)?;
            ids.push(v[0].value() as i64);
            Ok(())
        })?;
        let ids = sorted_distinct(ids);
        reserve_vec(&mut videos, ids.len(), ACTIVE).map_err(out_of_memory)?;
        read_by_ids(VIDEOS_BY_ID_SQL, cfg, "videos", "v.id", ids, |v, n| {
            room_in_vec(&mut videos, ACTIVE).map_err(out_of_memory)?;
            videos.push((v[0].value() as i64, video_info(v, n)));
            Ok(())
        })?;
    } else {
        // Room for the table's rows at once, when the statistics say it has no more of them
        // than the window has events: no doubling on the way, whose old and new tables
        // together would make the peak.
        if let (true, Some(rows)) = (indexes.ts && bounds.is_some() && event_rows.is_some(), video_rows) {
            reserve_vec(&mut videos, rows as usize, "the videos").map_err(out_of_memory)?;
        }
        stream_rows(&with_schema(VIDEOS_SQL, cfg), &[], |v, n| {
            room_in_vec(&mut videos, "the videos").map_err(out_of_memory)?;
            videos.push((v[0].value() as i64, video_info(v, n)));
            Ok(())
        })?;
    }
    phase.done("videos read");

    // 2. The one pass over the events, in ts order: decoded here, aggregated on a worker.
    let early_us = cfg.early_window_seconds.saturating_mul(1_000_000);
    let pass_start = day_start_us(w0.to_pg_epoch_days());
    let acc = Accumulator::new(pass_start, period.days(), early_us, videos).map_err(out_of_memory)?;
    let mut pass = Pass::start(acc, true);
    let events_sql = if stored_in_ts_order(cfg)? { EVENTS_SQL } else { EVENTS_BY_SORT_SQL };
    let mut days = DayProgress::new(period, pass_start, progress);
    let (mut events_read, mut newest) = (0i64, None::<i64>);
    stream_rows(&with_schema(events_sql, cfg), &[w0.into(), end.into()], |v, n| {
        let ts = v[1].value() as i64;
        days.at(ts);
        events_read += 1;
        newest = Some(newest.map_or(ts, |n| n.max(ts)));
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
        pass.add(Event::new(v[0].value() as i64, v[1].value() as i64, kind, key(3), key(4))).map_err(pass_error)
    })?;
    days.finish();
    phase.done("events read");

    // The early windows (3) and the creators (4) are read while the worker closes the pass's
    // last day (0.2 s on L's day units and on W's month): the reader knows the cohort's
    // videos and creators once it has read every event.
    let (pass, cohort) = pass.end();
    let outside = cohort.outside;

    // 3. Early windows that reach outside the pass (videos launched before it, or at its end):
    //    one index probe per video with an event(video_id, ts) index, else a scan of their
    //    merged time ranges that returns only these videos' views.
    let mut early = FxHashMap::default();
    if !outside.is_empty() {
        if indexes.video_ts {
            let mut windows = EarlyWindows::new(&outside, early_us, bounds).map_err(out_of_memory)?;
            let probed = windows.videos().map_err(out_of_memory)?;
            let ids: Vec<i64> = probed.iter().map(|o| o.0).collect();
            let launched = probed.iter().map(|o| timestamptz(o.1)).collect::<Result<Vec<_>>>()?;
            let args = [ids.into(), launched.into(), (cfg.early_window_seconds as f64).into()];
            read_early_views(&with_schema(EARLY_VIEWS_BY_ID_SQL, cfg), &args, &mut windows)?;
            early = windows.finish().map_err(out_of_memory)?;
        } else {
            let mut windows = EarlyWindows::new(&outside, early_us, bounds).map_err(out_of_memory)?;
            for scan in windows.scans(pass_start, indexes.ts).map_err(out_of_memory)? {
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
                read_early_views(&with_schema(sql, cfg), &args, &mut windows)?;
            }
            early = windows.finish().map_err(out_of_memory)?;
        }
    }
    check_for_interrupts!();
    phase.done("early windows outside the pass");

    // 4. The creators' users rows, read while a helper thread finishes the pass and computes
    //    the days' units but what those rows decide (see `DayWork`).
    let prepare = move || -> Result<(PeriodSignals, DayWork)> {
        let mut signals = pass.finish().map_err(pass_error)?;
        // Launched videos without an early view still get the formula (SPEC §3.2).
        reserve_map(&mut signals.early, outside.len(), "the early-window tallies").map_err(out_of_memory)?;
        signals.early.extend(early);
        for (id, _) in &outside {
            signals.early.entry(*id).or_default();
        }
        let days = DayWork::new(cfg, &mut signals, keep_videos);
        Ok((signals, days))
    };
    let read = || -> Result<Creators> {
        let creators = read_creators(cfg, cohort.creators)?;
        phase.done("creators read");
        Ok(creators)
    };
    let (mut signals, creators, days) = days_alongside(cfg, prepare, read, || {
        check_for_interrupts!();
    })?;
    phase.done("days computed");
    signals.creators = creators;
    signals.events_read = events_read;
    signals.newest_event_us = newest;
    Ok((signals, days))
}

/// Feeds the rows of an early-window query (video_id, ts, device_id, ip_hash) to `windows`.
fn read_early_views(sql: &str, args: &[DatumWithOid<'_>], windows: &mut EarlyWindows) -> Result<()> {
    stream_rows(sql, args, |v, n| {
        // SAFETY: columns 3 and 4 are text datums when not NULL.
        let key = |i: usize| (!n[i]).then(|| key_hash(unsafe { text_bytes(v[i]) }));
        windows.add(v[0].value() as i64, v[1].value() as i64, key(2), key(3)).map_err(out_of_memory)
    })
}

/// Wall time of each phase of a computation, as DEBUG1 messages
/// (`SET client_min_messages = debug1` shows them).
pub struct Phases(std::time::Instant);

impl Phases {
    pub fn new() -> Self {
        Phases(std::time::Instant::now())
    }

    pub fn done(&mut self, what: &str) {
        let now = std::time::Instant::now();
        pgrx::debug1!("revenue_split: {what}: {:.1} ms", (now - self.0).as_secs_f64() * 1e3);
        self.0 = now;
    }
}

/// The `users` rows of `ids` (absent from the map: no row).
pub fn read_creators(cfg: &Config, ids: Vec<i64>) -> Result<Creators> {
    let mut out = Creators::default();
    if ids.is_empty() {
        return Ok(out);
    }
    // Room for every id at once (at most one entry each): no rehashing on the way.
    reserve_map(&mut out, ids.len(), "the creators' users rows").map_err(out_of_memory)?;
    read_by_ids(CREATORS_SQL, cfg, "users", "u.id", ids, |v, n| {
        // SAFETY: column 2 is a text datum when not NULL (a number's text: ASCII).
        let trust = (!n[2]).then(|| unsafe { text_bytes(v[2]) });
        let creator = Creator {
            kyc_level: (!n[1]).then(|| v[1].value() as i64),
            trust_score: trust.and_then(|t| std::str::from_utf8(t).ok()).and_then(parse_trust_score),
            likely_bot: v[3].value() as u8 != 0,
        };
        out.insert(v[0].value() as i64, creator);
        Ok(())
    })?;
    Ok(out)
}

/// What another system paid (SPEC §11), as [`paid_rows`] finds it.
#[derive(Debug, Default)]
pub struct PaidRows {
    /// Per recipient, by recipient: Σ `amount_cents` of its rows.
    pub paid: Vec<(i64, i64)>,
    /// The ids of those rows.
    pub ids: Vec<i64>,
    /// Matching rows that revenue_split wrote itself, left out.
    pub own_rows: i64,
    /// The runs that adopted any of them before, and how many of them they adopted.
    pub adopted_before: Option<(BTreeSet<i64>, i64)>,
}

/// The inflows of `payment_type` created in `[from, to)` that another system wrote.
pub fn paid_rows(
    cfg: &Config,
    payment_type: &str,
    from: TimestampWithTimeZone,
    to: TimestampWithTimeZone,
) -> Result<PaidRows> {
    let mut out = PaidRows::default();
    let sql = with_schema(PAID_ROWS_SQL, cfg);
    // No nested loops: right after a commit in the same transaction the ledger tables have no
    // statistics, the planner expects one row of each side, and rescanned revenue_split.entries
    // once per matching row (W: 30,000 rows against 315,247 entries ran for minutes; with hash
    // and merge joins, 0.25 s).
    let nestloop_off: &[(&std::ffi::CStr, &std::ffi::CStr)] = &[(c"enable_nestloop", c"off")];
    spi_read::with_settings(nestloop_off, || {
        spi_read::for_each_row(&sql, &[payment_type.into(), from.into(), to.into()], |r| {
            out.own_rows += r.req::<i64>(3)?;
            // NULL when every row of the recipient was revenue_split's own.
            if let Some(amount) = r.get::<i64>(1)? {
                out.paid.push((r.req::<i64>(0)?, amount));
                out.ids.extend(r.req::<Vec<i64>>(2)?);
            }
            if let Some(runs) = r.get::<Vec<i64>>(4)? {
                let (seen, n) = out.adopted_before.get_or_insert_with(Default::default);
                seen.extend(runs);
                *n += r.req::<i64>(5)?;
            }
            Ok(())
        })
    })?;
    Ok(out)
}

/// Per-day progress of the event pass: a NOTICE, from the backend thread, as the pass moves
/// past each day of the period (the worker thread aggregates behind it). Silence it with
/// `SET client_min_messages = warning`.
struct DayProgress {
    enabled: bool,
    first_day: NaiveDate,
    /// µs of the period's first day, and of the day being read.
    period_start: i64,
    day: Option<i64>,
    days: u32,
    events: u64,
}

impl DayProgress {
    fn new(period: &Period, pass_start: i64, enabled: bool) -> Self {
        let lead = (period.start - period.window_start()).num_days();
        DayProgress {
            enabled,
            first_day: period.start,
            period_start: pass_start + lead * DAY_US,
            day: None,
            days: period.days(),
            events: 0,
        }
    }

    /// An event at `ts` (µs), in ts order.
    fn at(&mut self, ts: i64) {
        if !self.enabled || ts < self.period_start {
            return;
        }
        let day = (ts - self.period_start) / DAY_US;
        if self.day.is_some_and(|d| d != day) {
            self.report();
        }
        if self.day != Some(day) {
            self.day = Some(day);
            self.events = 0;
        }
        self.events += 1;
    }

    fn report(&self) {
        if let Some(d) = self.day {
            let date = self.first_day + chrono::TimeDelta::days(d);
            pgrx::notice!("revenue_split: {date} read: {} events (day {} of {})", self.events, d + 1, self.days);
        }
    }

    fn finish(&mut self) {
        if self.enabled {
            self.report();
        }
    }
}

/// A btree index of an application table, not partial (`btree_indexes.sql`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BtreeIndex {
    /// `pg_index.indisvalid`: the planner uses only valid indexes.
    pub valid: bool,
    /// Its columns in index order, key columns then INCLUDE columns (`None`: an expression).
    pub cols: Vec<Option<String>>,
}

impl BtreeIndex {
    /// Whether the index's first columns are `lead`, in that order.
    fn leads_with(&self, lead: &[&str]) -> bool {
        lead.len() <= self.cols.len() && lead.iter().zip(&self.cols).all(|(l, c)| c.as_deref() == Some(*l))
    }

    /// Whether the index holds column `col`, as a key or an INCLUDE column.
    fn holds(&self, col: &str) -> bool {
        self.cols.iter().any(|c| c.as_deref() == Some(col))
    }
}

/// The btree indexes, not partial, of `schema.table`.
fn btree_indexes(schema: &str, table: &str) -> Result<Vec<BtreeIndex>> {
    spi_read::collect(BTREE_INDEXES_SQL, &[schema.into(), table.into()], |r| {
        Ok(BtreeIndex { valid: r.req::<bool>(0)?, cols: r.req::<Vec<Option<String>>>(1)? })
    })
}

/// The indexes of `event` that matter to revenue_split.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EventIndexes {
    /// An index leading with `ts`: the pass reads by `ts` range, and min/max(ts) are two probes.
    pub ts: bool,
    /// An index leading with `(video_id, ts)` (its second column may be an INCLUDE column):
    /// early windows become one probe per video.
    pub video_ts: bool,
    /// Such an index that also holds `event_type`, `device_id` and `ip_hash`: its probes can be
    /// index-only (the doctor says so; the planner chooses).
    pub video_ts_covering: bool,
}

impl EventIndexes {
    fn of(indexes: &[BtreeIndex]) -> EventIndexes {
        let video_ts = |i: &&BtreeIndex| i.leads_with(&["video_id", "ts"]);
        EventIndexes {
            ts: indexes.iter().any(|i| i.leads_with(&["ts"])),
            video_ts: indexes.iter().any(|i| video_ts(&i)),
            video_ts_covering: indexes
                .iter()
                .filter(video_ts)
                .any(|i| ["event_type", "device_id", "ip_hash"].iter().all(|c| i.holds(c))),
        }
    }
}

pub fn event_indexes(_client: &SpiClient<'_>, schema: &str) -> Result<EventIndexes> {
    Ok(EventIndexes::of(&btree_indexes(schema, "event")?))
}

/// Whether `event` is stored roughly in `ts` order (or nothing says otherwise): then the pass
/// reads it through the `ts` index, else by a sort (see `sql/events_by_sort.sql`).
fn stored_in_ts_order(cfg: &Config) -> Result<bool> {
    let correlation = spi_read::first(EVENT_TS_ORDER_SQL, &[cfg.app_schema.as_str().into()], |r| r.get::<f64>(0))?;
    Ok(correlation.flatten().is_none_or(|c| c.abs() >= 0.5))
}

/// The planner's row counts of `videos` and `event` (`None`: unknown).
fn table_rows(cfg: &Config) -> Result<(Option<f64>, Option<f64>)> {
    let row = spi_read::first(TABLE_ROWS_SQL, &[cfg.app_schema.as_str().into()], |r| {
        Ok((r.get::<f64>(0)?, r.get::<f64>(1)?))
    })?;
    Ok(row.unwrap_or((None, None)))
}

/// The first and last event time, as µs (`None` for an empty table).
fn event_bounds(cfg: &Config) -> Result<Option<(i64, i64)>> {
    let row = spi_read::first(&with_schema(EVENT_BOUNDS_SQL, cfg), &[], |r| {
        Ok((r.get::<TimestampWithTimeZone>(0)?, r.get::<TimestampWithTimeZone>(1)?))
    })?;
    Ok(row.and_then(|(f, l)| f.zip(l)).map(|(f, l)| (f.into_inner(), l.into_inner())))
}

/// A timestamptz from µs since 2000-01-01; past Postgres' range (a window ending after the
/// year 294276) it is `infinity`.
fn timestamptz(us: i64) -> Result<TimestampWithTimeZone> {
    TimestampWithTimeZone::try_from(us)
        .or_else(|_| TimestampWithTimeZone::try_from(if us < 0 { i64::MIN } else { i64::MAX }))
        .map_err(|e| Error::Internal(format!("timestamp {us}: {e}")))
}

/// Why the event pass stopped, as the error SQL sees.
fn pass_error(e: PassError) -> Error {
    match e {
        PassError::OutOfOrder { day, latest } => {
            Error::Internal(format!("event pass out of ts order (day {day} after {latest})"))
        }
        PassError::Alloc(e) => out_of_memory(e),
        PassError::Limit(what) => Error::TallyLimit { what },
    }
}

/// A data-sized allocation that was refused: SQLSTATE 53200, naming what and how many bytes.
fn out_of_memory(e: AllocError) -> Error {
    Error::OutOfMemory { what: e.what, bytes: e.bytes }
}

pub fn spi_error(e: spi::SpiError) -> Error {
    Error::Internal(format!("SPI: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(valid: bool, cols: &[Option<&str>]) -> BtreeIndex {
        BtreeIndex { valid, cols: cols.iter().map(|c| c.map(str::to_string)).collect() }
    }

    #[test]
    fn which_indexes_count() {
        let ts = index(true, &[Some("ts")]);
        let video_ts = index(true, &[Some("video_id"), Some("ts")]);
        let covering =
            index(true, &[Some("video_id"), Some("ts"), Some("event_type"), Some("ip_hash"), Some("device_id")]);
        let lacks_ip = index(true, &[Some("video_id"), Some("ts"), Some("event_type"), Some("device_id")]);
        let expression = index(true, &[None, Some("ts")]);
        let ts_second = index(true, &[Some("video_id"), Some("event_type"), Some("ts")]);
        assert_eq!(EventIndexes::of(&[]), EventIndexes::default());
        assert_eq!(EventIndexes::of(std::slice::from_ref(&ts)), EventIndexes { ts: true, ..Default::default() });
        assert_eq!(
            EventIndexes::of(&[video_ts.clone(), lacks_ip, expression, ts_second]),
            EventIndexes { video_ts: true, ..Default::default() }
        );
        assert_eq!(
            EventIndexes::of(&[ts, covering.clone()]),
            EventIndexes { ts: true, video_ts: true, video_ts_covering: true }
        );
        // Led by id: only the first column counts.
        assert!(index(false, &[Some("id"), Some("kyc_level")]).leads_with(&["id"]));
        assert!(!index(true, &[Some("kyc_level"), Some("id")]).leads_with(&["id"]));
        assert!(!index(true, &[]).leads_with(&["id"]));
        assert!(covering.holds("device_id") && !video_ts.holds("device_id"));
    }
}
