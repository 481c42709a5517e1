-- The pool a correction of the key of first run $1 uses when none is given: its latest
-- correction's, else the first run's (SPEC §9).
SELECT r.pool_cents
FROM revenue_split.runs r
WHERE r.run_id OPERATOR(pg_catalog.=) $1
   OR (r.corrects OPERATOR(pg_catalog.=) $1 AND r.status OPERATOR(pg_catalog.=) 'correction')
ORDER BY r.run_id DESC
LIMIT 1
