-- The creators owed anything, with what they are owed (found by the partial index
-- accounts_owed_idx): the doctor asks `signals` which of them are flagged likely_bot.
SELECT a.creator_id, a.owed_cents
FROM revenue_split.accounts a
WHERE a.owed_cents OPERATOR(pg_catalog.>) 0
ORDER BY a.creator_id
