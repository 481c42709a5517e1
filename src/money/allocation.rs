//! From units to money (SPEC §5): capped proportional allocation of a run's pool in exact cents.
//!
//! The real-valued allocation is the water-filling `x_c = min(cap_c, λ·u_c)` with
//! `Σ x_c = min(pool, Σ cap_c)`; capped creators get exactly their cap and the rest of the pool
//! is split by largest remainder (ties: smaller creator id first).
//!
//! Everything is computed exactly, with no floating-point rounding: every finite `f64` is
//! `mant · 2^exp` with integer `mant`, so after shifting all units by the smallest exponent they
//! are integers (weights) whose ratios are exactly those of the `f64` units. Weights may span
//! ~2,100 bits (units from 5e-324 to 1.8e308), so sums and products use `num_bigint::BigUint`;
//! for ordinary inputs (units within a few binades) it is one or two limbs.
//! This reproduces the exact rational computation of the oracle (`tests/oracle/reference.py`,
//! which works on `Fraction(units)`) bit for bit, including the capped set and remainder ties.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;

use num_bigint::BigUint;
use num_integer::Integer;

/// One creator's claim on a run's pool.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub creator_id: i64,
    /// Finite and > 0 (the caller passes only creators with units > 0).
    pub units: f64,
    /// `None` = unlimited.
    pub cap_cents: Option<i64>,
}

/// One creator's part of the pool.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub creator_id: i64,
    pub units: f64,
    pub cap_cents: Option<i64>,
    pub amount_cents: i64,
    /// Bound by its cap in the water-filling (then `amount_cents == cap_cents`). A creator whose
    /// proportional share is exactly its cap is not capped (it still gets exactly its cap).
    pub capped: bool,
}

/// The result of a run: `allocated_cents + unallocated_cents == pool` exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocation {
    /// Sorted by `creator_id` ascending.
    pub shares: Vec<Share>,
    pub allocated_cents: i64,
    /// Non-zero only when every creator is at its cap.
    pub unallocated_cents: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AllocationError {
    NegativePool(i64),
    InvalidUnits { creator_id: i64, units: f64 },
    NegativeCap { creator_id: i64, cap_cents: i64 },
    DuplicateCreator(i64),
}

impl fmt::Display for AllocationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AllocationError::NegativePool(pool) => write!(f, "negative pool: {pool} cents"),
            AllocationError::InvalidUnits { creator_id, units } => {
                write!(f, "invalid units for creator {creator_id}: {units} (must be finite and > 0)")
            }
            AllocationError::NegativeCap { creator_id, cap_cents } => {
                write!(f, "negative cap for creator {creator_id}: {cap_cents} cents")
            }
            AllocationError::DuplicateCreator(id) => write!(f, "duplicate creator id: {id}"),
        }
    }
}

impl std::error::Error for AllocationError {}

/// Allocates `pool_cents` among `claims` (SPEC §5). Never panics; errors only on invalid input.
pub fn allocate(pool_cents: i64, claims: &[Claim]) -> Result<Allocation, AllocationError> {
    validate(pool_cents, claims)?;
    let pool = pool_cents as u64; // validated >= 0
    let n = claims.len();

    let weighed = ExactWeights::of(claims);
    let exact = &weighed.exact;
    let times_weight = |i: usize, k: u64| weighed.times(i, k);

    // Water-filling. R = pool not yet given to capped creators, W = Σ weight of the others.
    let mut remaining = pool;
    let mut weights = Weights::new(exact, &weighed.shift);
    // Candidates for the cap in order of cap/units ascending (compared exactly), ties by id.
    // Each carries a float estimate of its ratio, which decides most comparisons; close ones
    // are compared exactly (on 370k creators the sort took most of the allocation's time).
    let mut candidates: Vec<(f64, usize, u64)> = claims
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.cap_cents.map(|cap| (cap as f64 / c.units, i, cap as u64)))
        .collect();
    // The ids are distinct, so the order is total and an unstable sort gives the same one.
    let exactly = |&(ra, a, cap_a): &(f64, usize, u64), &(rb, b, cap_b): &(f64, usize, u64)| {
        clearly_ordered(ra, rb)
            .unwrap_or_else(|| {
                // cap_a / units_a  vs  cap_b / units_b  <=>  cap_a·units_b  vs  cap_b·units_a
                let lhs = u128::from(cap_a) * u128::from(exact[b].mant);
                let rhs = u128::from(cap_b) * u128::from(exact[a].mant);
                cmp_scaled(lhs, exact[b].exp, rhs, exact[a].exp)
            })
            .then(claims[a].creator_id.cmp(&claims[b].creator_id))
    };
    // First by the estimate alone, as a plain key (the ratios are >= 0, so their bits order
    // as they do): on 370k creators, 49 ms through the comparator. Then each run of
    // neighbours that the estimates do not clearly order is sorted by the comparator. That is
    // the whole order: two candidates in different runs have a clearly ordered pair between
    // them, so their estimates are clearly ordered too, as their exact ratios are.
    candidates.sort_unstable_by_key(|&(r, i, _)| (r.to_bits(), i));
    let mut start = 0;
    while start < candidates.len() {
        let mut end = start + 1;
        while end < candidates.len()
            && clearly_ordered(candidates[end - 1].0, candidates[end].0) != Some(Ordering::Less)
        {
            end += 1;
        }
        if end - start > 1 {
            candidates[start..end].sort_unstable_by(exactly);
        }
        start = end;
    }
    let mut capped = vec![false; n];
    for &(_, i, cap) in &candidates {
        // Capped iff its proportional share R·w/W strictly exceeds its cap (cap 0: always).
        // Once one creator is not capped, no later one is (its ratio is at least as large and
        // R/W no longer changes), so the walk stops there.
        let over_cap = cap == 0 || weights.exceeds(i, cap, remaining, times_weight);
        if !over_cap {
            break;
        }
        capped[i] = true;
        // cap < R·w/W <= R, so this cannot underflow; R/W strictly grows.
        remaining -= cap;
        weights.remove(i, times_weight);
    }

    // Cents. Capped: exactly the cap. The others share R by largest remainder.
    let mut amount = vec![0u64; n];
    // Each remainder is kept as its top 64 bits below W's top bit (all remainders are below
    // W, so that is all of them above `top_shift`): they decide the ranking but between equal
    // tops, whose whole remainders `rank_remainders` computes again. Keeping every whole
    // remainder instead cost an allocation each, live until the ranking (370k on W).
    let top_shift = weights.bits().saturating_sub(64);
    let mut rest: Vec<(u64, usize)> = Vec::new();
    let mut floors: u64 = 0;
    for i in 0..n {
        if capped[i] {
            amount[i] = claims[i].cap_cents.map_or(0, |cap| cap as u64);
        } else {
            // Uncapped creators exist only if W > 0; their share R·w/W <= R < 2^63.
            let (floor, top) = weights.share(i, remaining, top_shift, times_weight);
            amount[i] = floor;
            floors += floor;
            rest.push((top, i));
        }
    }
    // Σ floor <= Σ R·w/W = R.
    let leftover = remaining - floors;
    if leftover > 0 {
        let rem_of = |i: usize| weights.remainder(i, remaining, times_weight);
        rank_remainders(&mut rest, rem_of, |i| claims[i].creator_id);
        let ranked: Vec<usize> = rest.iter().map(|&(_, i)| i).collect();
        // Whatever cannot be placed stays unallocated; this never happens (see hand_out).
        hand_out(&ranked, claims, &mut amount, leftover);
    }

    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| claims[i].creator_id);
    let shares: Vec<Share> = order
        .into_iter()
        .map(|i| Share {
            creator_id: claims[i].creator_id,
            units: claims[i].units,
            cap_cents: claims[i].cap_cents,
            amount_cents: amount[i] as i64, // <= pool <= i64::MAX
            capped: capped[i],
        })
        .collect();
    // Every amount is a disjoint part of the pool, so the sum fits.
    let allocated: u64 = amount.iter().sum();
    Ok(Allocation { shares, allocated_cents: allocated as i64, unallocated_cents: (pool - allocated) as i64 })
}

