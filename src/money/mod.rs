//! Units → money (SPEC §5–6, §9–11). `allocation` and `payout` are pure Rust (water-filling,
//! cents); `ledger` is the only module that writes.

pub mod allocation;
pub(crate) mod ledger;
pub mod payout;
