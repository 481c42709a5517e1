-- A run's statement lines (SPEC §10): $1 run_id; per creator and video, $2 creator ids,
-- $3 video ids, $4..$7 views, likes, comments, shares, $8 raw units, $9 units.
INSERT INTO revenue_split.statement_lines
    (run_id, creator_id, video_id, views, likes, comments, shares, raw_units, units)
SELECT $1, l.creator_id, l.video_id, l.views, l.likes, l.comments, l.shares, l.raw_units, l.units
FROM ROWS FROM (pg_catalog.unnest($2::int8[]), pg_catalog.unnest($3::int8[]), pg_catalog.unnest($4::int8[]),
                pg_catalog.unnest($5::int8[]), pg_catalog.unnest($6::int8[]), pg_catalog.unnest($7::int8[]),
                pg_catalog.unnest($8::float8[]), pg_catalog.unnest($9::float8[]))
     AS l(creator_id, video_id, views, likes, comments, shares, raw_units, units)
