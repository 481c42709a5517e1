-- revenue_split 0.1.0 → 0.2.0. Frozen once 0.2.0 is released; work toward the next version
-- goes into a new revenue_split--0.2.0--<next>.sql.
\echo Use "ALTER EXTENSION revenue_split UPDATE TO '0.2.0'" to load this file. \quit

-- A creator's payout history (the same objects as sql/v0_2_0.sql creates on a fresh install).
CREATE INDEX allocations_creator_idx ON revenue_split.allocations (creator_id, run_id);

CREATE VIEW revenue_split.creator_payouts AS
SELECT a.creator_id, r.run_id, r.kind, r.period_start, r.period_end, r.payment_type,
       a.units, a.kyc_level, a.cap_cents, a.amount_cents, a.capped, a.transaction_id, r.committed_at
FROM revenue_split.allocations a
JOIN revenue_split.runs r ON r.run_id = a.run_id;
COMMENT ON VIEW revenue_split.creator_payouts IS
    'revenue_split: each creator''s allocation in every committed run (added in 0.2.0)';

-- The same privileges as finalize.sql gives on a fresh install.
REVOKE ALL ON revenue_split.creator_payouts FROM PUBLIC;
GRANT SELECT ON revenue_split.creator_payouts TO revenue_split_admin;
