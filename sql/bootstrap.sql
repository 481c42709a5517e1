-- revenue_split's own objects: the schema `revenue_split` with its configuration and the
-- audit trail of committed runs. The application's tables (users, videos, event,
-- transactions) are never created, altered or dropped by the extension.

CREATE SCHEMA revenue_split;
COMMENT ON SCHEMA revenue_split IS 'revenue_split: configuration and the audit trail of committed runs';

-- Single-row configuration. No row means every SPEC default; a missing column likewise.
-- Set it with INSERT ... ON CONFLICT (singleton) DO UPDATE (see README "Configuration").
-- The table starts empty so that pg_dump/pg_restore carry the user's row without clashing
-- with a row that CREATE EXTENSION would insert again.
CREATE TABLE revenue_split.config (
    singleton                   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    app_schema                  text    NOT NULL DEFAULT 'public' CHECK (app_schema <> ''),
    weight_view                 float8  NOT NULL DEFAULT 1    CHECK (weight_view >= 0 AND weight_view < 'Infinity'),
    weight_like                 float8  NOT NULL DEFAULT 3    CHECK (weight_like >= 0 AND weight_like < 'Infinity'),
    weight_comment              float8  NOT NULL DEFAULT 5    CHECK (weight_comment >= 0 AND weight_comment < 'Infinity'),
    weight_share                float8  NOT NULL DEFAULT 8    CHECK (weight_share >= 0 AND weight_share < 'Infinity'),
    quality_z_scale             float8  NOT NULL DEFAULT 0.01 CHECK (quality_z_scale >= 0 AND quality_z_scale < 'Infinity'),
    quality_max_adjust          float8  NOT NULL DEFAULT 0.02 CHECK (quality_max_adjust >= 0 AND quality_max_adjust < 1),
    early_window_seconds        bigint  NOT NULL DEFAULT 7200 CHECK (early_window_seconds BETWEEN 1 AND 604800),
    early_min_views             bigint  NOT NULL DEFAULT 50   CHECK (early_min_views >= 0),
    early_device_ratio          float8  NOT NULL DEFAULT 0.5  CHECK (early_device_ratio >= 0 AND early_device_ratio < 'Infinity'),
    early_ip_ratio              float8  NOT NULL DEFAULT 0.4  CHECK (early_ip_ratio >= 0 AND early_ip_ratio < 'Infinity'),
    early_mult                  float8  NOT NULL DEFAULT 1.05 CHECK (early_mult > 0 AND early_mult < 'Infinity'),
    cluster_threshold           float8  NOT NULL DEFAULT 0.20 CHECK (cluster_threshold BETWEEN 0 AND 1),
    cluster_slope               float8  NOT NULL DEFAULT 2.0  CHECK (cluster_slope >= 0 AND cluster_slope < 'Infinity'),
    cluster_max_penalty         float8  NOT NULL DEFAULT 0.30 CHECK (cluster_max_penalty >= 0 AND cluster_max_penalty < 1),
    integrity_device_factor     float8  NOT NULL DEFAULT 5    CHECK (integrity_device_factor >= 0 AND integrity_device_factor < 'Infinity'),
    integrity_ip_factor         float8  NOT NULL DEFAULT 5    CHECK (integrity_ip_factor >= 0 AND integrity_ip_factor < 'Infinity'),
    integrity_engagement_factor float8  NOT NULL DEFAULT 10   CHECK (integrity_engagement_factor >= 0 AND integrity_engagement_factor < 'Infinity'),
    integrity_base              float8  NOT NULL DEFAULT 0.97 CHECK (integrity_base > 0 AND integrity_base < 'Infinity'),
    integrity_span              float8  NOT NULL DEFAULT 0.06 CHECK (integrity_span >= 0 AND integrity_span < 'Infinity'),
    trust_min                   float8  NOT NULL DEFAULT 0.80 CHECK (trust_min > 0 AND trust_min < 'Infinity'),
    trust_max                   float8  NOT NULL DEFAULT 1.20 CHECK (trust_max > 0 AND trust_max < 'Infinity'),
    trust_scale                 float8  NOT NULL DEFAULT 100  CHECK (trust_scale > 0 AND trust_scale < 'Infinity'),
    kyc_cap_cents               bigint[] NOT NULL DEFAULT '{5000,50000}'
                                CHECK (0 <= ALL (kyc_cap_cents) AND array_position(kyc_cap_cents, NULL) IS NULL),
    monthly_payment_type        text    NOT NULL DEFAULT 'revenue_split_monthly' CHECK (monthly_payment_type <> ''),
    updated_at                  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT config_trust_range CHECK (trust_min <= trust_max)
);
COMMENT ON TABLE revenue_split.config IS
    'revenue_split configuration: at most one row; no row = SPEC defaults. See README "Configuration".';

-- One row per committed run. The run key makes a repeated commit a no-op ("skipped").
CREATE TABLE revenue_split.runs (
    run_id            bigserial PRIMARY KEY,
    kind              text   NOT NULL CHECK (kind IN ('daily', 'monthly')),
    period_start      date   NOT NULL,
    period_end        date   NOT NULL CHECK (period_end > period_start),
    payment_type      text   NOT NULL,
    pool_cents        bigint NOT NULL CHECK (pool_cents >= 0),
    allocated_cents   bigint NOT NULL CHECK (allocated_cents >= 0),
    unallocated_cents bigint NOT NULL CHECK (unallocated_cents >= 0),
    total_units       float8 NOT NULL CHECK (total_units > 0),
    creators          int    NOT NULL CHECK (creators >= 0),
    config            jsonb  NOT NULL,
    committed_at      timestamptz NOT NULL DEFAULT now(),
    committed_by      name   NOT NULL DEFAULT current_user,
    CONSTRAINT runs_run_key UNIQUE (kind, period_start, payment_type),
    CONSTRAINT runs_cents_add_up CHECK (allocated_cents + unallocated_cents = pool_cents)
);
COMMENT ON TABLE revenue_split.runs IS
    'revenue_split: one row per committed run (period, pool, totals, configuration used)';

-- One row per creator with units > 0 in a run, paid or not.
CREATE TABLE revenue_split.allocations (
    run_id         bigint NOT NULL REFERENCES revenue_split.runs (run_id),
    creator_id     bigint NOT NULL,
    units          float8 NOT NULL CHECK (units > 0),
    kyc_level      int,
    cap_cents      bigint CHECK (cap_cents >= 0),
    amount_cents   bigint NOT NULL CHECK (amount_cents >= 0),
    capped         boolean NOT NULL,
    transaction_id bigint,
    PRIMARY KEY (run_id, creator_id),
    CONSTRAINT allocations_within_cap CHECK (cap_cents IS NULL OR amount_cents <= cap_cents),
    CONSTRAINT allocations_paid_have_transaction CHECK ((amount_cents > 0) = (transaction_id IS NOT NULL))
);
COMMENT ON TABLE revenue_split.allocations IS
    'revenue_split: per-creator allocation of each run (units, cap, amount, ledger transaction id)';

-- pg_dump keeps the user's data of these tables (and the run id sequence) with the extension.
SELECT pg_catalog.pg_extension_config_dump('revenue_split.config', '');
SELECT pg_catalog.pg_extension_config_dump('revenue_split.runs', '');
SELECT pg_catalog.pg_extension_config_dump('revenue_split.runs_run_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('revenue_split.allocations', '');
