//! Early-velocity windows (SPEC §3.2) that lie outside the event pass: the windows of cohort
//! videos launched before the pass (or in its last hours), read by a separate query.
//!
//! Pure Rust (no pgrx). The windows are merged into disjoint time ranges so that, with only
//! an index on `event(ts)`, the reader scans each stretch of time once however many windows
//! overlap it; the query returns just the view events of these videos (filtered in SQL by
//! video id), and [`EarlyWindows::add`] keeps those inside their own video's window. The
//! windows and tallies, which grow with the data, reserve their room fallibly (`mem`).

use rustc_hash::{FxHashMap, FxHashSet};

use crate::engine::mem::{reserve_map, reserve_vec, room_in_map, room_in_set, room_in_vec, AllocError};
use crate::engine::units::EarlyViews;

/// What this module's allocations hold, as out-of-memory errors name them.
const DEVICES: &str = "an early window's devices";
const IPS: &str = "an early window's IPs";
const WINDOWS: &str = "the early windows";
const TALLIES: &str = "the early-window tallies";

/// Views, distinct devices and distinct IPs seen in one video's early window.
#[derive(Debug, Default)]
pub struct EarlyTally {
    views: i64,
    devices: FxHashSet<u128>,
    ips: FxHashSet<u128>,
}

impl EarlyTally {
    /// One view event (device and IP as `stream::key_hash`es, `None` when NULL).
    pub fn see(&mut self, device: Option<u128>, ip: Option<u128>) -> Result<(), AllocError> {
        self.views += 1;
        if let Some(d) = device {
            room_in_set(&mut self.devices, DEVICES)?;
            self.devices.insert(d);
        }
        if let Some(i) = ip {
            room_in_set(&mut self.ips, IPS)?;
            self.ips.insert(i);
        }
        Ok(())
    }

    pub fn counts(&self) -> EarlyViews {
        EarlyViews { views: self.views, uniq_devices: self.devices.len() as i64, uniq_ips: self.ips.len() as i64 }
    }
}

/// The early windows `[created_at, created_at + window)` of a set of videos, and their tallies.
#[derive(Debug, Default)]
pub struct EarlyWindows {
    windows: FxHashMap<i64, (i64, i64)>,
    tallies: FxHashMap<i64, EarlyTally>,
}

/// One query the reader should run: the view events of `ids` in a time span or in ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan {
    /// One scan of `[lo, hi)`: the windows cover most of it (or there is one range), and one
    /// range scan can use parallel workers.
    Span { lo: i64, hi: i64, ids: Vec<i64> },
    /// One scan per range (sparse windows: the span would read mostly other events).
    Ranges { ranges: Vec<(i64, i64)>, ids: Vec<i64> },
}

impl EarlyWindows {
    /// `videos`: (video id, created_at) in µs; `window_us` > 0. `events`: the first and last
    /// event time in the table, when known: a window that ends before the first event or
    /// starts after the last has no views and is not read at all.
    pub fn new(videos: &[(i64, i64)], window_us: i64, events: Option<(i64, i64)>) -> Result<Self, AllocError> {
        let mut windows = FxHashMap::default();
        reserve_map(&mut windows, videos.len(), WINDOWS)?;
        for &(v, c) in videos {
            let (lo, hi) = (c, c.saturating_add(window_us));
            if events.is_none_or(|(first, last)| hi > first && lo <= last) {
                windows.insert(v, (lo, hi));
            }
        }
        Ok(EarlyWindows { windows, tallies: FxHashMap::default() })
    }

    /// The videos whose windows may hold views (those not cut away by the table's bounds), as
    /// (video id, window start), by id: for one range scan per video.
    pub fn videos(&self) -> Result<Vec<(i64, i64)>, AllocError> {
        let mut out = Vec::new();
        reserve_vec(&mut out, self.windows.len(), WINDOWS)?;
        out.extend(self.windows.iter().map(|(v, (lo, _))| (*v, *lo)));
        out.sort_unstable();
        Ok(out)
    }

    /// The given windows merged into disjoint, sorted `[lo, hi)` ranges (touching ones joined).
    fn merge(mut w: Vec<(i64, i64)>) -> Result<Vec<(i64, i64)>, AllocError> {
        w.retain(|(lo, hi)| lo < hi);
        w.sort_unstable();
        let mut out: Vec<(i64, i64)> = Vec::new();
        for (lo, hi) in w {
            match out.last_mut() {
                Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
                _ => {
                    room_in_vec(&mut out, WINDOWS)?;
                    out.push((lo, hi));
                }
            }
        }
        Ok(out)
    }

