-- The view events in the early windows [created_at, created_at + $3 seconds) of the videos
-- ($1 ids, $2 their created_at), for `event(video_id, ts)`: one index range scan per video.
-- The launch times come from the pass (so `videos` is not read again), and the rows are
-- counted in Rust (`early::EarlyWindows`), cheaper than two count(DISTINCT) sorts per video.
SELECT r.id, e.ts, e.device_id::text, e.ip_hash::text
FROM ROWS FROM (pg_catalog.unnest($1::int8[]), pg_catalog.unnest($2::timestamptz[])) AS r(id, created_at)
CROSS JOIN LATERAL (
    SELECT e.ts, e.device_id, e.ip_hash
    FROM @app@.event e
    WHERE e.video_id OPERATOR(pg_catalog.=) r.id
      AND e.ts OPERATOR(pg_catalog.>=) r.created_at
      AND e.ts OPERATOR(pg_catalog.<) (r.created_at OPERATOR(pg_catalog.+) pg_catalog.make_interval(secs => $3))
      AND e.event_type OPERATOR(pg_catalog.=) 'view'
) e
