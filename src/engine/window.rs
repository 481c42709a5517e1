//! The seven-day integrity window of SPEC §4.1: distinct devices / IPs per creator over the
//! seven days ending with each day, counted in one ordered pass.
//!
//! Pure Rust (no pgrx). For each (creator, kind, key) we keep only the last day it was seen,
//! and per (creator, kind) how many keys have their last sighting on each day. A key is in
//! the window of day `D` iff its last sighting up to `D` is within `[D-6, D]`, so the distinct
//! count of that window is the sum of seven buckets. Seeing a key again moves it from its old
//! bucket to today's. Keys last seen more than six days ago can never count again unless seen
//! anew, so they are pruned every fourth day (a stale key only moves a count out of a bucket
//! that no later window reads): the map holds at most ten days of keys, not a month. The
//! buckets are a ring of eight days per (creator, kind), each tagged with its day, so a
//! creator costs the same whatever the period's length.
//! Events must arrive in day order (the caller reads them `ORDER BY ts`). Every structure
//! that grows with the data reserves its room fallibly (`mem`).

use rustc_hash::FxHashMap;

use crate::engine::mem::{
    filled_vec, grow_vec, prefetch_read, reserve_vec, room_in_map, room_in_vec, AllocError, PREFETCH_AHEAD,
};

/// Days in the integrity window (`[D-6, D+1)`).
pub const WINDOW_DAYS: u32 = 7;

/// What a distinct key is: a view's device or its IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Device = 0,
    Ip = 1,
}

/// Distinct keys per (creator, kind) over a sliding seven-day window. Creators are dense
/// indexes (`0..creators`), so a bucket is a slice lookup, not a hash.
///
/// A month of keys is far larger than the CPU caches, and sightings arrive in random key
/// order, so updating one big map per sighting would be a cache miss each time. Instead the
/// sightings of a day are buffered and applied together, partitioned by (creator, kind) into
/// [`PARTS`] maps, each small enough to stay in cache while its share is applied.
#[derive(Debug)]
pub struct SlidingDistinct {
    /// Last day each (creator, kind, key) was seen, keyed by `mix(creator * 2 + kind, key)`
    /// so an entry is 24 bytes; map `(creator * 2 + kind) % PARTS`.
    last_seen: Vec<FxHashMap<(u64, u64), u32>>,
    /// Sightings of day `pending_day` not applied yet, and room to partition them.
    pending: Vec<Sighting>,
    scratch: Vec<Sighting>,
    pending_day: u32,
    /// [`RING`] day-tagged counters per (creator, kind), at `(creator * 2 + kind) * RING`:
    /// the keys last seen on day `d` are counted at `d % RING` while its tag is `d`.
    buckets: Vec<Bucket>,
    /// Latest day seen, to refuse out-of-order input.
    latest: u32,
}

/// Partitions of the last-seen map.
const PARTS: usize = 64;

/// Days between two prunings of the last-seen map: a pruning visits every key, so it is the
/// map's main upkeep, while a key it has not dropped yet only costs memory (a last sighting
/// older than the ring is recognised by its bucket's tag).
const PRUNE_EVERY: u32 = 4;

/// Days of buckets kept per (creator, kind): the seven of a window, and the day before it,
/// which a key seen again today may still have as its last sighting (see `prune_after`).
const RING: usize = 8;

/// The keys of one (creator, kind) last seen on day `day`: no more than the last-seen map
/// holds, so 32 bits (8 bytes a bucket: a creator's 16 buckets take 128 bytes, not 256).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bucket {
    day: u32,
    count: u32,
}

/// A bucket no day has used yet.
const UNUSED: Bucket = Bucket { day: u32::MAX, count: 0 };

/// A buffered sighting of a key in a slot, `creator * 2 + kind`, as 24 bytes.
#[derive(Debug, Clone, Copy, Default)]
struct Sighting {
    slot: u32,
    key: [u64; 2],
}

impl Sighting {
    fn new(slot: u32, key: u128) -> Sighting {
        Sighting { slot, key: halves(key) }
    }

    /// The key with the slot folded in (see [`mix`]): one map can hold every slot's keys.
    fn mixed(&self) -> (u64, u64) {
        mix(u64::from(self.slot), whole(self.key))
    }
}

/// What the structures of this module hold, as out-of-memory errors name them.
const SIGHTINGS: &str = "a day's device and IP sightings";
const LAST_SEEN: &str = "the seven-day devices and IPs";
const BUCKETS: &str = "the seven-day distinct counts";
/// What a bucket counts, as the error of [`PassError::Limit`] names it.
const DISTINCT_KEYS: &str = "distinct devices or IPs of one creator's views last seen";

