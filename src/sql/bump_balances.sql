-- Adds each signed amount to the creator's balance (NULL counts as 0; a clawback may leave it
-- negative: a debt that later inflows repay) ($1 ids, $2 amounts).
UPDATE @app@.users u
SET current_balance = COALESCE(u.current_balance, 0) OPERATOR(pg_catalog.+) p.amount
FROM ROWS FROM (pg_catalog.unnest($1::int8[]), pg_catalog.unnest($2::int8[])) AS p(id, amount)
WHERE u.id OPERATOR(pg_catalog.=) p.id
RETURNING u.id
