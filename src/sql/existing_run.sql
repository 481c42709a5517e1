-- The committed run with this key, if any ($1 kind, $2 period_start, $3 payment_type).
SELECT r.run_id, r.period_start, r.period_end, r.pool_cents, r.creators,
       r.allocated_cents, r.unallocated_cents, r.total_units
FROM revenue_split.runs r
WHERE r.kind OPERATOR(pg_catalog.=) $1
  AND r.period_start OPERATOR(pg_catalog.=) $2
  AND r.payment_type OPERATOR(pg_catalog.=) $3
