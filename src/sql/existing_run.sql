-- The first run of a run key (SPEC §6.2), if any: $1 kind, $2 period_start, $3 payment_type
-- (part of the key of daily runs only: a month is paid once whatever its payment type).
SELECT r.run_id, r.period_start, r.period_end, r.pool_cents, r.creators,
       r.allocated_cents, r.unallocated_cents, r.total_units, r.paid_cents, r.owed_cents,
       r.status, r.payment_type, r.config::text
FROM revenue_split.runs r
WHERE r.kind OPERATOR(pg_catalog.=) $1
  AND r.period_start OPERATOR(pg_catalog.=) $2
  AND (r.kind OPERATOR(pg_catalog.=) 'monthly' OR r.payment_type OPERATOR(pg_catalog.=) $3)
  AND r.corrects IS NULL
