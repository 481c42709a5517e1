-- The view events of the videos $3 (int8[]) in the disjoint time ranges [$1[i], $2[i]): the
-- early windows that reach outside the event pass, when they are sparse (see early.rs). One
-- ts-range scan per range (LATERAL, fenced with OFFSET 0 so the planner cannot turn it into
-- a join against the whole table), so reads are bounded by the windows' events.
SELECT e.video_id::int8, e.ts, e.device_id::text, e.ip_hash::text
FROM ROWS FROM (pg_catalog.unnest($1::timestamptz[]), pg_catalog.unnest($2::timestamptz[])) AS r(lo, hi)
CROSS JOIN LATERAL (
    SELECT e.video_id, e.ts, e.device_id, e.ip_hash
    FROM @app@.event e
    WHERE e.ts OPERATOR(pg_catalog.>=) r.lo
      AND e.ts OPERATOR(pg_catalog.<) r.hi
      AND e.event_type OPERATOR(pg_catalog.=) 'view'
      AND e.video_id OPERATOR(pg_catalog.=) ANY ($3::int8[])
    OFFSET 0
) e
