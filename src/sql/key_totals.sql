-- Per creator, what the run key of first run $1 has earned and paid so far: the first run
-- and every run that belongs to it (corrections, 0.2.0 repeats).
SELECT e.creator_id, pg_catalog.sum(e.earned_cents)::int8, pg_catalog.sum(e.paid_cents)::int8
FROM revenue_split.entries e
JOIN revenue_split.runs r ON r.run_id OPERATOR(pg_catalog.=) e.run_id
WHERE r.run_id OPERATOR(pg_catalog.=) $1 OR r.corrects OPERATOR(pg_catalog.=) $1
GROUP BY e.creator_id
