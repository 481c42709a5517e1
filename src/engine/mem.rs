//! Fallible reservation for the allocations that grow with the data.
//!
//! Pure Rust (no pgrx). Rust's global allocator aborts the process when an allocation
//! fails, and an aborted backend makes the postmaster restart every session. So the maps and
//! vectors whose size depends on the data reserve their room with `try_reserve` before they
//! grow, and a shortage becomes an [`AllocError`] naming what was being reserved and how
//! many bytes (SQLSTATE 53200 once it reaches SQL). Each `room_in_*` helper grows exactly
//! when, and by as much as, the insert or push that follows would have (a hash map when it is
//! full, a vector when its length reaches its capacity), so results and memory use are those
//! of the infallible code; between growths the check is one comparison.
//!
//! It also holds [`prefetch_read`], the hint with which the pass's loops over data-sized state
//! (videos, creators, distinct-key buckets) ask for an item's memory some items ahead.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

/// An allocation the allocator refused: `bytes` (about) were requested for `what`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocError {
    pub what: &'static str,
    pub bytes: usize,
}

impl std::fmt::Display for AllocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "out of memory: could not reserve {} bytes for {}", self.bytes, self.what)
    }
}

// Test hook: a per-thread limit on the bytes of any one reservation, so that tests can have
// a reservation refused without exhausting the machine. (`pipeline` hands it to its worker.)
#[cfg(test)]
thread_local! {
    static TEST_LIMIT: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

/// Sets this thread's reservation limit; returns the previous one.
#[cfg(test)]
pub fn set_test_limit(bytes: usize) -> usize {
    TEST_LIMIT.with(|l| l.replace(bytes))
}

#[cfg(test)]
pub fn test_limit() -> usize {
    TEST_LIMIT.with(|l| l.get())
}

/// Whether a reservation of `bytes` is refused by the test hook (never outside tests).
#[inline]
fn refused_by_test(bytes: usize) -> bool {
    #[cfg(test)]
    {
        bytes > test_limit()
    }
    #[cfg(not(test))]
    {
        let _ = bytes;
        false
    }
}

/// Bytes of a hash table (std's hashbrown layout) able to hold `items` entries of type `T`:
/// a power-of-two number of buckets at most 7/8 full, each bucket an entry and a control
/// byte, plus one SIMD group of control bytes. Saturates instead of overflowing.
pub fn table_bytes<T>(items: usize) -> usize {
    let buckets = match items {
        0 => 0,
        1..=3 => 4,
        4..=7 => 8,
        _ => items.checked_mul(8).and_then(|x| (x / 7).checked_next_power_of_two()).unwrap_or(usize::MAX),
    };
    buckets.saturating_mul(std::mem::size_of::<T>() + 1).saturating_add(16)
}

/// Bytes a vector of `T` would take after growing to hold `len + additional` elements (it
/// at least doubles, as `Vec` does).
fn vec_bytes<T>(capacity: usize, len: usize, additional: usize) -> usize {
    let wanted = len.saturating_add(additional).max(capacity.saturating_mul(2));
    wanted.saturating_mul(std::mem::size_of::<T>())
}

/// Reserves room for `additional` more entries in `map`.
pub fn reserve_map<K: Eq + Hash, V, S: BuildHasher>(
    map: &mut HashMap<K, V, S>,
    additional: usize,
    what: &'static str,
) -> Result<(), AllocError> {
    let len = map.len();
    let bytes = || table_bytes::<(K, V)>(len.saturating_add(additional));
    if map.capacity() - map.len() < additional && refused_by_test(bytes()) {
        return Err(AllocError { what, bytes: bytes() });
    }
    map.try_reserve(additional).map_err(|_| AllocError { what, bytes: bytes() })
}

/// Room for one more entry in `map`: when it is full, grows it as an insert would (doubling
/// its buckets), but fallibly. After `Ok`, one insert cannot allocate.
#[inline]
pub fn room_in_map<K: Eq + Hash, V, S: BuildHasher>(
    map: &mut HashMap<K, V, S>,
    what: &'static str,
) -> Result<(), AllocError> {
    if map.len() < map.capacity() {
        return Ok(());
    }
    reserve_map(map, 1, what)
}

/// [`room_in_map`] for a set.
#[inline]
pub fn room_in_set<T: Eq + Hash, S: BuildHasher>(
    set: &mut HashSet<T, S>,
    what: &'static str,
) -> Result<(), AllocError> {
    if set.len() < set.capacity() {
        return Ok(());
    }
    let bytes = table_bytes::<T>(set.len().saturating_add(1));
    if refused_by_test(bytes) {
        return Err(AllocError { what, bytes });
    }
    set.try_reserve(1).map_err(|_| AllocError { what, bytes })
}

/// Reserves room for `additional` more elements in `v` (amortized, as `Vec::reserve`).
pub fn reserve_vec<T>(v: &mut Vec<T>, additional: usize, what: &'static str) -> Result<(), AllocError> {
    let bytes = vec_bytes::<T>(v.capacity(), v.len(), additional);
    if v.capacity() - v.len() < additional && refused_by_test(bytes) {
        return Err(AllocError { what, bytes });
    }
    v.try_reserve(additional).map_err(|_| AllocError { what, bytes })
}

/// Room for one more element in `v`: when it is full, grows it as a push would (doubling),
/// but fallibly. After `Ok`, one push cannot allocate.
#[inline]
pub fn room_in_vec<T>(v: &mut Vec<T>, what: &'static str) -> Result<(), AllocError> {
    if v.len() < v.capacity() {
        return Ok(());
    }
    reserve_vec(v, 1, what)
}

/// `vec![value; n]`, allocated fallibly (exactly `n` elements).
pub fn filled_vec<T: Clone>(n: usize, value: T, what: &'static str) -> Result<Vec<T>, AllocError> {
    let bytes = n.saturating_mul(std::mem::size_of::<T>());
    if refused_by_test(bytes) {
        return Err(AllocError { what, bytes });
    }
    let mut v = Vec::new();
    v.try_reserve_exact(n).map_err(|_| AllocError { what, bytes })?;
    v.resize(n, value);
    Ok(v)
}

/// Appends `n` copies of `value` to `v`, reserving fallibly (amortized, as `Vec::resize`).
pub fn grow_vec<T: Clone>(v: &mut Vec<T>, n: usize, value: T, what: &'static str) -> Result<(), AllocError> {
    reserve_vec(v, n, what)?;
    v.resize(v.len() + n, value);
    Ok(())
}

/// How many items ahead a loop over data-sized state asks for the item's memory
/// ([`prefetch_read`]): enough misses in flight to cover memory's latency, few enough that
/// the lines are still cached when used.
pub const PREFETCH_AHEAD: usize = 16;

/// A hint to load `*p`'s cache line. The pass's per-video and per-creator state is far larger
/// than the caches and visited in no useful order, so a loop that waits on one miss at a time
/// spends most of its time waiting; asked for some items ahead, the misses overlap. It reads
/// nothing and cannot fault.
#[inline(always)]
pub fn prefetch_read<T>(p: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it has no effect on memory or program state, and
    // `p` is a valid reference anyway.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>((p as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::{FxHashMap, FxHashSet};

    #[test]
    fn absurd_reservations_fail_with_their_size() {
        let mut map: FxHashMap<i64, [u64; 4]> = FxHashMap::default();
        let e = reserve_map(&mut map, usize::MAX / 2, "the test map").unwrap_err();
        assert_eq!(e, AllocError { what: "the test map", bytes: usize::MAX });
        // Large enough to be refused, small enough that the size is still exact: 2^44
        // entries are 2^45 buckets of 41 bytes, more than a 47-bit address space holds.
        let e = reserve_map(&mut map, 1 << 44, "the test map").unwrap_err();
        assert_eq!(e.bytes, (1usize << 45) * 41 + 16);
        assert!(map.is_empty());

        let mut v: Vec<u64> = vec![1, 2, 3];
        let e = reserve_vec(&mut v, usize::MAX / 2, "the test vec").unwrap_err();
        assert_eq!(e, AllocError { what: "the test vec", bytes: usize::MAX });
        let e = reserve_vec(&mut v, 1 << 50, "the test vec").unwrap_err();
        assert_eq!(e.bytes, ((1usize << 50) + 3) * 8);
        assert_eq!(v, vec![1, 2, 3], "a refused reservation leaves the vector as it was");

        let e = filled_vec(1usize << 50, 0i64, "the test buckets").unwrap_err();
        assert_eq!(e, AllocError { what: "the test buckets", bytes: 1 << 53 });
        let e = filled_vec(usize::MAX / 4, [0i64; 3], "the test buckets").unwrap_err();
        assert_eq!(e.bytes, usize::MAX);

        let mut set: FxHashSet<u128> = FxHashSet::default();
        assert!(set.try_reserve(usize::MAX / 2).is_err());
        assert_eq!(AllocError { what: "x", bytes: 12 }.to_string(), "out of memory: could not reserve 12 bytes for x");
    }

    #[test]
    fn room_grows_exactly_when_an_insert_would() {
        // Filled through room_in_map, a map has the capacity that plain inserts give it.
        let mut fallible: FxHashMap<u64, u64> = FxHashMap::default();
        let mut plain: FxHashMap<u64, u64> = FxHashMap::default();
        for i in 0..10_000u64 {
            room_in_map(&mut fallible, "m").unwrap();
            let before = fallible.capacity();
            fallible.insert(i, i);
            assert_eq!(fallible.capacity(), before, "the insert after room_in_map did not allocate");
            plain.insert(i, i);
            assert_eq!(fallible.capacity(), plain.capacity(), "after {i}");
        }
        let mut set: FxHashSet<u64> = FxHashSet::default();
        for i in 0..1000u64 {
            room_in_set(&mut set, "s").unwrap();
            let before = set.capacity();
            set.insert(i);
            assert_eq!(set.capacity(), before);
        }
        let mut fallible: Vec<u32> = Vec::new();
        let mut plain: Vec<u32> = Vec::new();
        for i in 0..10_000u32 {
            room_in_vec(&mut fallible, "v").unwrap();
            let before = fallible.capacity();
            fallible.push(i);
            assert_eq!(fallible.capacity(), before);
            plain.push(i);
            assert_eq!(fallible.capacity(), plain.capacity(), "after {i}");
        }
        assert_eq!(filled_vec(5, 7u8, "f").unwrap(), vec![7u8; 5]);
        assert!(filled_vec(0, 7u8, "f").unwrap().is_empty());
    }

    #[test]
    fn table_bytes_follows_the_bucket_count() {
        assert_eq!(table_bytes::<u64>(0), 16);
        assert_eq!(table_bytes::<u64>(3), 4 * 9 + 16);
        assert_eq!(table_bytes::<u64>(7), 8 * 9 + 16);
        assert_eq!(table_bytes::<u64>(14), 16 * 9 + 16);
        assert_eq!(table_bytes::<u64>(15), 32 * 9 + 16);
        assert_eq!(table_bytes::<u64>(usize::MAX), usize::MAX);
    }
}