/// Sorts `sightings` into `out` by partition (`slot % PARTS`, a counting sort: two sequential
/// passes) and returns where each partition starts (`PARTS + 1` offsets). Applying a day's
/// sightings partition by partition keeps each partition's map in cache.
fn partition(sightings: &[Sighting], out: &mut Vec<Sighting>) -> Result<[usize; PARTS + 1], AllocError> {
    let mut start = [0usize; PARTS + 1];
    for s in sightings {
        start[s.slot as usize % PARTS + 1] += 1;
    }
    for p in 0..PARTS {
        start[p + 1] += start[p];
    }
    out.clear();
    reserve_vec(out, sightings.len(), SIGHTINGS)?;
    out.resize(sightings.len(), Sighting::default());
    let mut next = start;
    for s in sightings {
        let p = s.slot as usize % PARTS;
        out[next[p]] = *s;
        next[p] += 1;
    }
    Ok(start)
}

/// Why the event pass stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassError {
    /// An event arrived for window day `day`, after one of day `latest`.
    OutOfOrder { day: u32, latest: u32 },
    /// A data-sized allocation was refused.
    Alloc(AllocError),
    /// A per-creator daily tally, kept in 32 bits, would pass `u32::MAX` (what it counts).
    Limit(&'static str),
}

impl From<AllocError> for PassError {
    fn from(e: AllocError) -> Self {
        PassError::Alloc(e)
    }
}

impl SlidingDistinct {
    pub fn new(creators: usize) -> Result<Self, AllocError> {
        Ok(SlidingDistinct {
            last_seen: vec![FxHashMap::default(); PARTS],
            pending: Vec::new(),
            scratch: Vec::new(),
            pending_day: 0,
            buckets: filled_vec(creators.saturating_mul(2 * RING), UNUSED, BUCKETS)?,
            latest: 0,
        })
    }

    /// Room for one more creator (dense indexes are given as creators first appear).
    pub fn add_creator(&mut self) -> Result<(), AllocError> {
        grow_vec(&mut self.buckets, 2 * RING, UNUSED, BUCKETS)
    }

    /// Records that `creator`'s video was viewed with `key` on `day`.
    pub fn see(&mut self, creator: u32, kind: Key, key: u128, day: u32) -> Result<(), PassError> {
        if day < self.latest {
            return Err(PassError::OutOfOrder { day, latest: self.latest });
        }
        self.latest = day;
        if day != self.pending_day {
            self.apply()?;
            self.pending_day = day;
        }
        room_in_vec(&mut self.pending, SIGHTINGS)?;
        self.pending.push(Sighting::new(creator * 2 + kind as u32, key));
        Ok(())
    }

    /// Applies the buffered sightings, one partition at a time: a sighting moves its key
    /// from the bucket of the day it was last seen to today's.
    fn apply(&mut self) -> Result<(), PassError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let start = partition(&self.pending, &mut self.scratch)?;
        let day = self.pending_day;
        for p in 0..PARTS {
            let map = &mut self.last_seen[p];
            let part = &self.scratch[start[p]..start[p + 1]];
            for (i, s) in part.iter().enumerate() {
                // The part's map stays in cache; the rings are spread over every creator.
                if let Some(a) = part.get(i + PREFETCH_AHEAD) {
                    prefetch_read(&self.buckets[a.slot as usize * RING + day as usize % RING]);
                }
                room_in_map(map, LAST_SEEN)?;
                let prev = map.insert(s.mixed(), day);
                if prev == Some(day) {
                    continue;
                }
                let ring = &mut self.buckets[s.slot as usize * RING..(s.slot as usize + 1) * RING];
                // A last sighting whose bucket has been reused is older than any window
                // that is still to be read: nothing to move.
                if let Some(old) = prev.map(|d| &mut ring[d as usize % RING]).filter(|b| Some(b.day) == prev) {
                    old.count -= 1;
                }
                let today = &mut ring[day as usize % RING];
                if today.day != day {
                    *today = Bucket { day, count: 0 };
                }
                today.count = today.count.checked_add(1).ok_or(PassError::Limit(DISTINCT_KEYS))?;
            }
        }
        self.pending.clear();
        Ok(())
    }

    /// Asks for `creator`'s buckets ahead of [`SlidingDistinct::in_window`].
    pub fn prefetch(&self, creator: u32) {
        let start = creator as usize * 2 * RING;
        if let Some(ring) = self.buckets.get(start..start + 2 * RING) {
            for b in ring.iter().step_by(4) {
                prefetch_read(b);
            }
        }
    }

    /// Distinct keys of `creator` seen in the seven days ending with `day` (sightings up to
    /// `day` must have been recorded).
    pub fn in_window(&mut self, creator: u32, kind: Key, day: u32) -> Result<i64, PassError> {
        self.apply()?;
        let start = (creator as usize * 2 + kind as usize) * RING;
        let lo = (day + 1).saturating_sub(WINDOW_DAYS);
        Ok(self.buckets[start..start + RING]
            .iter()
            .filter(|b| b.day >= lo && b.day <= day)
            .map(|b| i64::from(b.count))
            .sum())
    }

    /// Called after each day: every fourth day, forgets the keys that cannot be in any window
    /// ending after `day` (so at most ten days of keys are held).
    pub fn prune_after(&mut self, day: u32) -> Result<(), PassError> {
        self.apply()?;
        if day % PRUNE_EVERY != PRUNE_EVERY - 1 {
            return Ok(());
        }
        let keep_from = (day + 2).saturating_sub(WINDOW_DAYS);
        for map in &mut self.last_seen {
            map.retain(|_, d| *d >= keep_from);
        }
        Ok(())
    }

    /// Keys currently remembered (for tests and memory checks).
    pub fn remembered(&self) -> usize {
        self.last_seen.iter().map(|m| m.len()).sum::<usize>() + self.pending.len()
    }
}

