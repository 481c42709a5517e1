-- The statement lines of run $1 (of creator $2 when not NULL), by creator and video. The
-- amounts each creator earned come from statement_amounts.sql: no join here, whose plan would
-- depend on the statistics of two tables that grow by a whole run at a time (after a
-- rolled-back commit, vacuum leaves them "empty" with their pages, and a nested loop over
-- W's 545k lines and 370k allocations ran for more than 12 minutes before it was cancelled).
SELECT l.creator_id, l.video_id, l.views, l.likes, l.comments, l.shares, l.raw_units, l.units
FROM revenue_split.statement_lines l
WHERE l.run_id OPERATOR(pg_catalog.=) $1
  AND ($2::int8 IS NULL OR l.creator_id OPERATOR(pg_catalog.=) $2)
ORDER BY l.creator_id, l.video_id
