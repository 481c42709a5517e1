-- Moves each creator's totals by this run's entries ($1 ids, $2 earned, $3 paid) and returns
-- the owed after it, for the caller to compare with what it computed (which is never
-- negative). One probe of the primary key per creator, whatever the table's statistics say.
INSERT INTO revenue_split.accounts AS a (creator_id, earned_cents, paid_cents, owed_cents)
SELECT e.creator_id, e.earned, e.paid, e.earned OPERATOR(pg_catalog.-) e.paid
FROM ROWS FROM (pg_catalog.unnest($1::int8[]), pg_catalog.unnest($2::int8[]), pg_catalog.unnest($3::int8[]))
     AS e(creator_id, earned, paid)
ON CONFLICT (creator_id) DO UPDATE
SET earned_cents = a.earned_cents OPERATOR(pg_catalog.+) EXCLUDED.earned_cents,
    paid_cents = a.paid_cents OPERATOR(pg_catalog.+) EXCLUDED.paid_cents,
    owed_cents = a.owed_cents OPERATOR(pg_catalog.+) EXCLUDED.owed_cents
RETURNING a.creator_id, a.owed_cents