/// SPEC §9 `over_cap = hold`: every creator earns its plain proportional share `pool·u_c/U` in
/// cents. That is [`allocate`] with no caps (same largest remainder, same ties), so it is reused
/// as is; the caps only come back in the result: each share keeps its claim's `cap_cents`, and
/// `capped` tells whether the real share exceeds the cap (cap 0: always, as in §8), i.e. whether
/// the payment step will hold part of it back. Nothing is unallocated unless `claims` is empty.
pub fn allocate_hold(pool_cents: i64, claims: &[Claim]) -> Result<Allocation, AllocationError> {
    validate(pool_cents, claims)?;
    let uncapped: Vec<Claim> = claims.iter().map(|c| Claim { cap_cents: None, ..c.clone() }).collect();
    let mut alloc = allocate(pool_cents, &uncapped)?;

    // Exact weights as in `allocate`: share_i > cap_i  <=>  cap_i · W < pool · w_i.
    let weighed = ExactWeights::of(claims);
    let total_weight = sum_weights(&weighed.exact, &weighed.shift);
    // `alloc.shares` is sorted by creator_id; walk the claims in the same order.
    let mut order: Vec<usize> = (0..claims.len()).collect();
    order.sort_by_key(|&i| claims[i].creator_id);
    for (share, i) in alloc.shares.iter_mut().zip(order) {
        share.cap_cents = claims[i].cap_cents;
        share.capped = match claims[i].cap_cents {
            None => false,
            Some(0) => true,
            Some(cap) => &total_weight * (cap as u64) < weighed.times(i, pool_cents as u64), // both >= 0 (validated)
        };
    }
    Ok(alloc)
}

/// Sorts `rest`, (top bits of a remainder, claim), into largest-remainder order: remainder
/// descending, then creator id ascending. `top` is the remainder's bits above a common shift,
/// so a larger top means a larger remainder; only claims with equal tops need their whole
/// remainders (`rem_of`), computed once each, run by run.
fn rank_remainders<R: Ord>(rest: &mut [(u64, usize)], rem_of: impl Fn(usize) -> R, id_of: impl Fn(usize) -> i64) {
    // By top alone: each run of equal tops is ordered below, whole remainder then id. (Ties
    // broken by id here as well cost 40 ms on 370k remainders, a lookup per comparison.)
    rest.sort_unstable_by_key(|&(top, _)| std::cmp::Reverse(top));
    let mut start = 0;
    while start < rest.len() {
        let top = rest[start].0;
        let len = rest[start..].iter().take_while(|r| r.0 == top).count();
        if len > 1 {
            let run = &mut rest[start..start + len];
            let mut whole: Vec<(R, usize)> = run.iter().map(|&(_, i)| (rem_of(i), i)).collect();
            whole.sort_unstable_by(|(rem_a, a), (rem_b, b)| rem_b.cmp(rem_a).then(id_of(*a).cmp(&id_of(*b))));
            for (slot, (_, i)) in run.iter_mut().zip(whole) {
                slot.1 = i;
            }
        }
        start += len;
    }
}

fn validate(pool_cents: i64, claims: &[Claim]) -> Result<(), AllocationError> {
    if pool_cents < 0 {
        return Err(AllocationError::NegativePool(pool_cents));
    }
    // Ids in strictly ascending order (as `payout` passes them) cannot repeat: no set needed.
    let ascending = claims.windows(2).all(|w| w[0].creator_id < w[1].creator_id);
    let mut seen = HashSet::with_capacity(if ascending { 0 } else { claims.len() });
    for c in claims {
        if !(c.units.is_finite() && c.units > 0.0) {
            return Err(AllocationError::InvalidUnits { creator_id: c.creator_id, units: c.units });
        }
        if let Some(cap) = c.cap_cents {
            if cap < 0 {
                return Err(AllocationError::NegativeCap { creator_id: c.creator_id, cap_cents: cap });
            }
        }
        if !ascending && !seen.insert(c.creator_id) {
            return Err(AllocationError::DuplicateCreator(c.creator_id));
        }
    }
    Ok(())
}

/// Gives one extra cent to each creator of `ranked` in turn until `leftover` is spent, skipping
/// a creator whose cap the cent would exceed. Returns the cents it could not place.
///
/// Through `allocate` every cent is placed: the leftover is the sum of the fractional parts, so
/// only creators with a non-zero fractional part are reached, and for them
/// `floor < R·w/W <= cap`, i.e. `floor + 1 <= cap`. The skip is kept as a guard.
fn hand_out(ranked: &[usize], claims: &[Claim], amount: &mut [u64], mut leftover: u64) -> u64 {
    for &i in ranked {
        if leftover == 0 {
            break;
        }
        if let Some(cap) = claims[i].cap_cents {
            if amount[i] + 1 > cap as u64 {
                continue;
            }
        }
        amount[i] += 1;
        leftover -= 1;
    }
    leftover
}

/// The claims' exact integer weights: weight(i) = mant_i << shift_i, in units of 2^min_exp,
/// the smallest exponent of the claims' units.
struct ExactWeights {
    exact: Vec<Dyadic>,
    shift: Vec<u32>,
}

impl ExactWeights {
    fn of(claims: &[Claim]) -> ExactWeights {
        let exact: Vec<Dyadic> = claims.iter().map(|c| Dyadic::of(c.units)).collect();
        let min_exp = exact.iter().map(|d| d.exp).min().unwrap_or(0);
        let shift = exact.iter().map(|d| (d.exp - min_exp) as u32).collect();
        ExactWeights { exact, shift }
    }

    /// k · weight(i), exactly (k < 2^64 and mant < 2^53, so k·mant fits in u128).
    fn times(&self, i: usize, k: u64) -> BigUint {
        BigUint::from(u128::from(k) * u128::from(self.exact[i].mant)) << self.shift[i]
    }
}

/// A positive finite `f64` as exactly `mant · 2^exp` (`mant` odd, < 2^53).
#[derive(Debug, Clone, Copy)]
struct Dyadic {
    mant: u64,
    exp: i32,
}

impl Dyadic {
    fn of(x: f64) -> Dyadic {
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, exp) = if biased == 0 {
            (frac, -1074) // subnormal
        } else {
            (frac | (1u64 << 52), biased - 1075)
        };
        // Odd mantissa keeps the exponent spread (hence the big integers) as small as possible.
        let tz = mant.trailing_zeros().min(63); // mant > 0 for x > 0
        Dyadic { mant: mant >> tz, exp: exp + tz as i32 }
    }
}

/// Exact comparison of `x · 2^ex` with `y · 2^ey`.
fn cmp_scaled(x: u128, ex: i32, y: u128, ey: i32) -> Ordering {
    match (x == 0, y == 0) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => {}
    }
    let top_x = i64::from(128 - x.leading_zeros()) + i64::from(ex);
    let top_y = i64::from(128 - y.leading_zeros()) + i64::from(ey);
    if top_x != top_y {
        return top_x.cmp(&top_y);
    }
    // Same magnitude: aligning the one with the larger exponent keeps it within 128 bits.
    if ex >= ey {
        (x << (ex - ey) as u32).cmp(&y)
    } else {
        x.cmp(&(y << (ey - ex) as u32))
    }
}

/// The order of two ratio estimates `ra`, `rb` (each `cap as f64 / units`, so within a
/// relative 2^-52 of its exact ratio) when they are far enough apart to decide it: both
/// normal and one at least a relative 2^-48 above the other. `None` otherwise (zero caps,
/// overflow, subnormals, near ties): then the exact comparison decides.
fn clearly_ordered(ra: f64, rb: f64) -> Option<Ordering> {
    const MARGIN: f64 = 1.0 + 1.0 / (1u64 << 48) as f64;
    if !(ra.is_normal() && rb.is_normal()) {
        return None;
    }
    if ra * MARGIN < rb {
        Some(Ordering::Less)
    } else if rb * MARGIN < ra {
        Some(Ordering::Greater)
    } else {
        None
    }
}

/// `Σ mant_i · 2^shift_i`, exactly, adding each term into 64-bit limbs (no big integer per
/// term: on 370k creators the sum took 18 ms that way).
fn sum_weights(exact: &[Dyadic], shift: &[u32]) -> BigUint {
    let top = shift.iter().max().map_or(0, |s| *s as usize / 64);
    // Room for the largest term (two limbs: mant < 2^53, shifted < 2^117) and the carries of
    // up to 2^64 terms.
    let mut limbs = vec![0u64; top + 3];
    for (d, &s) in exact.iter().zip(shift) {
        let v = u128::from(d.mant) << (s % 64);
        let mut k = s as usize / 64;
        let (lo, carry) = limbs[k].overflowing_add(v as u64);
        limbs[k] = lo;
        let (hi, mut carry2) = limbs[k + 1].overflowing_add((v >> 64) as u64);
        let (hi, c) = hi.overflowing_add(u64::from(carry));
        limbs[k + 1] = hi;
        carry2 |= c;
        k += 2;
        while carry2 {
            let (x, c) = limbs[k].overflowing_add(1);
            limbs[k] = x;
            carry2 = c;
            k += 1;
        }
    }
    let digits: Vec<u32> = limbs.iter().flat_map(|l| [*l as u32, (*l >> 32) as u32]).collect();
    BigUint::new(digits)
}

