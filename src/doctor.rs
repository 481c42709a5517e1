//! `revenue_split_doctor()`: a read-only health report of a deployment. Each check reports
//! instead of raising, so one problem does not hide the others. Reads only the catalogs,
//! revenue_split's own tables, the application tables through `signals` (their shapes, and
//! the `users` rows of creators owed money) and pg_cron's `cron.job`.

use pgrx::prelude::*;
use pgrx::spi::SpiClient;

use crate::config::{Config, OverCap};
use crate::engine::signals::{self, spi_error, AppTables, EventIndexes};
use crate::errors::Result;
use crate::money::ledger;
use crate::spi_read;

const PRIVILEGES_SQL: &str = include_str!("sql/doctor_privileges.sql");
const RLS_SQL: &str = include_str!("sql/doctor_rls.sql");
const CRON_SQL: &str = include_str!("sql/doctor_cron.sql");
const RUNS_SQL: &str = include_str!("sql/doctor_runs.sql");
const LEDGER_SQL: &str = include_str!("sql/doctor_ledger.sql");
const OWED_SQL: &str = include_str!("sql/doctor_owed.sql");
const VIDEOS_SQL: &str = include_str!("sql/doctor_videos.sql");

/// From this many rows in `videos` (the planner's estimate), a missing `event(video_id, ts)`
/// index is a warning rather than a suggestion. Without that index, a day's units find the
/// early windows (the first hours after launch, SPEC §3.2) of the day's older videos by
/// scanning `event` over the time ranges those windows cover, and keep the views of those
/// videos; with it, one probe per video. 100k launches spread even over a year are ~11 an
/// hour, so their 2-hour windows overlap into one span: each day's units then read every view
/// since the oldest launch among the day's videos, and that grows with the event history, not
/// with the day. Measured: the benchmark's M catalog (50k videos, 2,000 creators) computes a
/// day's units in 8.8x its 7-day floor without the index (the target is 10x); the 1M-creator,
/// 2M-video catalog of issue 15 needed 29.3 s without it and 1.7 s with it (410x and 23x) on
/// the engine of that issue. On the benchmark's W (the same shape, whose events start only 19
/// days before the day's 7-day window) the build of 2026-12-04 took 1.6-1.7 s either way, and
/// the later one that looks up only the window's active videos 0.83 s with it and 1.0-1.1 s
/// without (0.04 s and 0.25-0.3 s of early windows): the gap is what the event history older
/// videos' windows reach into costs, and a deployment keeps more history than that. 100k sits
/// between the two catalogs: twice the narrow one, a twentieth of the wide one.
const WIDE_CATALOG_VIDEOS: f64 = 100_000.0;
/// What the doctor says the index is worth on a wide catalog (issue 15's measurements).
const VIDEO_TS_MEASURED: &str = "measured on 1M creators and 2M videos launched over 90 days (3M events, \
                                 server defaults): revenue_split_units of one day took 29.3 s without it \
                                 and 1.7 s with it (issue 15); where the events started only 19 days \
                                 before the day's window (benchmark W), 0.83 s with it and 1.0-1.1 s \
                                 without, the early windows alone 0.04 s against 0.25-0.3 s";
/// What covering the early windows' columns is worth (measured by hand on the benchmark's L,
/// server defaults, 2026-12-05): the plain index's probes read a heap page per early view.
const COVERING_MEASURED: &str = "on the benchmark's L (30M events, 2,000 creators, server defaults) a day's \
                                 units took 1.6 s with it against 2.4 s with the plain index and 3.9 s \
                                 with neither (early windows 0.08 s against 0.79 s), for an index of \
                                 2.2 GB against 0.9 GB beside a 2.9 GB table";

