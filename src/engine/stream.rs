//! One ordered pass over a period's events (plus the six days before it) → the signals of
//! SPEC §2–4 (`units::PeriodSignals`).
//!
//! Pure Rust (no pgrx): `signals` decodes each row of `SELECT ... FROM event ... ORDER BY ts`
//! into an [`Event`] and feeds it here (through `pipeline`, on a worker thread). State is per
//! day and stays small: the current day's counts and top-device/IP tallies, a week of
//! distinct keys (`window::SlidingDistinct`), and the early-window sightings of videos
//! launched inside the pass. Device and IP strings are reduced to 128-bit XXH3 hashes (a
//! collision among a billion keys has a probability near 10^-21), so no event allocates.

use rustc_hash::{FxHashMap, FxHashSet};
use xxhash_rust::xxh3::xxh3_128;

use crate::engine::early::EarlyTally;
use crate::engine::units::{PeriodSignals, VideoDay, WindowCounts};
use crate::engine::window::{halves, mix, whole, Key, OutOfOrder, SlidingDistinct, WINDOW_DAYS};

/// Microseconds in a day (timestamps are Postgres' µs since 2000-01-01 UTC).
pub const DAY_US: i64 = 86_400_000_000;

/// The counted event types (SPEC §2); anything else is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    View = 0,
    Like = 1,
    Comment = 2,
    Share = 3,
}

impl EventType {
    /// Exact, case-sensitive match: `View`, `'view '` and `''` are not counted.
    pub fn parse(bytes: &[u8]) -> Option<EventType> {
        match bytes {
            b"view" => Some(EventType::View),
            b"like" => Some(EventType::Like),
            b"comment" => Some(EventType::Comment),
            b"share" => Some(EventType::Share),
            _ => None,
        }
    }
}

/// What the pass needs of a `videos` row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoInfo {
    pub creator_id: Option<i64>,
    /// µs since 2000-01-01 UTC; `None` when NULL or infinite.
    pub created_at: Option<i64>,
}

/// One counted event, decoded. Device and IP are [`key_hash`]es, so an event is plain data
/// that can be batched and handed to another thread; they are stored as 64-bit halves with
/// presence flags (56 bytes an event, not the 96 of two `Option<u128>`s).
#[derive(Debug, Clone, Copy)]
pub struct Event {
    pub video_id: i64,
    pub ts: i64,
    pub kind: EventType,
    has_device: bool,
    has_ip: bool,
    device: [u64; 2],
    ip: [u64; 2],
}

impl Event {
    pub fn new(video_id: i64, ts: i64, kind: EventType, device: Option<u128>, ip: Option<u128>) -> Event {
        let split = |k: Option<u128>| k.map_or([0, 0], halves);
        Event {
            video_id,
            ts,
            kind,
            has_device: device.is_some(),
            has_ip: ip.is_some(),
            device: split(device),
            ip: split(ip),
        }
    }

    pub fn device(&self) -> Option<u128> {
        self.has_device.then(|| whole(self.device))
    }

    pub fn ip(&self) -> Option<u128> {
        self.has_ip.then(|| whole(self.ip))
    }
}