/// The weights of the claims not yet capped, and their total W. Ordinary units (weights
/// within 127 bits, their sum within 128) are held as `u128`: the walk and the shares then
/// compute with no big integer (on 370k creators: the walk 22 ms, the shares 45 ms in
/// big integers). Otherwise every product and quotient is a `BigUint`, as the exact rational
/// computation needs for units across thousands of binades. Both give the same numbers.
enum Weights {
    Small { w: Vec<u128>, total: u128 },
    Big { total: BigUint },
}

impl Weights {
    fn new(exact: &[Dyadic], shift: &[u32]) -> Weights {
        let small = || -> Option<Weights> {
            let mut w = Vec::with_capacity(exact.len());
            let mut total: u128 = 0;
            for (d, &s) in exact.iter().zip(shift) {
                if 64 - d.mant.leading_zeros() + s > 127 {
                    return None;
                }
                let x = u128::from(d.mant) << s;
                total = total.checked_add(x)?;
                w.push(x);
            }
            Some(Weights::Small { w, total })
        };
        small().unwrap_or_else(|| Weights::Big { total: sum_weights(exact, shift) })
    }

    /// Whether claim `i`'s proportional share `R·w_i/W` is strictly above `cap`:
    /// `cap·W < R·w_i`.
    fn exceeds(&self, i: usize, cap: u64, remaining: u64, times_weight: impl Fn(usize, u64) -> BigUint) -> bool {
        match self {
            Weights::Small { w, total } => wide_mul(*total, cap) < wide_mul(w[i], remaining),
            Weights::Big { total } => total * cap < times_weight(i, remaining),
        }
    }

    /// Removes claim `i` (capped) from W.
    fn remove(&mut self, i: usize, times_weight: impl Fn(usize, u64) -> BigUint) {
        match self {
            Weights::Small { w, total } => *total -= w[i],
            Weights::Big { total } => *total -= times_weight(i, 1),
        }
    }

    fn bits(&self) -> u64 {
        match self {
            Weights::Small { total, .. } => u64::from(128 - total.leading_zeros()),
            Weights::Big { total } => total.bits(),
        }
    }

    /// W as a big integer (the tests compare the two forms by it).
    #[cfg(test)]
    fn total(&self) -> BigUint {
        match self {
            Weights::Small { total, .. } => BigUint::from(*total),
            Weights::Big { total } => total.clone(),
        }
    }

    /// `R·w_i` when it fits in a `u128` (ordinary weights and pools), with W.
    fn small_product(&self, i: usize, remaining: u64) -> Option<(u128, u128)> {
        match self {
            Weights::Small { w, total } => w[i].checked_mul(u128::from(remaining)).map(|p| (p, *total)),
            Weights::Big { .. } => None,
        }
    }

    /// `floor(R·w_i / W)` and `R·w_i mod W` in big integers (when `small_product` has none).
    fn big_divide(&self, i: usize, remaining: u64, times_weight: impl Fn(usize, u64) -> BigUint) -> (u64, BigUint) {
        match self {
            Weights::Small { total, .. } => div_rem(&times_weight(i, remaining), &BigUint::from(*total)),
            Weights::Big { total } => div_rem(&times_weight(i, remaining), total),
        }
    }

    /// The whole remainder of `R·w_i / W`.
    fn remainder(&self, i: usize, remaining: u64, times_weight: impl Fn(usize, u64) -> BigUint) -> Remainder {
        match self.small_product(i, remaining) {
            Some((p, total)) => Remainder::Small(p % total),
            None => Remainder::Big(self.big_divide(i, remaining, times_weight).1),
        }
    }

    /// `floor(R·w_i / W)` and the remainder's 64 bits from `top_shift` (see `bits_from`).
    fn share(
        &self,
        i: usize,
        remaining: u64,
        top_shift: u64,
        times_weight: impl Fn(usize, u64) -> BigUint,
    ) -> (u64, u64) {
        match self.small_product(i, remaining) {
            // The quotient is at most R (< 2^64); the remainder is below W < 2^(top_shift + 64).
            Some((p, total)) => ((p / total) as u64, ((p % total) >> top_shift) as u64),
            None => {
                let (floor, rem) = self.big_divide(i, remaining, times_weight);
                (floor, bits_from(&rem, top_shift))
            }
        }
    }
}

/// A whole remainder `R·w_i mod W`, exactly: as `u128` when the product fits (W's long tail
/// of equal units makes 31k runs of equal tops, 140k remainders, on a month of 370k creators:
/// 57-59 ms as big integers), else as a big integer. Ordered by value whatever the form.
#[derive(Debug, Clone)]
enum Remainder {
    Small(u128),
    Big(BigUint),
}

impl Remainder {
    fn big(&self) -> std::borrow::Cow<'_, BigUint> {
        match self {
            Remainder::Small(r) => std::borrow::Cow::Owned(BigUint::from(*r)),
            Remainder::Big(r) => std::borrow::Cow::Borrowed(r),
        }
    }
}

impl Ord for Remainder {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Remainder::Small(a), Remainder::Small(b)) => a.cmp(b),
            _ => self.big().cmp(&other.big()),
        }
    }
}

