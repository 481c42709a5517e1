//! Payouts over time (SPEC §9): the payment step and the deltas of a correction.
//!
//! Pure Rust (no pgrx). A run decides what each creator *earned* (`payout`); the payment step
//! here decides what is *paid* now, given what the creator was owed before, its KYC cap, what
//! the run key already paid it, and the `min_payout_cents` policy. The caller reads those
//! inputs and writes the resulting postings; nothing here touches the database.
//!
//! Every sum in cents is checked: an overflow is an error naming the creator and the exact
//! value, never a panic or a wrapped amount.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// One creator's part in a payment step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub creator_id: i64,
    /// What this run adds to the creator's earnings: the amount for a commit, the delta for a
    /// correction (may be negative).
    pub earned_cents: i64,
    /// What the creator was owed before this run (>= 0).
    pub owed_before_cents: i64,
    /// The KYC cap of one run key (`None` = unlimited).
    pub cap_cents: Option<i64>,
    /// Paid to the creator under this run key so far: the original run plus every correction,
    /// clawbacks negative.
    pub paid_under_key_cents: i64,
    pub likely_bot: bool,
}

/// What the payment step does for one creator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub creator_id: i64,
    /// Copied from the participant: the run's entry records it next to `paid_cents`.
    pub earned_cents: i64,
    /// > 0: an inflow of that amount; < 0: a clawback (an outflow of `-paid_cents`); 0: nothing.
    pub paid_cents: i64,
    /// Owed after this run (>= 0).
    pub owed_after_cents: i64,
}

/// Why a payment step or a correction cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// A quantity in cents left the `bigint` range; `value` is its exact value.
    Overflow {
        creator_id: i64,
        quantity: &'static str,
        value: i128,
    },
    NegativeMinPayout(i64),
    NegativeCap {
        creator_id: i64,
        cap_cents: i64,
    },
    /// Owed is never negative (a negative balance is clawed back at once), so an input with
    /// one comes from a broken ledger; refusing it keeps the error visible.
    NegativeOwed {
        creator_id: i64,
        owed_cents: i64,
    },
    DuplicateCreator(i64),
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::Overflow { creator_id, quantity, value } => {
                write!(f, "{quantity} of creator {creator_id} is out of range: {value} cents does not fit a bigint")
            }
            PolicyError::NegativeMinPayout(v) => write!(f, "min_payout_cents must be >= 0, not {v}"),
            PolicyError::NegativeCap { creator_id, cap_cents } => {
                write!(f, "negative cap for creator {creator_id}: {cap_cents} cents")
            }
            PolicyError::NegativeOwed { creator_id, owed_cents } => {
                write!(f, "negative owed balance for creator {creator_id}: {owed_cents} cents")
            }
            PolicyError::DuplicateCreator(id) => write!(f, "duplicate creator id: {id}"),
        }
    }
}

impl std::error::Error for PolicyError {}

/// The payment step of SPEC §9 for every participant, in creator_id order.
///
/// For each creator, owed = owed_before + earned, then:
/// - owed < 0: a clawback of the negative part (`paid = owed`, owed_after 0), bots included:
///   taking money back is not a payment;
/// - a likely bot is paid nothing, its owed stays (a hold);
/// - otherwise payable = min(owed, cap − paid_under_key) (no cap: owed), floored at 0, and it
///   is paid in full iff it is > 0 and >= `min_payout_cents`; else it stays owed.
pub fn settle(min_payout_cents: i64, parts: &[Participant]) -> Result<Vec<Posting>, PolicyError> {
    if min_payout_cents < 0 {
        return Err(PolicyError::NegativeMinPayout(min_payout_cents));
    }
    let mut sorted: Vec<&Participant> = parts.iter().collect();
    sorted.sort_by_key(|p| p.creator_id);
    if let Some(w) = sorted.windows(2).find(|w| w[0].creator_id == w[1].creator_id) {
        return Err(PolicyError::DuplicateCreator(w[0].creator_id));
    }
    sorted.into_iter().map(|p| settle_one(min_payout_cents, p)).collect()
}

fn settle_one(min_payout_cents: i64, p: &Participant) -> Result<Posting, PolicyError> {
    let overflow =
        |quantity: &'static str, value: i128| PolicyError::Overflow { creator_id: p.creator_id, quantity, value };
    if p.owed_before_cents < 0 {
        return Err(PolicyError::NegativeOwed { creator_id: p.creator_id, owed_cents: p.owed_before_cents });
    }
    if let Some(cap) = p.cap_cents.filter(|c| *c < 0) {
        return Err(PolicyError::NegativeCap { creator_id: p.creator_id, cap_cents: cap });
    }
    let posting = |paid_cents: i64, owed_after_cents: i64| Posting {
        creator_id: p.creator_id,
        earned_cents: p.earned_cents,
        paid_cents,
        owed_after_cents,
    };
    let owed = p
        .owed_before_cents
        .checked_add(p.earned_cents)
        .ok_or_else(|| overflow("owed", i128::from(p.owed_before_cents) + i128::from(p.earned_cents)))?;
    if owed < 0 {
        // The outflow row carries -owed, which must fit as well (not for i64::MIN).
        owed.checked_neg().ok_or_else(|| overflow("clawback", -i128::from(owed)))?;
        return Ok(posting(owed, 0));
    }
    if p.likely_bot {
        return Ok(posting(0, owed));
    }
    let room = match p.cap_cents {
        None => owed,
        // paid_under_key is negative after a clawback, so this may leave the range.
        Some(cap) => cap
            .checked_sub(p.paid_under_key_cents)
            .ok_or_else(|| overflow("cap room", i128::from(cap) - i128::from(p.paid_under_key_cents)))?,
    };
    let payable = owed.min(room).max(0);
    let paid = if payable > 0 && payable >= min_payout_cents { payable } else { 0 };
    // 0 <= paid <= owed: no overflow.
    Ok(posting(paid, owed - paid))
}

/// One creator of a correction: what the run key earned so far, the recomputed target, and
/// the difference that the correction books.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delta {
    pub creator_id: i64,
    pub earned_cents: i64,
    pub target_cents: i64,
    pub delta_cents: i64,
}