    /// All windows as merged ranges.
    #[cfg(test)]
    fn ranges(&self) -> Vec<(i64, i64)> {
        Self::merge(self.windows.values().copied().collect()).unwrap()
    }

    /// The queries to run, given the pass `[pass_start, ..)` that was just read: the windows
    /// that start before the pass and those that start inside or after it are read apart, so
    /// neither scan spans the pass's own events. Within a group, one span scan when the
    /// merged ranges cover at least half of it, else one scan per range. Without a btree on
    /// `event(ts)` (`ts_index` false) every range would be a sequential scan of its own, so
    /// each group is always read in one span scan.
    pub fn scans(&self, pass_start: i64, ts_index: bool) -> Result<Vec<Scan>, AllocError> {
        let mut out = Vec::new();
        for before in [true, false] {
            let mut ids: Vec<i64> = Vec::new();
            let mut windows: Vec<(i64, i64)> = Vec::new();
            let n = self.windows.len();
            reserve_vec(&mut ids, n, WINDOWS)?;
            reserve_vec(&mut windows, n, WINDOWS)?;
            for (v, w) in self.windows.iter().filter(|(_, (lo, _))| (*lo < pass_start) == before) {
                ids.push(*v);
                windows.push(*w);
            }
            let ranges = Self::merge(windows)?;
            let (Some(first), Some(last)) = (ranges.first(), ranges.last()) else { continue };
            ids.sort_unstable();
            let (lo, hi) = (first.0, last.1);
            let covered: i128 = ranges.iter().map(|(lo, hi)| i128::from(*hi) - i128::from(*lo)).sum();
            if !ts_index || ranges.len() == 1 || 2 * covered >= i128::from(hi) - i128::from(lo) {
                out.push(Scan::Span { lo, hi, ids });
            } else {
                out.push(Scan::Ranges { ranges, ids });
            }
        }
        Ok(out)
    }

    /// One view event returned by the scan; counted if inside its video's window.
    pub fn add(&mut self, video_id: i64, ts: i64, device: Option<u128>, ip: Option<u128>) -> Result<(), AllocError> {
        let Some(&(lo, hi)) = self.windows.get(&video_id) else { return Ok(()) };
        if ts >= lo && ts < hi {
            room_in_map(&mut self.tallies, TALLIES)?;
            self.tallies.entry(video_id).or_default().see(device, ip)?;
        }
        Ok(())
    }