impl PartialOrd for Remainder {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Remainder {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Remainder {}

/// `a · b` as (its bits from 64 up, its low 64 bits): ordered as the 192-bit product is.
fn wide_mul(a: u128, b: u64) -> (u128, u64) {
    let low = (a as u64 as u128) * u128::from(b);
    let high = (a >> 64) * u128::from(b) + (low >> 64);
    (high, low as u64)
}

/// `x >> shift`, truncated to 64 bits (for `x < 2^(shift + 64)` that is all of it), read
/// from its digits without allocating.
fn bits_from(x: &BigUint, shift: u64) -> u64 {
    let (word, bit) = ((shift / 64) as usize, (shift % 64) as u32);
    let mut digits = x.iter_u64_digits().skip(word);
    let lo = digits.next().unwrap_or(0);
    let hi = digits.next().unwrap_or(0);
    if bit == 0 {
        lo
    } else {
        (lo >> bit) | (hi << (64 - bit))
    }
}

/// `floor(a / b)` and `a mod b`, for `b > 0` and `a / b < 2^64` (the callers' shares are at
/// most the pool, an `i64`, so the quotient always fits).
fn div_rem(a: &BigUint, b: &BigUint) -> (u64, BigUint) {
    let (q, rem) = a.div_rem(b);
    debug_assert!(q.bits() <= 64, "quotient above 2^64");
    (u64::try_from(&q).unwrap_or(u64::MAX), rem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn claim(creator_id: i64, units: f64, cap_cents: Option<i64>) -> Claim {
        Claim { creator_id, units, cap_cents }
    }

    /// `(creator_id, amount_cents, capped)` per share.
    fn summary(a: &Allocation) -> Vec<(i64, i64, bool)> {
        a.shares.iter().map(|s| (s.creator_id, s.amount_cents, s.capped)).collect()
    }

    /// Allocates and checks every invariant (panics on violation).
    fn run(pool: i64, claims: &[Claim]) -> Allocation {
        let a = allocate(pool, claims).expect("valid input");
        check_invariants(pool, claims, &a);
        a
    }

    fn check_invariants(pool: i64, claims: &[Claim], a: &Allocation) {
        assert_eq!(a.shares.len(), claims.len());
        assert!(a.shares.windows(2).all(|w| w[0].creator_id < w[1].creator_id));
        // share_of[i] = the share of claims[i]
        let share_of: Vec<&Share> = claims
            .iter()
            .map(|c| {
                let k =
                    a.shares.binary_search_by_key(&c.creator_id, |s| s.creator_id).expect("every claim has a share");
                &a.shares[k]
            })
            .collect();
        for (s, c) in share_of.iter().zip(claims) {
            assert_eq!(s.units.to_bits(), c.units.to_bits());
            assert_eq!(s.cap_cents, c.cap_cents);
        }
        let sum: i128 = a.shares.iter().map(|s| i128::from(s.amount_cents)).sum();
        assert_eq!(sum, i128::from(a.allocated_cents));
        assert_eq!(sum + i128::from(a.unallocated_cents), i128::from(pool));
        assert!(a.unallocated_cents >= 0);
        for s in &a.shares {
            assert!(s.amount_cents >= 0, "{s:?}");
            if let Some(cap) = s.cap_cents {
                assert!(s.amount_cents <= cap, "{s:?}");
            }
            if s.capped {
                assert_eq!(Some(s.amount_cents), s.cap_cents, "{s:?}");
            }
            if s.cap_cents == Some(0) {
                assert!(s.capped, "{s:?}");
            }
            if s.cap_cents.is_none() {
                assert!(!s.capped, "{s:?}");
            }
        }
        if a.unallocated_cents > 0 {
            assert!(a.shares.iter().all(|s| s.capped), "{a:?}");
        }
        // Against an independent floating-point water-filling: within a cent plus f64 noise.
        let x = reference_f64(pool, claims);
        let tol = 1.0 + pool as f64 * 2f64.powi(-40);
        for ((c, xc), s) in claims.iter().zip(x).zip(share_of) {
            assert!(
                (s.amount_cents as f64 - xc).abs() <= tol,
                "creator {}: amount {} vs real share {xc} (pool {pool})",
                c.creator_id,
                s.amount_cents
            );
        }
    }

    /// Water-filling in f64 by the SPEC's fixed point: cap every creator above its cap at the
    /// current level, hand the excess on, repeat. Returns the real share per claim.
    fn reference_f64(pool: i64, claims: &[Claim]) -> Vec<f64> {
        let n = claims.len();
        let mut capped = vec![false; n];
        loop {
            let given: f64 = (0..n).filter(|&i| capped[i]).map(|i| claims[i].cap_cents.unwrap() as f64).sum();
            let r = (pool as f64 - given).max(0.0);
            let active: Vec<usize> = (0..n).filter(|&i| !capped[i]).collect();
            // Scale by the largest active units so the sum neither overflows nor vanishes.
            let max = active.iter().map(|&i| claims[i].units).fold(0.0, f64::max);
            let total: f64 = active.iter().map(|&i| claims[i].units / max).sum();
            let share = |i: usize| r * (claims[i].units / max) / total;
            let newly: Vec<usize> = active
                .iter()
                .copied()
                .filter(|&i| matches!(claims[i].cap_cents, Some(c) if c == 0 || (c as f64) < share(i)))
                .collect();
            if newly.is_empty() {
                return (0..n)
                    .map(|i| if capped[i] { claims[i].cap_cents.unwrap() as f64 } else { share(i) })
                    .collect();
            }
            for i in newly {
                capped[i] = true;
            }
        }
    }

    /// Exact reference for integer weights (u128 rationals), fully independent of `allocate`:
    /// fixed-point water-filling, then largest remainder. Returns (amount, capped) per claim
    /// and the unallocated cents.
    fn reference_exact(pool: i64, ids: &[i64], weights: &[u128], caps: &[Option<i64>]) -> (Vec<(i64, bool)>, i64) {
        let n = ids.len();
        let mut capped = vec![false; n];
        let (r, w) = loop {
            let w: u128 = (0..n).filter(|&i| !capped[i]).map(|i| weights[i]).sum();
            let r: u128 = pool as u128 - (0..n).filter(|&i| capped[i]).map(|i| caps[i].unwrap() as u128).sum::<u128>();
            let newly: Vec<usize> = (0..n)
                .filter(|&i| !capped[i])
                .filter(|&i| match caps[i] {
                    Some(c) => c == 0 || (c as u128) * w < r * weights[i],
                    None => false,
                })
                .collect();
            if newly.is_empty() {
                break (r, w);
            }
            for i in newly {
                capped[i] = true;
            }
        };
        let mut amount: Vec<i64> = (0..n).map(|i| if capped[i] { caps[i].unwrap() } else { 0 }).collect();
        let mut left = r;
        let mut fracs = Vec::new();
        for i in (0..n).filter(|&i| !capped[i]) {
            amount[i] = (r * weights[i] / w) as i64;
            left -= r * weights[i] / w;
            fracs.push((r * weights[i] % w, ids[i], i));
        }
        fracs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(rem, _, i) in fracs.iter().take(left as usize) {
            assert!(rem > 0);
            assert!(caps[i].is_none_or(|c| amount[i] < c));
            amount[i] += 1;
        }
        let unallocated = if fracs.is_empty() { r as i64 } else { 0 };
        let out = (0..n).map(|i| (amount[i], capped[i])).collect();
        (out, unallocated)
    }

    // ---- SPEC §5 worked examples

    #[test]
    fn spec_example_kyc_caps() {
        // A 50 units cap 5,000 (KYC 1), B 30 unlimited (KYC 3), C 20 cap 0 (KYC 0).
        // C is capped at 0; A's share 10,000·50/80 = 6,250 > 5,000 → capped; B gets the rest.
        let claims = [claim(1, 50.0, Some(5_000)), claim(2, 30.0, None), claim(3, 20.0, Some(0))];
        let a = run(10_000, &claims);
        assert_eq!(summary(&a), vec![(1, 5_000, true), (2, 5_000, false), (3, 0, true)]);
        assert_eq!((a.allocated_cents, a.unallocated_cents), (10_000, 0));
    }

    #[test]
    fn spec_example_all_capped_leaves_unallocated() {
        // Pool 12,000, B at KYC 1: A 12,000·50/80 = 7,500 > 5,000 → capped; then B alone has
        // 7,000 > 5,000 → capped; 12,000 − 10,000 = 2,000 unallocated.
        let claims = [claim(1, 50.0, Some(5_000)), claim(2, 30.0, Some(5_000)), claim(3, 20.0, Some(0))];
        let a = run(12_000, &claims);
        assert_eq!(summary(&a), vec![(1, 5_000, true), (2, 5_000, true), (3, 0, true)]);
        assert_eq!((a.allocated_cents, a.unallocated_cents), (10_000, 2_000));
    }

    #[test]
    fn spec_example_three_equal_creators() {
        // 100/3 = 33.33 each; one leftover cent goes to the smallest id.
        let claims = [claim(3, 1.0, None), claim(1, 1.0, None), claim(2, 1.0, None)];
        let a = run(100, &claims);
        assert_eq!(summary(&a), vec![(1, 34, false), (2, 33, false), (3, 33, false)]);
    }

    // ---- hand-computed cases

    #[test]
    fn cascade_caps_a_creator_only_after_excess_is_handed_on() {
        // Pool 1,000; units 60/30/10 → first-round shares 600/300/100.
        // A (cap 300, ratio 5) is capped: R = 700, W = 40.
        // B (cap 300, ratio 10) was exactly at its cap in round one, but now 700·30/40 = 525
        // > 300 → capped: R = 400, W = 10 → C gets 400.
        let claims = [claim(1, 60.0, Some(300)), claim(2, 30.0, Some(300)), claim(3, 10.0, None)];
        let a = run(1_000, &claims);
        assert_eq!(summary(&a), vec![(1, 300, true), (2, 300, true), (3, 400, false)]);
        assert_eq!(a.unallocated_cents, 0);
    }

    #[test]
    fn largest_remainder_without_ties() {
        // 100·{1,2,4}/7 = 14.286, 28.571, 57.143 → floors 14+28+57 = 99, 1 cent left for the
        // largest fraction (.571, creator 2).
        let claims = [claim(1, 1.0, None), claim(2, 2.0, None), claim(3, 4.0, None)];
        let a = run(100, &claims);
        assert_eq!(summary(&a), vec![(1, 14, false), (2, 29, false), (3, 57, false)]);
    }

    #[test]
    fn largest_remainder_ties_go_to_smaller_id() {
        // 10/3 = 3.33 each → 4, 3, 3.
        let equal = [claim(7, 2.5, None), claim(8, 2.5, None), claim(9, 2.5, None)];
        assert_eq!(summary(&run(10, &equal)), vec![(7, 4, false), (8, 3, false), (9, 3, false)]);
        // Pool 3, units 5 and 1: 2.5 and 0.5 — equal fractions, exactly; id 1 wins.
        let a = [claim(1, 5.0, None), claim(2, 1.0, None)];
        assert_eq!(summary(&run(3, &a)), vec![(1, 3, false), (2, 0, false)]);
        // Same with the ids swapped: 0.5 and 2.5; id 1 (the small one) wins.
        let b = [claim(1, 1.0, None), claim(2, 5.0, None)];
        assert_eq!(summary(&run(3, &b)), vec![(1, 1, false), (2, 2, false)]);
        // Pool 2, units 1.5 and 4.5 (exact in binary): 0.5 and 1.5 → 1, 1.
        let c = [claim(1, 1.5, None), claim(2, 4.5, None)];
        assert_eq!(summary(&run(2, &c)), vec![(1, 1, false), (2, 1, false)]);
        // Decimal units whose ratio is exact in binary: 0.75 : 0.25 of 2 cents = 1.5, 0.5.
        let d = [claim(5, 0.75, None), claim(4, 0.25, None)];
        assert_eq!(summary(&run(2, &d)), vec![(4, 1, false), (5, 1, false)]);
    }

    #[test]
    fn leftover_skips_a_creator_at_its_cap() {
        // Not reachable through `allocate` (see hand_out), so exercised directly:
        // ranked 0, 1, 2 with amounts 5, 2, 2 and 2 cents left; creator 0 is at its cap 5.
        let claims = [claim(10, 1.0, Some(5)), claim(11, 1.0, None), claim(12, 1.0, Some(3))];
        let mut amount = vec![5, 2, 2];
        assert_eq!(hand_out(&[0, 1, 2], &claims, &mut amount, 2), 0);
        assert_eq!(amount, vec![5, 3, 3]);
        // 3 cents: creator 2 reaches its cap 3 and creator 0 is skipped; 1 cent is left over.
        let mut amount = vec![5, 2, 2];
        assert_eq!(hand_out(&[0, 2, 1], &claims, &mut amount, 3), 1);
        assert_eq!(amount, vec![5, 3, 3]);
    }

    #[test]
    fn pool_zero() {
        // Nothing to share; a cap-0 creator is still capped, the others are not.
        let claims = [claim(1, 3.0, None), claim(2, 1.0, Some(0)), claim(3, 2.0, Some(100))];
        let a = run(0, &claims);
        assert_eq!(summary(&a), vec![(1, 0, false), (2, 0, true), (3, 0, false)]);
        assert_eq!((a.allocated_cents, a.unallocated_cents), (0, 0));
    }

    #[test]
    fn empty_claims_leave_everything_unallocated() {
        let a = run(1_234, &[]);
        assert!(a.shares.is_empty());
        assert_eq!((a.allocated_cents, a.unallocated_cents), (0, 1_234));
    }

    #[test]
    fn one_creator() {
        // Unlimited: all of it.
        let a = run(12_345, &[claim(42, 7.5, None)]);
        assert_eq!(summary(&a), vec![(42, 12_345, false)]);
        // Cap 100 < 12,345: capped, 12,245 unallocated.
        let a = run(12_345, &[claim(42, 7.5, Some(100))]);
        assert_eq!(summary(&a), vec![(42, 100, true)]);
        assert_eq!(a.unallocated_cents, 12_245);
        // Cap equal to the pool: not capped, gets it all.
        let a = run(12_345, &[claim(42, 7.5, Some(12_345))]);
        assert_eq!(summary(&a), vec![(42, 12_345, false)]);
        assert_eq!(a.unallocated_cents, 0);
    }

    #[test]
    fn all_capped_leaves_the_rest_unallocated() {
        // Pool 1,000; A 1 unit cap 100 (share 250), B 3 units cap 200 (share 750).
        // B has the lower cap/units (66.7 < 100): 200·4 < 1,000·3 → capped; R = 800, W = 1.
        // A: 100 < 800 → capped. 1,000 − 300 = 700 unallocated.
        let claims = [claim(1, 1.0, Some(100)), claim(2, 3.0, Some(200))];
        let a = run(1_000, &claims);
        assert_eq!(summary(&a), vec![(1, 100, true), (2, 200, true)]);
        assert_eq!((a.allocated_cents, a.unallocated_cents), (300, 700));
    }

    #[test]
    fn cap_exactly_equal_to_share_is_not_capped() {
        // Pool 100 between two 1-unit creators: A's share is exactly its cap 50
        // (50·2 == 100·1, not strictly less) → not capped, gets exactly 50.
        let a = run(100, &[claim(1, 1.0, Some(50)), claim(2, 1.0, None)]);
        assert_eq!(summary(&a), vec![(1, 50, false), (2, 50, false)]);
        // Both exactly at their caps: nobody capped, nothing unallocated.
        let a = run(100, &[claim(1, 1.0, Some(50)), claim(2, 1.0, Some(50))]);
        assert_eq!(summary(&a), vec![(1, 50, false), (2, 50, false)]);
        assert_eq!(a.unallocated_cents, 0);
    }

    #[test]
    fn huge_pool() {
        // MAX = 9,223,372,036,854,775,807.
        const MAX: i64 = i64::MAX;
        // C (2 units, cap 1,000) is capped; A and B (1 unit each) share MAX − 1,000 =
        // 9,223,372,036,854,774,807, i.e. 4,611,686,018,427,387,403.5 each: floors ...403,
        // and the 1 leftover cent goes to id 1 (equal fractions).
        let claims = [claim(1, 1.0, None), claim(2, 1.0, Some(MAX)), claim(3, 2.0, Some(1_000))];
        let a = run(MAX, &claims);
        assert_eq!(
            summary(&a),
            vec![(1, 4_611_686_018_427_387_404, false), (2, 4_611_686_018_427_387_403, false), (3, 1_000, true),]
        );
        // Three caps of i64::MAX: MAX/3 = 3,074,457,345,618,258,602.33 each, 1 cent to id 1.
        let claims = [claim(1, 0.5, Some(MAX)), claim(2, 0.5, Some(MAX)), claim(3, 0.5, Some(MAX))];
        let a = run(MAX, &claims);
        assert_eq!(
            summary(&a),
            vec![
                (1, 3_074_457_345_618_258_603, false),
                (2, 3_074_457_345_618_258_602, false),
                (3, 3_074_457_345_618_258_602, false),
            ]
        );
        // Extreme units with the largest pool: the f64::MAX creator takes everything
        // (its share is MAX − ε, the leftover cent goes to its fraction ≈ 1).
        let claims = [claim(1, 5e-324, None), claim(2, f64::MAX, None)];
        let a = run(MAX, &claims);
        assert_eq!(summary(&a), vec![(1, 0, false), (2, MAX, false)]);
    }

    #[test]
    fn units_spanning_the_whole_f64_range() {
        // The 1e300 creator has cap 0; the other two split 3,000 exactly 1 : 2.
        let claims = [claim(1, 1e300, Some(0)), claim(2, 1e-300, None), claim(3, 2.0 * 1e-300, None)];
        let a = run(3_000, &claims);
        assert_eq!(summary(&a), vec![(1, 0, true), (2, 1_000, false), (3, 2_000, false)]);
        // f64::MAX with cap 0; the 1e-300 creator (share ≈ 100) is capped at 7; the smallest
        // subnormal gets the remaining 93.
        let claims = [claim(1, f64::MAX, Some(0)), claim(2, 5e-324, None), claim(3, 1e-300, Some(7))];
        let a = run(100, &claims);
        assert_eq!(summary(&a), vec![(1, 0, true), (2, 93, false), (3, 7, true)]);
        // Many magnitudes at once: every creator still gets at most a cent off its share.
        let claims: Vec<Claim> = (-300..=300).step_by(7).map(|e| claim(i64::from(e), 10f64.powi(e), None)).collect();
        run(i64::MAX, &claims);
        run(1_000_000, &claims);
    }

    #[test]
    fn golden_sample() {
        // Creator 4 is capped at 0; 1,001·132.26/353.195 = 374.84 and 626.16 → 374 + 626,
        // the leftover cent to the larger fraction (creator 1).
        let claims = [
            claim(1, 132.26006661720666, None),
            claim(2, 220.93500000000003, Some(50_000)),
            claim(4, 216.8638934124694, Some(0)),
        ];
        let a = run(1_001, &claims);
        assert_eq!(summary(&a), vec![(1, 375, false), (2, 626, false), (4, 0, true)]);
        assert_eq!(a.unallocated_cents, 0);
    }

    #[test]
    fn hundred_thousand_creators() {
        // Equal units: 1,000,000,007 / 100,000 = 10,000.00007 → 7 leftover cents to ids 1..=7.
        let claims: Vec<Claim> = (1..=100_000).map(|id| claim(id, 3.25, None)).collect();
        let a = allocate(1_000_000_007, &claims).unwrap();
        for s in &a.shares {
            let want = if s.creator_id <= 7 { 10_001 } else { 10_000 };
            assert_eq!(s.amount_cents, want);
        }
        assert_eq!(a.unallocated_cents, 0);
        // Mixed units (wide range) and caps, pseudo-random but deterministic.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let claims: Vec<Claim> = (1..=100_000)
            .map(|id| {
                let units = (next() % 1_000_000 + 1) as f64 * 10f64.powi((next() % 41) as i32 - 20);
                let cap = match next() % 4 {
                    0 => None,
                    1 => Some(0),
                    2 => Some(5_000),
                    _ => Some(50_000),
                };
                claim(id, units, cap)
            })
            .collect();
        run(2_000_000_000, &claims);
        run(i64::MAX, &claims);
    }

    /// Timing of `allocate` with 100k creators (not a correctness test): run with
    /// `cargo test --release --lib --features pg15 allocation::tests::timing -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing only"]
    fn timing_hundred_thousand_creators() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let caps = |k: u64| match k % 4 {
            0 => None,
            1 => Some(0),
            2 => Some(5_000),
            _ => Some(50_000),
        };
        // Narrow: ordinary units (a few binades, one-limb weights). Wide: units over 1e-20..1e20.
        let narrow: Vec<Claim> =
            (1..=100_000).map(|id| claim(id, (next() % 1_000_000 + 1) as f64 / 1_000.0, caps(next()))).collect();
        let wide: Vec<Claim> = (1..=100_000)
            .map(|id| claim(id, (next() % 1_000_000 + 1) as f64 * 10f64.powi((next() % 41) as i32 - 20), caps(next())))
            .collect();
        for (name, claims) in [("narrow", &narrow), ("wide", &wide)] {
            let start = std::time::Instant::now();
            let rounds = 10;
            let mut total = 0i64;
            for _ in 0..rounds {
                total += allocate(2_000_000_000, claims).unwrap().allocated_cents;
            }
            println!("allocate 100k {name}: {:?} per call (checksum {total})", start.elapsed() / rounds);
        }
    }

    // ---- over_cap = hold (SPEC §9)

    #[test]
    fn hold_earns_the_plain_proportional_share() {
        // SPEC §9: A 50 units cap 5,000, B 50 unlimited. Pool 20,000 → 10,000 each; A's share
        // exceeds its cap (capped), B's cannot. Pool 10,000 → 5,000 each; A's share is exactly
        // its cap: not capped.
        let claims = [claim(1, 50.0, Some(5_000)), claim(2, 50.0, None)];
        let a = allocate_hold(20_000, &claims).unwrap();
        assert_eq!(summary(&a), vec![(1, 10_000, true), (2, 10_000, false)]);
        assert_eq!((a.allocated_cents, a.unallocated_cents), (20_000, 0));
        assert_eq!(a.shares[0].cap_cents, Some(5_000));
        let a = allocate_hold(10_000, &claims).unwrap();
        assert_eq!(summary(&a), vec![(1, 5_000, false), (2, 5_000, false)]);
        // SPEC §5's example under hold: 50/30/20 of 10,000 whatever the caps; cap 0 is capped.
        let claims = [claim(1, 50.0, Some(5_000)), claim(2, 30.0, None), claim(3, 20.0, Some(0))];
        let a = allocate_hold(10_000, &claims).unwrap();
        assert_eq!(summary(&a), vec![(1, 5_000, false), (2, 3_000, false), (3, 2_000, true)]);
        // Pool 12,000 with B at cap 5,000: still all of it earned, nothing unallocated.
        let claims = [claim(1, 50.0, Some(5_000)), claim(2, 30.0, Some(5_000)), claim(3, 20.0, Some(0))];
        let a = allocate_hold(12_000, &claims).unwrap();
        assert_eq!(summary(&a), vec![(1, 6_000, true), (2, 3_600, false), (3, 2_400, true)]);
        assert_eq!(a.unallocated_cents, 0);
    }

    #[test]
    fn hold_capped_compares_the_exact_share_not_the_cents() {
        // Pool 10,001 between two 1-unit creators: 5,000.5 each, the extra cent to id 1.
        // Id 2 gets 5,000 = its cap, but its real share 5,000.5 exceeds it: capped.
        let a = allocate_hold(10_001, &[claim(2, 1.0, Some(5_000)), claim(1, 1.0, None)]).unwrap();
        assert_eq!(summary(&a), vec![(1, 5_001, false), (2, 5_000, true)]);
        // Cap 5,001 for id 1: its 5,001 cents are above the real share 5,000.5 < 5,001: not capped.
        let a = allocate_hold(10_001, &[claim(1, 1.0, Some(5_001)), claim(2, 1.0, None)]).unwrap();
        assert_eq!(summary(&a), vec![(1, 5_001, false), (2, 5_000, false)]);
        // Pool 0: a cap-0 creator is capped (as in §8), any other is not.
        let a = allocate_hold(0, &[claim(1, 1.0, Some(0)), claim(2, 1.0, Some(1))]).unwrap();
        assert_eq!(summary(&a), vec![(1, 0, true), (2, 0, false)]);
        // No claims: everything unallocated.
        let a = allocate_hold(77, &[]).unwrap();
        assert_eq!((a.shares.len(), a.unallocated_cents), (0, 77));
        // Invalid input is refused exactly as by allocate.
        assert_eq!(
            allocate_hold(10, &[claim(1, 1.0, Some(-1))]),
            Err(AllocationError::NegativeCap { creator_id: 1, cap_cents: -1 })
        );
        assert_eq!(allocate_hold(-3, &[claim(1, 1.0, None)]), Err(AllocationError::NegativePool(-3)));
    }

    #[test]
    fn errors() {
        let ok = claim(1, 1.0, None);
        assert_eq!(allocate(-1, std::slice::from_ref(&ok)), Err(AllocationError::NegativePool(-1)));
        for units in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.0, -0.0, -2.5] {
            match allocate(10, &[ok.clone(), claim(2, units, None)]) {
                Err(AllocationError::InvalidUnits { creator_id: 2, units: u }) => {
                    assert_eq!(u.to_bits(), units.to_bits())
                }
                other => panic!("units {units}: {other:?}"),
            }
        }
        assert_eq!(
            allocate(10, &[ok.clone(), claim(2, 1.0, Some(-5))]),
            Err(AllocationError::NegativeCap { creator_id: 2, cap_cents: -5 })
        );
        assert_eq!(
            allocate(10, &[ok.clone(), claim(2, 1.0, None), claim(1, 2.0, Some(3))]),
            Err(AllocationError::DuplicateCreator(1))
        );
        // In ascending order but for one repeat (the set is skipped only for strictly ascending ids).
        assert_eq!(
            allocate(10, &[ok.clone(), claim(2, 1.0, None), claim(2, 2.0, None), claim(3, 1.0, None)]),
            Err(AllocationError::DuplicateCreator(2))
        );
        assert_eq!(AllocationError::NegativePool(-1).to_string(), "negative pool: -1 cents");
        assert_eq!(
            AllocationError::InvalidUnits { creator_id: 2, units: f64::NAN }.to_string(),
            "invalid units for creator 2: NaN (must be finite and > 0)"
        );
        assert_eq!(
            AllocationError::NegativeCap { creator_id: 3, cap_cents: -5 }.to_string(),
            "negative cap for creator 3: -5 cents"
        );
        assert_eq!(AllocationError::DuplicateCreator(4).to_string(), "duplicate creator id: 4");
    }