/// The deltas of a correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectionDeltas {
    /// Every creator whose earned-so-far or target is not 0, by creator_id.
    pub rows: Vec<Delta>,
    /// Every delta is 0. (The correction is `unchanged` when this holds *and* the pool is the
    /// key's current one; the pool is the caller's to compare.)
    pub unchanged: bool,
}

/// `delta(c) = target(c) − earned so far for the run key` (SPEC §9 step 3), for every creator
/// in either map (a creator missing from one has 0 there).
pub fn correction_deltas(
    targets: &BTreeMap<i64, i64>,
    earned_so_far: &HashMap<i64, i64>,
) -> Result<CorrectionDeltas, PolicyError> {
    let mut ids: Vec<i64> = targets.keys().chain(earned_so_far.keys()).copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let mut rows = Vec::with_capacity(ids.len());
    for creator_id in ids {
        let target_cents = targets.get(&creator_id).copied().unwrap_or(0);
        let earned_cents = earned_so_far.get(&creator_id).copied().unwrap_or(0);
        if target_cents == 0 && earned_cents == 0 {
            continue;
        }
        let delta_cents = target_cents.checked_sub(earned_cents).ok_or(PolicyError::Overflow {
            creator_id,
            quantity: "delta",
            value: i128::from(target_cents) - i128::from(earned_cents),
        })?;
        rows.push(Delta { creator_id, earned_cents, target_cents, delta_cents });
    }
    let unchanged = rows.iter().all(|d| d.delta_cents == 0);
    Ok(CorrectionDeltas { rows, unchanged })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(creator_id: i64, earned: i64, owed_before: i64, cap: Option<i64>, paid_under_key: i64) -> Participant {
        Participant {
            creator_id,
            earned_cents: earned,
            owed_before_cents: owed_before,
            cap_cents: cap,
            paid_under_key_cents: paid_under_key,
            likely_bot: false,
        }
    }

    fn bot(p: Participant) -> Participant {
        Participant { likely_bot: true, ..p }
    }

    /// `(creator_id, paid, owed_after)` per posting.
    fn paid(min: i64, parts: &[Participant]) -> Vec<(i64, i64, i64)> {
        settle(min, parts).unwrap().iter().map(|p| (p.creator_id, p.paid_cents, p.owed_after_cents)).collect()
    }

    // ---- the payment step, rule by rule

    #[test]
    fn defaults_pay_what_is_earned() {
        // No threshold, within the cap: everything earned is paid, nothing stays owed.
        let parts = [part(2, 3_000, 0, None, 0), part(1, 5_000, 0, Some(5_000), 0), part(3, 0, 0, Some(0), 0)];
        assert_eq!(paid(0, &parts), vec![(1, 5_000, 0), (2, 3_000, 0), (3, 0, 0)]);
        let postings = settle(0, &parts).unwrap();
        assert_eq!(postings.iter().map(|p| p.earned_cents).collect::<Vec<_>>(), vec![5_000, 3_000, 0]);
    }

    #[test]
    fn the_cap_limits_one_run_key_and_the_rest_stays_owed() {
        // Owed 7,000 (5,000 before + 2,000 now), cap 5,000: pays 5,000, owes 2,000.
        assert_eq!(paid(0, &[part(1, 2_000, 5_000, Some(5_000), 0)]), vec![(1, 5_000, 2_000)]);
        // The key already paid 4,000 of its 5,000: only 1,000 more.
        assert_eq!(paid(0, &[part(1, 3_000, 0, Some(5_000), 4_000)]), vec![(1, 1_000, 2_000)]);
        // The key already paid the cap (or more, after a KYC level went down): nothing.
        assert_eq!(paid(0, &[part(1, 3_000, 0, Some(5_000), 5_000)]), vec![(1, 0, 3_000)]);
        assert_eq!(paid(0, &[part(1, 3_000, 0, Some(5_000), 9_000)]), vec![(1, 0, 3_000)]);
        // A clawback under the key (negative paid so far) makes room again.
        assert_eq!(paid(0, &[part(1, 0, 8_000, Some(5_000), -1_000)]), vec![(1, 6_000, 2_000)]);
        // Cap 0: never paid. Unlimited: everything owed.
        assert_eq!(paid(0, &[part(1, 700, 300, Some(0), 0)]), vec![(1, 0, 1_000)]);
        assert_eq!(paid(0, &[part(1, 700, 300, None, 123_456)]), vec![(1, 1_000, 0)]);
    }

    #[test]
    fn the_threshold_defers_small_amounts() {
        assert_eq!(paid(1_000, &[part(1, 999, 0, None, 0)]), vec![(1, 0, 999)]);
        assert_eq!(paid(1_000, &[part(1, 1_000, 0, None, 0)]), vec![(1, 1_000, 0)]);
        // The threshold applies to what is payable now, after the cap.
        assert_eq!(paid(1_000, &[part(1, 5_000, 0, Some(5_000), 4_500)]), vec![(1, 0, 5_000)]);
        assert_eq!(paid(1_000, &[part(1, 5_000, 0, Some(5_000), 4_000)]), vec![(1, 1_000, 4_000)]);
        // A creator owed money takes part with nothing earned in this run.
        assert_eq!(paid(1_000, &[part(1, 0, 1_500, None, 0)]), vec![(1, 1_500, 0)]);
    }

    #[test]
    fn a_negative_owed_is_clawed_back_even_from_a_bot() {
        // Earned −4,000 with nothing owed: an outflow of 4,000, owed back to 0.
        assert_eq!(paid(0, &[part(2, -4_000, 0, None, 4_000)]), vec![(2, -4_000, 0)]);
        // Owed 1,000 absorbs part of the −4,000.
        assert_eq!(paid(0, &[part(2, -4_000, 1_000, Some(5_000), 4_000)]), vec![(2, -3_000, 0)]);
        assert_eq!(paid(0, &[bot(part(2, -4_000, 1_000, None, 4_000))]), vec![(2, -3_000, 0)]);
        // The threshold never delays a clawback.
        assert_eq!(paid(1_000_000, &[part(2, -1, 0, None, 1)]), vec![(2, -1, 0)]);
        // A negative delta that owed covers is no clawback: it lowers what is owed, and the
        // rest is paid as usual.
        assert_eq!(paid(0, &[part(2, -400, 1_000, None, 0)]), vec![(2, 600, 0)]);
    }

    #[test]
    fn a_bot_is_held_not_paid() {
        assert_eq!(paid(0, &[bot(part(3, 2_500, 500, None, 0))]), vec![(3, 0, 3_000)]);
        assert_eq!(paid(0, &[bot(part(3, 0, 0, None, 0))]), vec![(3, 0, 0)]);
    }

    #[test]
    fn settle_refuses_bad_input_and_overflow() {
        let ok = part(1, 10, 0, None, 0);
        assert_eq!(settle(-1, std::slice::from_ref(&ok)), Err(PolicyError::NegativeMinPayout(-1)));
        assert_eq!(settle(0, &[ok.clone(), part(1, 5, 0, None, 0)]), Err(PolicyError::DuplicateCreator(1)));
        assert_eq!(
            settle(0, &[part(4, 1, 0, Some(-2), 0)]),
            Err(PolicyError::NegativeCap { creator_id: 4, cap_cents: -2 })
        );
        assert_eq!(
            settle(0, &[part(5, 1, -3, None, 0)]),
            Err(PolicyError::NegativeOwed { creator_id: 5, owed_cents: -3 })
        );
        let max = i128::from(i64::MAX);
        assert_eq!(
            settle(0, &[ok.clone(), part(7, 1, i64::MAX, None, 0)]),
            Err(PolicyError::Overflow { creator_id: 7, quantity: "owed", value: max + 1 })
        );
        assert_eq!(
            settle(0, &[part(8, i64::MIN, 0, None, 0)]),
            Err(PolicyError::Overflow { creator_id: 8, quantity: "clawback", value: max + 1 })
        );
        assert_eq!(
            settle(0, &[part(9, 5, 0, Some(i64::MAX), -1)]),
            Err(PolicyError::Overflow { creator_id: 9, quantity: "cap room", value: max + 1 })
        );
        // The largest values that fit are fine.
        assert_eq!(paid(0, &[part(1, i64::MAX - 1, 1, None, 0)]), vec![(1, i64::MAX, 0)]);
        assert_eq!(paid(0, &[part(1, i64::MIN + 1, 0, Some(0), 0)]), vec![(1, i64::MIN + 1, 0)]);
        assert_eq!(paid(0, &[part(1, 5, 0, Some(i64::MAX), 0)]), vec![(1, 5, 0)]);
        assert_eq!(
            PolicyError::Overflow { creator_id: 7, quantity: "owed", value: max + 1 }.to_string(),
            "owed of creator 7 is out of range: 9223372036854775808 cents does not fit a bigint"
        );
        assert_eq!(PolicyError::NegativeMinPayout(-1).to_string(), "min_payout_cents must be >= 0, not -1");
        assert_eq!(PolicyError::DuplicateCreator(3).to_string(), "duplicate creator id: 3");
    }

    // ---- correction deltas

    #[test]
    fn deltas_list_every_creator_with_earnings_or_a_target() {
        let targets: BTreeMap<i64, i64> = [(1, 10_000), (2, 0), (5, 7), (6, 0)].into_iter().collect();
        let earned: HashMap<i64, i64> = [(1, 6_000), (2, 4_000), (9, 0), (3, 50)].into_iter().collect();
        let d = correction_deltas(&targets, &earned).unwrap();
        assert_eq!(
            d.rows,
            vec![
                Delta { creator_id: 1, earned_cents: 6_000, target_cents: 10_000, delta_cents: 4_000 },
                Delta { creator_id: 2, earned_cents: 4_000, target_cents: 0, delta_cents: -4_000 },
                Delta { creator_id: 3, earned_cents: 50, target_cents: 0, delta_cents: -50 },
                Delta { creator_id: 5, earned_cents: 0, target_cents: 7, delta_cents: 7 },
            ]
        );
        assert!(!d.unchanged);
        let same: HashMap<i64, i64> = [(1, 10_000), (5, 7), (8, 0)].into_iter().collect();
        let d = correction_deltas(&targets, &same).unwrap();
        assert!(d.unchanged);
        assert_eq!(d.rows.iter().map(|r| (r.creator_id, r.delta_cents)).collect::<Vec<_>>(), vec![(1, 0), (5, 0)]);
        let d = correction_deltas(&BTreeMap::new(), &HashMap::new()).unwrap();
        assert!(d.unchanged && d.rows.is_empty());
        assert_eq!(
            correction_deltas(&[(4, i64::MAX)].into_iter().collect(), &[(4, -1)].into_iter().collect()),
            Err(PolicyError::Overflow { creator_id: 4, quantity: "delta", value: i128::from(i64::MAX) + 1 })
        );
    }

    // ---- a pure model of the ledger
    //
    // `Book` keeps what the extension keeps (entries per creator and run key, owed balances,
    // the transactions rows, balances, each key's recorded configuration and latest targets)
    // and changes it only through `payout`, `correction_deltas` and `settle`, the way a commit,
    // a daily run and a correction do (SPEC §6, §9). `World` is the application's data.

    use crate::config::{kyc_cap, Config, OverCap};
    use crate::engine::units::{Creator, CreatorUnits, Creators, DayUnits};
    use crate::money::payout::{payout, UnitTotals};
    use proptest::prelude::*;
    use proptest::test_runner::{Config as ProptestConfig, TestRunner};
    use std::cell::RefCell;

    /// Creators 1..=CREATORS; the last one starts without a users row.
    const CREATORS: i64 = 5;
    /// Days 0..DAYS; month `m` is days `3m..3m+3`.
    const DAYS: usize = 9;
    const MONTHS: usize = DAYS / 3;

    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    enum RunKey {
        Daily(usize),
        Monthly(usize),
    }

    impl RunKey {
        fn days(self) -> std::ops::Range<usize> {
            match self {
                RunKey::Daily(d) => d..d + 1,
                RunKey::Monthly(m) => 3 * m..3 * m + 3,
            }
        }
    }

    /// The application's data as the extension reads it.
    #[derive(Debug, Clone)]
    struct World {
        /// `units[day][creator − 1]`, before the bot exclusion (SPEC §4.3 applies it here).
        units: Vec<Vec<f64>>,
        /// A creator without a row has cap 0 and is not a bot (SPEC §4.4).
        users: BTreeMap<i64, Creator>,
    }

    impl World {
        fn new() -> World {
            World { units: vec![vec![0.0; CREATORS as usize]; DAYS], users: BTreeMap::new() }
        }

        fn user(mut self, id: i64, kyc_level: Option<i64>, likely_bot: bool) -> World {
            self.users.insert(id, Creator { kyc_level, trust_score: None, likely_bot });
            self
        }

        fn set(&mut self, day: usize, id: i64, units: f64) {
            self.units[day][(id - 1) as usize] = units;
        }

        fn is_bot(&self, id: i64) -> bool {
            self.users.get(&id).is_some_and(|u| u.likely_bot)
        }

        fn totals(&self, key: RunKey) -> UnitTotals {
            let mut t = UnitTotals::default();
            for d in key.days() {
                let creators = (1..=CREATORS)
                    .map(|id| {
                        let raw = self.units[d][(id - 1) as usize];
                        let bot = self.is_bot(id);
                        CreatorUnits {
                            creator_id: id,
                            units: if bot { 0.0 } else { raw },
                            raw_units: raw,
                            videos: 1,
                            integrity_mult: 1.0,
                            trust_mult: 1.0,
                            excluded: bot,
                        }
                    })
                    .collect();
                t.add_day(&DayUnits { day: d as u32, videos: vec![], creators });
            }
            t
        }

        fn users_map(&self) -> Creators {
            self.users.iter().map(|(id, c)| (*id, c.clone())).collect()
        }

        /// A creator's cap for one run key under `cfg`, and its bot flag, as of now.
        fn standing(&self, cfg: &Config, id: i64) -> (Option<i64>, bool) {
            match self.users.get(&id) {
                Some(u) => (kyc_cap(cfg, u.kyc_level), u.likely_bot),
                None => (Some(0), false),
            }
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    struct Entry {
        key: RunKey,
        earned: i64,
        paid: i64,
    }

    /// A run key: the configuration of its original run, its latest pool and targets.
    #[derive(Debug, Clone, PartialEq)]
    struct KeyRecord {
        cfg: Config,
        pool: i64,
        targets: BTreeMap<i64, i64>,
        unallocated: i64,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Status {
        Committed,
        Skipped,
        NoUnits,
        Corrected,
        Unchanged,
        NothingToCorrect,
    }

    #[derive(Debug, Clone, Default, PartialEq)]
    struct Book {
        entries: BTreeMap<i64, Vec<Entry>>,
        owed: BTreeMap<i64, i64>,
        /// `transactions` rows: (recipient, amount_cents > 0, inflow?).
        ledger: Vec<(i64, i64, bool)>,
        balance: BTreeMap<i64, i64>,
        keys: BTreeMap<RunKey, KeyRecord>,
        /// The cap in force when a key last paid a creator a positive amount.
        last_paid_cap: BTreeMap<(RunKey, i64), Option<i64>>,
    }

    /// The last payment step, for the tests to look at.
    #[derive(Debug, Clone, Default)]
    struct Step {
        parts: Vec<Participant>,
        postings: Vec<Posting>,
        min_payout_cents: i64,
    }

    impl Book {
        fn key_sums(&self, key: RunKey) -> (HashMap<i64, i64>, HashMap<i64, i64>) {
            let (mut earned, mut paid) = (HashMap::new(), HashMap::new());
            for (id, entries) in &self.entries {
                for e in entries.iter().filter(|e| e.key == key) {
                    *earned.entry(*id).or_insert(0) += e.earned;
                    *paid.entry(*id).or_insert(0) += e.paid;
                }
            }
            (earned, paid)
        }

        /// A commit (monthly) or a daily run: SPEC §6 with the payment step of §9.
        fn commit(&mut self, world: &World, cfg: &Config, key: RunKey, pool: i64) -> (Status, Step) {
            if self.keys.contains_key(&key) {
                return (Status::Skipped, Step::default());
            }
            let p = payout(cfg, pool, &world.totals(key), &world.users_map()).expect("valid payout input");
            if p.rows.is_empty() {
                return (Status::NoUnits, Step::default());
            }
            let targets: BTreeMap<i64, i64> = p.rows.iter().map(|r| (r.creator_id, r.amount_cents)).collect();
            let record =
                KeyRecord { cfg: cfg.clone(), pool, targets: targets.clone(), unallocated: p.unallocated_cents };
            self.keys.insert(key, record);
            (Status::Committed, self.pay(world, key, &targets))
        }

        /// A correction (SPEC §9): targets from the data as it is now with the key's recorded
        /// configuration; the given pool, else the key's latest.
        fn correct(&mut self, world: &World, key: RunKey, pool: Option<i64>) -> (Status, Step) {
            let Some(record) = self.keys.get(&key) else {
                return (Status::NothingToCorrect, Step::default());
            };
            let pool = pool.unwrap_or(record.pool);
            let p = payout(&record.cfg, pool, &world.totals(key), &world.users_map()).expect("valid payout input");
            let targets: BTreeMap<i64, i64> = p.rows.iter().map(|r| (r.creator_id, r.amount_cents)).collect();
            let d = correction_deltas(&targets, &self.key_sums(key).0).expect("no overflow");
            if d.unchanged && pool == record.pool {
                return (Status::Unchanged, Step::default());
            }
            let record = self.keys.get_mut(&key).expect("checked above");
            *record = KeyRecord { cfg: record.cfg.clone(), pool, targets, unallocated: p.unallocated_cents };
            let earned: BTreeMap<i64, i64> = d.rows.iter().map(|r| (r.creator_id, r.delta_cents)).collect();
            (Status::Corrected, self.pay(world, key, &earned))
        }

        /// The payment step of `key` for every creator with `earned` ≠ 0 or owed > 0, and the
        /// bookkeeping of its postings. Asserts, at the time of the step, what only holds then.
        fn pay(&mut self, world: &World, key: RunKey, earned: &BTreeMap<i64, i64>) -> Step {
            let cfg = self.keys[&key].cfg.clone();
            let mut ids: Vec<i64> = earned.iter().filter(|(_, e)| **e != 0).map(|(id, _)| *id).collect();
            ids.extend(self.owed.iter().filter(|(_, o)| **o > 0).map(|(id, _)| *id));
            ids.sort_unstable();
            ids.dedup();
            let paid_so_far = self.key_sums(key).1;
            let parts: Vec<Participant> = ids
                .iter()
                .map(|&id| {
                    let (cap_cents, likely_bot) = world.standing(&cfg, id);
                    Participant {
                        creator_id: id,
                        earned_cents: earned.get(&id).copied().unwrap_or(0),
                        owed_before_cents: self.owed.get(&id).copied().unwrap_or(0),
                        cap_cents,
                        paid_under_key_cents: paid_so_far.get(&id).copied().unwrap_or(0),
                        likely_bot,
                    }
                })
                .collect();
            let postings = settle(cfg.min_payout_cents, &parts).expect("no overflow");
            assert_eq!(postings.len(), parts.len());
            for (p, part) in postings.iter().zip(&parts) {
                assert_eq!(p.creator_id, part.creator_id, "postings in creator order");
                let c = p.creator_id;
                if p.earned_cents != 0 || p.paid_cents != 0 {
                    self.entries.entry(c).or_default().push(Entry { key, earned: p.earned_cents, paid: p.paid_cents });
                }
                self.owed.insert(c, p.owed_after_cents);
                if p.paid_cents != 0 {
                    self.ledger.push((c, p.paid_cents.abs(), p.paid_cents > 0));
                    *self.balance.entry(c).or_insert(0) += p.paid_cents;
                }
                if p.paid_cents > 0 {
                    // A payment never goes to a bot, never below the threshold, and never takes
                    // the key's total for the creator above the cap in force now.
                    assert!(!part.likely_bot, "{part:?} {p:?}");
                    assert!(p.paid_cents >= cfg.min_payout_cents, "{part:?} {p:?}");
                    let total: i64 = self.entries[&c].iter().filter(|e| e.key == key).map(|e| e.paid).sum();
                    if let Some(cap) = part.cap_cents {
                        assert!(total <= cap, "{key:?} paid {c} {total} > cap {cap}");
                    }
                    self.last_paid_cap.insert((key, c), part.cap_cents);
                }
            }
            Step { parts, postings, min_payout_cents: cfg.min_payout_cents }
        }

        /// The invariants that hold after every step (see `random_sequences_keep_the_ledger_invariants`).
        fn check(&self) {
            for c in 1..=CREATORS {
                let entries = self.entries.get(&c).map(Vec::as_slice).unwrap_or(&[]);
                let earned: i64 = entries.iter().map(|e| e.earned).sum();
                let paid: i64 = entries.iter().map(|e| e.paid).sum();
                let owed = self.owed.get(&c).copied().unwrap_or(0);
                let signed: i64 = self
                    .ledger
                    .iter()
                    .filter(|r| r.0 == c)
                    .map(|&(_, amount, inflow)| if inflow { amount } else { -amount })
                    .sum();
                assert!(self.ledger.iter().all(|r| r.1 > 0), "ledger rows carry positive amounts");
                assert_eq!(signed, paid, "creator {c}: Σ signed ledger rows = paid");
                assert_eq!(self.balance.get(&c).copied().unwrap_or(0), paid, "creator {c}: balance moved by paid");
                assert_eq!(earned, paid + owed, "creator {c}: earned = paid + owed");
                assert!(owed >= 0, "creator {c}: owed {owed} < 0");
            }
            let defaults_only =
                self.keys.values().all(|r| r.cfg.min_payout_cents == 0 && r.cfg.over_cap == OverCap::Redistribute);
            for (key, record) in &self.keys {
                let (earned, paid) = self.key_sums(*key);
                for c in 1..=CREATORS {
                    let (e, p) = (earned.get(&c).copied().unwrap_or(0), paid.get(&c).copied().unwrap_or(0));
                    assert_eq!(e, record.targets.get(&c).copied().unwrap_or(0), "{key:?} creator {c}: earned = target");
                    match self.last_paid_cap.get(&(*key, c)) {
                        Some(Some(cap)) => assert!(p <= *cap, "{key:?} creator {c}: paid {p} > cap {cap}"),
                        Some(None) => {}
                        None => assert!(p <= 0, "{key:?} creator {c}: paid {p} without a payment"),
                    }
                    if defaults_only {
                        assert_eq!(p, e, "{key:?} creator {c}: default policies pay what is earned");
                    }
                }
                assert_eq!(record.targets.values().sum::<i64>() + record.unallocated, record.pool, "{key:?}");
            }
            if defaults_only {
                assert!(self.owed.values().all(|o| *o == 0), "default policies owe nothing: {:?}", self.owed);
            }
        }

        fn owed(&self, c: i64) -> i64 {
            self.owed.get(&c).copied().unwrap_or(0)
        }

        fn paid_total(&self, c: i64) -> i64 {
            self.entries.get(&c).map_or(0, |es| es.iter().map(|e| e.paid).sum())
        }
    }

    /// `(creator, earned, paid, owed_after)` of a step's postings.
    fn moves(step: &Step) -> Vec<(i64, i64, i64, i64)> {
        step.postings.iter().map(|p| (p.creator_id, p.earned_cents, p.paid_cents, p.owed_after_cents)).collect()
    }

    // ---- SPEC §9 examples, hand-computed, through the model

    #[test]
    fn spec_hold_example() {
        let hold = Config { over_cap: OverCap::Hold, ..Config::default() };
        // A (1) 50 units KYC 1 (cap 5,000), B (2) 50 units KYC 3.
        let mut world = World::new().user(1, Some(1), false).user(2, Some(3), false);
        for day in [0, 3] {
            world.set(day, 1, 50.0);
            world.set(day, 2, 50.0);
        }
        // Pool 10,000 → 5,000 each; nothing held.
        let mut book = Book::default();
        let (status, step) = book.commit(&world, &hold, RunKey::Monthly(0), 10_000);
        assert_eq!(status, Status::Committed);
        assert_eq!(moves(&step), vec![(1, 5_000, 5_000, 0), (2, 5_000, 5_000, 0)]);
        book.check();

        // Pool 20,000 → 10,000 each; A is paid 5,000 (its cap) and owes 5,000.
        let mut book = Book::default();
        let (_, step) = book.commit(&world, &hold, RunKey::Monthly(0), 20_000);
        assert_eq!(moves(&step), vec![(1, 10_000, 5_000, 5_000), (2, 10_000, 10_000, 0)]);
        book.check();
        // Next month A earns 2,000 (pool 4,000) and is paid 5,000 (the cap of the new key),
        // still owed 2,000.
        let (_, step) = book.commit(&world, &hold, RunKey::Monthly(1), 4_000);
        assert_eq!(moves(&step), vec![(1, 2_000, 5_000, 2_000), (2, 2_000, 2_000, 0)]);
        book.check();
        // A's KYC becomes 3: the next run (a daily run in which only B has units) pays A the
        // 2,000 it is owed.
        world.users.insert(1, Creator { kyc_level: Some(3), trust_score: None, likely_bot: false });
        world.set(6, 2, 10.0);
        let (_, step) = book.commit(&world, &hold, RunKey::Daily(6), 1_000);
        assert_eq!(moves(&step), vec![(1, 0, 2_000, 0), (2, 1_000, 1_000, 0)]);
        book.check();
        assert_eq!((book.paid_total(1), book.owed(1)), (12_000, 0));
    }

    #[test]
    fn spec_min_payout_example() {
        let cfg = Config { min_payout_cents: 1_000, ..Config::default() };
        // C (3), KYC 3, alone: earns 400 in July, 700 in August.
        let mut world = World::new().user(3, Some(3), false);
        world.set(0, 3, 7.0);
        world.set(3, 3, 2.5);
        let mut book = Book::default();
        let (_, july) = book.commit(&world, &cfg, RunKey::Monthly(0), 400);
        assert_eq!(moves(&july), vec![(3, 400, 0, 400)]);
        book.check();
        let (_, august) = book.commit(&world, &cfg, RunKey::Monthly(1), 700);
        assert_eq!(moves(&august), vec![(3, 700, 1_100, 0)]);
        book.check();
        // Paid in one row.
        assert_eq!(book.ledger, vec![(3, 1_100, true)]);
    }

    #[test]
    fn spec_bot_farm_correction_example() {
        // August, pool 10,000: A (1) 6,000, B (2) 4,000, both KYC 3, default policies.
        let mut world = World::new().user(1, Some(3), false).user(2, Some(3), false);
        world.set(0, 1, 60.0);
        world.set(1, 2, 40.0);
        let mut book = Book::default();
        let cfg = Config::default();
        let (_, step) = book.commit(&world, &cfg, RunKey::Monthly(0), 10_000);
        assert_eq!(moves(&step), vec![(1, 6_000, 6_000, 0), (2, 4_000, 4_000, 0)]);
        // B turns out to be a bot farm.
        world.users.get_mut(&2).unwrap().likely_bot = true;
        let targets = payout(&cfg, 10_000, &world.totals(RunKey::Monthly(0)), &world.users_map()).unwrap();
        assert_eq!(targets.rows.iter().map(|r| (r.creator_id, r.amount_cents)).collect::<Vec<_>>(), vec![(1, 10_000)]);
        let d = correction_deltas(&[(1, 10_000)].into_iter().collect(), &book.key_sums(RunKey::Monthly(0)).0).unwrap();
        assert_eq!(
            d.rows,
            vec![
                Delta { creator_id: 1, earned_cents: 6_000, target_cents: 10_000, delta_cents: 4_000 },
                Delta { creator_id: 2, earned_cents: 4_000, target_cents: 0, delta_cents: -4_000 },
            ]
        );
        let (status, step) = book.correct(&world, RunKey::Monthly(0), None);
        assert_eq!(status, Status::Corrected);
        // A: an inflow of 4,000. B: a clawback, an outflow of 4,000 (a bot is still clawed back).
        assert_eq!(moves(&step), vec![(1, 4_000, 4_000, 0), (2, -4_000, -4_000, 0)]);
        assert_eq!(book.ledger[2..], [(1, 4_000, true), (2, 4_000, false)]);
        assert_eq!((book.balance[&1], book.balance[&2]), (10_000, 0));
        book.check();
        // A second identical correction changes nothing.
        let before = book.clone();
        assert_eq!(book.correct(&world, RunKey::Monthly(0), None).0, Status::Unchanged);
        assert_eq!(book, before);
    }

    #[test]
    fn a_bot_is_held_until_the_flag_is_cleared() {
        // Hold policy, A (1) and B (2) unlimited. While flagged, B earns nothing (its units are 0)
        // and is paid nothing (what it is owed is held); clearing the flag releases it.
        let hold = Config { over_cap: OverCap::Hold, ..Config::default() };
        let mut world = World::new().user(1, Some(3), false).user(2, Some(3), false);
        world.set(0, 1, 1.0);
        world.set(0, 2, 1.0);
        world.set(3, 1, 1.0);
        world.set(6, 1, 1.0);
        let mut book = Book::default();
        // B has units in month 0 but the flag is set before the commit: no units, no share.
        world.users.get_mut(&2).unwrap().likely_bot = true;
        let (_, step) = book.commit(&world, &hold, RunKey::Monthly(0), 1_000);
        assert_eq!(moves(&step), vec![(1, 1_000, 1_000, 0)]);
        // Cleared: a correction gives B its half (and claws A's half back).
        world.users.get_mut(&2).unwrap().likely_bot = false;
        let (_, step) = book.correct(&world, RunKey::Monthly(0), None);
        assert_eq!(moves(&step), vec![(1, -500, -500, 0), (2, 500, 500, 0)]);
        book.check();
        // Flagged again at month 1's commit: no share; cleared, a correction pays it.
        world.set(3, 2, 1.0);
        world.users.get_mut(&2).unwrap().likely_bot = true;
        let (_, step) = book.commit(&world, &hold, RunKey::Monthly(1), 600);
        assert_eq!(moves(&step), vec![(1, 600, 600, 0)]);
        world.users.get_mut(&2).unwrap().likely_bot = false;
        let (_, step) = book.correct(&world, RunKey::Monthly(1), None);
        assert_eq!(moves(&step), vec![(1, -300, -300, 0), (2, 300, 300, 0)]);
        book.check();
        // B at KYC 0 (cap 0) earns 400 in month 2: held by the cap, owed.
        world.users.get_mut(&2).unwrap().kyc_level = Some(0);
        world.set(6, 2, 1.0);
        let (_, step) = book.commit(&world, &hold, RunKey::Monthly(2), 800);
        assert_eq!(moves(&step), vec![(1, 400, 400, 0), (2, 400, 0, 400)]);
        // Its KYC is fixed (unlimited) but it is flagged: the next run holds the 400.
        world.users.insert(2, Creator { kyc_level: Some(3), trust_score: None, likely_bot: true });
        world.set(7, 1, 1.0);
        let (_, step) = book.commit(&world, &hold, RunKey::Daily(7), 100);
        assert_eq!(moves(&step), vec![(1, 100, 100, 0), (2, 0, 0, 400)]);
        // The flag is cleared: the next run pays it.
        world.users.get_mut(&2).unwrap().likely_bot = false;
        world.set(8, 1, 1.0);
        let (_, step) = book.commit(&world, &hold, RunKey::Daily(8), 100);
        assert_eq!(moves(&step), vec![(1, 100, 100, 0), (2, 0, 400, 0)]);
        book.check();
    }

    // ---- random sequences

    #[derive(Debug, Clone)]
    enum Op {
        Monthly {
            month: usize,
            pool: i64,
        },
        Daily {
            day: usize,
            pool: i64,
        },
        /// Corrects an existing key (picked by `key`), with a new pool or the key's latest.
        Correct {
            key: prop::sample::Index,
            pool: Option<i64>,
        },
        /// Late events: units added to a creator's day.
        LateEvents {
            day: usize,
            creator: i64,
            units: f64,
        },
        BotFlip {
            creator: i64,
        },
        /// A creator's events are deleted: its units drop to 0 on every day.
        DeleteEvents {
            creator: i64,
        },
        /// A KYC level change (creates the users row of a creator that has none).
        Kyc {
            creator: i64,
            level: Option<i64>,
        },
        /// A policy change: applies to keys committed from now on.
        Policy {
            min_payout_cents: i64,
            over_cap: OverCap,
        },
    }

    fn pool_strategy() -> impl Strategy<Value = i64> {
        // Small pools make amounts below the thresholds; large ones exceed the KYC caps.
        prop_oneof![0i64..200, 0i64..20_000, 0i64..200_000, Just(10_000)]
    }

    fn units_strategy() -> impl Strategy<Value = f64> {
        prop_oneof![2 => Just(0.0), 2 => (1u32..60).prop_map(f64::from), 1 => 0.01f64..100.0]
    }

    fn level_strategy() -> impl Strategy<Value = Option<i64>> {
        prop_oneof![Just(None), Just(Some(0)), Just(Some(1)), Just(Some(2)), Just(Some(3))]
    }

    fn policy_strategy() -> impl Strategy<Value = (i64, OverCap)> {
        (
            prop_oneof![Just(0i64), Just(50), Just(1_000), Just(5_000)],
            prop_oneof![Just(OverCap::Redistribute), Just(OverCap::Hold)],
        )
    }

    fn world_strategy() -> impl Strategy<Value = World> {
        (
            prop::collection::vec(prop::collection::vec(units_strategy(), CREATORS as usize), DAYS),
            prop::collection::vec((level_strategy(), prop::bool::weighted(0.15)), (CREATORS - 1) as usize),
        )
            .prop_map(|(units, users)| World {
                units,
                users: users
                    .into_iter()
                    .zip(1..)
                    .map(|((kyc_level, likely_bot), id)| (id, Creator { kyc_level, trust_score: None, likely_bot }))
                    .collect(),
            })
    }

    fn op_strategy(policy_changes: bool) -> BoxedStrategy<Op> {
        let creator = 1..=CREATORS;
        let data_and_runs = prop_oneof![
            3 => (0..MONTHS, pool_strategy()).prop_map(|(month, pool)| Op::Monthly { month, pool }),
            3 => (0..DAYS, pool_strategy()).prop_map(|(day, pool)| Op::Daily { day, pool }),
            5 => (any::<prop::sample::Index>(), prop::option::weighted(0.3, pool_strategy()))
                .prop_map(|(key, pool)| Op::Correct { key, pool }),
            2 => (0..DAYS, creator.clone(), (1u32..40).prop_map(f64::from))
                .prop_map(|(day, creator, units)| Op::LateEvents { day, creator, units }),
            1 => creator.clone().prop_map(|creator| Op::BotFlip { creator }),
            1 => creator.clone().prop_map(|creator| Op::DeleteEvents { creator }),
            2 => (creator, level_strategy()).prop_map(|(creator, level)| Op::Kyc { creator, level }),
        ];
        if !policy_changes {
            return data_and_runs.boxed();
        }
        let policy =
            policy_strategy().prop_map(|(min_payout_cents, over_cap)| Op::Policy { min_payout_cents, over_cap });
        // About one step in 18 changes a policy.
        prop_oneof![17 => data_and_runs, 1 => policy].boxed()
    }

    /// What the random sequences exercised, summed over all of them.
    #[derive(Debug, Default)]
    struct Coverage {
        sequences: u64,
        steps: u64,
        committed: u64,
        skipped: u64,
        no_units: u64,
        corrected: u64,
        unchanged: u64,
        clawbacks: u64,
        held_bot: u64,
        held_cap: u64,
        held_threshold: u64,
        paid_from_owed: u64,
    }

    impl Coverage {
        fn count(&mut self, status: Status, step: &Step) {
            match status {
                Status::Committed => self.committed += 1,
                Status::Skipped => self.skipped += 1,
                Status::NoUnits => self.no_units += 1,
                Status::Corrected => self.corrected += 1,
                Status::Unchanged => self.unchanged += 1,
                Status::NothingToCorrect => {}
            }
            for (p, part) in step.postings.iter().zip(&step.parts) {
                let owed = part.owed_before_cents + part.earned_cents;
                if p.paid_cents < 0 {
                    self.clawbacks += 1;
                } else if p.owed_after_cents > 0 && part.likely_bot {
                    self.held_bot += 1;
                } else if p.owed_after_cents > 0 && p.paid_cents == 0 && owed < step.min_payout_cents {
                    self.held_threshold += 1;
                } else if p.owed_after_cents > 0 {
                    self.held_cap += 1;
                }
                if p.paid_cents > 0 && p.paid_cents > part.earned_cents {
                    self.paid_from_owed += 1;
                }
            }
        }
    }

    /// Runs one random sequence, checking the invariants after every step.
    fn run_sequence(world: &mut World, mut cfg: Config, ops: &[Op], cov: &mut Coverage) {
        let mut book = Book::default();
        for op in ops {
            match op {
                Op::Monthly { month, pool } => {
                    let (status, step) = book.commit(world, &cfg, RunKey::Monthly(*month), *pool);
                    cov.count(status, &step);
                }
                Op::Daily { day, pool } => {
                    let (status, step) = book.commit(world, &cfg, RunKey::Daily(*day), *pool);
                    cov.count(status, &step);
                }
                Op::Correct { key, pool } => {
                    if book.keys.is_empty() {
                        continue;
                    }
                    let key = *book.keys.keys().nth(key.index(book.keys.len())).expect("index in range");
                    let (status, step) = book.correct(world, key, *pool);
                    assert!(matches!(status, Status::Corrected | Status::Unchanged));
                    cov.count(status, &step);
                    book.check();
                    // The same correction again, with the data unchanged: every delta is 0 and
                    // nothing is written.
                    let before = book.clone();
                    let (again, step) = book.correct(world, key, Some(book.keys[&key].pool));
                    assert_eq!(again, Status::Unchanged, "{key:?}");
                    assert!(step.postings.is_empty());
                    assert_eq!(book, before);
                }
                Op::LateEvents { day, creator, units } => {
                    let cell = &mut world.units[*day][(*creator - 1) as usize];
                    *cell += *units;
                }
                Op::BotFlip { creator } => {
                    let u = world.users.entry(*creator).or_insert(Creator {
                        kyc_level: None,
                        trust_score: None,
                        likely_bot: false,
                    });
                    u.likely_bot = !u.likely_bot;
                }
                Op::DeleteEvents { creator } => {
                    for day in &mut world.units {
                        day[(*creator - 1) as usize] = 0.0;
                    }
                }
                Op::Kyc { creator, level } => {
                    world
                        .users
                        .entry(*creator)
                        .or_insert(Creator { kyc_level: None, trust_score: None, likely_bot: false })
                        .kyc_level = *level;
                }
                Op::Policy { min_payout_cents, over_cap } => {
                    cfg = Config { min_payout_cents: *min_payout_cents, over_cap: *over_cap, ..cfg };
                }
            }
            book.check();
            cov.steps += 1;
        }
        cov.sequences += 1;
    }

    /// Drives `cases` random sequences of `steps` operations and returns what they covered.
    fn run_random(cases: u32, steps: std::ops::Range<usize>, policies: bool) -> Coverage {
        let cov = RefCell::new(Coverage::default());
        let mut runner =
            TestRunner::new(ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() });
        let start = if policies { policy_strategy().boxed() } else { Just((0, OverCap::Redistribute)).boxed() };
        let strategy = (world_strategy(), start, prop::collection::vec(op_strategy(policies), steps));
        let result = runner.run(&strategy, |(mut world, (min_payout_cents, over_cap), ops)| {
            let cfg = Config { min_payout_cents, over_cap, ..Config::default() };
            run_sequence(&mut world, cfg, &ops, &mut cov.borrow_mut());
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        cov.into_inner()
    }

    /// After every step of a random sequence, for every creator c:
    /// - Σ signed `transactions` rows of c (inflow +, outflow −) = Σ paid over c's entries
    ///   = how much its balance moved;
    /// - Σ earned over c's entries = paid + owed, where owed is what the postings left, kept
    ///   apart from the entries (so `settle`'s arithmetic is checked, not assumed);
    /// - owed(c) >= 0;
    ///
    /// and for every run key k:
    /// - Σ earned(k, c) = c's latest target for k, and Σ targets + unallocated = k's latest pool;
    /// - Σ paid(k, c) <= the cap c had when k last paid it a positive amount (≤ 0 if it never
    ///   did). Why it holds: a positive payment is at most cap − Σ paid(k, c) so far, with the
    ///   cap in force then, and every later posting of k to c is a clawback (lowers the sum),
    ///   nothing, or another payment bounded by the cap of its own time. A KYC level that goes
    ///   down later does not claw back what was paid under the higher cap, so the bound is the
    ///   cap at the time, not today's.
    ///
    /// At each payment: a bot is never paid, and no payment is below the key's threshold.
    /// After each correction, the same correction again is `unchanged` and writes nothing.
    /// While every key was committed with the default policies: owed = 0 for everyone and
    /// Σ paid(k, c) = Σ earned(k, c) for every key (each run pays exactly what it earns).
    #[test]
    fn random_sequences_keep_the_ledger_invariants() {
        let cov = run_random(512, 20..60, true);
        println!("policies changing: {cov:?}");
        assert_eq!(cov.sequences, 512);
        // The sequences reach every path of the payment step.
        for (what, n) in [
            ("committed", cov.committed),
            ("skipped", cov.skipped),
            ("no_units", cov.no_units),
            ("corrected", cov.corrected),
            ("unchanged", cov.unchanged),
            ("clawbacks", cov.clawbacks),
            ("held_bot", cov.held_bot),
            ("held_cap", cov.held_cap),
            ("held_threshold", cov.held_threshold),
            ("paid_from_owed", cov.paid_from_owed),
        ] {
            assert!(n >= 20, "{what} reached only {n} times: {cov:?}");
        }
    }

    #[test]
    fn random_sequences_with_default_policies_pay_what_is_earned() {
        // No policy ever changes: `check` then also asserts owed = 0 and paid = earned per key.
        let cov = run_random(256, 20..40, false);
        println!("default policies: {cov:?}");
        assert_eq!(cov.sequences, 256);
        assert!(cov.corrected >= 20 && cov.clawbacks >= 20, "{cov:?}");
        assert_eq!((cov.held_cap, cov.held_threshold, cov.held_bot), (0, 0, 0), "{cov:?}");
    }
}
