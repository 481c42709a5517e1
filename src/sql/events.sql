-- Every event of [$1, $2) (UTC days), in ts order: the one pass over the period and the six
-- days before it. Uses an index on event(ts) when there is one (MergeAppend of the partitions'
-- indexes for a partitioned event). Event types are filtered in Rust, byte for byte.
SELECT e.video_id::int8, e.ts, e.event_type::text, e.device_id::text, e.ip_hash::text
FROM @app@.event e
WHERE e.ts OPERATOR(pg_catalog.>=) ($1::date::timestamp AT TIME ZONE 'UTC')
  AND e.ts OPERATOR(pg_catalog.<) ($2::date::timestamp AT TIME ZONE 'UTC')
  AND e.video_id IS NOT NULL
ORDER BY e.ts