    #[test]
    fn remainders_rank_by_whole_value_then_id() {
        // Remainders that share their top bits but not their low ones, equal remainders under
        // several ids, and distinct tops: the ranking must be that of the whole remainders
        // (descending), ties by id, as a sort of the whole values gives it.
        let mut next = crate::engine::test_rng(31);
        for shift in [0u64, 3, 40, 64, 130] {
            let n = 400;
            let rems: Vec<BigUint> = (0..n)
                .map(|_| {
                    let high = BigUint::from(next(6)) << (shift as usize);
                    let low =
                        if shift == 0 { BigUint::ZERO } else { BigUint::from(next(5)) << ((shift as usize - 1) / 2) };
                    high + low
                })
                .collect();
            // Scrambled ids, and ids ascending with the claims.
            for ascending in [false, true] {
                let ids: Vec<i64> =
                    (0..n as i64).map(|i| if ascending { 3 * i - 500 } else { (i * 7919) % 1009 - 500 }).collect();
                let mut rest: Vec<(u64, usize)> = (0..n).map(|i| (bits_from(&rems[i], shift), i)).collect();
                rest.reverse();
                let computed = std::cell::Cell::new(0);
                rank_remainders(
                    &mut rest,
                    |i| {
                        computed.set(computed.get() + 1);
                        rems[i].clone()
                    },
                    |i| ids[i],
                );
                let mut want: Vec<usize> = (0..n).collect();
                want.sort_by(|&a, &b| rems[b].cmp(&rems[a]).then(ids[a].cmp(&ids[b])));
                assert_eq!(rest.iter().map(|r| r.1).collect::<Vec<_>>(), want, "shift {shift}");
                assert!(rest.iter().zip(&want).all(|(r, &i)| r.0 == bits_from(&rems[i], shift)));
                // Only the claims of equal tops had their remainders computed again.
                assert!(computed.get() <= n, "shift {shift}: {}", computed.get());
            }
        }
    }

