-- The last runs with their totals, and whether their allocations add up.
SELECT r.run_id, r.kind, r.period_start::text, r.payment_type, r.pool_cents, r.allocated_cents,
       r.unallocated_cents, r.creators,
       COALESCE((SELECT sum(a.amount_cents) FROM revenue_split.allocations a
                 WHERE a.run_id OPERATOR(pg_catalog.=) r.run_id), 0)::int8 AS allocations_sum,
       pg_catalog.to_char(r.committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS"Z"')
FROM revenue_split.runs r
ORDER BY r.run_id DESC
LIMIT 3
