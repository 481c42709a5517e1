-- What PostgreSQL's own executor costs for the first steps of the work, on the bench's data
-- (issue 15): a per-(video, day) GROUP BY and the join of events to their creators, over the
-- preview's window (the month and 6 days before) and a day's units window (7 days). Not part of
-- `scripts/bench`; run by hand against a loaded data set, e.g. on the bench cluster:
--
--   runuser -u postgres -- psql -h /tmp/revenue_split_bench -p 55434 -d bench_w -f bench/sql_baselines.sql
--
-- Each statement runs three times after its warm-up; `\timing` prints each time. The outer
-- sums use every count, so the planner cannot drop them from the GROUP BY. The numbers in
-- bench/README.md ("What the executor itself costs on W") come from this file.
\set ON_ERROR_STOP on
\pset pager off
SET jit = off;

\echo == floor: the month and 6 days before (3 samples after a warm-up)
SELECT count(*) FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00';
\timing on
SELECT count(*) FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00';
SELECT count(*) FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00';
SELECT count(*) FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00';
\timing off

\echo == month: count of each event type per (video, UTC day), the plan the server picks
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00' GROUP BY 1, 2) g;
\timing on
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00' GROUP BY 1, 2) g;
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00' GROUP BY 1, 2) g;
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00' GROUP BY 1, 2) g;
\timing off

\echo == month: the same, as parallel as this server goes (free parallel setup, 256MB work_mem: no spill)
SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET work_mem = '256MB';
EXPLAIN (COSTS OFF) SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00' GROUP BY 1, 2) g;
\timing on
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00' GROUP BY 1, 2) g;
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00' GROUP BY 1, 2) g;
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-07-26 00:00+00' AND ts < '2025-09-01 00:00+00' GROUP BY 1, 2) g;
\timing off
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET work_mem;

\echo == month: events per creator (the join integrity and the shares need), the plan the server picks
SELECT count(*), sum(n) FROM (SELECT v.creator_id, count(*) n FROM public.event e JOIN public.videos v ON v.id = e.video_id
  WHERE e.ts >= '2025-07-26 00:00+00' AND e.ts < '2025-09-01 00:00+00' GROUP BY 1) g;
\timing on
SELECT count(*), sum(n) FROM (SELECT v.creator_id, count(*) n FROM public.event e JOIN public.videos v ON v.id = e.video_id
  WHERE e.ts >= '2025-07-26 00:00+00' AND e.ts < '2025-09-01 00:00+00' GROUP BY 1) g;
SELECT count(*), sum(n) FROM (SELECT v.creator_id, count(*) n FROM public.event e JOIN public.videos v ON v.id = e.video_id
  WHERE e.ts >= '2025-07-26 00:00+00' AND e.ts < '2025-09-01 00:00+00' GROUP BY 1) g;
SELECT count(*), sum(n) FROM (SELECT v.creator_id, count(*) n FROM public.event e JOIN public.videos v ON v.id = e.video_id
  WHERE e.ts >= '2025-07-26 00:00+00' AND e.ts < '2025-09-01 00:00+00' GROUP BY 1) g;
\timing off

\echo == day floor: the 7 days of revenue_split_units('2025-08-20')
SELECT count(*) FROM public.event WHERE ts >= '2025-08-14 00:00+00' AND ts < '2025-08-21 00:00+00';
\timing on
SELECT count(*) FROM public.event WHERE ts >= '2025-08-14 00:00+00' AND ts < '2025-08-21 00:00+00';
SELECT count(*) FROM public.event WHERE ts >= '2025-08-14 00:00+00' AND ts < '2025-08-21 00:00+00';
SELECT count(*) FROM public.event WHERE ts >= '2025-08-14 00:00+00' AND ts < '2025-08-21 00:00+00';
\timing off

\echo == 7 days: count of each event type per (video, UTC day)
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-08-14 00:00+00' AND ts < '2025-08-21 00:00+00' GROUP BY 1, 2) g;
\timing on
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-08-14 00:00+00' AND ts < '2025-08-21 00:00+00' GROUP BY 1, 2) g;
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-08-14 00:00+00' AND ts < '2025-08-21 00:00+00' GROUP BY 1, 2) g;
SELECT count(*), sum(v + l + c + s) FROM (SELECT video_id, (ts AT TIME ZONE 'UTC')::date,
    count(*) FILTER (WHERE event_type = 'view') v, count(*) FILTER (WHERE event_type = 'like') l,
    count(*) FILTER (WHERE event_type = 'comment') c, count(*) FILTER (WHERE event_type = 'share') s
  FROM public.event WHERE ts >= '2025-08-14 00:00+00' AND ts < '2025-08-21 00:00+00' GROUP BY 1, 2) g;
\timing off

\echo == 7 days: events per creator
SELECT count(*), sum(n) FROM (SELECT v.creator_id, count(*) n FROM public.event e JOIN public.videos v ON v.id = e.video_id
  WHERE e.ts >= '2025-08-14 00:00+00' AND e.ts < '2025-08-21 00:00+00' GROUP BY 1) g;
\timing on
SELECT count(*), sum(n) FROM (SELECT v.creator_id, count(*) n FROM public.event e JOIN public.videos v ON v.id = e.video_id
  WHERE e.ts >= '2025-08-14 00:00+00' AND e.ts < '2025-08-21 00:00+00' GROUP BY 1) g;
SELECT count(*), sum(n) FROM (SELECT v.creator_id, count(*) n FROM public.event e JOIN public.videos v ON v.id = e.video_id
  WHERE e.ts >= '2025-08-14 00:00+00' AND e.ts < '2025-08-21 00:00+00' GROUP BY 1) g;
SELECT count(*), sum(n) FROM (SELECT v.creator_id, count(*) n FROM public.event e JOIN public.videos v ON v.id = e.video_id
  WHERE e.ts >= '2025-08-14 00:00+00' AND e.ts < '2025-08-21 00:00+00' GROUP BY 1) g;
\timing off

\echo == revenue_split itself, same session: the month preview and the day units
SELECT count(*) FROM revenue_split_preview(10000000, 2025, 8);
\timing on
SELECT count(*) FROM revenue_split_preview(10000000, 2025, 8);
SELECT count(*) FROM revenue_split_preview(10000000, 2025, 8);
SELECT count(*) FROM revenue_split_preview(10000000, 2025, 8);
\timing off
SELECT count(*) FROM revenue_split_units('2025-08-20');
\timing on
SELECT count(*) FROM revenue_split_units('2025-08-20');
SELECT count(*) FROM revenue_split_units('2025-08-20');
SELECT count(*) FROM revenue_split_units('2025-08-20');
\timing off
