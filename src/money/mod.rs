//! Units → money (SPEC §5–6, §9–11). Pure Rust: `allocation` (water-filling, exact cents),
//! `payout` (a period's allocation under the `over_cap` policy), `policy` (the payment step
//! and a correction's deltas), `step` (who takes part in a payment step), `statement` (a
//! creator's earned amount apportioned over its videos). `ledger` is the only module that
//! writes.

pub mod allocation;
pub(crate) mod ledger;
pub mod payout;
pub mod policy;
pub mod statement;
pub mod step;
