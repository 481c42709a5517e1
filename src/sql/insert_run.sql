INSERT INTO revenue_split.runs
    (kind, period_start, period_end, payment_type, pool_cents, allocated_cents,
     unallocated_cents, total_units, creators, config)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING run_id
