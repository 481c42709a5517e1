//! One ordered pass over a period's events (plus the six days before it) → the signals of
//! SPEC §2–4 (`units::PeriodSignals`).
//!
//! Pure Rust (no pgrx): `signals` decodes each row of `SELECT ... FROM event ... ORDER BY ts`
//! into an [`Event`] and feeds it here (through `pipeline`, on a worker thread). State is per
//! day and stays small: the current day's counts and top-device/IP tallies, a week of
//! distinct keys (`window::SlidingDistinct`), and the early-window sightings of videos
//! launched inside the pass. Device and IP strings are reduced to 128-bit XXH3 hashes (a
//! collision among a billion keys has a probability near 10^-21), so no event allocates.
//! What grows with the data (videos, creators, a day's tallies, the cohort rows) reserves its
//! room fallibly (`mem`): a refused allocation ends the pass with [`PassError::Alloc`].

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_128;

use crate::engine::early::EarlyTally;
use crate::engine::mem::{grow_vec, reserve_map, room_in_map, room_in_vec, AllocError};
use crate::engine::units::{PeriodSignals, VideoDay, WindowCounts};
use crate::engine::window::{halves, mix, whole, Key, PassError, SlidingDistinct, WINDOW_DAYS};

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

/// What the pass needs of a `videos` row: 24 bytes, not the 40 of two `Option<i64>`s and an
/// index, since the pass may hold one per row of `videos` (NULLs are told by the index and a
/// sentinel time).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoInfo {
    creator_id: i64,
    /// µs since 2000-01-01 UTC; [`NO_TIME`] when NULL or infinite.
    created_at: i64,
    /// The creator's dense index in the pass, given at the video's first event
    /// ([`UNINDEXED`] until then, [`NO_CREATOR`] for a NULL creator_id): per-creator state
    /// is sized by the creators with events in the window, not by every creator of the
    /// catalog.
    creator_index: u32,
}

/// A video whose creator has no dense index yet.
pub const UNINDEXED: u32 = u32::MAX;
/// A video whose creator_id is NULL.
const NO_CREATOR: u32 = u32::MAX - 1;
/// A NULL (or infinite) created_at: `-infinity` as Postgres stores it, which `signals` already
/// reads as NULL.
const NO_TIME: i64 = i64::MIN;

impl VideoInfo {
    pub fn new(creator_id: Option<i64>, created_at: Option<i64>) -> VideoInfo {
        VideoInfo {
            creator_id: creator_id.unwrap_or(0),
            created_at: created_at.unwrap_or(NO_TIME),
            creator_index: if creator_id.is_some() { UNINDEXED } else { NO_CREATOR },
        }
    }

    pub fn creator_id(&self) -> Option<i64> {
        (self.creator_index != NO_CREATOR).then_some(self.creator_id)
    }

    pub fn created_at(&self) -> Option<i64> {
        (self.created_at != NO_TIME).then_some(self.created_at)
    }
}

