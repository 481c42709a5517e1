-- The creator and launch time of the videos with an event in [$1, $2) (UTC days): used on a
-- wide catalog (see signals.rs), so that the cost follows the window's active videos, not
-- the size of `videos`. One scan of the window's events (by the event(ts) index when there
-- is one) for their distinct ids, then one probe of videos' id index per id (LATERAL, fenced
-- with OFFSET 0 so the planner cannot turn it into a scan of the whole table).
SELECT v.id::int8, v.creator_id::int8, v.created_at
FROM (SELECT DISTINCT e.video_id
      FROM @app@.event e
      WHERE e.ts OPERATOR(pg_catalog.>=) ($1::date::timestamp AT TIME ZONE 'UTC')
        AND e.ts OPERATOR(pg_catalog.<) ($2::date::timestamp AT TIME ZONE 'UTC')
        AND e.video_id IS NOT NULL) ids
CROSS JOIN LATERAL (
    SELECT v.id, v.creator_id, v.created_at
    FROM @app@.videos v
    WHERE v.id OPERATOR(pg_catalog.=) ids.video_id
    OFFSET 0
) v
