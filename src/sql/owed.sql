-- What is owed to the creators $1 (int8[]) and to every creator owed anything (SPEC §9: they
-- take part in every payment step). The partial index accounts_owed_idx finds the latter.
SELECT a.creator_id, a.owed_cents
FROM revenue_split.accounts a
WHERE a.creator_id OPERATOR(pg_catalog.=) ANY ($1::int8[])
UNION
SELECT a.creator_id, a.owed_cents
FROM revenue_split.accounts a
WHERE a.owed_cents OPERATOR(pg_catalog.>) 0
