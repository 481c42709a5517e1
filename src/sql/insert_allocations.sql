-- One allocation row per creator with units > 0 in run $1.
INSERT INTO revenue_split.allocations
    (run_id, creator_id, units, kyc_level, cap_cents, amount_cents, capped, transaction_id)
SELECT $1, a.creator_id, a.units, a.kyc_level, a.cap_cents, a.amount_cents, a.capped, a.transaction_id
FROM ROWS FROM (pg_catalog.unnest($2::int8[]), pg_catalog.unnest($3::float8[]), pg_catalog.unnest($4::int4[]),
                pg_catalog.unnest($5::int8[]), pg_catalog.unnest($6::int8[]), pg_catalog.unnest($7::bool[]),
                pg_catalog.unnest($8::int8[]))
     AS a(creator_id, units, kyc_level, cap_cents, amount_cents, capped, transaction_id)