    #[test]
    fn small_and_big_weights_compute_the_same() {
        // Weights as u128 and as big integers, over the same claims: every comparison of the
        // walk, share and remainder bits must agree, including products past 2^128 (the u128
        // share falls back to big integers for those), and the sum must be the exact one.
        let mut next = crate::engine::test_rng(47);
        for max_shift in [0u32, 20, 60, 73] {
            let n = 300;
            let exact: Vec<Dyadic> = (0..n)
                .map(|k| {
                    // All-ones mantissas too: their sums carry across limbs.
                    let mant = if k % 7 == 0 { (1 << 53) - 1 } else { next(1 << 53) | 1 };
                    Dyadic { mant, exp: 0 }
                })
                .collect();
            let shift: Vec<u32> = (0..n).map(|_| next(u64::from(max_shift) + 1) as u32).collect();
            let times_weight = |i: usize, k: u64| BigUint::from(u128::from(k) * u128::from(exact[i].mant)) << shift[i];
            let naive: BigUint = (0..n).map(|i| times_weight(i, 1)).sum();
            assert_eq!(sum_weights(&exact, &shift), naive, "max shift {max_shift}");
            let mut small = Weights::new(&exact, &shift);
            assert!(matches!(small, Weights::Small { .. }), "max shift {max_shift}");
            let mut big = Weights::Big { total: naive };
            for (k, remaining) in [0u64, 1, 99_999_999, (1 << 62) + 12_345, i64::MAX as u64].into_iter().enumerate() {
                assert_eq!(small.bits(), big.bits());
                assert_eq!(small.total(), big.total());
                let top_shift = big.bits().saturating_sub(64);
                for i in 0..n {
                    let cap = next(1 << 40);
                    assert_eq!(
                        small.exceeds(i, cap, remaining, times_weight),
                        big.exceeds(i, cap, remaining, times_weight)
                    );
                    assert_eq!(
                        small.share(i, remaining, top_shift, times_weight),
                        big.share(i, remaining, top_shift, times_weight)
                    );
                    // The whole remainders: equal as values, and as the definition has them.
                    let whole = big.total();
                    if whole != BigUint::ZERO {
                        let (r_small, r_big) =
                            (small.remainder(i, remaining, times_weight), big.remainder(i, remaining, times_weight));
                        assert_eq!(r_small.big().into_owned(), (times_weight(i, remaining) % &whole));
                        assert_eq!(r_small.cmp(&r_big), Ordering::Equal);
                    }
                }
                // One claim capped after each round.
                small.remove(k, times_weight);
                big.remove(k, times_weight);
            }
        }
        // Carries through whole limbs: limbs 0 and 1 filled with ones, then 1 added.
        let ones = (1u64 << 53) - 1;
        let parts = [(ones, 11), ((1 << 11) - 1, 0), (ones, 75), ((1 << 11) - 1, 64), (1, 0), (ones, 140)];
        let exact: Vec<Dyadic> = parts.iter().map(|&(mant, _)| Dyadic { mant, exp: 0 }).collect();
        let shift: Vec<u32> = parts.iter().map(|p| p.1).collect();
        let naive: BigUint = parts.iter().map(|&(m, s)| BigUint::from(m) << s).sum();
        assert_eq!(sum_weights(&exact, &shift), naive);
        // A weight of 128 bits or a sum past u128: big integers.
        let wide = [Dyadic { mant: 1, exp: 0 }, Dyadic { mant: 3, exp: 0 }];
        assert!(matches!(Weights::new(&wide, &[0, 126]), Weights::Big { .. }));
        assert!(matches!(Weights::new(&wide, &[127, 0]), Weights::Big { .. }));
        assert_eq!(wide_mul(u128::MAX, u64::MAX), (u128::MAX - u128::from(u64::MAX) - 1, 1));
    }

