-- Added in 0.3.0: run keys that ignore the configured monthly payment type, corrections and
-- adoptions as runs of their own, and the owed ledger (SPEC §6.2, §9, §11).
-- (Keep in step with sql/revenue_split--0.2.0--0.3.0.sql: tests/e2e/upgrade.sh compares an
-- upgraded install with a fresh one, object by object.)

-- Payout policies (SPEC §9). A run records them with the rest of its configuration.
ALTER TABLE revenue_split.config
    ADD COLUMN min_payout_cents bigint NOT NULL DEFAULT 0 CHECK (min_payout_cents >= 0),
    ADD COLUMN over_cap text NOT NULL DEFAULT 'redistribute' CHECK (over_cap IN ('redistribute', 'hold'));

-- A run is the first run of its key (committed, or adopted from another payout system), or
-- an entry that belongs to that first run: a correction, or (upgrades only) a second 0.2.0
-- run of a month that 0.2.0 paid again under another monthly payment type ('repeat').
ALTER TABLE revenue_split.runs
    ADD COLUMN status text NOT NULL DEFAULT 'committed'
        CHECK (status IN ('committed', 'adopted', 'correction', 'repeat')),
    -- Deferred: pg_dump restores runs in one COPY, whatever the rows' physical order.
    ADD COLUMN corrects bigint REFERENCES revenue_split.runs (run_id) DEFERRABLE INITIALLY DEFERRED,
    ADD COLUMN paid_cents bigint NOT NULL DEFAULT 0,
    ADD COLUMN owed_cents bigint NOT NULL DEFAULT 0 CHECK (owed_cents >= 0),
    ADD CONSTRAINT runs_corrects_first_run CHECK ((corrects IS NULL) = (status IN ('committed', 'adopted')));
-- Adoptions may record more paid than the pool (negative unallocated) and no units;
-- a correction may find no units left (every creator a bot).
ALTER TABLE revenue_split.runs DROP CONSTRAINT runs_unallocated_cents_check;
ALTER TABLE revenue_split.runs DROP CONSTRAINT runs_total_units_check;
ALTER TABLE revenue_split.runs ADD CONSTRAINT runs_total_units_check CHECK (total_units >= 0);
-- The run key (SPEC §6.2): a month is paid once whatever the monthly payment type; a day
-- once per payment type.
ALTER TABLE revenue_split.runs DROP CONSTRAINT runs_run_key;
CREATE UNIQUE INDEX runs_run_key ON revenue_split.runs
    (kind, period_start, (CASE WHEN kind = 'daily' THEN payment_type ELSE '' END))
    WHERE corrects IS NULL;
CREATE INDEX runs_corrects_idx ON revenue_split.runs (corrects) WHERE corrects IS NOT NULL;

-- Allocations are what a run computes (for a correction: the targets); what is paid is in
-- entries. With over_cap = hold an amount may exceed the cap, and with min_payout_cents an
-- earned amount may be paid later, so those two checks move to the entries' invariants.
ALTER TABLE revenue_split.allocations DROP CONSTRAINT allocations_within_cap;
ALTER TABLE revenue_split.allocations DROP CONSTRAINT allocations_paid_have_transaction;
ALTER TABLE revenue_split.allocations DROP CONSTRAINT allocations_units_check;
ALTER TABLE revenue_split.allocations ADD CONSTRAINT allocations_units_check CHECK (units >= 0);

-- The owed ledger: append-only, one entry per run and creator whose earned or paid it moved.
CREATE TABLE revenue_split.entries (
    run_id           bigint NOT NULL REFERENCES revenue_split.runs (run_id),
    creator_id       bigint NOT NULL,
    earned_cents     bigint NOT NULL,
    paid_cents       bigint NOT NULL,
    owed_after_cents bigint NOT NULL CHECK (owed_after_cents >= 0),
    transaction_id   bigint,
    PRIMARY KEY (run_id, creator_id),
    CONSTRAINT entries_moved CHECK (earned_cents <> 0 OR paid_cents <> 0)
);
CREATE INDEX entries_creator_idx ON revenue_split.entries (creator_id, run_id);
COMMENT ON TABLE revenue_split.entries IS
    'revenue_split: append-only owed ledger: what each run earned and paid each creator (SPEC §9)';