/// The application tables whose row-level security the doctor reports.
const APP_TABLES: [&str; 4] = ["users", "videos", "event", "transactions"];

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
        let mut users_ok = false;
        // Objects of another version than the library (the package was upgraded without
        // ALTER EXTENSION ... UPDATE): every other function refuses to run, and the checks
        // below would read tables that may not exist yet. Say so, and stop.
        if let Err(e) = ledger::check_version(client) {
            out.push(row("version", "error", format!("{}; run ALTER EXTENSION revenue_split UPDATE", e.message())));
            return Ok(out);
        }
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
                users_ok = check_tables(&mut out, &tables, &cfg);
                check_index(client, &mut out, &cfg, tables.contains_key("event"))?;
                check_rls(&mut out, &cfg)?;
            }
        }
        check_privileges(client, &mut out)?;
        check_cron(&mut out)?;
        check_runs(client, &mut out)?;
        check_ledger(&mut out, &cfg, users_ok)?;
        Ok(out)
    })
}

/// Returns whether the `users` columns are there with usable types (the ledger check then
/// reads the `likely_bot` flags of the creators owed money).
fn check_tables(out: &mut Vec<Check>, tables: &AppTables, cfg: &Config) -> bool {
    if let Err(e) = signals::missing_column(tables, cfg, true) {
        out.push(row("application tables", "error", e.message()));
        return false;
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
        true
    } else {
        let users_ok = !bad.iter().any(|b| b.starts_with("users."));
        out.push(row("application tables", "error", bad.join("; ")));
        users_ok
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
    let videos = spi_read::first(VIDEOS_SQL, &[cfg.app_schema.as_str().into()], |r| r.get::<f64>(0))?.flatten();
    out.push(video_ts_check(indexes, videos, &cfg.app_schema));
    Ok(())
}

/// The `event(video_id, ts)` row: `videos` is the planner's row count of `videos` (`None`
/// before its first VACUUM or ANALYZE).
fn video_ts_check(indexes: EventIndexes, videos: Option<f64>, schema: &str) -> Check {
    let create = format!("CREATE INDEX ON {}.event (video_id, ts);", pgrx::spi::quote_identifier(schema));
    let size = match videos {
        Some(n) => format!("videos has ~{} rows", n.round() as i64),
        None => "videos has no row count yet (never vacuumed or analyzed)".to_string(),
    };
    if indexes.video_ts_covering {
        return row(
            "index event(video_id, ts)",
            "ok",
            "early windows of older videos are read with one probe each; the index holds event_type, device_id \
             and ip_hash, so the probes can be index-only (on pages VACUUM marked all-visible)",
        );
    }
    if indexes.video_ts {
        return row(
            "index event(video_id, ts)",
            "ok",
            format!(
                "early windows of older videos are read with one probe each, and a heap page read per early \
                 view; the same index with INCLUDE (event_type, device_id, ip_hash), built to replace this one, \
                 makes the probes index-only: {COVERING_MEASURED}. \
                 CREATE INDEX ON {}.event (video_id, ts) INCLUDE (event_type, device_id, ip_hash);",
                pgrx::spi::quote_identifier(schema)
            ),
        );
    }
    match videos {
        Some(n) if n >= WIDE_CATALOG_VIDEOS => row(
            "index event(video_id, ts)",
            "warning",
            format!(
                "missing on a wide catalog ({size}, >= {}): each day's units find the early windows of the \
                 day's older videos by scanning event over the time they cover, instead of one probe per \
                 video, so their cost grows with the event history; {VIDEO_TS_MEASURED}. {create}",
                WIDE_CATALOG_VIDEOS as i64
            ),
        ),
        _ => row(
            "index event(video_id, ts)",
            "info",
            format!(
                "optional ({size}; a warning from {} rows): with a long event history, {create} reads early \
                 windows of older videos with one probe each",
                WIDE_CATALOG_VIDEOS as i64
            ),
        ),
    }
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
        row(
            "privileges",
            "ok",
            "no function, schema, table, view or sequence of revenue_split is open to PUBLIC, anon or authenticated",
        )
    } else {
        row("privileges", "error", format!("open: {}", open.join(", ")))
    });
    Ok(())
}

