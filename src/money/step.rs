//! Who takes part in a run's payment step, and with what (SPEC §9).
//!
//! Pure Rust (no pgrx): `run` reads what is owed and what the key paid so far, and this
//! module turns a run's earnings into the `policy::Participant`s that `policy::settle` pays.
//! (A correction's deltas are `policy::correction_deltas`.)

use std::collections::{BTreeMap, HashMap};

use crate::config::{kyc_cap, Config};
use crate::engine::units::Creator;
use crate::money::payout::PayoutRow;
use crate::money::policy::Participant;

/// A creator's cap and bot flag as the payment step sees them now: the cap of its current
/// `kyc_level` (0 without a users row, SPEC §4.4).
pub fn standing(cfg: &Config, creator: Option<&Creator>) -> (Option<i64>, bool) {
    match creator {
        Some(c) => (kyc_cap(cfg, c.kyc_level), c.likely_bot),
        None => (Some(0), false),
    }
}

/// The participants of a payment step: every creator with `earned` ≠ 0 in this run (an
/// amount for a commit, a delta for a correction) or with money owed, in creator order.
/// `key_paid` is what this run key paid each creator so far (0 for a first commit).
pub fn participants(
    earned: &BTreeMap<i64, i64>,
    owed: &HashMap<i64, i64>,
    key_paid: &HashMap<i64, i64>,
    standing: impl Fn(i64) -> (Option<i64>, bool),
) -> Vec<Participant> {
    // (id, earned): the earners as the tree lists them, in order, then the creators owed money
    // who earned nothing. A tree lookup per creator cost W's preview 50-60 ms (370k
    // creators); the stable sort finds the earners already in order.
    let mut ids: Vec<(i64, i64)> = earned.iter().filter(|(_, e)| **e != 0).map(|(id, e)| (*id, *e)).collect();
    ids.extend(owed.iter().filter(|(id, o)| **o > 0 && earned.get(id).is_none_or(|e| *e == 0)).map(|(id, _)| (*id, 0)));
    ids.sort_by_key(|(id, _)| *id);
    ids.into_iter()
        .map(|(id, earned_cents)| {
            let (cap_cents, likely_bot) = standing(id);
            Participant {
                creator_id: id,
                earned_cents,
                owed_before_cents: owed.get(&id).copied().unwrap_or(0),
                cap_cents,
                paid_under_key_cents: key_paid.get(&id).copied().unwrap_or(0),
                likely_bot,
            }
        })
        .collect()
}

/// A run's earnings per creator (its allocation's amounts).
pub fn earned_of(rows: &[PayoutRow]) -> BTreeMap<i64, i64> {
    rows.iter().map(|r| (r.creator_id, r.amount_cents)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owed_creators_take_part_without_earnings() {
        let earned: BTreeMap<i64, i64> = [(1, 100), (2, 0), (3, -40)].into_iter().collect();
        let owed: HashMap<i64, i64> = [(3, 10), (4, 25), (5, 0)].into_iter().collect();
        let key_paid: HashMap<i64, i64> = [(3, 60)].into_iter().collect();
        let p = participants(&earned, &owed, &key_paid, |id| (Some(id * 1000), id == 4));
        let got: Vec<(i64, i64, i64, Option<i64>, i64, bool)> = p
            .iter()
            .map(|p| {
                (p.creator_id, p.earned_cents, p.owed_before_cents, p.cap_cents, p.paid_under_key_cents, p.likely_bot)
            })
            .collect();
        // 2 earned nothing and is owed nothing; 5 is owed 0: neither takes part.
        assert_eq!(
            got,
            vec![
                (1, 100, 0, Some(1000), 0, false),
                (3, -40, 10, Some(3000), 60, false),
                (4, 0, 25, Some(4000), 0, true)
            ]
        );
    }

    proptest::proptest! {
        /// The same participants as by the definition: every creator with earnings ≠ 0 or
        /// money owed, in id order, each looked up in every map.
        #[test]
        fn participants_match_the_definition(
            earned in proptest::collection::btree_map(-40i64..40, -3i64..3, 0..40),
            owed in proptest::collection::hash_map(-40i64..40, -2i64..3, 0..20),
            key_paid in proptest::collection::hash_map(-40i64..40, 0i64..9, 0..20),
        ) {
            let standing = |id: i64| (Some(id * 7), id % 3 == 0);
            let mut ids: Vec<i64> = earned.iter().filter(|(_, e)| **e != 0).map(|(id, _)| *id).collect();
            ids.extend(owed.iter().filter(|(_, o)| **o > 0).map(|(id, _)| *id));
            ids.sort_unstable();
            ids.dedup();
            let want: Vec<_> = ids
                .iter()
                .map(|id| {
                    (*id, earned.get(id).copied().unwrap_or(0), owed.get(id).copied().unwrap_or(0),
                     key_paid.get(id).copied().unwrap_or(0), standing(*id))
                })
                .collect();
            let got: Vec<_> = participants(&earned, &owed, &key_paid, standing)
                .iter()
                .map(|p| {
                    (p.creator_id, p.earned_cents, p.owed_before_cents, p.paid_under_key_cents,
                     (p.cap_cents, p.likely_bot))
                })
                .collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn standing_without_users_row_is_cap_zero() {
        let cfg = Config::default();
        assert_eq!(standing(&cfg, None), (Some(0), false));
        let bot = Creator { kyc_level: Some(3), trust_score: None, likely_bot: true };
        assert_eq!(standing(&cfg, Some(&bot)), (None, true));
    }
}
