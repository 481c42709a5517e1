//! Looking at a day (SPEC §3–4, §8): units per video and per creator. Nothing is written.

use pgrx::datum::Date;
use pgrx::prelude::*;

use super::srf::materialize;
use super::{check_day, or_report};
use crate::period::Period;
use crate::run;

/// Per-video units of one UTC day (SPEC §3): one row per video in the day's cohort.
#[pg_extern(sql = r#"
CREATE FUNCTION "revenue_split_video_units"(
	"day" date
) RETURNS TABLE (
	"video_id" bigint,
	"creator_id" bigint,
	"views" bigint,
	"likes" bigint,
	"comments" bigint,
	"shares" bigint,
	"raw_units" double precision,
	"quality_mult" double precision,
	"early_mult" double precision,
	"cluster_mult" double precision,
	"units" double precision
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_video_units_wrapper';
"#)]
fn revenue_split_video_units(day: Option<Date>, fcinfo: pg_sys::FunctionCallInfo) {
    let rows = or_report(check_day(day).and_then(|d| run::day_units(&Period::day(d))), function_name!());
    let videos = rows.map(|d| d.videos).unwrap_or_default();
    let rows = videos.into_iter().map(|v| {
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
    });
    // SAFETY: fcinfo is this call's.
    unsafe { materialize(fcinfo, rows) }
}

/// Per-creator units of one UTC day (SPEC §4): one row per creator with a video in the cohort.
#[pg_extern(sql = r#"
CREATE FUNCTION "revenue_split_units"(
	"day" date
) RETURNS TABLE (
	"creator_id" bigint,
	"units" double precision,
	"raw_units" double precision,
	"videos" INT,
	"integrity_mult" double precision,
	"trust_mult" double precision,
	"excluded" bool
)
STABLE PARALLEL UNSAFE
SET search_path TO pg_catalog, pg_temp
LANGUAGE c
AS 'MODULE_PATHNAME', 'revenue_split_units_wrapper';
"#)]
fn revenue_split_units(day: Option<Date>, fcinfo: pg_sys::FunctionCallInfo) {
    let rows = or_report(check_day(day).and_then(|d| run::day_units(&Period::day(d))), function_name!());
    let creators = rows.map(|d| d.creators).unwrap_or_default();
    let rows = creators
        .into_iter()
        .map(|c| (c.creator_id, c.units, c.raw_units, c.videos, c.integrity_mult, c.trust_mult, c.excluded));
    // SAFETY: fcinfo is this call's.
    unsafe { materialize(fcinfo, rows) }
}