/// Row-level security on the application tables: the functions run with `row_security = off`
/// (SPEC §1), so a payout role that a policy would filter gets 42501 instead of a payout from
/// a subset of the rows. Payout roles: the members of revenue_split_admin and the caller.
fn check_rls(out: &mut Vec<Check>, cfg: &Config) -> Result<()> {
    let rows = spi_read::collect(RLS_SQL, &[cfg.app_schema.as_str().into(), APP_TABLES.to_vec().into()], |r| {
        Ok((r.req::<String>(0)?, r.req::<bool>(1)?, r.req::<String>(2)?, r.get::<String>(3)?))
    })?;
    if rows.is_empty() {
        out.push(row(
            "row-level security",
            "ok",
            format!("not enabled on any application table ({}) in schema {}", APP_TABLES.join(", "), cfg.app_schema),
        ));
        return Ok(());
    }
    let schema = pgrx::spi::quote_identifier(&cfg.app_schema);
    for group in rows.chunk_by(|a, b| a.0 == b.0) {
        let (table, forced) = (&group[0].0, group[0].1);
        let (mut filtered, mut bypassing) = (Vec::new(), Vec::new());
        for (_, _, role, bypass) in group {
            match bypass {
                None => filtered.push(role.clone()),
                Some(why) => bypassing.push(format!("{role} ({why})")),
            }
        }
        let name = format!("{schema}.{}", pgrx::spi::quote_identifier(table));
        let state = if forced { "enabled and forced" } else { "enabled" };
        let check = format!("row-level security {table}");
        let bypassing = if bypassing.is_empty() { "none".to_string() } else { bypassing.join(", ") };
        out.push(if filtered.is_empty() {
            row(&check, "ok", format!("{name}: row-level security {state}; bypassing roles: {bypassing}"))
        } else {
            row(
                &check,
                "warning",
                format!(
                    "{name}: row-level security {state}; filtered roles: {}; bypassing roles: {bypassing}. \
                     revenue_split refuses the filtered roles' calls with 42501 rather than pay from a subset \
                     of the rows: ALTER ROLE ... BYPASSRLS, or ALTER TABLE {name} DISABLE ROW LEVEL SECURITY",
                    filtered.join(", ")
                ),
            )
        });
    }
    Ok(())
}

