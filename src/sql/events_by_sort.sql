-- The same rows as events.sql, for an event table NOT stored in ts order (pg_stats correlation
-- of ts below 0.5, see signals.rs): sorted rather than read through the event(ts) index. In
-- such a table an index scan fetches heap pages in random order (on a shuffled copy of the
-- benchmark's M data: 7.3 s of executor time, against 3.1 s for a parallel seq scan + sort),
-- but the planner, costing a cached table like a disk, still prefers it. Sorting by ts + 0 s
-- (the same order) keeps the index from being used for the ORDER BY; it can still find the
-- range when the range is a small part of the table.
SELECT e.video_id::int8, e.ts, e.event_type::text, e.device_id::text, e.ip_hash::text
FROM @app@.event e
WHERE e.ts OPERATOR(pg_catalog.>=) ($1::date::timestamp AT TIME ZONE 'UTC')
  AND e.ts OPERATOR(pg_catalog.<) ($2::date::timestamp AT TIME ZONE 'UTC')
  AND e.video_id IS NOT NULL
ORDER BY e.ts OPERATOR(pg_catalog.+) '00:00:00'::pg_catalog.interval
