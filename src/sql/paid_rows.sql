-- Adoption (SPEC §11): what another payout system paid, per recipient: the inflows of payment
-- type $1 created in [$2, $3). Text or enum columns compare as text. Rows revenue_split wrote
-- itself (their ids are in its ledger) are not another system's payments: they are left out,
-- and counted. Per recipient: Σ amount and the ids of the rows it adopts, and the runs that
-- adopted any of them before (with how many).
SELECT t.recipient::int8,
       pg_catalog.sum(t.amount_cents) FILTER (WHERE e.transaction_id IS NULL)::int8,
       pg_catalog.array_agg(t.id::int8 ORDER BY t.id) FILTER (WHERE e.transaction_id IS NULL),
       pg_catalog.count(e.transaction_id)::int8,
       pg_catalog.array_agg(DISTINCT a.run_id) FILTER (WHERE e.transaction_id IS NULL AND a.run_id IS NOT NULL),
       pg_catalog.count(a.run_id) FILTER (WHERE e.transaction_id IS NULL)::int8
FROM @app@.transactions t
LEFT JOIN (SELECT DISTINCT w.transaction_id FROM revenue_split.entries w WHERE w.transaction_id IS NOT NULL) e
       ON e.transaction_id OPERATOR(pg_catalog.=) t.id::int8
LEFT JOIN revenue_split.adopted_rows a ON a.transaction_id OPERATOR(pg_catalog.=) t.id::int8
WHERE t.payment_type::text OPERATOR(pg_catalog.=) $1
  AND t.direction::text OPERATOR(pg_catalog.=) 'inflow'
  AND t.created_at OPERATOR(pg_catalog.>=) $2::timestamptz
  AND t.created_at OPERATOR(pg_catalog.<) $3::timestamptz
  AND t.recipient IS NOT NULL
GROUP BY t.recipient
ORDER BY 1
