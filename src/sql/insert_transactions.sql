-- One pending inflow per paid creator ($1 recipients, $2 amounts > 0, $3 payment_type).
-- 'pending' and 'inflow' stay untyped literals so that status/direction may be text or an enum.
INSERT INTO @app@.transactions (recipient, amount_cents, payment_type, status, direction, created_at)
SELECT p.recipient, p.amount, $3, 'pending', 'inflow', pg_catalog.now()
FROM ROWS FROM (pg_catalog.unnest($1::int8[]), pg_catalog.unnest($2::int8[])) WITH ORDINALITY AS p(recipient, amount, ord)
ORDER BY p.ord
RETURNING id::int8, recipient::int8
