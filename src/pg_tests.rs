//! `#[pg_test]`s: what needs a live backend (SPI, ereport SQLSTATEs, transactions).
//! Each runs in its own rolled-back transaction.

use pgrx::prelude::*;

#[pg_schema]
mod tests {
    use pgrx::prelude::*;

    #[pg_test]
    fn config_defaults_match_the_table_defaults() {
        // The Rust defaults and the column DEFAULTs of revenue_split.config must be the same
        // numbers: insert a row of defaults and read it back through the same path as a run.
        Spi::run("INSERT INTO revenue_split.config DEFAULT VALUES").unwrap();
        let json =
            Spi::get_one::<String>("SELECT pg_catalog.to_jsonb(c)::text FROM revenue_split.config c").unwrap().unwrap();
        let cfg = crate::config::Config::from_json(Some(&json)).unwrap();
        assert_eq!(cfg, crate::config::Config::default());
    }

    #[pg_test]
    fn dates_round_trip_including_1_bc() {
        use chrono::NaiveDate;
        // chrono's year 0 is 1 BC: the integrity window of 0001-01-01 starts there.
        for (y, m, d, text) in [(0, 12, 26, "0001-12-26 BC"), (1, 1, 1, "0001-01-01"), (2025, 8, 31, "2025-08-31")] {
            let n = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let pg = crate::engine::signals::to_pg_date(n);
            let shown = Spi::get_one_with_args::<String>("SELECT $1::date::text", &[pg.into()]).unwrap().unwrap();
            assert_eq!(shown, text);
            assert_eq!(crate::engine::signals::from_pg_date(pg), Some(n));
        }
        assert_eq!(crate::engine::signals::from_pg_date(pgrx::datum::Date::positive_infinity()), None);
    }

    /// Runs `sql` and returns the SQLSTATE it raised (None if it succeeded). A plpgsql
    /// EXCEPTION block gives each statement its own subtransaction, so the test's
    /// transaction stays usable after the error.
    fn sqlstate_of(sql: &str) -> Option<String> {
        Spi::run(
            "CREATE OR REPLACE FUNCTION pg_temp.sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
             BEGIN EXECUTE q; RETURN NULL; EXCEPTION WHEN others THEN RETURN SQLSTATE; END $$",
        )
        .unwrap();
        Spi::get_one_with_args::<String>("SELECT pg_temp.sqlstate_of($1)", &[sql.into()]).unwrap()
    }

    #[pg_test]
    fn bad_arguments_raise_22023_not_xx000() {
        for sql in [
            "SELECT * FROM revenue_split_units(NULL)",
            "SELECT * FROM revenue_split_units('infinity')",
            "SELECT * FROM revenue_split_video_units('-infinity')",
            "SELECT * FROM revenue_split_preview(NULL, 2025, 8)",
            "SELECT * FROM revenue_split_preview(-1, 2025, 8)",
            "SELECT * FROM revenue_split_preview(1, 2025, 13)",
            "SELECT * FROM revenue_split_preview(1, 10000, 1)",
            "SELECT * FROM revenue_split_preview(1, 2025, NULL)",
            "SELECT * FROM revenue_split_commit(1, 0, 1)",
            "SELECT * FROM revenue_split_run(1, '2025-08-01', '')",
        ] {
            assert_eq!(sqlstate_of(sql).as_deref(), Some("22023"), "{sql}");
        }
    }

    #[pg_test]
    fn lookups_by_id_use_a_range_or_a_hidden_list_only_behind_an_index_on_id() {
        use crate::engine::signals::{lookup, Lookup};
        Spi::run(
            "CREATE SCHEMA \"App\";
             CREATE TABLE \"App\".videos (id bigint PRIMARY KEY, creator_id bigint);
             CREATE TABLE \"App\".users (id int, kyc_level int);
             CREATE INDEX ON \"App\".users (id) WHERE id > 0;
             CREATE INDEX ON \"App\".users (kyc_level, id);
             CREATE INDEX ON \"App\".users USING hash (id)",
        )
        .unwrap();
        let cfg = crate::config::Config { app_schema: "App".into(), ..Default::default() };
        let sql = "SELECT * FROM @app@.t WHERE @match@";
        let hidden = "SELECT * FROM \"App\".t WHERE t.id OPERATOR(pg_catalog.=) ANY ((SELECT $1::pg_catalog.int8[])::pg_catalog.int8[])";
        let constant = "SELECT * FROM \"App\".t WHERE t.id OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.int8[])";
        let range = "SELECT * FROM \"App\".t WHERE t.id OPERATOR(pg_catalog.>=) $1::pg_catalog.int8 AND t.id OPERATOR(pg_catalog.<=) $2::pg_catalog.int8";
        // Dense ids (3 over a span of 9, at most 4x) and sparse ones (3 over 13).
        let (dense, sparse) = ([3, 11, 7], [3, 15, 7]);
        let list = |table: &str, ids: &[i64]| match lookup(sql, &cfg, table, "t.id", ids).unwrap() {
            Lookup::List(sql) => sql,
            Lookup::Span(sql, span) => format!("{sql} {:?}", span.bounds()),
        };
        // The reads run on the active snapshot (taken when this test's statement began): a
        // fresh one sees the tables made since.
        Spi::connect(|_client| {
            let _snapshot = crate::spi_read::CallSnapshot::take();
            // A primary key: a range for dense ids, a hidden list for the others. A partial
            // index, an index led by another column, a hash index: a constant (which
            // PostgreSQL can hash when it scans the table), even for dense ids.
            assert_eq!(list("videos", &dense), format!("{range} (3, 11)"));
            assert_eq!(list("videos", &sparse), hidden);
            assert_eq!(list("users", &dense), constant);
            assert_eq!(list("users", &sparse), constant);
        });
        Spi::run("CREATE INDEX ON \"App\".users (id, kyc_level)").unwrap();
        Spi::run("CREATE VIEW \"App\".v AS SELECT * FROM \"App\".videos").unwrap();
        Spi::connect(|_client| {
            let _snapshot = crate::spi_read::CallSnapshot::take();
            assert_eq!(list("users", &sparse), hidden, "a btree led by id");
            assert_eq!(list("users", &dense), format!("{range} (3, 11)"), "a btree led by id");
            assert_eq!(list("v", &dense), constant, "a view has no index");
        });
    }

    #[pg_test]
    fn missing_application_tables_are_named() {
        // The pg_test database has no application tables.
        assert_eq!(sqlstate_of("SELECT * FROM revenue_split_units('2025-08-01')").as_deref(), Some("42P01"));
        Spi::run("INSERT INTO revenue_split.config (app_schema) VALUES ('no_such_schema')").unwrap();
        assert_eq!(sqlstate_of("SELECT * FROM revenue_split_units('2025-08-01')").as_deref(), Some("3F000"));
    }
}
