-- One pending outflow per clawback ($1 recipients, $2 amounts > 0, $3 payment_type), SPEC §9.
-- Run only when there is a clawback: an enum direction without 'outflow' is refused earlier.
INSERT INTO @app@.transactions (recipient, amount_cents, payment_type, status, direction, created_at)
SELECT p.recipient, p.amount, $3, 'pending', 'outflow', pg_catalog.now()
FROM ROWS FROM (pg_catalog.unnest($1::int8[]), pg_catalog.unnest($2::int8[])) WITH ORDINALITY AS p(recipient, amount, ord)
ORDER BY p.ord
RETURNING id::int8, recipient::int8
