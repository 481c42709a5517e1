-- Σ earned, Σ paid and the number of entries of run $1, compared before returning.
SELECT COALESCE(pg_catalog.sum(e.earned_cents), 0)::int8, COALESCE(pg_catalog.sum(e.paid_cents), 0)::int8,
       pg_catalog.count(*)::int8
FROM revenue_split.entries e WHERE e.run_id OPERATOR(pg_catalog.=) $1
