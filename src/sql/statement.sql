-- The statement lines of run $1 (of creator $2 when not NULL), with the amount the creator
-- earned in the run (a correction: its target), by creator and video.
SELECT l.creator_id, l.video_id, l.views, l.likes, l.comments, l.shares, l.raw_units, l.units,
       COALESCE(a.amount_cents, 0)::int8
FROM revenue_split.statement_lines l
LEFT JOIN revenue_split.allocations a
       ON a.run_id OPERATOR(pg_catalog.=) l.run_id AND a.creator_id OPERATOR(pg_catalog.=) l.creator_id
WHERE l.run_id OPERATOR(pg_catalog.=) $1
  AND ($2::int8 IS NULL OR l.creator_id OPERATOR(pg_catalog.=) $2)
ORDER BY l.creator_id, l.video_id
