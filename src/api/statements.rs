//! Statements (SPEC §10): every cent of a run explained per creator and video.

use pgrx::prelude::*;

use super::srf::materialize;
use super::{invalid, or_report};
use crate::run;

/// Each creator's earned amount of run `run_id` (its target, for a correction), apportioned
/// over its videos by units, exactly to the cent; of one creator when `creator_id` is given.
#[pg_extern(sql = r#"
CREATE FUNCTION "revenue_split_statement"(
	"run_id" bigint,
	"creator_id" bigint DEFAULT NULL
) RETURNS TABLE (
	"run_id" bigint,
	"creator_id" bigint,
	"video_id" bigint,
	"views" bigint,
	"likes" bigint,
	"comments" bigint,
	"shares" bigint,
	"raw_units" double precision,
	"units" double precision,
	"amount_cents" bigint
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_statement_wrapper';
"#)]
fn revenue_split_statement(run_id: Option<i64>, creator_id: Option<i64>, fcinfo: pg_sys::FunctionCallInfo) {
    let (id, rows) = or_report(
        run_id
            .ok_or_else(|| invalid("run_id", "NULL", "the id of a run of revenue_split.runs"))
            .and_then(|id| run::statement(id, creator_id).map(|rows| (id, rows))),
        function_name!(),
    );
    let rows = rows.into_iter().map(move |r| {
        let l = r.line;
        (id, r.creator_id, r.video_id, l.views, l.likes, l.comments, l.shares, l.raw_units, l.units, r.amount_cents)
    });
    // SAFETY: fcinfo is this call's.
    unsafe { materialize(fcinfo, rows) }
}
