//! From a period's creator units to the rows of a preview or a commit (SPEC §5, §8).
//!
//! Pure Rust (no pgrx): sums units over the period's days, looks up each creator's KYC cap,
//! and hands the claims to `allocation`: water-filling by default, or with `over_cap = hold`
//! (SPEC §9) the plain proportional split whose caps only limit what a payment step pays.

use rustc_hash::FxHashMap;

use crate::config::{kyc_cap, Config, OverCap};
use crate::engine::units::{Creator, Creators, DayUnits};
use crate::money::allocation::{allocate, allocate_hold, AllocationError, Claim};

/// A row of `revenue_split_preview` / `revenue_split.allocations`.
#[derive(Debug, Clone, PartialEq)]
pub struct PayoutRow {
    pub creator_id: i64,
    pub units: f64,
    /// NULL without a users row (or with a NULL kyc_level).
    pub kyc_level: Option<i32>,
    /// `None` = unlimited.
    pub cap_cents: Option<i64>,
    /// What the creator earns in this run.
    pub amount_cents: i64,
    /// Redistribute: bound by its cap in the water-filling. Hold: its share exceeds its cap
    /// (so the payment step holds part of it back).
    pub capped: bool,
}

impl PayoutRow {
    /// The row of a creator a run is about without units in it (a correction's creator whose
    /// events are gone, a creator paid only from owed money): its level and cap as its users
    /// row says now (no row: cap 0).
    pub fn without_units(cfg: &Config, creator_id: i64, user: Option<&Creator>) -> PayoutRow {
        PayoutRow {
            creator_id,
            units: 0.0,
            kyc_level: user.and_then(|c| c.kyc_level).map(level_i32),
            cap_cents: user.map_or(Some(0), |c| kyc_cap(cfg, c.kyc_level)),
            amount_cents: 0,
            capped: false,
        }
    }
}

/// `users.kyc_level` (any integer type) as the `int` column of the SQL interface.
fn level_i32(level: i64) -> i32 {
    level.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// The allocation of one pool over one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Payout {
    pub pool_cents: i64,
    /// One row per creator with units > 0, by creator_id.
    pub rows: Vec<PayoutRow>,
    pub allocated_cents: i64,
    pub unallocated_cents: i64,
    pub total_units: f64,
}

impl Payout {
    /// Creators paid (amount > 0).
    pub fn creators_paid(&self) -> i32 {
        self.rows.iter().filter(|r| r.amount_cents > 0).count() as i32
    }
}

/// Sums each creator's units over the days (monthly run: Σ_D units(c, D)), in day order.
#[derive(Debug, Default)]
pub struct UnitTotals(FxHashMap<i64, f64>);

impl UnitTotals {
    pub fn add_day(&mut self, day: &DayUnits) {
        for c in &day.creators {
            *self.0.entry(c.creator_id).or_insert(0.0) += c.units;
        }
    }
}

