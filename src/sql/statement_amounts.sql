-- What each creator earned in run $1 (of creator $2 when not NULL): a correction's rows hold
-- its target. A creator with statement lines and no row here earned nothing.
SELECT a.creator_id, a.amount_cents::int8
FROM revenue_split.allocations a
WHERE a.run_id OPERATOR(pg_catalog.=) $1
  AND ($2::int8 IS NULL OR a.creator_id OPERATOR(pg_catalog.=) $2)
