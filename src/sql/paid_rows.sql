-- Adoption (SPEC §11): what another payout system paid, per recipient: the inflows of payment
-- type $1 created in [$2, $3). Text or enum columns compare as text.
SELECT t.recipient::int8, pg_catalog.sum(t.amount_cents)::int8, pg_catalog.count(*)::int8
FROM @app@.transactions t
WHERE t.payment_type::text OPERATOR(pg_catalog.=) $1
  AND t.direction::text OPERATOR(pg_catalog.=) 'inflow'
  AND t.created_at OPERATOR(pg_catalog.>=) $2::timestamptz
  AND t.created_at OPERATOR(pg_catalog.<) $3::timestamptz
  AND t.recipient IS NOT NULL
GROUP BY t.recipient
ORDER BY 1
