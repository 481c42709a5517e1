//! `revenue_split_doctor()`: a read-only health report of a deployment. Each check reports
//! instead of raising, so one problem does not hide the others. Reads only the catalogs and
//! revenue_split's own tables (through `signals` for the application tables' shapes).

use pgrx::prelude::*;
use pgrx::spi::SpiClient;

use crate::config::Config;
use crate::errors::Result;
use crate::engine::signals::{self, spi_error, AppTables};

const PRIVILEGES_SQL: &str = include_str!("sql/doctor_privileges.sql");
const RUNS_SQL: &str = include_str!("sql/doctor_runs.sql");

/// One row of the report: `status` is `ok`, `warning`, `error` or `info`.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub check: String,
    pub status: &'static str,
    pub detail: String,
}

fn row(check: &str, status: &'static str, detail: impl Into<String>) -> Check {
    Check { check: check.to_string(), status, detail: detail.into() }
}

const INTEGER: &[&str] = &["smallint", "integer", "bigint"];
const TEXT: &[&str] = &["text", "character varying", "character"];

/// Types each application column may have (prefix match on `format_type`).
const COLUMN_TYPES: &[(&str, &str, &[&str])] = &[
    ("users", "id", INTEGER),
    ("users", "current_balance", &["smallint", "integer", "bigint", "numeric"]),
    ("users", "kyc_level", INTEGER),
    ("users", "creator_trust_score", &["numeric", "real", "double precision", "smallint", "integer", "bigint"]),
    ("users", "likely_bot", &["boolean"]),
    ("videos", "id", INTEGER),
    ("videos", "creator_id", INTEGER),
    ("videos", "created_at", &["timestamp with time zone"]),
    ("event", "video_id", INTEGER),
    ("event", "event_type", TEXT),
    ("event", "ts", &["timestamp with time zone"]),
    ("event", "device_id", TEXT),
    ("event", "ip_hash", TEXT),
    ("transactions", "id", INTEGER),
    ("transactions", "recipient", INTEGER),
    ("transactions", "amount_cents", &["smallint", "integer", "bigint", "numeric"]),
    ("transactions", "payment_type", TEXT),
    ("transactions", "status", TEXT),
];

pub fn report() -> Result<Vec<Check>> {
    Spi::connect(|client| {
        let mut out = Vec::new();
        let cfg = match signals::read_config(client) {
            Ok(cfg) => {
                out.push(row("config", "ok", format!("app_schema = {}", cfg.app_schema)));
                cfg
            }
            Err(e) => {
                out.push(row("config", "error", e.message()));
                return Ok(out);
            }
        };
        match signals::app_tables(client, &cfg.app_schema)? {
            None => {
                out.push(row("application tables", "error", format!("schema \"{}\" does not exist", cfg.app_schema)))
            }
            Some(tables) => {
                check_tables(&mut out, &tables, &cfg);
                check_index(client, &mut out, &cfg, tables.contains_key("event"))?;
            }
        }
        check_privileges(client, &mut out)?;
        check_cron(client, &mut out)?;
        check_runs(client, &mut out)?;
        Ok(out)
    })
}

fn check_tables(out: &mut Vec<Check>, tables: &AppTables, cfg: &Config) {
    if let Err(e) = signals::missing_column(tables, cfg, true) {
        out.push(row("application tables", "error", e.message()));
        return;
    }
    let mut bad = Vec::new();
    for (table, column, allowed) in COLUMN_TYPES {
        let t = &tables[*table][*column];
        if !allowed.iter().any(|a| t.sql_type.starts_with(a)) {
            bad.push(format!("{table}.{column} is {} (expected {})", t.sql_type, allowed.join(" / ")));
        }
    }
    let direction = &tables["transactions"]["direction"];
    let text_like = TEXT.iter().any(|a| direction.sql_type.starts_with(a));
    if !(text_like || direction.type_kind == "e" && direction.has_inflow_label) {
        bad.push(format!(
            "transactions.direction is {} (expected text or an enum with the label 'inflow')",
            direction.sql_type
        ));
    }
    if let Some(t) = tables.get("transactions").and_then(|c| c.get("amount_cents")) {
        if t.sql_type != "bigint" && t.sql_type.starts_with("integer") {
            out.push(row(
                "transactions.amount_cents",
                "warning",
                "integer column: a single payout above 21,474,836.47 would be refused; bigint recommended",
            ));
        }
    }
    if bad.is_empty() {
        out.push(row(
            "application tables",
            "ok",
            format!("users, videos, event, transactions in schema {}", cfg.app_schema),
        ));
    } else {
        out.push(row("application tables", "error", bad.join("; ")));
    }
}

