//! The payment step of SPEC §9: what a run pays each creator now, given what it earned, what
//! is owed, the creator's cap under the run key, the bot flag and `min_payout_cents`.
//!
//! Pure Rust (no pgrx). With the default policies every participant is paid exactly what it
//! earned and nothing stays owed, so §5–§6 hold unchanged.

use std::fmt;

/// One creator taking part in a payment step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participant {
    pub creator_id: i64,
    /// What this run earned it: the amount of a commit, the delta of a correction (may be < 0).
    pub earned_cents: i64,
    /// Owed before this run (>= 0).
    pub owed_before_cents: i64,
    /// The cap of one run key (SPEC §5); `None` is unlimited.
    pub cap_cents: Option<i64>,
    /// Paid to it under this run key so far (first run and corrections; clawbacks negative).
    pub paid_under_key_cents: i64,
    pub likely_bot: bool,
}

/// What the step books for one participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub creator_id: i64,
    pub earned_cents: i64,
    /// > 0 an inflow, < 0 a clawback (an outflow of `-paid_cents`), 0 nothing moves.
    pub paid_cents: i64,
    pub owed_after_cents: i64,
}

/// Arithmetic that does not fit a bigint; unreachable with amounts that fit a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyError {
    pub creator_id: i64,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the owed amount of creator {} does not fit a bigint", self.creator_id)
    }
}

impl std::error::Error for PolicyError {}

/// The payment step (SPEC §9), in the participants' order.
pub fn settle(min_payout_cents: i64, parts: &[Participant]) -> Result<Vec<Posting>, PolicyError> {
    parts
        .iter()
        .map(|p| {
            let err = PolicyError { creator_id: p.creator_id };
            let owed = p.owed_before_cents.checked_add(p.earned_cents).ok_or(err)?;
            let paid = if owed < 0 {
                // Money taken back at once (a clawback is not a payment step: bots too).
                owed
            } else if p.likely_bot {
                0 // a hold: what a bot is owed stays owed
            } else {
                let room = match p.cap_cents {
                    Some(cap) => cap.checked_sub(p.paid_under_key_cents).ok_or(err)?.max(0),
                    None => i64::MAX,
                };
                let payable = owed.min(room);
                if payable > 0 && payable >= min_payout_cents {
                    payable
                } else {
                    0
                }
            };
            Ok(Posting {
                creator_id: p.creator_id,
                earned_cents: p.earned_cents,
                paid_cents: paid,
                owed_after_cents: owed - paid,
            })
        })
        .collect()
}
