//! The seven-day integrity window of SPEC §4.1, slid over every day of a period at once.
//!
//! Pure Rust (no pgrx). `signals` reduces a period's events (plus the six days before it) to
//! per-creator daily counts and, for distinct devices and IPs, to "day masks": for each
//! (creator, device) the set of window days on which it viewed, as bits of a `u64`, with the
//! number of devices sharing that exact set. A device is distinct in the window of day `D`
//! iff its mask has a bit among the seven days ending with `D`, so the distinct counts of all
//! days follow from a few hundred (mask, count) rows instead of a rescan per day.

use std::collections::HashMap;

use crate::units::WindowCounts;

/// Days in the integrity window (`[D-6, D+1)`).
pub const WINDOW_DAYS: u32 = 7;

/// Longest period whose window days fit the bits of a `u64` mask.
pub const MAX_PERIOD_DAYS: u32 = 64 - (WINDOW_DAYS - 1);

/// Counted events of one creator on one window day (day 0 = six days before the period).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DailyCounts {
    pub creator_id: i64,
    pub wday: u32,
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Device,
    Ip,
}

/// `n` distinct devices (or IPs) of a creator viewed exactly on the window days in `mask`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DayMask {
    pub creator_id: i64,
    pub key: Key,
    pub mask: u64,
    pub n: i64,
}

/// Window counts for each of the `days` days of the period, per creator.
pub fn window_counts(days: u32, daily: &[DailyCounts], masks: &[DayMask]) -> HashMap<i64, Vec<WindowCounts>> {
    assert!(days <= MAX_PERIOD_DAYS, "period of {days} days is longer than {MAX_PERIOD_DAYS}");
    let span = (days + WINDOW_DAYS - 1) as usize;
    let mut per_day: HashMap<i64, Vec<DailyCounts>> = HashMap::new();
    for d in daily {
        if (d.wday as usize) < span {
            let v = per_day.entry(d.creator_id).or_insert_with(|| vec![DailyCounts::default(); span]);
            let slot = &mut v[d.wday as usize];
            slot.views += d.views;
            slot.likes += d.likes;
            slot.comments += d.comments;
        }
    }
    let mut out: HashMap<i64, Vec<WindowCounts>> = HashMap::new();
    for (creator, by_day) in &per_day {
        let w = (0..days as usize)
            .map(|p| {
                let window = &by_day[p..p + WINDOW_DAYS as usize];
                WindowCounts {
                    views: window.iter().map(|d| d.views).sum(),
                    likes: window.iter().map(|d| d.likes).sum(),
                    comments: window.iter().map(|d| d.comments).sum(),
                    uniq_devices: 0,
                    uniq_ips: 0,
                }
            })
            .collect();
        out.insert(*creator, w);
    }
    let seven: u64 = (1 << WINDOW_DAYS) - 1;
    for m in masks {
        let w = out.entry(m.creator_id).or_insert_with(|| vec![WindowCounts::default(); days as usize]);
        for (p, counts) in w.iter_mut().enumerate() {
            if m.mask & (seven << p) != 0 {
                match m.key {
                    Key::Device => counts.uniq_devices += m.n,
                    Key::Ip => counts.uniq_ips += m.n,
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sliding_sums_and_distinct_devices() {
        // A 3-day period: window days 0..9; period day p covers wdays p..p+6.
        let daily = [
            DailyCounts { creator_id: 1, wday: 0, views: 5, likes: 1, comments: 0 },
            DailyCounts { creator_id: 1, wday: 6, views: 10, likes: 0, comments: 2 },
            DailyCounts { creator_id: 1, wday: 8, views: 1, likes: 0, comments: 0 },
        ];
        let masks = [
            // 3 devices seen only on wday 0: in the window of period day 0 only.
            DayMask { creator_id: 1, key: Key::Device, mask: 1 << 0, n: 3 },
            // 2 devices seen on wdays 0 and 8: in the windows of period days 0 and 2, not 1 (wdays 1..=7).
            DayMask { creator_id: 1, key: Key::Device, mask: (1 << 0) | (1 << 8), n: 2 },
            // 1 IP seen on wday 7: windows of period days 1 and 2.
            DayMask { creator_id: 1, key: Key::Ip, mask: 1 << 7, n: 1 },
        ];
        let w = &window_counts(3, &daily, &masks)[&1];
        assert_eq!(w[0], WindowCounts { views: 15, likes: 1, comments: 2, uniq_devices: 5, uniq_ips: 0 });
        assert_eq!(w[1], WindowCounts { views: 10, likes: 0, comments: 2, uniq_devices: 0, uniq_ips: 1 });
        assert_eq!(w[2], WindowCounts { views: 11, likes: 0, comments: 2, uniq_devices: 2, uniq_ips: 1 });
    }

    #[test]
    fn a_creator_with_masks_only_still_gets_windows() {
        let masks = [DayMask { creator_id: 9, key: Key::Ip, mask: 1 << 6, n: 4 }];
        let w = &window_counts(1, &[], &masks)[&9];
        assert_eq!(w[0].uniq_ips, 4);
    }

    #[test]
    fn a_31_day_month_fits() {
        let masks = [DayMask { creator_id: 1, key: Key::Device, mask: 1 << 36, n: 1 }];
        let w = &window_counts(31, &[], &masks)[&1];
        assert_eq!(w[30].uniq_devices, 1);
        assert_eq!(w[29].uniq_devices, 0);
        assert_eq!(w[0].uniq_devices, 0);
    }
}