-- Each creator's running totals, kept in step with entries in the same transaction (so that
-- a run finds the creators with owed money without summing the whole ledger). Owed is never
-- negative, but that is checked on entries.owed_after_cents and by the writer, not here: a
-- run moves accounts with INSERT ... ON CONFLICT DO UPDATE, whose proposed row (this run's
-- earned - paid, negative when it pays money an earlier run left owed) Postgres checks
-- against CHECK constraints before it finds the conflict.
CREATE TABLE revenue_split.accounts (
    creator_id   bigint PRIMARY KEY,
    earned_cents bigint NOT NULL,
    paid_cents   bigint NOT NULL,
    owed_cents   bigint NOT NULL,
    CONSTRAINT accounts_add_up CHECK (earned_cents = paid_cents + owed_cents)
);
CREATE INDEX accounts_owed_idx ON revenue_split.accounts (creator_id) WHERE owed_cents > 0;
COMMENT ON TABLE revenue_split.accounts IS
    'revenue_split: per-creator totals of revenue_split.entries (earned = paid + owed)';

CREATE VIEW revenue_split.balances AS
SELECT a.creator_id, a.earned_cents, a.paid_cents, a.owed_cents
FROM revenue_split.accounts a;
COMMENT ON VIEW revenue_split.balances IS
    'revenue_split: what each creator earned, was paid and is owed over all runs (SPEC §9)';

SELECT pg_catalog.pg_extension_config_dump('revenue_split.entries', '');
SELECT pg_catalog.pg_extension_config_dump('revenue_split.accounts', '');

-- Statements (SPEC §10): per run, creator and video, the period's counts and units, stored
-- with the run so that a statement never changes when events change later.
-- No foreign key to runs: its check, once per row, was half of writing a run's ledger
-- (0.24 s of M's 50,000 lines). Only the ledger writer inserts lines, in the transaction that
-- inserts their run, with that run's id; revenue_split never deletes a run, and the money
-- tables (allocations, entries) keep their foreign keys.
CREATE TABLE revenue_split.statement_lines (
    run_id     bigint NOT NULL,
    creator_id bigint NOT NULL,
    video_id   bigint NOT NULL,
    views      bigint NOT NULL,
    likes      bigint NOT NULL,
    comments   bigint NOT NULL,
    shares     bigint NOT NULL,
    raw_units  float8 NOT NULL,
    units      float8 NOT NULL CHECK (units >= 0),
    PRIMARY KEY (run_id, creator_id, video_id)
);
COMMENT ON TABLE revenue_split.statement_lines IS
    'revenue_split: per run, creator and video, the counts and units the run paid on (SPEC §10)';
SELECT pg_catalog.pg_extension_config_dump('revenue_split.statement_lines', '');

-- Adoption (SPEC §11): the transactions rows each adopted run counted as paid. A row is adopted
-- once (an adoption whose window takes in a row adopted before is refused), and never a row
-- revenue_split wrote itself, so that no payment counts as paid twice.
CREATE TABLE revenue_split.adopted_rows (
    transaction_id bigint PRIMARY KEY,
    run_id         bigint NOT NULL REFERENCES revenue_split.runs (run_id)
);
COMMENT ON TABLE revenue_split.adopted_rows IS
    'revenue_split: the transactions rows each adopted run counted as paid (SPEC §11)';
SELECT pg_catalog.pg_extension_config_dump('revenue_split.adopted_rows', '');

-- Audit: what the run's pass read (issue: statements and exports).
ALTER TABLE revenue_split.runs
    ADD COLUMN events_read bigint,
    ADD COLUMN newest_event_ts timestamptz;

-- The 0.2.0 view, with each run's status and its statement totals for the creator at the end.
CREATE OR REPLACE VIEW revenue_split.creator_payouts AS
SELECT a.creator_id, r.run_id, r.kind, r.period_start, r.period_end, r.payment_type,
       a.units, a.kyc_level, a.cap_cents, a.amount_cents, a.capped, a.transaction_id, r.committed_at,
       r.status, s.videos AS statement_videos, s.views AS statement_views, s.likes AS statement_likes,
       s.comments AS statement_comments, s.shares AS statement_shares, s.raw_units AS statement_raw_units,
       s.units AS statement_units
FROM revenue_split.allocations a
JOIN revenue_split.runs r ON r.run_id = a.run_id
LEFT JOIN LATERAL (
    SELECT count(*) AS videos, sum(l.views) AS views, sum(l.likes) AS likes, sum(l.comments) AS comments,
           sum(l.shares) AS shares, sum(l.raw_units) AS raw_units, sum(l.units) AS units
    FROM revenue_split.statement_lines l
    WHERE l.run_id = a.run_id AND l.creator_id = a.creator_id
) s ON true;
COMMENT ON VIEW revenue_split.creator_payouts IS
    'revenue_split: each creator''s allocation in every run, with the run''s status and statement totals';