/// The cent-exact allocation of `pool_cents` over the creators with units > 0: capped
/// (SPEC §5) with `over_cap = redistribute`, proportional (SPEC §9) with `hold`.
pub fn payout(cfg: &Config, pool_cents: i64, totals: &UnitTotals, users: &Creators) -> Result<Payout, AllocationError> {
    // (id, units, kyc_level, has a users row): one lookup of the users row per creator.
    let mut eligible: Vec<(i64, f64, Option<i64>, bool)> = totals
        .0
        .iter()
        .filter(|(_, u)| **u > 0.0)
        .map(|(id, u)| {
            let user = users.get(id);
            (*id, *u, user.and_then(|c| c.kyc_level), user.is_some())
        })
        .collect();
    eligible.sort_unstable_by_key(|e| e.0); // by creator_id: the same claims, sums and rows every time
    let claims: Vec<Claim> = eligible
        .iter()
        .map(|&(id, units, level, has_user)| Claim {
            creator_id: id,
            units,
            // No users row: cap 0 (SPEC §4.4), like a NULL kyc_level.
            cap_cents: if has_user { kyc_cap(cfg, level) } else { Some(0) },
        })
        .collect();
    // From +0.0: `Iterator::sum` of no f64 is -0.0, which a correction with no units stored as
    // `total_units = -0`.
    let total_units: f64 = claims.iter().fold(0.0, |a, c| a + c.units);
    let alloc = match cfg.over_cap {
        OverCap::Redistribute => allocate(pool_cents, &claims)?,
        OverCap::Hold => allocate_hold(pool_cents, &claims)?,
    };
    // The shares come sorted by creator_id, one per claim: the k-th is eligible[k]'s (searched
    // for, should that ever not hold).
    let level = |k: usize, id: i64| match eligible.get(k) {
        Some(e) if e.0 == id => e.2,
        _ => eligible.binary_search_by_key(&id, |e| e.0).ok().and_then(|j| eligible[j].2),
    };
    let rows = alloc
        .shares
        .into_iter()
        .enumerate()
        .map(|(k, s)| PayoutRow {
            creator_id: s.creator_id,
            units: s.units,
            kyc_level: level(k, s.creator_id).map(level_i32),
            cap_cents: s.cap_cents,
            amount_cents: s.amount_cents,
            capped: s.capped,
        })
        .collect();
    Ok(Payout {
        pool_cents,
        rows,
        allocated_cents: alloc.allocated_cents,
        unallocated_cents: alloc.unallocated_cents,
        total_units,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::units::CreatorUnits;

    fn day(rows: &[(i64, f64)]) -> DayUnits {
        DayUnits {
            day: 0,
            videos: vec![],
            creators: rows
                .iter()
                .map(|(id, u)| CreatorUnits {
                    creator_id: *id,
                    units: *u,
                    raw_units: 0.0,
                    videos: 1,
                    integrity_mult: 1.0,
                    trust_mult: 1.0,
                    excluded: *u == 0.0,
                })
                .collect(),
        }
    }

    fn user(kyc: Option<i64>) -> Creator {
        Creator { kyc_level: kyc, trust_score: None, likely_bot: false }
    }

    #[test]
    fn spec_example_with_caps_over_two_days() {
        // A 50 (KYC 1), B 30 (KYC 3), C 20 (KYC 0), split over two days; a bot with 0 units.
        let mut t = UnitTotals::default();
        t.add_day(&day(&[(1, 20.0), (2, 10.0), (3, 5.0), (5, 0.0)]));
        t.add_day(&day(&[(1, 30.0), (2, 20.0), (3, 15.0)]));
        let users: Creators =
            [(1, user(Some(1))), (2, user(Some(3))), (3, user(Some(0))), (5, user(Some(3)))].into_iter().collect();
        let p = payout(&Config::default(), 10_000, &t, &users).unwrap();
        let got: Vec<(i64, i64, Option<i64>, bool)> =
            p.rows.iter().map(|r| (r.creator_id, r.amount_cents, r.cap_cents, r.capped)).collect();
        assert_eq!(got, vec![(1, 5_000, Some(5_000), true), (2, 5_000, None, false), (3, 0, Some(0), true)]);
        assert_eq!((p.allocated_cents, p.unallocated_cents, p.creators_paid()), (10_000, 0, 2));
        assert_eq!(p.total_units, 100.0);
    }

    #[test]
    fn no_units_total_is_positive_zero() {
        let mut t = UnitTotals::default();
        t.add_day(&day(&[(5, 0.0)]));
        let p = payout(&Config::default(), 1_000, &t, &Creators::default()).unwrap();
        assert!(p.rows.is_empty());
        assert!(p.total_units == 0.0 && p.total_units.is_sign_positive(), "{}", p.total_units);
        assert_eq!((p.allocated_cents, p.unallocated_cents), (0, 1_000));
    }

    #[test]
    fn creator_without_users_row_has_cap_zero_and_null_level() {
        let mut t = UnitTotals::default();
        t.add_day(&day(&[(13, 10.0), (1, 10.0)]));
        let users: Creators = [(1, user(Some(3)))].into_iter().collect();
        let p = payout(&Config::default(), 1_000, &t, &users).unwrap();
        assert_eq!(p.rows[1].creator_id, 13);
        assert_eq!(
            (p.rows[1].kyc_level, p.rows[1].cap_cents, p.rows[1].amount_cents, p.rows[1].capped),
            (None, Some(0), 0, true)
        );
        assert_eq!(p.rows[0].amount_cents, 1_000);
    }

    /// (creator, amount, cap, kyc level, capped) per row.
    type Summary = (i64, i64, Option<i64>, Option<i32>, bool);

    fn summary(p: &Payout) -> Vec<Summary> {
        p.rows.iter().map(|r| (r.creator_id, r.amount_cents, r.cap_cents, r.kyc_level, r.capped)).collect()
    }

    #[test]
    fn hold_earns_the_proportional_share_and_reports_the_caps() {
        let hold = Config { over_cap: OverCap::Hold, ..Config::default() };
        // SPEC §9: A 50 units KYC 1, B 50 units KYC 3. Pool 10,000 → 5,000 each (A exactly at
        // its cap: not capped); pool 20,000 → 10,000 each, A over its cap.
        let mut t = UnitTotals::default();
        t.add_day(&day(&[(1, 50.0), (2, 50.0)]));
        let users: Creators = [(1, user(Some(1))), (2, user(Some(3)))].into_iter().collect();
        let p = payout(&hold, 10_000, &t, &users).unwrap();
        assert_eq!(summary(&p), vec![(1, 5_000, Some(5_000), Some(1), false), (2, 5_000, None, Some(3), false)]);
        let p = payout(&hold, 20_000, &t, &users).unwrap();
        assert_eq!(summary(&p), vec![(1, 10_000, Some(5_000), Some(1), true), (2, 10_000, None, Some(3), false)]);
        assert_eq!((p.allocated_cents, p.unallocated_cents, p.creators_paid()), (20_000, 0, 2));
        // SPEC §5's example (A 50 KYC 1, B 30 KYC 3, C 20 KYC 0, plus a creator without a users
        // row): redistribute gives 5,000 / 5,000 / 0 / 0; hold gives the units' proportions.
        let mut t = UnitTotals::default();
        t.add_day(&day(&[(1, 50.0), (2, 30.0), (3, 20.0), (4, 25.0)]));
        let users: Creators = [(1, user(Some(1))), (2, user(Some(3))), (3, user(Some(0)))].into_iter().collect();
        let p = payout(&Config::default(), 12_500, &t, &users).unwrap();
        assert_eq!(
            summary(&p),
            vec![
                (1, 5_000, Some(5_000), Some(1), true),
                (2, 7_500, None, Some(3), false),
                (3, 0, Some(0), Some(0), true),
                (4, 0, Some(0), None, true)
            ]
        );
        let p = payout(&hold, 12_500, &t, &users).unwrap();
        assert_eq!(
            summary(&p),
            vec![
                (1, 5_000, Some(5_000), Some(1), false),
                (2, 3_000, None, Some(3), false),
                (3, 2_000, Some(0), Some(0), true),
                (4, 2_500, Some(0), None, true)
            ]
        );
        assert_eq!((p.allocated_cents, p.unallocated_cents, p.total_units), (12_500, 0, 125.0));
        // Largest remainder with ties to the smaller id: 100 among three equal creators.
        let mut t = UnitTotals::default();
        t.add_day(&day(&[(9, 1.0), (7, 1.0), (8, 1.0)]));
        let p = payout(&hold, 100, &t, &Creators::default()).unwrap();
        let amounts: Vec<(i64, i64)> = p.rows.iter().map(|r| (r.creator_id, r.amount_cents)).collect();
        assert_eq!(amounts, vec![(7, 34), (8, 33), (9, 33)]);
    }

    #[test]
    fn nothing_to_allocate_without_units() {
        let mut t = UnitTotals::default();
        t.add_day(&day(&[(5, 0.0)]));
        for over_cap in [OverCap::Redistribute, OverCap::Hold] {
            let p = payout(&Config { over_cap, ..Config::default() }, 1_000, &t, &Creators::default()).unwrap();
            assert!(p.rows.is_empty());
            assert_eq!((p.allocated_cents, p.unallocated_cents), (0, 1_000));
        }
    }
}
