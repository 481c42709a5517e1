-- The owed ledger in one row: the configuration rows; the accounts' totals and how many
-- creators are owed anything (the partial index accounts_owed_idx finds them); the entries'
-- totals. One sequential pass over each table, constant memory: the accounts must add up to
-- their entries (SPEC §9: earned and paid per creator are the sums of its entries; earned =
-- paid + owed is a CHECK on every account row).
SELECT (SELECT pg_catalog.count(*) FROM revenue_split.config)::int8,
       a.accounts, a.earned, a.paid, a.owed,
       (SELECT pg_catalog.count(*) FROM revenue_split.accounts o
        WHERE o.owed_cents OPERATOR(pg_catalog.>) 0)::int8,
       e.entries, e.earned, e.paid
FROM (SELECT pg_catalog.count(*)::int8 AS accounts,
             COALESCE(pg_catalog.sum(x.earned_cents), 0)::text AS earned,
             COALESCE(pg_catalog.sum(x.paid_cents), 0)::text AS paid,
             COALESCE(pg_catalog.sum(x.owed_cents), 0)::text AS owed
      FROM revenue_split.accounts x) a,
     (SELECT pg_catalog.count(*)::int8 AS entries,
             COALESCE(pg_catalog.sum(y.earned_cents), 0)::text AS earned,
             COALESCE(pg_catalog.sum(y.paid_cents), 0)::text AS paid
      FROM revenue_split.entries y) e