    /// The videos with at least one early view.
    pub fn finish(self) -> Result<FxHashMap<i64, EarlyViews>, AllocError> {
        let mut out = FxHashMap::default();
        reserve_map(&mut out, self.tallies.len(), TALLIES)?;
        out.extend(self.tallies.iter().map(|(v, t)| (*v, t.counts())));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const H: i64 = 3_600_000_000;

    #[test]
    fn windows_merge_into_disjoint_ranges() {
        // 1: [0, 2h); 2: [1h, 3h) overlaps; 3: [3h, 5h) touches; 4: [10h, 12h) apart.
        let w = EarlyWindows::new(&[(1, 0), (2, H), (3, 3 * H), (4, 10 * H)], 2 * H, None).unwrap();
        assert_eq!(w.ranges(), vec![(0, 5 * H), (10 * H, 12 * H)]);
        // Covered 7h of a 12h span: one span scan (the pass starts later).
        assert_eq!(w.scans(100 * H, true).unwrap(), vec![Scan::Span { lo: 0, hi: 12 * H, ids: vec![1, 2, 3, 4] }]);
        // Two windows far apart: one scan each.
        let w = EarlyWindows::new(&[(1, 0), (2, 100 * H)], 2 * H, None).unwrap();
        assert_eq!(
            w.scans(200 * H, true).unwrap(),
            vec![Scan::Ranges { ranges: vec![(0, 2 * H), (100 * H, 102 * H)], ids: vec![1, 2] }]
        );
        // ... unless the pass lies between them: then each side is its own span.
        assert_eq!(
            w.scans(50 * H, true).unwrap(),
            vec![Scan::Span { lo: 0, hi: 2 * H, ids: vec![1] }, Scan::Span { lo: 100 * H, hi: 102 * H, ids: vec![2] }]
        );
        // Without a ts btree each range would be a sequential scan: one span instead.
        let w = EarlyWindows::new(&[(1, 0), (2, 100 * H)], 2 * H, None).unwrap();
        assert_eq!(w.scans(200 * H, false).unwrap(), vec![Scan::Span { lo: 0, hi: 102 * H, ids: vec![1, 2] }]);
        assert_eq!(EarlyWindows::new(&[], 2 * H, None).unwrap().scans(0, true).unwrap(), vec![]);
        assert_eq!(
            EarlyWindows::new(&[(1, 5)], 2 * H, None).unwrap().scans(0, true).unwrap(),
            vec![Scan::Span { lo: 5, hi: 5 + 2 * H, ids: vec![1] }]
        );
    }

    #[test]
    fn windows_without_events_are_not_read() {
        // Events exist in [10h, 20h]: a window ending at 10h is out, one starting at 20h is in.
        let w =
            EarlyWindows::new(&[(1, 8 * H), (2, 9 * H), (3, 20 * H), (4, 20 * H + 1)], 2 * H, Some((10 * H, 20 * H)))
                .unwrap();
        assert_eq!(w.ranges(), vec![(9 * H, 11 * H), (20 * H, 22 * H)]);
        // Probed one by one (an event(video_id, ts) index): the same two videos, by id.
        assert_eq!(w.videos().unwrap(), vec![(2, 9 * H), (3, 20 * H)]);
    }

    #[test]
    fn only_events_inside_their_own_window_count() {
        let mut w = EarlyWindows::new(&[(1, 10 * H), (2, 11 * H)], 2 * H, None).unwrap();
        w.add(1, 10 * H, Some(1), Some(7)).unwrap(); // at created_at: in
        w.add(1, 12 * H - 1, Some(2), Some(7)).unwrap(); // last µs: in
        w.add(1, 12 * H, Some(3), Some(8)).unwrap(); // created_at + 2h: out
        w.add(1, 10 * H - 1, Some(4), Some(9)).unwrap(); // before: out
        w.add(1, 11 * H, None, None).unwrap(); // NULL device and IP: a view, no key
        w.add(2, 10 * H + 1, Some(1), Some(1)).unwrap(); // video 2's window starts at 11h: out
        w.add(3, 11 * H, Some(1), Some(1)).unwrap(); // not one of the videos
        let got = w.finish().unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[&1], EarlyViews { views: 3, uniq_devices: 2, uniq_ips: 1 });
    }

    #[test]
    fn a_refused_tally_is_an_error() {
        use crate::engine::mem::set_test_limit;
        let mut w = EarlyWindows::new(&[(1, 0)], 2 * H, None).unwrap();
        let before = set_test_limit(10_000);
        let mut refused = None;
        for k in 0..1_000u128 {
            if let Err(e) = w.add(1, k as i64, Some(k), None) {
                refused = Some((k, e));
                break;
            }
        }
        set_test_limit(before);
        // The device set (16-byte keys) holds 448 in 512 buckets of 17 bytes; 1,024 are refused.
        assert_eq!(refused, Some((448, AllocError { what: DEVICES, bytes: 1_024 * 17 + 16 })));
        let before = set_test_limit(100);
        assert!(EarlyWindows::new(&[(1, 0), (2, 0), (3, 0), (4, 0)], 2 * H, None).is_err());
        set_test_limit(before);
    }

    #[test]
    fn windows_at_the_end_of_time_saturate() {
        let w = EarlyWindows::new(&[(1, i64::MAX - 5)], 2 * H, None).unwrap();
        assert_eq!(w.ranges(), vec![(i64::MAX - 5, i64::MAX)]);
    }

    proptest! {
        /// Every window lies inside exactly one range; ranges are sorted, disjoint and
        /// separated; each range is a union of windows (its ends are window ends).
        #[test]
        fn ranges_cover_exactly_the_windows(starts in prop::collection::vec(0i64..1_000, 0..40), len in 1i64..50) {
            let vids: Vec<(i64, i64)> = starts.iter().enumerate().map(|(i, s)| (i as i64, *s)).collect();
            let w = EarlyWindows::new(&vids, len, None).unwrap();
            let r = w.ranges();
            for pair in r.windows(2) {
                prop_assert!(pair[0].1 < pair[1].0);
            }
            for (_, s) in &vids {
                prop_assert_eq!(r.iter().filter(|(lo, hi)| lo <= s && s + len <= *hi).count(), 1);
            }
            for (lo, hi) in &r {
                prop_assert!(vids.iter().any(|(_, s)| s == lo));
                prop_assert!(vids.iter().any(|(_, s)| s + len == *hi));
                // No point of the range is outside every window.
                for t in *lo..*hi {
                    prop_assert!(vids.iter().any(|(_, s)| *s <= t && t < s + len));
                }
            }
        }
    }
}
