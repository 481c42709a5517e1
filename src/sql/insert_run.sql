-- One run: a commit, a correction or an adoption (SPEC §6.4, §9, §11), with what its pass
-- read ($15 rows, $16 newest ts; NULL for an adoption).
INSERT INTO revenue_split.runs
    (kind, period_start, period_end, payment_type, pool_cents, allocated_cents,
     unallocated_cents, total_units, creators, config, status, corrects, paid_cents, owed_cents,
     events_read, newest_event_ts)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
RETURNING run_id