/// Whether the pass should look up only the videos with events in `window` (µs) rather than
/// read every row of `videos`: when the table has more rows than the window has events, as
/// estimated from `event`'s row count spread evenly over its first to last event
/// (`bounds`). Unknown statistics keep the whole read.
pub fn look_up_active_videos(
    video_rows: Option<f64>,
    event_rows: Option<f64>,
    bounds: Option<(i64, i64)>,
    window: (i64, i64),
) -> bool {
    let (Some(videos), Some(events), Some((first, last))) = (video_rows, event_rows, bounds) else { return false };
    let span = (last - first).max(1) as f64;
    let overlap = (window.1.min(last.saturating_add(1)) - window.0.max(first)).max(0) as f64;
    videos > events * (overlap / span).min(1.0)
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

/// A creator's [views, likes, comments] of window day `day`.
#[derive(Debug, Clone, Copy)]
struct DailyCounts {
    day: u32,
    counts: [i64; 3],
}

/// A slot no day has used yet.
const NO_DAY: DailyCounts = DailyCounts { day: u32::MAX, counts: [0; 3] };

/// What the pass's allocations hold, as out-of-memory errors name them.
const CREATORS: &str = "the creators of the event pass";
const CREATOR_DAILY: &str = "the creators' daily counts";
const DAY_VIDEOS: &str = "a day's counts per video";
const DAY_DEVICES: &str = "a day's views per video and device";
const DAY_IPS: &str = "a day's views per video and IP";
const COHORT: &str = "the cohort rows";
const WINDOWS: &str = "the creators' window counts";
const EARLY: &str = "the early-window tallies";
const OUTSIDE: &str = "the early windows outside the pass";

/// The pass over `[window_start, end)`; the period is its last `period_days` days.
#[derive(Debug)]
pub struct Accumulator {
    window_start: i64,
    end: i64,
    early_window_us: i64,
    /// Every video, with its creator's dense index once it has an event.
    videos: FxHashMap<i64, VideoInfo>,
    /// Creator id → dense index, and back, for the creators with an event in the window.
    creator_index: FxHashMap<i64, u32>,
    creator_ids: Vec<i64>,
    cur_day: Option<u32>,
    /// This day's counts per video.
    day_videos: FxHashMap<i64, DayVideo>,
    /// This day's views per (video, device) and (video, ip), keyed by `window::mix`;
    /// period days only.
    day_devices: FxHashMap<(u64, u64), u32>,
    day_ips: FxHashMap<(u64, u64), u32>,
    /// Per dense creator, [views, likes, comments] of the last seven window days, as a
    /// ring of day-tagged slots (`day % 7`): a creator costs the same whatever the period's
    /// length.
    creator_daily: Vec<DailyCounts>,
    /// Per dense creator, the last window day whose window counts were recorded.
    flushed: Vec<u32>,
    distinct: SlidingDistinct,
    early: FxHashMap<i64, EarlyTally>,
    out: PeriodSignals,
}

impl Accumulator {
    /// `window_start`/`end` in µs since 2000-01-01 UTC, `period_days` ≥ 1.
    pub fn new(
        window_start: i64,
        period_days: u32,
        early_window_us: i64,
        videos: FxHashMap<i64, VideoInfo>,
    ) -> Result<Self, AllocError> {
        let window_days = period_days + WINDOW_DAYS - 1;
        Ok(Accumulator {
            window_start,
            end: window_start + i64::from(window_days) * DAY_US,
            early_window_us,
            videos,
            creator_index: FxHashMap::default(),
            creator_ids: Vec::new(),
            cur_day: None,
            day_videos: FxHashMap::default(),
            day_devices: FxHashMap::default(),
            day_ips: FxHashMap::default(),
            creator_daily: Vec::new(),
            flushed: Vec::new(),
            distinct: SlidingDistinct::new(0)?,
            early: FxHashMap::default(),
            out: PeriodSignals::default(),
        })
    }

    /// Whether a video's whole early window lies inside the pass (then the pass counts it).
    fn early_inside(&self, created_at: i64) -> bool {
        created_at >= self.window_start && created_at.saturating_add(self.early_window_us) <= self.end
    }

    /// The dense index of creator `c`, given at its first event: its per-creator state
    /// (window counts, distinct-key buckets) is allocated then.
    fn index_creator(&mut self, c: i64) -> Result<u32, AllocError> {
        if let Some(&i) = self.creator_index.get(&c) {
            return Ok(i);
        }
        let i = self.creator_ids.len() as u32;
        room_in_map(&mut self.creator_index, CREATORS)?;
        room_in_vec(&mut self.creator_ids, CREATORS)?;
        grow_vec(&mut self.creator_daily, WINDOW_DAYS as usize, NO_DAY, CREATOR_DAILY)?;
        grow_vec(&mut self.flushed, 1, u32::MAX, CREATORS)?;
        self.distinct.add_creator()?;
        self.creator_ids.push(c);
        self.creator_index.insert(c, i);
        Ok(i)
    }

    /// Adds one event; events must come in `ts` order. Events of unknown videos are ignored.
    pub fn add(&mut self, e: &Event) -> Result<(), PassError> {
        let Some(info) = self.videos.get(&e.video_id).copied() else { return Ok(()) };
        if e.ts < self.window_start || e.ts >= self.end {
            return Ok(());
        }
        let creator = match info.creator_id() {
            None => None,
            Some(_) if info.creator_index != UNINDEXED => Some(info.creator_index),
            Some(c) => {
                let i = self.index_creator(c)?;
                if let Some(v) = self.videos.get_mut(&e.video_id) {
                    v.creator_index = i;
                }
                Some(i)
            }
        };
        let day = ((e.ts - self.window_start) / DAY_US) as u32;
        match self.cur_day {
            Some(d) if d == day => {}
            Some(d) if d > day => return Err(PassError::OutOfOrder { day, latest: d }),
            Some(d) => {
                self.flush(d)?;
                self.cur_day = Some(day);
            }
            None => self.cur_day = Some(day),
        }
        let device = if e.kind == EventType::View { e.device() } else { None };
        let ip = if e.kind == EventType::View { e.ip() } else { None };
        if day >= WINDOW_DAYS - 1 {
            // A period day: per-video counts and top device/IP tallies (the cohort).
            room_in_map(&mut self.day_videos, DAY_VIDEOS)?;
            let dv = self.day_videos.entry(e.video_id).or_insert(DayVideo { creator, ..Default::default() });
            dv.counts[e.kind as usize] += 1;
            if let Some(h) = device {
                room_in_map(&mut self.day_devices, DAY_DEVICES)?;
                let n = self.day_devices.entry(mix(e.video_id as u64, h)).or_insert(0);
                *n += 1;
                dv.top_device = dv.top_device.max(i64::from(*n));
            }
            if let Some(h) = ip {
                room_in_map(&mut self.day_ips, DAY_IPS)?;
                let n = self.day_ips.entry(mix(e.video_id as u64, h)).or_insert(0);
                *n += 1;
                dv.top_ip = dv.top_ip.max(i64::from(*n));
            }
        }
        // Every day: the creator's [views, likes, comments] for the integrity window.
        if let (Some(c), true) = (creator, (e.kind as usize) < 3) {
            let slot = &mut self.creator_daily[c as usize * WINDOW_DAYS as usize + (day % WINDOW_DAYS) as usize];
            if slot.day != day {
                *slot = DailyCounts { day, counts: [0; 3] };
            }
            slot.counts[e.kind as usize] += 1;
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
        if let Some(c0) = info.created_at() {
            if self.early_inside(c0) && e.ts >= c0 && e.ts - c0 < self.early_window_us {
                room_in_map(&mut self.early, EARLY)?;
                self.early.entry(e.video_id).or_default().see(device, ip)?;
            }
        }
        Ok(())
    }

    /// Closes window day `day`; for a period day, its cohort rows and the window counts of
    /// the cohort's creators.
    fn flush(&mut self, day: u32) -> Result<(), AllocError> {
        if day >= WINDOW_DAYS - 1 {
            let p = day - (WINDOW_DAYS - 1);
            for (video, dv) in &self.day_videos {
                let creator_id = dv.creator.map(|c| self.creator_ids[c as usize]);
                room_in_vec(&mut self.out.video_days, COHORT)?;
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
                if self.flushed[c as usize] == day {
                    continue;
                }
                self.flushed[c as usize] = day;
                let lo = (day + 1).saturating_sub(WINDOW_DAYS);
                let w = WINDOW_DAYS as usize;
                let daily = &self.creator_daily[c as usize * w..(c as usize + 1) * w];
                let in_window = || daily.iter().filter(|d| d.day >= lo && d.day <= day);
                let sum = |i: usize| in_window().map(|d| d.counts[i]).sum::<i64>();
                let counts = WindowCounts {
                    views: sum(0),
                    likes: sum(1),
                    comments: sum(2),
                    uniq_devices: self.distinct.in_window(c, Key::Device, day)?,
                    uniq_ips: self.distinct.in_window(c, Key::Ip, day)?,
                };
                room_in_map(&mut self.out.windows, WINDOWS)?;
                self.out.windows.insert((id, p), counts);
            }
        }
        self.day_videos.clear();
        self.day_devices.clear();
        self.day_ips.clear();
        self.distinct.prune_after(day)
    }

    /// Ends the pass. Returns the signals (without `creators`) and the cohort videos whose
    /// early window is not inside the pass, as (video id, created_at), for the caller to look
    /// up separately (`early::EarlyWindows`).
    pub fn finish(mut self) -> Result<(PeriodSignals, Vec<(i64, i64)>), AllocError> {
        if let Some(d) = self.cur_day.take() {
            self.flush(d)?;
        }
        reserve_map(&mut self.out.early, self.early.len(), EARLY)?;
        for (video, t) in self.early.drain() {
            self.out.early.insert(video, t.counts());
        }
        // Every launched cohort video gets an entry, zero views included: the SPEC formula
        // applies to it (with early_min_views = 0 it earns the kicker without early views).
        let mut outside: Vec<(i64, i64)> = Vec::new();
        for v in &self.out.video_days {
            let Some(c) = self.videos.get(&v.video_id).and_then(|i| i.created_at()) else { continue };
            if self.early_inside(c) {
                room_in_map(&mut self.out.early, EARLY)?;
                self.out.early.entry(v.video_id).or_default();
            } else {
                room_in_vec(&mut outside, OUTSIDE)?;
                outside.push((v.video_id, c));
            }
        }
        outside.sort_unstable();
        outside.dedup();
        Ok((self.out, outside))
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
        list.iter().map(|(v, c, t)| (*v, VideoInfo::new(*c, *t))).collect()
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
        let mut a = Accumulator::new(0, 1, 2 * H, vids).unwrap();
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
        let (s, outside) = a.finish().unwrap();
        let mut vd = s.video_days.clone();
        vd.sort_by_key(|v| v.video_id);
        assert_eq!(vd.len(), 2);
        assert_eq!((vd[0].video_id, vd[0].views, vd[0].comments, vd[0].top_device, vd[0].top_ip), (1, 6, 1, 3, 6));
        assert_eq!((vd[1].video_id, vd[1].creator_id, vd[1].shares), (3, None, 1));
        // Creator 10 window: views 1 (day 0) + 6, likes 1, comments 1; devices d1, d2, late; IPs i1, ip.
        assert_eq!(s.windows[&(10, 0)], WindowCounts { views: 7, likes: 1, comments: 1, uniq_devices: 3, uniq_ips: 2 });
        // Early window of video 1: 5 views (the 'late' one is out), 2 devices, 1 IP.
        assert_eq!(s.early[&1], EarlyViews { views: 5, uniq_devices: 2, uniq_ips: 1 });
        // Video 3 was created at t = 0 (inside) and has no early views: a zero entry, so the
        // formula still applies to it; nothing is outside.
        assert_eq!(s.early[&3], EarlyViews::default());
        assert!(!s.early.contains_key(&2)); // created_at NULL: no entry
        assert!(outside.is_empty());
    }

    #[test]
    fn per_creator_state_follows_the_creators_with_events() {
        // A wide catalog: 200,000 videos of 100,000 creators, events on 3 videos of 2 creators.
        let catalog: Vec<(i64, Option<i64>, Option<i64>)> = (0..200_000).map(|v| (v, Some(v / 2), None)).collect();
        let mut a = Accumulator::new(0, 1, 2 * H, videos(&catalog)).unwrap();
        let d6 = 6 * DAY_US;
        for (v, dev) in [(10, "a"), (11, "b"), (11, "c"), (500, "a")] {
            a.add(&ev(v, d6, EventType::View, Some(dev), Some(dev))).unwrap();
        }
        assert_eq!(a.creator_ids.len(), 2); // creators 5 and 250 only
        assert_eq!(a.creator_daily.len(), 2 * 7); // a week per creator, whatever the period
        assert_eq!(a.flushed.len(), 2);
        let (s, _) = a.finish().unwrap();
        assert_eq!(s.windows[&(5, 0)].views, 3);
        assert_eq!(s.windows[&(5, 0)].uniq_devices, 3);
        assert_eq!(s.windows[&(250, 0)].uniq_devices, 1);
        assert_eq!(s.windows.len(), 2);
    }

    #[test]
    fn early_windows_reaching_outside_the_pass_are_reported() {
        let d6 = 6 * DAY_US;
        // Created before the pass, and two hours before its end.
        let vids = videos(&[(1, Some(1), Some(-H)), (2, Some(1), Some(7 * DAY_US - H))]);
        let mut a = Accumulator::new(0, 1, 2 * H, vids).unwrap();
        a.add(&ev(1, d6, EventType::View, None, None)).unwrap();
        a.add(&ev(2, 7 * DAY_US - H, EventType::View, None, None)).unwrap();
        let (s, outside) = a.finish().unwrap();
        assert_eq!(outside, vec![(1, -H), (2, 7 * DAY_US - H)]);
        assert!(s.early.is_empty());
    }

    #[test]
    fn the_active_videos_are_looked_up_when_the_catalog_outnumbers_the_windows_events() {
        let month = (0, 37 * DAY_US);
        // 2M videos, 3M events spread over exactly the window: read the whole table.
        assert!(!look_up_active_videos(Some(2e6), Some(3e6), Some((0, 37 * DAY_US - 1)), month));
        // 20M videos: look up.
        assert!(look_up_active_videos(Some(2e7), Some(3e6), Some((0, 37 * DAY_US - 1)), month));
        // 3M events over a year, 37 days of them in the window (~304k): 2M videos outnumber them.
        assert!(look_up_active_videos(Some(2e6), Some(3e6), Some((-328 * DAY_US, 37 * DAY_US - 1)), month));
        // A window after the last event: no events in it, so the lookup (of nothing) is cheapest.
        assert!(look_up_active_videos(Some(10.0), Some(3e6), Some((-400 * DAY_US, -DAY_US)), month));
        // Unknown statistics (never analyzed) or no events: the whole table, as before.
        assert!(!look_up_active_videos(None, Some(3e6), Some((0, 1)), month));
        assert!(!look_up_active_videos(Some(2e7), None, Some((0, 1)), month));
        assert!(!look_up_active_videos(Some(2e7), Some(3e6), None, month));
        // One event (first = last): a span of one µs, all of it in the window.
        assert!(!look_up_active_videos(Some(1.0), Some(1.0), Some((5, 5)), month));
        assert!(look_up_active_videos(Some(2.0), Some(1.0), Some((5, 5)), month));
    }

    #[test]
    fn video_info_keeps_nulls_in_24_bytes() {
        assert_eq!(std::mem::size_of::<VideoInfo>(), 24);
        let v = VideoInfo::new(None, None);
        assert_eq!((v.creator_id(), v.created_at()), (None, None));
        let v = VideoInfo::new(Some(0), Some(0));
        assert_eq!((v.creator_id(), v.created_at()), (Some(0), Some(0)));
        let v = VideoInfo::new(Some(i64::MIN), Some(i64::MAX - 1));
        assert_eq!((v.creator_id(), v.created_at(), v.creator_index), (Some(i64::MIN), Some(i64::MAX - 1), UNINDEXED));
    }

    #[test]
    fn out_of_order_events_are_refused() {
        let mut a = Accumulator::new(0, 2, 2 * H, videos(&[(1, Some(1), None)])).unwrap();
        a.add(&ev(1, 7 * DAY_US, EventType::View, None, None)).unwrap();
        assert_eq!(
            a.add(&ev(1, 6 * DAY_US, EventType::View, None, None)),
            Err(PassError::OutOfOrder { day: 6, latest: 7 })
        );
    }

    #[test]
    fn refused_allocations_end_the_pass_with_their_size() {
        use crate::engine::mem::set_test_limit;
        let many: Vec<(i64, Option<i64>, Option<i64>)> = (0..1_000).map(|v| (v, Some(v % 100), None)).collect();
        let before = set_test_limit(1_000_000);
        // 1,000 videos fit, but not a day of 30,000 (video, device) tallies: their map (24-byte
        // entries) is refused when it grows past 28,672 entries (32,768 buckets, 7/8 full)
        // to 65,536 buckets of 25 bytes.
        let mut a = Accumulator::new(0, 2, 2 * H, videos(&many)).unwrap();
        let mut refused = None;
        for i in 0..30_000 {
            let e = Event::new(i % 1_000, 6 * DAY_US + i, EventType::View, Some(i as u128), None);
            if let Err(e) = a.add(&e) {
                refused = Some((i, e));
                break;
            }
        }
        set_test_limit(before);
        let Some((i, PassError::Alloc(e))) = refused else { panic!("not refused: {refused:?}") };
        assert_eq!(e, AllocError { what: DAY_DEVICES, bytes: 65_536 * 25 + 16 });
        assert_eq!(i, 28_672);
    }

    #[test]
    fn days_without_events_and_window_sliding() {
        // Two-day period (window days 6, 7); creator 1 views on day 0 (device a) and day 7 (b).
        let mut a = Accumulator::new(0, 2, 2 * H, videos(&[(1, Some(1), None)])).unwrap();
        a.add(&ev(1, 0, EventType::View, Some("a"), None)).unwrap();
        a.add(&ev(1, 6 * DAY_US, EventType::View, Some("a"), None)).unwrap();
        a.add(&ev(1, 7 * DAY_US, EventType::View, Some("b"), None)).unwrap();
        let (s, _) = a.finish().unwrap();
        let w = |d: u32| s.windows[&(1, d)];
        assert_eq!((w(0).views, w(0).uniq_devices), (2, 1)); // days 0..6: a, a
        assert_eq!((w(1).views, w(1).uniq_devices), (2, 2)); // days 1..7: a (day 6), b
    }
}
