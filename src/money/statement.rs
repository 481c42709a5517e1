//! Statements (SPEC §10): a creator's earned amount of a run, apportioned over its videos.
//!
//! Pure Rust (no pgrx). The run stores, per creator and video, the period's counts and units;
//! this module splits the creator's earned cents over those videos by units with the
//! largest-remainder rule of §5 (ties to the smaller video id), so the rows sum exactly to
//! what the creator earned.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::engine::units::DayUnits;
use crate::money::allocation::{allocate, AllocationError, Claim};

/// One video's totals over a run's period, as stored with the run.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VideoLine {
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub raw_units: f64,
    /// Σ_D video_units(v, D) · integrity_mult(c, D) · trust_mult(c) · bot_mult(c).
    pub units: f64,
}

/// Per (creator, video) totals of a period, summed day by day (a hash map: a wide month
/// has hundreds of thousands of lines; `sorted` orders them once, for writing).
#[derive(Debug, Default)]
pub struct Lines(pub FxHashMap<(i64, i64), VideoLine>);

impl Lines {
    /// Adds one day: each video's units carry its creator's multipliers of that day, so a
    /// creator's lines sum to its units of the run.
    pub fn add_day(&mut self, day: &DayUnits) {
        let creators: FxHashMap<i64, f64> = day
            .creators
            .iter()
            .map(|c| (c.creator_id, if c.excluded { 0.0 } else { c.integrity_mult * c.trust_mult }))
            .collect();
        for v in &day.videos {
            let Some(c) = v.creator_id else { continue };
            let mult = creators.get(&c).copied().unwrap_or(0.0);
            let line = self.0.entry((c, v.video_id)).or_default();
            line.views += v.views;
            line.likes += v.likes;
            line.comments += v.comments;
            line.shares += v.shares;
            line.raw_units += v.raw_units;
            line.units += v.units * mult;
        }
    }

    /// The lines by (creator, video).
    pub fn sorted(&self) -> Vec<(&(i64, i64), &VideoLine)> {
        let mut all: Vec<_> = self.0.iter().collect();
        all.sort_unstable_by_key(|(k, _)| **k);
        all
    }
}

/// Splits `amount_cents` over `videos` (video id, units) by units, largest remainder, ties
/// to the smaller video id. Videos with units 0 get 0; without any units, everything is 0.
pub fn apportion(amount_cents: i64, videos: &[(i64, f64)]) -> Result<Vec<i64>, AllocationError> {
    let claims: Vec<Claim> = videos
        .iter()
        .filter(|(_, u)| *u > 0.0)
        .map(|(id, u)| Claim { creator_id: *id, units: *u, cap_cents: None })
        .collect();
    if claims.is_empty() {
        return Ok(vec![0; videos.len()]);
    }
    let shares = allocate(amount_cents, &claims)?.shares;
    let by_video: BTreeMap<i64, i64> = shares.iter().map(|s| (s.creator_id, s.amount_cents)).collect();
    Ok(videos.iter().map(|(id, _)| by_video.get(id).copied().unwrap_or(0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::units::{CreatorUnits, VideoUnits};
    use proptest::prelude::*;

    #[test]
    fn apportion_by_largest_remainder_ties_to_the_smaller_video() {
        // 100 cents over three equal videos: 34, 33, 33 (the smallest id gets the cent).
        assert_eq!(apportion(100, &[(30, 1.0), (10, 1.0), (20, 1.0)]).unwrap(), vec![33, 34, 33]);
        // 1,000 over units 3 : 1 -> 750 / 250; a video with units 0 gets nothing.
        assert_eq!(apportion(1_000, &[(1, 3.0), (2, 1.0), (3, 0.0)]).unwrap(), vec![750, 250, 0]);
        // 10 over 1/3 : 2/3 -> 3.33 / 6.67 -> 3 / 7.
        assert_eq!(apportion(10, &[(1, 1.0 / 3.0), (2, 2.0 / 3.0)]).unwrap(), vec![3, 7]);
        assert_eq!(apportion(0, &[(1, 1.0)]).unwrap(), vec![0]);
        assert_eq!(apportion(5, &[(1, 0.0)]).unwrap(), vec![0]);
    }

    #[test]
    fn lines_carry_the_creators_multipliers() {
        let video = |id, c, units| VideoUnits {
            video_id: id,
            creator_id: Some(c),
            views: 10,
            likes: 1,
            comments: 0,
            shares: 0,
            raw_units: 13.0,
            quality_mult: 1.0,
            early_mult: 1.0,
            cluster_mult: 1.0,
            units,
        };
        let creator = |id, integrity, excluded| CreatorUnits {
            creator_id: id,
            units: 0.0,
            raw_units: 0.0,
            videos: 1,
            integrity_mult: integrity,
            trust_mult: 1.1,
            excluded,
        };
        let day = DayUnits {
            day: 0,
            videos: vec![video(11, 1, 13.0), video(12, 1, 26.0), video(21, 2, 13.0)],
            creators: vec![creator(1, 1.0, false), creator(2, 1.0, true)],
        };
        let mut lines = Lines::default();
        lines.add_day(&day);
        lines.add_day(&day);
        let l = lines.0[&(1, 12)];
        assert_eq!((l.views, l.likes, l.raw_units), (20, 2, 26.0));
        assert!((l.units - 2.0 * 26.0 * 1.1).abs() < 1e-9);
        assert_eq!(lines.0[&(2, 21)].units, 0.0); // a bot's videos carry no units
    }

    proptest! {
        #[test]
        fn apportioned_rows_sum_exactly_and_follow_units(
            amount in 0i64..10_000_000_000,
            units in prop::collection::vec(0.0f64..1e6, 1..40),
        ) {
            let videos: Vec<(i64, f64)> = units.iter().enumerate().map(|(i, u)| (i as i64 + 1, *u)).collect();
            let parts = apportion(amount, &videos).unwrap();
            let total: f64 = units.iter().filter(|u| **u > 0.0).sum();
            if total > 0.0 {
                prop_assert_eq!(parts.iter().sum::<i64>(), amount);
            }
            for ((_, u), p) in videos.iter().zip(&parts) {
                prop_assert!(*p >= 0);
                if *u == 0.0 { prop_assert_eq!(*p, 0); }
                if total > 0.0 {
                    // Within one cent of the exact proportional share.
                    let exact = amount as f64 * u / total;
                    prop_assert!((*p as f64 - exact).abs() <= 1.0 + exact * 1e-12);
                }
            }
        }
    }
}
