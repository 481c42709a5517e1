-- The video ids of the events in the pass's window [$1, $2) (dates, UTC), one per event:
-- the reader sorts and dedups them, then looks up just these videos (videos_by_id.sql).
SELECT e.video_id::int8
FROM @app@.event e
WHERE e.ts OPERATOR(pg_catalog.>=) ($1::date::timestamp AT TIME ZONE 'UTC')
  AND e.ts OPERATOR(pg_catalog.<) ($2::date::timestamp AT TIME ZONE 'UTC')
  AND e.video_id IS NOT NULL