/// The 128-bit hash by which devices and IPs are compared.
#[inline]
pub fn key_hash(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// A video's counts on the current day, with its top device/IP tallies kept as they grow.
#[derive(Debug, Clone, Copy, Default)]
struct DayVideo {
    creator: Option<u32>,
    counts: [i64; 4],
    top_device: i64,
    top_ip: i64,
}

/// The pass over `[window_start, end)`; the period is its last `period_days` days.
#[derive(Debug)]
pub struct Accumulator {
    window_start: i64,
    end: i64,
    period_days: u32,
    window_days: usize,
    early_window_us: i64,
    /// Each video with its creator's dense index (see `creator_ids`).
    videos: FxHashMap<i64, (VideoInfo, Option<u32>)>,
    /// Dense creator index → creator id.
    creator_ids: Vec<i64>,
    cur_day: Option<u32>,
    /// This day's counts per video.
    day_videos: FxHashMap<i64, DayVideo>,
    /// This day's views per (video, device) and (video, ip), keyed by `window::mix`;
    /// period days only.
    day_devices: FxHashMap<(u64, u64), u32>,
    day_ips: FxHashMap<(u64, u64), u32>,
    /// Per dense creator, [views, likes, comments] per window day.
    creator_daily: Vec<[i64; 3]>,
    distinct: SlidingDistinct,
    early: FxHashMap<i64, EarlyTally>,
    out: PeriodSignals,
}

impl Accumulator {
    /// `window_start`/`end` in µs since 2000-01-01 UTC, `period_days` ≥ 1.
    pub fn new(window_start: i64, period_days: u32, early_window_us: i64, videos: FxHashMap<i64, VideoInfo>) -> Self {
        let window_days = period_days + WINDOW_DAYS - 1;
        let mut dense: FxHashMap<i64, u32> = FxHashMap::default();
        let mut creator_ids = Vec::new();
        let videos: FxHashMap<i64, (VideoInfo, Option<u32>)> = videos
            .into_iter()
            .map(|(id, info)| {
                let idx = info.creator_id.map(|c| {
                    *dense.entry(c).or_insert_with(|| {
                        creator_ids.push(c);
                        (creator_ids.len() - 1) as u32
                    })
                });
                (id, (info, idx))
            })
            .collect();
        let creators = creator_ids.len();
        Accumulator {
            window_start,
            end: window_start + i64::from(window_days) * DAY_US,
            period_days,
            window_days: window_days as usize,
            early_window_us,
            videos,
            creator_ids,
            cur_day: None,
            day_videos: FxHashMap::default(),
            day_devices: FxHashMap::default(),
            day_ips: FxHashMap::default(),
            creator_daily: vec![[0; 3]; creators * window_days as usize],
            distinct: SlidingDistinct::new(window_days, creators),
            early: FxHashMap::default(),
            out: PeriodSignals::default(),
        }
    }

    /// Whether a video's whole early window lies inside the pass (then the pass counts it).
    fn early_inside(&self, created_at: i64) -> bool {
        created_at >= self.window_start && created_at.saturating_add(self.early_window_us) <= self.end
    }

    /// Adds one event; events must come in `ts` order. Events of unknown videos are ignored.
    pub fn add(&mut self, e: &Event) -> Result<(), OutOfOrder> {
        let Some((info, creator)) = self.videos.get(&e.video_id).copied() else { return Ok(()) };
        if e.ts < self.window_start || e.ts >= self.end {
            return Ok(());
        }
        let day = ((e.ts - self.window_start) / DAY_US) as u32;
        match self.cur_day {
            Some(d) if d == day => {}
            Some(d) if d > day => return Err(OutOfOrder { day, latest: d }),
            Some(d) => {
                self.flush(d);
                self.cur_day = Some(day);
            }
            None => self.cur_day = Some(day),
        }
        let device = if e.kind == EventType::View { e.device() } else { None };
        let ip = if e.kind == EventType::View { e.ip() } else { None };
        if day >= WINDOW_DAYS - 1 {
            // A period day: per-video counts and top device/IP tallies (the cohort).
            let dv = self.day_videos.entry(e.video_id).or_insert(DayVideo { creator, ..Default::default() });
            dv.counts[e.kind as usize] += 1;
            if let Some(h) = device {
                let n = self.day_devices.entry(mix(e.video_id as u64, h)).or_insert(0);
                *n += 1;
                dv.top_device = dv.top_device.max(i64::from(*n));
            }
            if let Some(h) = ip {
                let n = self.day_ips.entry(mix(e.video_id as u64, h)).or_insert(0);
                *n += 1;
                dv.top_ip = dv.top_ip.max(i64::from(*n));
            }
        }
        // Every day: the creator's [views, likes, comments] for the integrity window.
        if let (Some(c), true) = (creator, (e.kind as usize) < 3) {
            self.creator_daily[c as usize * self.window_days + day as usize][e.kind as usize] += 1;
        }
        if e.kind != EventType::View {
            return Ok(());
        }
        if let Some(c) = creator {
            if let Some(h) = device {
                self.distinct.see(c, Key::Device, h, day)?;
            }
            if let Some(h) = ip {
                self.distinct.see(c, Key::Ip, h, day)?;
            }
        }
        if let Some(c0) = info.created_at {
            if self.early_inside(c0) && e.ts >= c0 && e.ts - c0 < self.early_window_us {
                self.early.entry(e.video_id).or_default().see(device, ip);
            }
        }
        Ok(())
    }

    /// Closes window day `day`; for a period day, its cohort rows and the window counts of
    /// the cohort's creators.
    fn flush(&mut self, day: u32) {
        let window_days = self.window_days;
        if day >= WINDOW_DAYS - 1 {
            let p = day - (WINDOW_DAYS - 1);
            let mut done: FxHashSet<u32> = FxHashSet::default();
            for (video, dv) in &self.day_videos {
                let creator_id = dv.creator.map(|c| self.creator_ids[c as usize]);
                self.out.video_days.push(VideoDay {
                    video_id: *video,
                    creator_id,
                    day: p,
                    views: dv.counts[0],
                    likes: dv.counts[1],
                    comments: dv.counts[2],
                    shares: dv.counts[3],
                    top_device: dv.top_device,
                    top_ip: dv.top_ip,
                });
                let (Some(c), Some(id)) = (dv.creator, creator_id) else { continue };
                if !done.insert(c) {
                    continue;
                }
                let lo = (day + 1).saturating_sub(WINDOW_DAYS) as usize;
                let daily = &self.creator_daily[c as usize * window_days..(c as usize + 1) * window_days];
                let sum = |i: usize| daily[lo..=day as usize].iter().map(|d| d[i]).sum::<i64>();
                let counts = WindowCounts {
                    views: sum(0),
                    likes: sum(1),
                    comments: sum(2),
                    uniq_devices: self.distinct.in_window(c, Key::Device, day),
                    uniq_ips: self.distinct.in_window(c, Key::Ip, day),
                };
                let period_days = self.period_days as usize;
                self.out.windows.entry(id).or_insert_with(|| vec![WindowCounts::default(); period_days])[p as usize] =
                    counts;
            }
        }
        self.day_videos.clear();
        self.day_devices.clear();
        self.day_ips.clear();
        self.distinct.prune_after(day);
    }

    /// Ends the pass. Returns the signals (without `creators`) and the cohort videos whose
    /// early window is not inside the pass, as (video id, created_at), for the caller to look
    /// up separately (`early::EarlyWindows`).
    pub fn finish(mut self) -> (PeriodSignals, Vec<(i64, i64)>) {
        if let Some(d) = self.cur_day.take() {
            self.flush(d);
        }
        for (video, t) in self.early.drain() {
            self.out.early.insert(video, t.counts());
        }
        // Every launched cohort video gets an entry, zero views included: the SPEC formula
        // applies to it (with early_min_views = 0 it earns the kicker without early views).
        let mut outside: Vec<(i64, i64)> = Vec::new();
        for v in &self.out.video_days {
            let Some(c) = self.videos.get(&v.video_id).and_then(|i| i.0.created_at) else { continue };
            if self.early_inside(c) {
                self.out.early.entry(v.video_id).or_default();
            } else {
                outside.push((v.video_id, c));
            }
        }
        outside.sort_unstable();
        outside.dedup();
        (self.out, outside)
    }
}

/// µs since 2000-01-01 UTC of day `days` since 2000-01-01.
pub fn day_start_us(pg_epoch_days: i32) -> i64 {
    i64::from(pg_epoch_days) * DAY_US
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::units::EarlyViews;

    const H: i64 = 3_600_000_000;

    fn videos(list: &[(i64, Option<i64>, Option<i64>)]) -> FxHashMap<i64, VideoInfo> {
        list.iter().map(|(v, c, t)| (*v, VideoInfo { creator_id: *c, created_at: *t })).collect()
    }

    fn ev(video_id: i64, ts: i64, kind: EventType, device: Option<&'static str>, ip: Option<&'static str>) -> Event {
        let h = |s: &str| key_hash(s.as_bytes());
        Event::new(video_id, ts, kind, device.map(h), ip.map(h))
    }

    #[test]
    fn events_keep_their_keys() {
        let e = Event::new(1, 2, EventType::View, Some(u128::MAX - 7), None);
        assert_eq!((e.device(), e.ip()), (Some(u128::MAX - 7), None));
        let e = Event::new(1, 2, EventType::Like, None, Some(0));
        assert_eq!((e.device(), e.ip()), (None, Some(0)));
        assert_eq!(std::mem::size_of::<Event>(), 56);
    }

    #[test]
    fn event_types_are_exact() {
        assert_eq!(EventType::parse(b"view"), Some(EventType::View));
        assert_eq!(EventType::parse(b"share"), Some(EventType::Share));
        for bad in [&b"View"[..], b"view ", b"", b"likes", b"VIEW"] {
            assert_eq!(EventType::parse(bad), None);
        }
    }

    #[test]
    fn one_day_period_counts_tops_window_and_early() {
        // Period = window day 6 (one day); window start at t = 0.
        let d6 = 6 * DAY_US;
        let vids = videos(&[(1, Some(10), Some(d6 + H)), (2, Some(10), None), (3, None, Some(0))]);
        let mut a = Accumulator::new(0, 1, 2 * H, vids);
        let mut events = vec![
            ev(2, 0, EventType::View, Some("d1"), Some("i1")), // window day 0: in the window
            ev(2, 3 * DAY_US, EventType::Like, None, None),    // day 3: a like
            ev(9, d6, EventType::View, Some("d9"), None),      // unknown video: ignored
        ];
        // Video 1 on day 6: 3 views from d1 (one at exactly created_at), 1 from d2, 1 NULL device.
        for (i, dev) in [Some("d1"), Some("d1"), Some("d1"), Some("d2"), None].into_iter().enumerate() {
            events.push(ev(1, d6 + H + i as i64, EventType::View, dev, Some("ip")));
        }
        events.push(ev(1, d6 + 3 * H + 1, EventType::View, Some("late"), Some("ip"))); // after the early window
        events.push(ev(1, d6 + 4 * H, EventType::Comment, Some("d1"), Some("ip")));
        events.push(ev(3, d6 + 5 * H, EventType::Share, None, None)); // NULL creator: cohort only
        for e in &events {
            a.add(e).unwrap();
        }
        let (s, outside) = a.finish();
        let mut vd = s.video_days.clone();
        vd.sort_by_key(|v| v.video_id);
        assert_eq!(vd.len(), 2);
        assert_eq!((vd[0].video_id, vd[0].views, vd[0].comments, vd[0].top_device, vd[0].top_ip), (1, 6, 1, 3, 6));
        assert_eq!((vd[1].video_id, vd[1].creator_id, vd[1].shares), (3, None, 1));
        // Creator 10 window: views 1 (day 0) + 6, likes 1, comments 1; devices d1, d2, late; IPs i1, ip.
        assert_eq!(s.windows[&10][0], WindowCounts { views: 7, likes: 1, comments: 1, uniq_devices: 3, uniq_ips: 2 });
        // Early window of video 1: 5 views (the 'late' one is out), 2 devices, 1 IP.
        assert_eq!(s.early[&1], EarlyViews { views: 5, uniq_devices: 2, uniq_ips: 1 });
        // Video 3 was created at t = 0 (inside) and has no early views: a zero entry, so the
        // formula still applies to it; nothing is outside.
        assert_eq!(s.early[&3], EarlyViews::default());
        assert!(!s.early.contains_key(&2)); // created_at NULL: no entry
        assert!(outside.is_empty());
    }

    #[test]
    fn early_windows_reaching_outside_the_pass_are_reported() {
        let d6 = 6 * DAY_US;
        // Created before the pass, and two hours before its end.
        let vids = videos(&[(1, Some(1), Some(-H)), (2, Some(1), Some(7 * DAY_US - H))]);
        let mut a = Accumulator::new(0, 1, 2 * H, vids);
        a.add(&ev(1, d6, EventType::View, None, None)).unwrap();
        a.add(&ev(2, 7 * DAY_US - H, EventType::View, None, None)).unwrap();
        let (s, outside) = a.finish();
        assert_eq!(outside, vec![(1, -H), (2, 7 * DAY_US - H)]);
        assert!(s.early.is_empty());
    }

    #[test]
    fn out_of_order_events_are_refused() {
        let mut a = Accumulator::new(0, 2, 2 * H, videos(&[(1, Some(1), None)]));
        a.add(&ev(1, 7 * DAY_US, EventType::View, None, None)).unwrap();
        assert!(a.add(&ev(1, 6 * DAY_US, EventType::View, None, None)).is_err());
    }

    #[test]
    fn days_without_events_and_window_sliding() {
        // Two-day period (window days 6, 7); creator 1 views on day 0 (device a) and day 7 (b).
        let mut a = Accumulator::new(0, 2, 2 * H, videos(&[(1, Some(1), None)]));
        a.add(&ev(1, 0, EventType::View, Some("a"), None)).unwrap();
        a.add(&ev(1, 6 * DAY_US, EventType::View, Some("a"), None)).unwrap();
        a.add(&ev(1, 7 * DAY_US, EventType::View, Some("b"), None)).unwrap();
        let (s, _) = a.finish();
        let w = &s.windows[&1];
        assert_eq!((w[0].views, w[0].uniq_devices), (2, 1)); // days 0..6: a, a
        assert_eq!((w[1].views, w[1].uniq_devices), (2, 2)); // days 1..7: a (day 6), b
    }
}