    #[test]
    fn remainders_order_by_value_in_either_form() {
        let big = |x: u128| Remainder::Big(BigUint::from(x));
        let past = Remainder::Big(BigUint::from(u128::MAX) + 1u32);
        assert_eq!(Remainder::Small(5), big(5));
        assert_eq!(Remainder::Small(5).cmp(&big(5)), Ordering::Equal);
        assert!(Remainder::Small(4) > big(3) && big(3) < Remainder::Small(4));
        assert!(Remainder::Small(u128::MAX) < past && past > Remainder::Small(u128::MAX));
        assert!(Remainder::Small(7) < Remainder::Small(8));
        let mut v = [big(9), Remainder::Small(2), past.clone(), Remainder::Small(9), big(0)];
        v.sort();
        let got: Vec<BigUint> = v.iter().map(|r| r.big().into_owned()).collect();
        let want: Vec<BigUint> =
            [0u128, 2, 9, 9].into_iter().map(BigUint::from).chain([past.big().into_owned()]).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn big_integer_helpers() {
        assert_eq!(cmp_scaled(3, 0, 3, 0), Ordering::Equal);
        assert_eq!(cmp_scaled(3, 1, 6, 0), Ordering::Equal);
        assert_eq!(cmp_scaled(1, -1074, u128::MAX, 971), Ordering::Less);
        assert_eq!(cmp_scaled(u128::MAX, 0, 1, 128), Ordering::Less);
        assert_eq!(cmp_scaled(0, 5, 1, -5), Ordering::Less);
        // A ~2,100-bit divisor (the widest weights) and a quotient just below 2^64.
        let b = BigUint::from(12345u32) << 2_100u32;
        let c = &b * u64::MAX + BigUint::from(777u32);
        assert_eq!(div_rem(&c, &b), (u64::MAX, BigUint::from(777u32)));
        let b = BigUint::from(12345u32) << 70u32;
        let c = &b * 999_999_999_999u64 + BigUint::from(777u32);
        assert_eq!(div_rem(&c, &b), (999_999_999_999, BigUint::from(777u32)));
        // The top bits of a remainder, across digit edges.
        let x = (BigUint::from(0xdead_beef_u64) << 100u32) + BigUint::from(5u32);
        assert_eq!(bits_from(&x, 0), 5);
        assert_eq!(bits_from(&x, 100), 0xdead_beef);
        assert_eq!(bits_from(&x, 68), 0xdead_beef_u64 << 32);
        assert_eq!(bits_from(&x, 64), 0xdead_beef_u64 << 36);
        assert_eq!(bits_from(&x, 200), 0);
        assert_eq!(bits_from(&BigUint::ZERO, 3), 0);
        // Float estimates decide only when clearly apart, and never for zero, overflow or
        // subnormals; a near tie goes to the exact comparison.
        assert_eq!(clearly_ordered(1.0, 2.0), Some(Ordering::Less));
        assert_eq!(clearly_ordered(2.0, 1.0), Some(Ordering::Greater));
        assert_eq!(clearly_ordered(1.0, 1.0 + f64::EPSILON * 8.0), None);
        assert_eq!(clearly_ordered(0.0, 1.0), None);
        assert_eq!(clearly_ordered(f64::INFINITY, 1.0), None);
        assert_eq!(clearly_ordered(f64::MIN_POSITIVE / 4.0, 1.0), None);
        // Caps a float cannot tell apart (above 2^53, units equal): the exact order caps
        // creator 2 (cap big) first, with a share of big + 2/3. Then the share is big + 1,
        // not above creator 1's cap, so the walk stops. Taken in id order, creator 1 would
        // stop the walk at once and creator 2 would get more than its cap.
        let big = (1i64 << 60) + 1;
        let claims = [claim(1, 1.0, Some(big + 1)), claim(2, 1.0, Some(big)), claim(3, 1.0, None)];
        assert_eq!((big + 1) as f64, big as f64);
        let a = run(3 * big + 2, &claims);
        assert_eq!(summary(&a), vec![(1, big + 1, false), (2, big, true), (3, big + 1, false)]);
    }

    // ---- properties

    fn units_strategy() -> impl Strategy<Value = f64> {
        prop_oneof![
            (1u32..1_000).prop_map(f64::from),
            0.001f64..1_000.0,
            (-300.0f64..300.0).prop_map(|e| 10f64.powf(e)),
            (1u64..0x7ff0_0000_0000_0000).prop_map(f64::from_bits), // any positive finite
            Just(5e-324),
            Just(f64::MAX),
        ]
    }

    fn cap_strategy() -> impl Strategy<Value = Option<i64>> {
        prop_oneof![
            Just(None),
            Just(Some(0)),
            (0i64..1_000).prop_map(Some),
            (0i64..10_000_000).prop_map(Some),
            (0i64..=i64::MAX).prop_map(Some),
            Just(Some(i64::MAX)),
        ]
    }

    fn pool_strategy() -> impl Strategy<Value = i64> {
        prop_oneof![Just(0i64), 0i64..1_000, 0i64..100_000_000, 0i64..=i64::MAX, Just(i64::MAX),]
    }

    /// Claims with unique, shuffled ids.
    fn claims_of(rows: impl Strategy<Value = Vec<(f64, Option<i64>)>>) -> impl Strategy<Value = Vec<Claim>> {
        rows.prop_flat_map(|rows| {
            let ids: Vec<i64> = (0..rows.len() as i64).collect();
            (Just(rows), Just(ids).prop_shuffle(), -1_000i64..1_000)
        })
        .prop_map(|(rows, ids, offset)| {
            rows.into_iter().zip(ids).map(|((units, cap), id)| claim(id * 3 + offset, units, cap)).collect()
        })
    }

    fn any_claims() -> impl Strategy<Value = Vec<Claim>> {
        claims_of(prop::collection::vec((units_strategy(), cap_strategy()), 1..200))
    }

    proptest! {
        #[test]
        fn invariants_hold(claims in any_claims(), pool in pool_strategy()) {
            run(pool, &claims);
        }

        #[test]
        fn matches_exact_reference(
            rows in prop::collection::vec(((1u64..1 << 20), -10i32..=10, cap_strategy()), 1..200),
            pool in pool_strategy(),
            offset in -1_000i64..1_000,
        ) {
            // Units k·2^e are exact in f64; as integers k·2^(e+10) < 2^40 the reference's
            // products stay below 2^128.
            let ids: Vec<i64> = (0..rows.len() as i64).map(|i| offset - 2 * i).collect();
            let weights: Vec<u128> = rows.iter().map(|&(k, e, _)| u128::from(k) << (e + 10)).collect();
            let caps: Vec<Option<i64>> = rows.iter().map(|r| r.2).collect();
            let claims: Vec<Claim> = rows
                .iter()
                .zip(&ids)
                .map(|(&(k, e, cap), &id)| claim(id, k as f64 * 2f64.powi(e), cap))
                .collect();
            let a = run(pool, &claims);
            let (want, unallocated) = reference_exact(pool, &ids, &weights, &caps);
            for (c, (amount, capped)) in claims.iter().zip(want) {
                let s = a.shares.iter().find(|s| s.creator_id == c.creator_id).unwrap();
                prop_assert_eq!((s.amount_cents, s.capped), (amount, capped), "creator {}", c.creator_id);
            }
            prop_assert_eq!(a.unallocated_cents, unallocated);
        }

        #[test]
        fn hold_is_the_uncapped_allocation_with_exact_capped_flags(
            rows in prop::collection::vec(((1u64..1 << 20), -10i32..=10, cap_strategy()), 1..100),
            pool in pool_strategy(),
        ) {
            // Units k·2^e, exact as integers k·2^(e+10) < 2^40, so the share test is exact in u128.
            let claims: Vec<Claim> =
                rows.iter().enumerate().map(|(i, &(k, e, cap))| claim(50 - i as i64, k as f64 * 2f64.powi(e), cap)).collect();
            let weights: Vec<u128> = rows.iter().map(|&(k, e, _)| u128::from(k) << (e + 10)).collect();
            let total: u128 = weights.iter().sum();
            let held = allocate_hold(pool, &claims).unwrap();
            let uncapped: Vec<Claim> = claims.iter().map(|c| claim(c.creator_id, c.units, None)).collect();
            let plain = run(pool, &uncapped);
            prop_assert_eq!(held.unallocated_cents, 0);
            prop_assert_eq!(held.allocated_cents, pool);
            for (c, w) in claims.iter().zip(&weights) {
                let s = held.shares.iter().find(|s| s.creator_id == c.creator_id).unwrap();
                let p = plain.shares.iter().find(|s| s.creator_id == c.creator_id).unwrap();
                prop_assert_eq!(s.amount_cents, p.amount_cents);
                prop_assert_eq!(s.cap_cents, c.cap_cents);
                // share > cap  <=>  cap·U < pool·w; pool, cap < 2^63 and w, U < 2^47 (at most 100
                // weights below 2^40), so both products fit in u128.
                let want = match c.cap_cents {
                    None => false,
                    Some(0) => true,
                    Some(cap) => (cap as u128) * total < (pool as u128) * w,
                };
                prop_assert_eq!(s.capped, want, "{:?}", s);
            }
        }

        #[test]
        fn monotone_in_own_units(
            claims in any_claims(),
            pool in pool_strategy(),
            who in any::<prop::sample::Index>(),
            factor in prop_oneof![1.0f64 + 1e-15..1.0 + 1e-9, 1.0f64..2.0, 2.0f64..1e6, 1e6f64..1e300],
        ) {
            let j = who.index(claims.len());
            let mut bigger = claims.clone();
            bigger[j].units = (claims[j].units * factor).min(f64::MAX);
            if bigger[j].units <= claims[j].units {
                return Ok(()); // already f64::MAX
            }
            let before = run(pool, &claims);
            let after = run(pool, &bigger);
            for (b, a) in before.shares.iter().zip(&after.shares) {
                // i128: an amount may be i64::MAX.
                let (old, new) = (i128::from(b.amount_cents), i128::from(a.amount_cents));
                if b.creator_id == claims[j].creator_id {
                    prop_assert!(new >= old - 1, "{:?} -> {:?}", b, a);
                } else {
                    prop_assert!(new <= old + 1, "{:?} -> {:?}", b, a);
                }
            }
        }

        #[test]
        fn equal_claims_differ_by_at_most_one_cent(
            n in 1usize..200,
            units in units_strategy(),
            cap in cap_strategy(),
            pool in pool_strategy(),
        ) {
            let claims: Vec<Claim> = (0..n as i64).rev().map(|id| claim(id, units, cap)).collect();
            let a = run(pool, &claims);
            let amounts: Vec<i64> = a.shares.iter().map(|s| s.amount_cents).collect();
            // Sorted by id, the extra cents go to the smallest ids: non-increasing, spread <= 1.
            prop_assert!(amounts.windows(2).all(|w| w[0] >= w[1]));
            prop_assert!(amounts[0] - amounts[n - 1] <= 1);
        }

        #[test]
        fn invariant_under_power_of_two_scaling_and_order(
            claims in any_claims(),
            pool in pool_strategy(),
            k in any::<prop::sample::Index>(),
            perm_seed in any::<u64>(),
        ) {
            // Multiplying every units by 2^k (exactly, all values staying normal or only
            // growing) must not change a single cent; neither may the input order.
            let biased = |u: f64| ((u.to_bits() >> 52) & 0x7ff) as i64;
            let lo = claims.iter().map(|c| if biased(c.units) == 0 { 0 } else { 1 - biased(c.units) }).max().unwrap();
            let hi = claims.iter().map(|c| 2046 - biased(c.units)).min().unwrap();
            prop_assume!(lo <= hi);
            let k = lo + k.index((hi - lo + 1) as usize) as i64;
            let half = |e: i64| f64::from_bits(((e + 1023) as u64) << 52);
            let mut scaled = claims.clone();
            for c in &mut scaled {
                c.units = c.units * half(k / 2) * half(k - k / 2);
            }
            // Rotate the input order as well.
            let r = (perm_seed % scaled.len() as u64) as usize;
            scaled.rotate_left(r);
            let a = run(pool, &claims);
            let b = run(pool, &scaled);
            prop_assert_eq!(summary(&a), summary(&b));
            prop_assert_eq!(a.unallocated_cents, b.unallocated_cents);
        }

        #[test]
        fn never_panics_on_any_input(
            rows in prop::collection::vec((-5i64..5, any::<f64>(), prop::option::of(any::<i64>())), 0..30),
            pool in any::<i64>(),
        ) {
            let claims: Vec<Claim> = rows.into_iter().map(|(id, u, cap)| claim(id, u, cap)).collect();
            let mut ids: Vec<i64> = claims.iter().map(|c| c.creator_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let valid = pool >= 0
                && ids.len() == claims.len()
                && claims.iter().all(|c| c.units.is_finite() && c.units > 0.0 && c.cap_cents.is_none_or(|cap| cap >= 0));
            match allocate(pool, &claims) {
                Ok(a) => {
                    prop_assert!(valid);
                    check_invariants(pool, &claims, &a);
                }
                Err(e) => {
                    prop_assert!(!valid);
                    let real = match &e {
                        AllocationError::NegativePool(p) => *p == pool && pool < 0,
                        AllocationError::InvalidUnits { creator_id, units } => claims.iter().any(|c| {
                            c.creator_id == *creator_id && c.units.to_bits() == units.to_bits()
                                && !(c.units.is_finite() && c.units > 0.0)
                        }),
                        AllocationError::NegativeCap { creator_id, cap_cents } => claims
                            .iter()
                            .any(|c| c.creator_id == *creator_id && c.cap_cents == Some(*cap_cents) && *cap_cents < 0),
                        AllocationError::DuplicateCreator(id) => {
                            claims.iter().filter(|c| c.creator_id == *id).count() > 1
                        }
                    };
                    prop_assert!(real, "{:?}", e);
                }
            }
        }
    }
}
