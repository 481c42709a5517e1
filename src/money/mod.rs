//! Units → money (SPEC §5–6, §9–11). Pure Rust: `allocation` (water-filling, cents),
//! `payout` (a period's allocation), `policy` (the payment step), `step` (who takes part, and
//! a correction's deltas). `ledger` is the only module that writes.

pub mod allocation;
pub(crate) mod ledger;
pub mod payout;
pub mod policy;
pub mod statement;
pub mod step;
