//! Statements (SPEC §10): every cent of a run explained per creator and video.

use pgrx::prelude::*;

use super::{invalid, or_report};
use crate::run;

/// Each creator's earned amount of run `run_id` (its target, for a correction), apportioned
/// over its videos by units, exactly to the cent; of one creator when `creator_id` is given.
#[pg_extern(stable, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_statement(
    run_id: Option<i64>,
    creator_id: default!(Option<i64>, "NULL"),
) -> TableIterator<
    'static,
    (
        name!(run_id, i64),
        name!(creator_id, i64),
        name!(video_id, i64),
        name!(views, i64),
        name!(likes, i64),
        name!(comments, i64),
        name!(shares, i64),
        name!(raw_units, f64),
        name!(units, f64),
        name!(amount_cents, i64),
    ),
> {
    let rows = or_report(
        run_id
            .ok_or_else(|| invalid("run_id", "NULL", "the id of a run of revenue_split.runs"))
            .and_then(|id| run::statement(id, creator_id).map(|rows| (id, rows))),
        function_name!(),
    );
    let (id, rows) = rows;
    TableIterator::new(rows.into_iter().map(move |r| {
        let l = r.line;
        (id, r.creator_id, r.video_id, l.views, l.likes, l.comments, l.shares, l.raw_units, l.units, r.amount_cents)
    }))
}