/// A 128-bit key as two 64-bit halves: 8-byte aligned, so records holding keys pack tightly
/// (a `u128` is 16-byte aligned).
pub fn halves(key: u128) -> [u64; 2] {
    [key as u64, (key >> 64) as u64]
}

/// The key of [`halves`].
pub fn whole(h: [u64; 2]) -> u128 {
    u128::from(h[0]) | (u128::from(h[1]) << 64)
}

/// A 128-bit key hash with `id` folded in. Multiplying by an odd constant is a bijection on
/// u64, so the same key under two different ids never collides; different keys collide only
/// as two random 128-bit values do.
pub fn mix(id: u64, key: u128) -> (u64, u64) {
    (key as u64 ^ id.wrapping_mul(0x9E37_79B9_7F4A_7C15), (key >> 64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: distinct keys with a sighting in [day-6, day].
    fn brute(sightings: &[(u32, Key, u128, u32)], creator: u32, kind: Key, day: u32) -> i64 {
        let lo = (day + 1).saturating_sub(WINDOW_DAYS);
        let mut keys: Vec<u128> = sightings
            .iter()
            .filter(|s| s.0 == creator && s.1 == kind && s.3 >= lo && s.3 <= day)
            .map(|s| s.2)
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys.len() as i64
    }

    #[test]
    fn a_bucket_past_32_bits_is_refused() {
        let mut s = SlidingDistinct::new(2).unwrap();
        s.see(1, Key::Ip, 10, 4).unwrap();
        assert_eq!(s.in_window(1, Key::Ip, 4), Ok(1));
        // Creator 1's IP bucket of day 4 full (as if 2^32 - 1 keys had been seen): one more
        // key is refused, a key seen again is not.
        let slot = (2 + Key::Ip as usize) * RING + 4 % RING; // creator 1: (1 * 2 + kind) * RING
        s.buckets[slot].count = u32::MAX;
        s.see(1, Key::Ip, 10, 4).unwrap();
        assert_eq!(s.in_window(1, Key::Ip, 4), Ok(i64::from(u32::MAX)));
        s.see(1, Key::Ip, 11, 4).unwrap();
        assert_eq!(s.in_window(1, Key::Ip, 4), Err(PassError::Limit(DISTINCT_KEYS)));
    }

    #[test]
    fn window_edges_and_repeats() {
        let mut s = SlidingDistinct::new(3).unwrap();
        // key 1 on days 0 and 8; key 2 on day 6; key 3 on day 7; creator 2 unrelated.
        let sightings = [
            (1, Key::Device, 1, 0),
            (1, Key::Device, 2, 6),
            (1, Key::Device, 1, 6),
            (1, Key::Device, 3, 7),
            (2, Key::Device, 1, 7),
            (1, Key::Device, 1, 8),
        ];
        let mut expected = Vec::new();
        let mut i = 0;
        for day in 0..=14 {
            while i < sightings.len() && sightings[i].3 == day {
                let (c, k, key, d) = sightings[i];
                s.see(c, k, key, d).unwrap();
                i += 1;
            }
            expected.push((s.in_window(1, Key::Device, day).unwrap(), brute(&sightings, 1, Key::Device, day)));
            s.prune_after(day).unwrap();
        }
        for (day, (got, want)) in expected.iter().enumerate() {
            assert_eq!(got, want, "day {day}");
        }
        // Day 6: keys 1, 2 → 2. Day 13: key 1 (day 8) and nothing else... key 3 (day 7) → 2.
        assert_eq!(expected[6].0, 2);
        assert_eq!(expected[13].0, 2);
        assert_eq!(expected[14].0, 1);
        assert_eq!(s.in_window(1, Key::Ip, 8), Ok(0));
    }

    #[test]
    fn random_sightings_with_idle_days_match_brute_force() {
        // As the pass calls it: days without events get no call at all (neither the
        // sightings nor `prune_after`), so last sightings can be far older than the ring.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..50 {
            let mut s = SlidingDistinct::new(0).unwrap();
            for _ in 0..4 {
                s.add_creator().unwrap();
            }
            let mut all: Vec<(u32, Key, u128, u32)> = Vec::new();
            let mut day = 0u32;
            while day < 60 {
                let n = next(12);
                let today: Vec<(u32, Key, u128, u32)> = (0..n)
                    .map(|_| {
                        let kind = if next(2) == 0 { Key::Device } else { Key::Ip };
                        (next(4) as u32, kind, u128::from(next(9)), day)
                    })
                    .collect();
                for &(c, k, key, d) in &today {
                    s.see(c, k, key, d).unwrap();
                }
                all.extend(&today);
                if n > 0 {
                    for c in 0..4 {
                        for k in [Key::Device, Key::Ip] {
                            assert_eq!(s.in_window(c, k, day), Ok(brute(&all, c, k, day)), "day {day}");
                        }
                    }
                    s.prune_after(day).unwrap();
                }
                day += 1 + next(10) as u32 / 6; // now and then one or two idle days
            }
        }
    }

    #[test]
    fn pruning_keeps_about_a_week() {
        let mut s = SlidingDistinct::new(2).unwrap();
        for day in 0..40u32 {
            for k in 0..100u128 {
                s.see(1, Key::Ip, u128::from(day) * 1000 + k, day).unwrap();
            }
            s.prune_after(day).unwrap();
            assert!(s.remembered() <= 900, "day {day}: {}", s.remembered());
            assert_eq!(s.in_window(1, Key::Ip, day), Ok(100 * i64::from(day.min(6) + 1)));
        }
    }

    #[test]
    fn mix_keeps_ids_apart() {
        let k = 0x1234_5678_9abc_def0_1122_3344_5566_7788_u128;
        assert_ne!(mix(1, k), mix(2, k));
        assert_ne!(mix(1, k), mix(1, k + 1));
        assert_eq!(mix(7, k), mix(7, k));
    }

    #[test]
    fn out_of_order_is_refused() {
        let mut s = SlidingDistinct::new(2).unwrap();
        s.see(1, Key::Device, 1, 5).unwrap();
        assert_eq!(s.see(1, Key::Device, 1, 4), Err(PassError::OutOfOrder { day: 4, latest: 5 }));
    }

    #[test]
    fn a_refused_allocation_is_an_error() {
        // Too many creators for the buckets: refused up front, with the size asked for.
        let e = SlidingDistinct::new(usize::MAX / 64).unwrap_err();
        assert_eq!(e, AllocError { what: BUCKETS, bytes: usize::MAX });
        // A per-reservation limit (test hook): a day of 10,000 keys outgrows it when applied.
        let mut s = SlidingDistinct::new(2).unwrap();
        let before = crate::engine::mem::set_test_limit(64 << 10);
        for k in 0..10_000u128 {
            if let Err(e) = s.see(1, Key::Device, k, 0) {
                // The buffer of sightings (24 bytes each) is refused first.
                assert!(matches!(e, PassError::Alloc(AllocError { what: SIGHTINGS, .. })), "{e:?}");
                assert!(k > 1000);
                break;
            }
            assert!(k < 9_999, "the limit was never hit");
        }
        crate::engine::mem::set_test_limit(before);
    }

    #[test]
    fn random_sightings_match_brute_force() {
        // A deterministic pseudo-random stream (LCG), in day order.
        let mut x: u64 = 42;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            x >> 33
        };
        let mut sightings = Vec::new();
        for day in 0..30u32 {
            for _ in 0..(next() % 40) {
                let kind = if next() % 2 == 0 { Key::Device } else { Key::Ip };
                sightings.push((1 + (next() % 3) as u32, kind, u128::from(next() % 25), day));
            }
        }
        let mut s = SlidingDistinct::new(4).unwrap();
        let mut i = 0;
        for day in 0..30 {
            while i < sightings.len() && sightings[i].3 == day {
                let (c, k, key, d) = sightings[i];
                s.see(c, k, key, d).unwrap();
                i += 1;
            }
            for c in 1..=3 {
                for k in [Key::Device, Key::Ip] {
                    assert_eq!(s.in_window(c, k, day), Ok(brute(&sightings, c, k, day)), "c {c} {k:?} day {day}");
                }
            }
            s.prune_after(day).unwrap();
        }
    }
}