/// pg_cron jobs that pay: monthly `revenue_split_commit`, daily `revenue_split_run`, in this
/// database or, through `cron.schedule_in_database`, in another one (`cron.job.database`).
fn check_cron(out: &mut Vec<Check>) -> Result<()> {
    let text =
        |sql: &str| -> Result<Option<String>> { Ok(spi_read::first(sql, &[], |r| r.get::<String>(0))?.flatten()) };
    let here = text("SELECT pg_catalog.current_database()::text")?.unwrap_or_default();
    if text("SELECT pg_catalog.to_regclass('cron.job')::text")?.is_none() {
        // pg_cron keeps its jobs in one database, cron.database_name: a setting that exists
        // once the library is loaded, and that only superusers and members of
        // pg_read_all_settings may read (pg_settings hides it from the others).
        let cron_db = "SELECT s.setting FROM pg_catalog.pg_settings s \
                       WHERE s.name OPERATOR(pg_catalog.=) 'cron.database_name'";
        let detail = match text(cron_db)? {
            Some(db) if db == here => {
                "pg_cron is loaded for this database (cron.database_name) but not installed: CREATE EXTENSION pg_cron"
                    .to_string()
            }
            Some(db) if !db.is_empty() => format!(
                "pg_cron keeps its jobs in database {db} (cron.database_name), which this report cannot read: \
                 there, SELECT jobid, schedule, command FROM cron.job WHERE database = '{here}' lists the jobs \
                 scheduled for this database with cron.schedule_in_database"
            ),
            _ => "pg_cron is not installed in this database".to_string(),
        };
        out.push(row("pg_cron job", "info", detail));
        return Ok(());
    }
    // cron.job has a row-level security policy (each user sees its own jobs), and our
    // functions run with row_security = off, under which a filtered read fails: turn it on for
    // this read (the function's SET clause restores the setting when it returns anyway).
    let previous = text("SELECT pg_catalog.current_setting('row_security')")?.unwrap_or_else(|| "off".into());
    text("SELECT pg_catalog.set_config('row_security', 'on', true)")?;
    let jobs = spi_read::collect(CRON_SQL, &[], |r| {
        Ok(CronJob {
            id: r.req::<i64>(0)?,
            schedule: r.req::<String>(1)?,
            database: r.req::<String>(2)?,
            username: r.req::<String>(3)?,
            active: r.get::<bool>(4)?.unwrap_or(true),
            monthly: r.req::<bool>(5)?,
            daily: r.req::<bool>(6)?,
            here: r.req::<bool>(7)?,
            payout_role: r.get::<bool>(8)?,
        })
    });
    spi_read::first("SELECT pg_catalog.set_config('row_security', $1, true)", &[previous.as_str().into()], |_| Ok(()))?;
    let jobs = jobs?;
    let own_only = spi_read::first("SELECT pg_catalog.row_security_active('cron.job')", &[], |r| r.get::<bool>(0))?
        .flatten()
        .unwrap_or(false);
    let visibility = if own_only { " (pg_cron shows this role only its own jobs)" } else { "" };

    let (mine, elsewhere): (Vec<&CronJob>, Vec<&CronJob>) = jobs.iter().partition(|j| j.here);
    let mut problems: Vec<String> = jobs.iter().filter_map(CronJob::problem).collect();
    if !mine.is_empty() && mine.iter().all(|j| !j.active) {
        problems.push("every job for this database is inactive (cron.job.active = false)".to_string());
    }
    let list = |jobs: &[&CronJob]| jobs.iter().map(|j| j.describe()).collect::<Vec<_>>().join(", ");
    let mut detail = Vec::new();
    if !mine.is_empty() {
        detail.push(list(&mine));
    }
    if !elsewhere.is_empty() {
        detail.push(format!("for other databases (cron.schedule_in_database): {}", list(&elsewhere)));
    }
    let detail = detail.join("; ");
    out.push(if jobs.is_empty() {
        row(
            "pg_cron job",
            "warning",
            format!(
                "no cron.job calls revenue_split_commit (monthly) or revenue_split_run (daily){visibility}; see \
                 README \"Schedule it with pg_cron\""
            ),
        )
    } else if !problems.is_empty() {
        row("pg_cron job", "warning", format!("{}; {detail}", problems.join("; ")))
    } else if mine.is_empty() {
        row("pg_cron job", "info", format!("no job calls revenue_split in this database{visibility}; {detail}"))
    } else {
        row("pg_cron job", "ok", detail)
    });
    Ok(())
}

/// One `cron.job` row that calls revenue_split.
struct CronJob {
    id: i64,
    schedule: String,
    database: String,
    username: String,
    active: bool,
    monthly: bool,
    daily: bool,
    /// `cron.job.database` is the current database.
    here: bool,
    /// Whether the job's user may call the functions; `None`: the role does not exist.
    payout_role: Option<bool>,
}

impl CronJob {
    fn describe(&self) -> String {
        let what: Vec<&str> = [(self.monthly, "monthly revenue_split_commit"), (self.daily, "daily revenue_split_run")]
            .into_iter()
            .filter_map(|(yes, what)| yes.then_some(what))
            .collect();
        format!(
            "job {} '{}' {} as {}{}{}",
            self.id,
            self.schedule,
            what.join(" + "),
            self.username,
            if self.here { String::new() } else { format!(" in database {}", self.database) },
            if self.active { "" } else { " (inactive)" }
        )
    }

    fn problem(&self) -> Option<String> {
        match self.payout_role {
            Some(true) => None,
            Some(false) => Some(format!(
                "job {} runs as {}, which is not a member of revenue_split_admin: its calls are refused with 42501",
                self.id, self.username
            )),
            None => Some(format!("job {} runs as {}, a role that does not exist", self.id, self.username)),
        }
    }
}

