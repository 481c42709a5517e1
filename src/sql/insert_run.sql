-- One run: a commit, a correction or an adoption (SPEC §6.4, §9, §11).
INSERT INTO revenue_split.runs
    (kind, period_start, period_end, payment_type, pool_cents, allocated_cents,
     unallocated_cents, total_units, creators, config, status, corrects, paid_cents, owed_cents)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
RETURNING run_id
