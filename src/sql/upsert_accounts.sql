-- Moves each creator's totals by this run's entries ($1 ids, $2 earned, $3 paid) and returns
-- the owed after it, for the caller to compare with what it computed. An UPDATE then an
-- INSERT of the creators without an account, not INSERT ... ON CONFLICT: Postgres checks a
-- proposed row's CHECK constraints before it finds the conflict, and this run's own
-- earned - paid may be negative (paying what an earlier run left owed). Runs that write the
-- ledger hold its lock (lock_run.sql), so no other one inserts the same account meanwhile.
WITH e AS (
    SELECT * FROM ROWS FROM (pg_catalog.unnest($1::int8[]), pg_catalog.unnest($2::int8[]), pg_catalog.unnest($3::int8[]))
         AS e(creator_id, earned, paid)
), moved AS (
    UPDATE revenue_split.accounts a
    SET earned_cents = a.earned_cents OPERATOR(pg_catalog.+) e.earned,
        paid_cents = a.paid_cents OPERATOR(pg_catalog.+) e.paid,
        owed_cents = a.owed_cents OPERATOR(pg_catalog.+) e.earned OPERATOR(pg_catalog.-) e.paid
    FROM e
    WHERE a.creator_id OPERATOR(pg_catalog.=) e.creator_id
    RETURNING a.creator_id, a.owed_cents
), opened AS (
    INSERT INTO revenue_split.accounts (creator_id, earned_cents, paid_cents, owed_cents)
    SELECT e.creator_id, e.earned, e.paid, e.earned OPERATOR(pg_catalog.-) e.paid
    FROM e
    WHERE NOT EXISTS (SELECT 1 FROM revenue_split.accounts a WHERE a.creator_id OPERATOR(pg_catalog.=) e.creator_id)
    RETURNING creator_id, owed_cents
)
SELECT creator_id, owed_cents FROM moved
UNION ALL
SELECT creator_id, owed_cents FROM opened
