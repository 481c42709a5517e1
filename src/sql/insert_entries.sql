-- The run's owed-ledger entries ($1 run_id; per creator: $2 ids, $3 earned, $4 paid, $5 owed
-- after, $6 transaction id or NULL).
INSERT INTO revenue_split.entries (run_id, creator_id, earned_cents, paid_cents, owed_after_cents, transaction_id)
SELECT $1, e.creator_id, e.earned, e.paid, e.owed_after, e.transaction_id
FROM ROWS FROM (pg_catalog.unnest($2::int8[]), pg_catalog.unnest($3::int8[]), pg_catalog.unnest($4::int8[]),
                pg_catalog.unnest($5::int8[]), pg_catalog.unnest($6::int8[]))
     AS e(creator_id, earned, paid, owed_after, transaction_id)
