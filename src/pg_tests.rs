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
}
