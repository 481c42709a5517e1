-- The view events of the videos $3 (int8[]) in [$1, $2): the early windows that reach outside
-- the event pass, when they cover most of that span (see early.rs). One range scan of the
-- event(ts) index, which Postgres may split across parallel workers; the id filter (a hashed
-- = ANY) keeps the rows returned to the few that matter, and Rust keeps those inside their
-- own video's window.
SELECT e.video_id::int8, e.ts, e.device_id::text, e.ip_hash::text
FROM @app@.event e
WHERE e.ts OPERATOR(pg_catalog.>=) $1::timestamptz
  AND e.ts OPERATOR(pg_catalog.<) $2::timestamptz
  AND e.event_type OPERATOR(pg_catalog.=) 'view'
  AND e.video_id OPERATOR(pg_catalog.=) ANY ($3::int8[])