/// The ledger's totals and the accounts agree (SPEC §9): what each creator earned and was paid
/// is the sum of its entries, so the accounts' totals must be the entries' totals. The policies
/// in force, and what is owed (and how much of it a likely_bot flag holds back).
fn check_ledger(out: &mut Vec<Check>, cfg: &Config, users_ok: bool) -> Result<()> {
    let totals = spi_read::first(LEDGER_SQL, &[], |r| {
        let n = |i| r.get::<i64>(i).map(Option::unwrap_or_default);
        let sum = |i| r.get::<String>(i).map(Option::unwrap_or_default);
        Ok(LedgerTotals {
            config_rows: n(0)?,
            accounts: n(1)?,
            earned: sum(2)?,
            paid: sum(3)?,
            owed: sum(4)?,
            owed_creators: n(5)?,
            entries: n(6)?,
            entries_earned: sum(7)?,
            entries_paid: sum(8)?,
        })
    })?
    .unwrap_or_default();
    out.push(policies_check(cfg, totals.config_rows > 0));

    // What is owed, and how much of it to creators flagged likely_bot (held: SPEC §9).
    let owed = spi_read::collect(OWED_SQL, &[], |r| Ok((r.req::<i64>(0)?, r.req::<i64>(1)?)))?;
    let held = if owed.is_empty() || !users_ok {
        None
    } else {
        let creators = signals::read_creators(cfg, owed.iter().map(|o| o.0).collect())?;
        let bots: Vec<i64> =
            owed.iter().filter(|(c, _)| creators.get(c).is_some_and(|u| u.likely_bot)).map(|o| o.1).collect();
        Some((bots.len(), bots.iter().map(|&c| i128::from(c)).sum::<i128>()))
    };
    out.push(owed_check(&totals, held));

    out.push(if totals.earned == totals.entries_earned && totals.paid == totals.entries_paid {
        row(
            "ledger",
            "ok",
            format!(
                "the {} accounts agree with the {} entries: earned {} = paid {} + owed {}",
                totals.accounts, totals.entries, totals.earned, totals.paid, totals.owed
            ),
        )
    } else {
        row(
            "ledger",
            "error",
            format!(
                "the {} accounts (revenue_split.accounts, the balances view) total earned {}, paid {}, but the {} \
                 entries (revenue_split.entries) total earned {}, paid {}: the balances no longer match the ledger",
                totals.accounts, totals.earned, totals.paid, totals.entries, totals.entries_earned, totals.entries_paid
            ),
        )
    });
    Ok(())
}

/// The ledger's totals (the sums as exact decimal text: they are numeric in SQL).
#[derive(Debug, Clone, Default)]
struct LedgerTotals {
    config_rows: i64,
    accounts: i64,
    earned: String,
    paid: String,
    owed: String,
    owed_creators: i64,
    entries: i64,
    entries_earned: String,
    entries_paid: String,
}

fn policies_check(cfg: &Config, configured: bool) -> Check {
    let min = if cfg.min_payout_cents == 0 {
        "min_payout_cents = 0 (every amount is paid at once)".to_string()
    } else {
        format!("min_payout_cents = {} (a smaller payable amount stays owed)", cfg.min_payout_cents)
    };
    let cap = match cfg.over_cap {
        OverCap::Redistribute => "over_cap = redistribute (KYC caps shape the allocation)",
        OverCap::Hold => "over_cap = hold (KYC caps limit what a run pays; the rest stays owed)",
    };
    let source = if configured { "revenue_split.config" } else { "no revenue_split.config row: the defaults" };
    row("policies", "info", format!("{min}, {cap}; {source}"))
}

/// `held`: how many of the creators owed money are flagged likely_bot, and what they are owed
/// (`None`: nobody is owed, or the users table cannot be read).
fn owed_check(t: &LedgerTotals, held: Option<(usize, i128)>) -> Check {
    if t.owed_creators == 0 {
        return row("owed", "info", "nothing is owed");
    }
    let creators = if t.owed_creators == 1 { "creator is" } else { "creators are" };
    let bots = match held {
        Some((0, _)) => "; none of it to a likely_bot creator".to_string(),
        Some((n, cents)) => format!(
            "; {cents} of it to {n} likely_bot creator{} (held until a correction removes it or the flag is cleared)",
            if n == 1 { "" } else { "s" }
        ),
        None => String::new(),
    };
    row("owed", "info", format!("{} {creators} owed {} cents in total{bots}", t.owed_creators, t.owed))
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
            "{kind} {start} ({payment_type}) at {at}: pool {pool}, allocated {allocated}, unallocated {unallocated}, {creators} creators earned"
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
