//! Every way a call can be refused, and the SQLSTATE, message and hint each reaches SQL with.
//!
//! Callers (pg_cron jobs, migrations, application code) catch by SQLSTATE, so each variant
//! has a specific code; nothing here reports the catch-all XX000.

use pgrx::pg_sys::panic::ErrorReport;
use pgrx::{PgLogLevel, PgSqlErrorCode};

use crate::config::ConfigError;
use crate::money::allocation::AllocationError;
use crate::money::policy::PolicyError;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A function argument outside its accepted range (SQLSTATE 22023).
    InvalidArgument { arg: &'static str, value: String, accepted: String },
    /// A commit of a period that has not ended yet (22023).
    PeriodNotOver { period_start: String, period_end: String, now: String },
    /// A value of `revenue_split.config` that the formulas cannot use (22023).
    Config(ConfigError),
    /// `revenue_split.config` has more than one row (21000, cardinality_violation).
    ConfigRows(i64),
    /// `app_schema` names no schema (3F000).
    UndefinedSchema { schema: String },
    /// An application table is missing (42P01).
    UndefinedTable { schema: String, table: &'static str },
    /// An application column is missing (42703).
    UndefinedColumn { schema: String, table: &'static str, column: &'static str },
    /// An application column of a type the computation is not right for (42804).
    ColumnType { schema: String, table: &'static str, column: &'static str, found: String, expected: &'static str },
    /// Row-level security would hide rows of an application table from the caller (42501).
    RowSecurity { schema: String, table: String, role: String },
    /// A repeat of a run key with another pool than the key's first run (23505).
    /// `done` is the first run's status (`committed` or `adopted`), `correct` the call
    /// that pays another pool for the key.
    PoolMismatch {
        kind: &'static str,
        period_start: String,
        done: String,
        run_id: i64,
        earlier_pool: i64,
        pool: i64,
        correct: String,
    },
    /// The database's extension objects are of another version than this library (55000):
    /// the package was upgraded but not `ALTER EXTENSION revenue_split UPDATE`.
    SchemaVersion { installed: String },
    /// A run id that names no run (22023).
    UnknownRun(i64),
    /// A correction of a run key that has no run (22023).
    NothingToCorrect { kind: &'static str, period_start: String, payment_type: String },
    /// An adoption of a run key that already has a run (22023).
    AlreadyHasRun { kind: &'static str, period_start: String, run_id: i64, status: String },
    /// An adoption that matches no transactions row (22023).
    /// `own_rows`: matching rows left out because revenue_split wrote them itself.
    NothingPaid { payment_type: String, own_rows: i64 },
    /// Matching rows that an earlier adoption counted already (22023).
    AdoptedBefore { runs: Vec<i64>, rows: i64 },
    /// An adopted recipient whose matching inflow rows sum below zero (22023).
    NegativeAdopted { recipient: i64, amount_cents: i64 },
    /// Two `users` rows with the id of a creator the run pays (21000).
    DuplicateUser { schema: String, id: i64 },
    /// A clawback that an enum `direction` without the label `outflow` cannot record (22023).
    NoOutflowLabel { type_name: String, creator_id: i64 },
    /// The payment step refused its input (arithmetic overflow; 22003).
    Policy(PolicyError),
    /// A data-sized allocation that the machine refused (53200); the backend survives.
    OutOfMemory { what: &'static str, bytes: usize },
    /// A per-creator daily tally past `u32::MAX` (54000), which the pass keeps in 32 bits.
    TallyLimit { what: &'static str },
    /// A payout that does not fit the ledger's `amount_cents` column (22003).
    AmountOutOfRange { creator_id: i64, amount_cents: i64, column_type: String },
    /// The allocation refused its input; argument checks make this unreachable from SQL.
    Allocation(AllocationError),
    /// A broken invariant inside revenue_split (XX000): a bug to report, never user error.
    Internal(String),
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl From<PolicyError> for Error {
    fn from(e: PolicyError) -> Self {
        Error::Policy(e)
    }
}

impl From<AllocationError> for Error {
    fn from(e: AllocationError) -> Self {
        Error::Allocation(e)
    }
}

const CONFIG_HINT: &str = "Set it with: INSERT INTO revenue_split.config (app_schema) VALUES ('my_schema') \
ON CONFLICT (singleton) DO UPDATE SET app_schema = EXCLUDED.app_schema; see README \"Configuration\".";

impl Error {
    fn parts(&self) -> (PgSqlErrorCode, String, Option<String>, Option<String>) {
        use PgSqlErrorCode::*;
        match self {
            Error::InvalidArgument { arg, value, accepted } => (
                ERRCODE_INVALID_PARAMETER_VALUE,
                format!("invalid {arg}: {value} ({arg} must be {accepted})"),
                None,
                None,
            ),
            Error::PeriodNotOver { period_start, period_end, now } => (
                ERRCODE_INVALID_PARAMETER_VALUE,
                format!("the period [{period_start}, {period_end}) has not ended yet"),
                Some(format!("now() is {now}; a period can be committed once now() >= {period_end} (UTC).")),
                Some("Use revenue_split_preview / revenue_split_preview_day to look at a period in progress.".into()),
            ),
            Error::Config(e) => (
                ERRCODE_INVALID_PARAMETER_VALUE,
                e.to_string(),
                None,
                Some("Fix the value with UPDATE revenue_split.config SET ...; see README \"Configuration\".".into()),
            ),
            Error::ConfigRows(n) => (
                ERRCODE_CARDINALITY_VIOLATION,
                format!("revenue_split.config has {n} rows, expected at most one"),
                None,
                Some("Delete all but one row of revenue_split.config.".into()),
            ),
            Error::UndefinedSchema { schema } => (
                ERRCODE_INVALID_SCHEMA_NAME,
                format!("application schema \"{schema}\" does not exist"),
                Some("revenue_split.config.app_schema names the schema of users, videos, event and transactions.".into()),
                Some(CONFIG_HINT.into()),
            ),
            Error::UndefinedTable { schema, table } => (
                ERRCODE_UNDEFINED_TABLE,
                format!("application table \"{schema}\".\"{table}\" does not exist"),
                Some("revenue_split reads users, videos and event and writes transactions in the schema revenue_split.config.app_schema.".into()),
                Some(CONFIG_HINT.into()),
            ),
            Error::UndefinedColumn { schema, table, column } => (
                ERRCODE_UNDEFINED_COLUMN,
                format!("application column \"{schema}\".\"{table}\".\"{column}\" does not exist"),
                Some("See the README section \"Application tables\" for the columns revenue_split uses.".into()),
                Some(CONFIG_HINT.into()),
            ),
            Error::ColumnType { schema, table, column, found, expected } => (
                ERRCODE_DATATYPE_MISMATCH,
                format!("application column \"{schema}\".\"{table}\".\"{column}\" has type {found}; revenue_split needs {expected}"),
                Some(if *column == "ts" || *column == "created_at" {
                    "Days are UTC intervals of instants: a timestamp without time zone would move every day boundary by the session's TimeZone, and a date or text value is not an instant.".into()
                } else {
                    "See the README section \"Application tables\" for the types revenue_split works with.".into()
                }),
                Some(format!("Change the column's type (ALTER TABLE \"{schema}\".\"{table}\" ALTER COLUMN \"{column}\" TYPE ...); nothing was computed.")),
            ),
            Error::RowSecurity { schema, table, role } => (
                ERRCODE_INSUFFICIENT_PRIVILEGE,
                format!("row-level security would hide rows of \"{schema}\".\"{table}\" from role \"{role}\""),
                Some("revenue_split reads the application tables with row_security = off and never computes a payout from a subset of the rows; with row_security off, any table whose policies apply to the role is refused, whatever the policies say.".into()),
                Some(format!("Run it as a role that row-level security does not apply to: one with BYPASSRLS (e.g. ALTER ROLE \"{role}\" BYPASSRLS), or the table's owner when the table does not FORCE ROW LEVEL SECURITY; see README \"Supabase (self-hosted)\".")),
            ),
            Error::PoolMismatch { kind, period_start, done, run_id, earlier_pool, pool, correct } => (
                ERRCODE_UNIQUE_VIOLATION,
                format!("{kind} run of {period_start} was already {done} as run {run_id} with pool {earlier_pool}, not pool {pool}"),
                Some("A run key is paid once; a repeat must use the pool it was first committed with. Nothing was written.".into()),
                Some(format!("To pay a different pool for it, preview and post a correction: {correct} (SPEC §9).")),
            ),
            Error::SchemaVersion { installed } => (
                ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!(
                    "revenue_split {installed} is installed in this database, but the server loaded the {} library",
                    env!("CARGO_PKG_VERSION")
                ),
                Some("The package was upgraded; the database's extension objects were not. Nothing was computed or written.".into()),
                Some("Run: ALTER EXTENSION revenue_split UPDATE;".into()),
            ),
            Error::UnknownRun(run_id) => (
                ERRCODE_INVALID_PARAMETER_VALUE,
                format!("invalid run_id: {run_id} (run_id must name a run of revenue_split.runs)"),
                None,
                Some("SELECT run_id, kind, period_start, status FROM revenue_split.runs ORDER BY run_id DESC;".into()),
            ),
            Error::NothingToCorrect { kind, period_start, payment_type } => (
                ERRCODE_INVALID_PARAMETER_VALUE,
                if *kind == "daily" {
                    format!("nothing to correct: no daily run of {period_start} with payment_type '{payment_type}' was committed")
                } else {
                    format!("nothing to correct: no monthly run of {period_start} was committed")
                },
                Some("Nothing was written.".into()),
                Some("Commit the period first (revenue_split_commit / revenue_split_run), or adopt it if another system paid it (revenue_split_adopt).".into()),
            ),
            Error::AlreadyHasRun { kind, period_start, run_id, status } => (
                ERRCODE_INVALID_PARAMETER_VALUE,
                format!("the {kind} run key of {period_start} already has run {run_id} ({status})"),
                Some("A run key is paid once; adopting it would record it twice. Nothing was written.".into()),
                Some("To change what it paid, use revenue_split_preview_correction / revenue_split_correct.".into()),
            ),
            Error::NothingPaid { payment_type, own_rows } => (
                ERRCODE_INVALID_PARAMETER_VALUE,
                if *own_rows > 0 {
                    format!("no transactions row of another system matches: the {own_rows} inflows with payment_type '{payment_type}' created in [paid_from, paid_to) were written by revenue_split itself")
                } else {
                    format!("no transactions row matches: no inflow with payment_type '{payment_type}' was created in [paid_from, paid_to)")
                },
                Some(if *own_rows > 0 {
                    "Nothing was written. revenue_split's own rows are its runs' payments, already in its ledger: they are never adopted.".into()
                } else {
                    "Nothing was written.".into()
                }),
                Some("Check payment_type and the paid_from / paid_to range: the original script writes its rows at now(), usually in the month after the one it paid.".into()),
            ),
            Error::AdoptedBefore { runs, rows } => (
                ERRCODE_INVALID_PARAMETER_VALUE,
                format!(
                    "{rows} of the matching transactions rows were already adopted, by run{} {}",
                    if runs.len() > 1 { "s" } else { "" },
                    runs.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
                ),
                Some("A payment is adopted once, so that it never counts as paid twice. Nothing was written.".into()),
                Some("Narrow paid_from / paid_to to the rows that paid this period (see revenue_split.adopted_rows for the rows each adopted run counted).".into()),
            ),
            Error::NegativeAdopted { recipient, amount_cents } => (
                ERRCODE_INVALID_PARAMETER_VALUE,
                format!("the matching inflow rows of recipient {recipient} sum to {amount_cents} cents: an adopted payment cannot be negative"),
                Some("Nothing was written.".into()),
                Some("Check those transactions rows (payment_type, direction = 'inflow', created_at in [paid_from, paid_to)): a payout writes positive inflows.".into()),
            ),
            Error::DuplicateUser { schema, id } => (
                ERRCODE_CARDINALITY_VIOLATION,
                format!("\"{schema}\".\"users\" has more than one row with id {id}"),
                Some("Both rows would get the creator's amount. Nothing was written.".into()),
                Some("Make users.id unique (a primary key or a unique index).".into()),
            ),
            Error::NoOutflowLabel { type_name, creator_id } => (
                ERRCODE_INVALID_PARAMETER_VALUE,
                format!("transactions.direction is the enum {type_name} without the label 'outflow', and creator {creator_id} needs a clawback"),
                Some("A correction records money taken back as a transactions row with direction 'outflow'. Nothing was written.".into()),
                Some(format!("Add the label: ALTER TYPE {type_name} ADD VALUE 'outflow';")),
            ),
            Error::Policy(e) => (ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE, e.to_string(), Some("Nothing was written.".into()), None),
            Error::OutOfMemory { what, bytes } => (
                ERRCODE_OUT_OF_MEMORY,
                format!("out of memory: could not reserve {bytes} bytes for {what}"),
                Some("Nothing was written.".into()),
                Some("Run it with more memory available to the server, or for a shorter period (revenue_split_preview_day).".into()),
            ),
            Error::TallyLimit { what } => (
                ERRCODE_PROGRAM_LIMIT_EXCEEDED,
                format!("more than {} {what} on one day", u32::MAX),
                Some("The event pass keeps a creator's daily counts in 32 bits. Nothing was written.".into()),
                Some("Check the period's events for a flood on one creator's videos.".into()),
            ),
            Error::AmountOutOfRange { creator_id, amount_cents, column_type } => (
                ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
                format!(
                    "amount_cents {amount_cents} for creator {creator_id} does not fit the transactions.amount_cents column ({column_type})"
                ),
                Some("Nothing was written.".into()),
                Some("Use a smaller pool, or widen the column: ALTER TABLE transactions ALTER COLUMN amount_cents TYPE bigint.".into()),
            ),
            Error::Allocation(e) => (ERRCODE_INVALID_PARAMETER_VALUE, e.to_string(), None, None),
            Error::Internal(m) => (
                ERRCODE_INTERNAL_ERROR,
                format!("revenue_split internal error: {m}"),
                None,
                Some("This is a bug in revenue_split; nothing was written.".into()),
            ),
        }
    }

    /// The one-line message, for reports that list problems instead of raising them.
    pub fn message(&self) -> String {
        self.parts().1
    }

    /// Raises the error in Postgres (`ereport(ERROR, ...)`); does not return.
    pub fn report(self, funcname: &'static str) -> ! {
        let (code, message, detail, hint) = self.parts();
        let mut r = ErrorReport::new(code, message, funcname);
        if let Some(d) = detail {
            r = r.set_detail(d);
        }
        if let Some(h) = hint {
            r = r.set_hint(h);
        }
        r.report(PgLogLevel::ERROR);
        unreachable!("ereport(ERROR) returned")
    }
}

pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_past_32_bits_is_a_program_limit() {
        let (code, message, detail, hint) = Error::TallyLimit { what: "views of one creator's videos" }.parts();
        assert_eq!(code, PgSqlErrorCode::ERRCODE_PROGRAM_LIMIT_EXCEEDED);
        assert_eq!(message, "more than 4294967295 views of one creator's videos on one day");
        assert!(detail.is_some_and(|d| d.contains("Nothing was written")) && hint.is_some());
    }
}
