-- Σ amount_cents of run $1, compared with the run's allocated_cents before returning.
SELECT COALESCE(sum(a.amount_cents), 0)::int8 FROM revenue_split.allocations a WHERE a.run_id OPERATOR(pg_catalog.=) $1
