-- Added in 0.2.0: a creator's payout history, one row per run the creator had units in.
-- (Keep in step with sql/revenue_split--0.1.0--0.2.0.sql: tests/e2e/upgrade.sh compares an
-- upgraded install with a fresh one, object by object.)
CREATE INDEX allocations_creator_idx ON revenue_split.allocations (creator_id, run_id);

CREATE VIEW revenue_split.creator_payouts AS
SELECT a.creator_id, r.run_id, r.kind, r.period_start, r.period_end, r.payment_type,
       a.units, a.kyc_level, a.cap_cents, a.amount_cents, a.capped, a.transaction_id, r.committed_at
FROM revenue_split.allocations a
JOIN revenue_split.runs r ON r.run_id = a.run_id;
COMMENT ON VIEW revenue_split.creator_payouts IS
    'revenue_split: each creator''s allocation in every committed run (added in 0.2.0)';
