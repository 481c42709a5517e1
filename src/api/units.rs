//! Looking at a day (SPEC §3–4, §8): units per video and per creator. Nothing is written.

use pgrx::datum::Date;
use pgrx::prelude::*;

use super::{check_day, or_report};
use crate::period::Period;
use crate::run;

/// Per-video units of one UTC day (SPEC §3): one row per video in the day's cohort.
#[pg_extern(stable, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_video_units(
    day: Option<Date>,
) -> TableIterator<
    'static,
    (
        name!(video_id, i64),
        name!(creator_id, Option<i64>),
        name!(views, i64),
        name!(likes, i64),
        name!(comments, i64),
        name!(shares, i64),
        name!(raw_units, f64),
        name!(quality_mult, f64),
        name!(early_mult, f64),
        name!(cluster_mult, f64),
        name!(units, f64),
    ),
> {
    let rows = or_report(check_day(day).and_then(|d| run::day_units(&Period::day(d))), function_name!());
    let videos = rows.map(|d| d.videos).unwrap_or_default();
    TableIterator::new(videos.into_iter().map(|v| {
        (
            v.video_id,
            v.creator_id,
            v.views,
            v.likes,
            v.comments,
            v.shares,
            v.raw_units,
            v.quality_mult,
            v.early_mult,
            v.cluster_mult,
            v.units,
        )
    }))
}

/// Per-creator units of one UTC day (SPEC §4): one row per creator with a video in the cohort.
#[pg_extern(stable, parallel_unsafe)]
#[search_path(pg_catalog, pg_temp)]
fn revenue_split_units(
    day: Option<Date>,
) -> TableIterator<
    'static,
    (
        name!(creator_id, i64),
        name!(units, f64),
        name!(raw_units, f64),
        name!(videos, i32),
        name!(integrity_mult, f64),
        name!(trust_mult, f64),
        name!(excluded, bool),
    ),
> {
    let rows = or_report(check_day(day).and_then(|d| run::day_units(&Period::day(d))), function_name!());
    let creators = rows.map(|d| d.creators).unwrap_or_default();
    TableIterator::new(
        creators
            .into_iter()
            .map(|c| (c.creator_id, c.units, c.raw_units, c.videos, c.integrity_mult, c.trust_mult, c.excluded)),
    )
}