fn check_index(client: &SpiClient<'_>, out: &mut Vec<Check>, cfg: &Config, has_event: bool) -> Result<()> {
    if !has_event {
        return Ok(());
    }
    let indexes = signals::event_indexes(client, &cfg.app_schema)?;
    out.push(if indexes.ts {
        row("index event(ts)", "ok", "each call reads its period by ts range")
    } else {
        row(
            "index event(ts)",
            "warning",
            format!(
                "no btree index on {}.event (ts) (BRIN, hash and partial indexes do not count): every call \
                 scans the whole table. CREATE INDEX ON {}.event (ts);",
                cfg.app_schema,
                pgrx::spi::quote_identifier(&cfg.app_schema)
            ),
        )
    });
    out.push(if indexes.video_ts {
        row("index event(video_id, ts)", "ok", "early windows of older videos are read with one probe each")
    } else {
        row(
            "index event(video_id, ts)",
            "info",
            format!(
                "optional: with a long event history, CREATE INDEX ON {}.event (video_id, ts); \
                 reads early windows of older videos with one probe each",
                pgrx::spi::quote_identifier(&cfg.app_schema)
            ),
        )
    });
    Ok(())
}

fn check_privileges(client: &SpiClient<'_>, out: &mut Vec<Check>) -> Result<()> {
    let rows = client.select(PRIVILEGES_SQL, None, &[]).map_err(spi_error)?;
    let mut open = Vec::new();
    for r in rows {
        let object: String = r.get(1).map_err(spi_error)?.unwrap_or_default();
        let role: String = r.get(2).map_err(spi_error)?.unwrap_or_default();
        open.push(format!("{object} → {role}"));
    }
    out.push(if open.is_empty() {
        row("privileges", "ok", "nothing is open to PUBLIC, anon or authenticated")
    } else {
        row("privileges", "error", format!("open: {}", open.join(", ")))
    });
    Ok(())
}

fn check_cron(client: &SpiClient<'_>, out: &mut Vec<Check>) -> Result<()> {
    let has_cron = !client
        .select("SELECT 1 FROM pg_catalog.pg_extension WHERE extname OPERATOR(pg_catalog.=) 'pg_cron'", None, &[])
        .map_err(spi_error)?
        .is_empty();
    if !has_cron {
        out.push(row("pg_cron job", "info", "pg_cron is not installed in this database"));
        return Ok(());
    }
    let jobs = client
        .select(
            "SELECT j.jobid::int8, j.schedule::text FROM cron.job j \
             WHERE j.command OPERATOR(pg_catalog.~~) '%revenue_split_commit%' ORDER BY j.jobid",
            None,
            &[],
        )
        .map_err(spi_error)?;
    let mut found = Vec::new();
    for r in jobs {
        let id = r.get::<i64>(1).map_err(spi_error)?.unwrap_or_default();
        let schedule: String = r.get(2).map_err(spi_error)?.unwrap_or_default();
        found.push(format!("job {id} '{schedule}'"));
    }
    out.push(if found.is_empty() {
        row("pg_cron job", "warning", "no cron.job runs revenue_split_commit; see README \"Schedule it with pg_cron\"")
    } else {
        row("pg_cron job", "ok", found.join(", "))
    });
    Ok(())
}

fn check_runs(client: &SpiClient<'_>, out: &mut Vec<Check>) -> Result<()> {
    let rows = client.select(RUNS_SQL, None, &[]).map_err(spi_error)?;
    let mut any = false;
    for r in rows {
        any = true;
        let g = |i| r.get::<i64>(i).map_err(spi_error).map(Option::unwrap_or_default);
        let (run_id, pool, allocated, unallocated, sum) = (g(1)?, g(5)?, g(6)?, g(7)?, g(9)?);
        let kind: String = r.get(2).map_err(spi_error)?.unwrap_or_default();
        let start: String = r.get(3).map_err(spi_error)?.unwrap_or_default();
        let payment_type: String = r.get(4).map_err(spi_error)?.unwrap_or_default();
        let creators = r.get::<i32>(8).map_err(spi_error)?.unwrap_or_default();
        let at: String = r.get(10).map_err(spi_error)?.unwrap_or_default();
        let detail = format!(
            "{kind} {start} ({payment_type}) at {at}: pool {pool}, allocated {allocated}, unallocated {unallocated}, {creators} creators paid"
        );
        let consistent = sum == allocated && allocated + unallocated == pool;
        out.push(if consistent {
            row(&format!("run {run_id}"), "info", detail)
        } else {
            row(&format!("run {run_id}"), "error", format!("{detail}; allocations sum to {sum}"))
        });
    }
    if !any {
        out.push(row("runs", "info", "no run committed yet"));
    }
    Ok(())
}
