//! Events → units (SPEC §2–4). `signals` is the only reader of the application tables; the
//! rest is pure Rust: `pipeline` runs `stream`'s accumulator on a worker thread, `window`
//! keeps the seven-day distinct counts, `early` the launch windows, and `units` turns the
//! gathered signals into per-video and per-creator units. What grows with the data reserves
//! its room through `mem`, so running short of memory is an error (SQLSTATE 53200) that the
//! backend survives, not an abort.

pub mod early;
pub mod mem;
pub mod pipeline;
pub(crate) mod signals;
pub mod stream;
pub mod units;
pub mod window;

/// A deterministic pseudo-random stream for tests (an LCG): each call gives a number below
/// its argument.
#[cfg(test)]
pub(crate) fn test_rng(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut x = seed;
    move |m| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (x >> 33) % m
    }
}
