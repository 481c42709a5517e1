//! Reading: the only module that queries the application tables (users, videos, event).
//!
//! Each query is a named `.sql` file under `src/sql/`, set-based, with every value bound as a
//! `$n` parameter. The one thing spliced into the text is the application schema, and only
//! after `quote_identifier` (it comes from `revenue_split.config`, never from an argument).
//! A period costs four queries, whatever its length: video-day counts with cluster tops,
//! creator day masks, early views, and the creators' users rows.

use std::collections::HashMap;

use chrono::NaiveDate;
use pgrx::datum::Date;
use pgrx::spi::{self, SpiClient, SpiHeapTupleData};
use pgrx::{check_for_interrupts, IntoDatum};

use crate::config::Config;
use crate::errors::{Error, Result};
use crate::period::Period;
use crate::units::{parse_trust_score, Creator, EarlyViews, PeriodSignals, VideoDay};
use crate::window::{window_counts, DailyCounts, DayMask, Key, WINDOW_DAYS};

const CONFIG_SQL: &str = include_str!("sql/config.sql");
const APP_COLUMNS_SQL: &str = include_str!("sql/app_columns.sql");
const VIDEO_DAYS_SQL: &str = include_str!("sql/video_days.sql");
const DAY_MASKS_SQL: &str = include_str!("sql/day_masks.sql");
const EARLY_VIEWS_SQL: &str = include_str!("sql/early_views.sql");
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

/// Rows between interrupt checks while decoding a large result.
const INTERRUPT_EVERY: usize = 1 << 14;

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

/// Gathers every signal of a period (SPEC §2–4) in four set-based queries.
pub fn gather(client: &SpiClient<'_>, cfg: &Config, period: &Period) -> Result<PeriodSignals> {
    let days = period.days();
    let w0 = period.window_start();
    let (w0_pg, start_pg, end_pg) = (to_pg_date(w0), to_pg_date(period.start), to_pg_date(period.end));
    let offset = WINDOW_DAYS - 1; // window day of the period's first day

    // 1. Counts per (video, window day), cluster tops for the period's days.
    let mut video_days = Vec::new();
    let mut daily = Vec::new();
    let rows = client
        .select(&with_schema(VIDEO_DAYS_SQL, cfg), None, &[w0_pg.into(), start_pg.into(), end_pg.into()])
        .map_err(spi_error)?;
    for (i, row) in rows.enumerate() {
        if i % INTERRUPT_EVERY == 0 {
            check_for_interrupts!();
        }
        let video_id = req::<i64>(&row, 1)?;
        let creator_id = row.get::<i64>(2).map_err(spi_error)?;
        let wday = req::<i32>(&row, 3)? as u32;
        let (views, likes, comments, shares) = (req(&row, 4)?, req(&row, 5)?, req(&row, 6)?, req(&row, 7)?);
        if let Some(creator_id) = creator_id {
            daily.push(DailyCounts { creator_id, wday, views, likes, comments });
        }
        if wday >= offset {
            video_days.push(VideoDay {
                video_id,
                creator_id,
                day: wday - offset,
                views,
                likes,
                comments,
                shares,
                top_device: req(&row, 8)?,
                top_ip: req(&row, 9)?,
            });
        }
    }

    // 2. Distinct devices / IPs per creator, as day masks over the window.
    let mut masks = Vec::new();
    let rows =
        client.select(&with_schema(DAY_MASKS_SQL, cfg), None, &[w0_pg.into(), end_pg.into()]).map_err(spi_error)?;
    for row in rows {
        let key = if req::<i32>(&row, 2)? == 0 { Key::Device } else { Key::Ip };
        masks.push(DayMask { creator_id: req(&row, 1)?, key, mask: req::<i64>(&row, 3)? as u64, n: req(&row, 4)? });
    }
    check_for_interrupts!();
    let windows = window_counts(days, &daily, &masks);

    // 3. Early views of the period's cohort videos.
    let mut cohort_videos: Vec<i64> = video_days.iter().map(|v| v.video_id).collect();
    cohort_videos.sort_unstable();
    cohort_videos.dedup();
    let mut early = HashMap::new();
    if !cohort_videos.is_empty() {
        let rows = client
            .select(
                &with_schema(EARLY_VIEWS_SQL, cfg),
                None,
                &[cohort_videos.into(), (cfg.early_window_seconds as f64).into()],
            )
            .map_err(spi_error)?;
        for row in rows {
            early.insert(
                req::<i64>(&row, 1)?,
                EarlyViews { views: req(&row, 2)?, uniq_devices: req(&row, 3)?, uniq_ips: req(&row, 4)? },
            );
        }
    }
    check_for_interrupts!();

    // 4. The creators' users rows.
    let mut creator_ids: Vec<i64> = video_days.iter().filter_map(|v| v.creator_id).collect();
    creator_ids.sort_unstable();
    creator_ids.dedup();
    let mut creators = HashMap::new();
    if !creator_ids.is_empty() {
        let rows = client.select(&with_schema(CREATORS_SQL, cfg), None, &[creator_ids.into()]).map_err(spi_error)?;
        for row in rows {
            let trust: Option<String> = row.get(3).map_err(spi_error)?;
            creators.insert(
                req::<i64>(&row, 1)?,
                Creator {
                    kyc_level: row.get::<i64>(2).map_err(spi_error)?,
                    trust_score: trust.as_deref().and_then(parse_trust_score),
                    likely_bot: req::<bool>(&row, 4)?,
                },
            );
        }
    }

    Ok(PeriodSignals { days, video_days, early, creators, windows })
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
