-- What PostgreSQL's own executor costs for the first steps of the work, on the bench's data
-- (issue 15): a per-(video, day) GROUP BY and the join of events to their creators, over the
-- preview's window (the month and 6 days before) and a day's units window (7 days). Not part of
-- `scripts/bench`; run by hand against a loaded data set, e.g. on the bench cluster:
--
--   runuser -u postgres -- psql -h /tmp/revenue_split_bench -p 55434 -d bench_w -f bench/sql_baselines.sql
--
-- Each statement is prepared once and runs three times after its warm-up; `\timing` prints each
-- time. Custom plans only, so each run is planned for its window as a literal query would be.
-- The outer sums use every count, so the planner cannot drop them from the GROUP BY. The
-- numbers in bench/README.md ("What the executor itself costs on W") come from this file.
\set ON_ERROR_STOP on
\pset pager off
SET jit = off;
SET plan_cache_mode = force_custom_plan;

-- Over the window [$1, $2).
PREPARE floor_q(timestamptz, timestamptz) AS
SELECT count(*) FROM public.event WHERE ts >= $1 AND ts < $2;
PREPARE groups_q(timestamptz, timestamptz) AS
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= $1 AND ts < $2 GROUP BY 1, 2) g;
PREPARE creators_q(timestamptz, timestamptz) AS
SELECT count(*), sum(n) FROM (SELECT v.creator_id, count(*) n FROM public.event e JOIN public.videos v ON v.id = e.video_id
  WHERE e.ts >= $1 AND e.ts < $2 GROUP BY 1) g;
PREPARE preview_q AS SELECT count(*) FROM revenue_split_preview(10000000, 2025, 8);
PREPARE units_q AS SELECT count(*) FROM revenue_split_units('2025-08-20');

-- The preview's window, then revenue_split_units('2025-08-20')'s 7 days.
\set month '(''2025-07-26 00:00+00'', ''2025-09-01 00:00+00'')'
\set week '(''2025-08-14 00:00+00'', ''2025-08-21 00:00+00'')'

\echo == floor: the month and 6 days before (3 samples after a warm-up)
EXECUTE floor_q :month;
\timing on
EXECUTE floor_q :month;
EXECUTE floor_q :month;
EXECUTE floor_q :month;
\timing off

\echo == month: count of each event type per (video, UTC day), the plan the server picks
EXECUTE groups_q :month;
\timing on
EXECUTE groups_q :month;
EXECUTE groups_q :month;
EXECUTE groups_q :month;
\timing off

\echo == month: the same, as parallel as this server goes (free parallel setup, 256MB work_mem: no spill)
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET work_mem = '256MB';
EXPLAIN (COSTS OFF) EXECUTE groups_q :month;
\timing on
EXECUTE groups_q :month;
EXECUTE groups_q :month;
EXECUTE groups_q :month;
\timing off
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET work_mem;

\echo == month: events per creator (the join integrity and the shares need), the plan the server picks
EXECUTE creators_q :month;
\timing on
EXECUTE creators_q :month;
EXECUTE creators_q :month;
EXECUTE creators_q :month;
\timing off

\echo == day floor: the 7 days of revenue_split_units('2025-08-20')
EXECUTE floor_q :week;
\timing on
EXECUTE floor_q :week;
EXECUTE floor_q :week;
EXECUTE floor_q :week;
\timing off

\echo == 7 days: count of each event type per (video, UTC day)
EXECUTE groups_q :week;
\timing on
EXECUTE groups_q :week;
EXECUTE groups_q :week;
EXECUTE groups_q :week;
\timing off

\echo == 7 days: events per creator
EXECUTE creators_q :week;
\timing on
EXECUTE creators_q :week;
EXECUTE creators_q :week;
EXECUTE creators_q :week;
\timing off

\echo == revenue_split itself, same session: the month preview and the day units
EXECUTE preview_q;
\timing on
EXECUTE preview_q;
EXECUTE preview_q;
EXECUTE preview_q;
\timing off

EXECUTE units_q;
\timing on
EXECUTE units_q;
EXECUTE units_q;
EXECUTE units_q;
\timing off
