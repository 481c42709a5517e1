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
use crate::engine::mem::{
    filled_vec, grow_vec, prefetch_read, reserve_map, reserve_vec, room_in_map, room_in_vec, AllocError, PREFETCH_AHEAD,
};
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
/// sentinel time; the flag fits in the padding).
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
    /// Met on a period day already (then listed in [`Resolver`]'s [`Cohort`]).
    in_cohort: bool,
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
            in_cohort: false,
        }
    }

    pub fn creator_id(&self) -> Option<i64> {
        (self.creator_index != NO_CREATOR).then_some(self.creator_id)
    }

    pub fn created_at(&self) -> Option<i64> {
        (self.created_at != NO_TIME).then_some(self.created_at)
    }
}

/// `ids` sorted, without repeats: the id lists of the lookups by id (one id per event of a
/// month, hundreds of thousands of distinct ones). When the ids span at most 64 times their
/// count, as ids from a sequence do, they are marked in a bitmap of their range (no larger
/// than the list itself) and read back in order: on 3.6M random ids of a 2M range that took
/// 16 ms against 67 ms for a sort. Other ids, or a refused bitmap, are sorted.
pub fn sorted_distinct(mut ids: Vec<i64>) -> Vec<i64> {
    let (Some(&min), Some(&max)) = (ids.iter().min(), ids.iter().max()) else { return ids };
    let range = i128::from(max) - i128::from(min) + 1;
    let bitmap = (range <= 64 * ids.len() as i128).then(|| bitmap_of(&ids, min, range)).flatten();
    let Some(bits) = bitmap else {
        ids.sort_unstable();
        ids.dedup();
        return ids;
    };
    // The distinct ids are no more than the list: it is reused in place.
    ids.clear();
    for (word, &b) in bits.iter().enumerate() {
        let mut b = b;
        while b != 0 {
            let offset = ((word as u64) << 6) + u64::from(b.trailing_zeros());
            ids.push(min.wrapping_add(offset as i64));
            b &= b - 1;
        }
    }
    ids
}

/// `ids` marked in a bitmap of `lo..lo + span` (every id lies in it), or `None` when the
/// bitmap is refused.
fn bitmap_of(ids: &[i64], lo: i64, span: i128) -> Option<Vec<u64>> {
    let mut bits = filled_vec(((span - 1) >> 6) as usize + 1, 0u64, "the ids' bitmap").ok()?;
    for &id in ids {
        let o = id.wrapping_sub(lo) as u64; // < span: fits
        bits[(o >> 6) as usize] |= 1 << (o & 63);
    }
    Some(bits)
}

/// The span of a lookup's ids, read as one index range scan instead of one probe an id, when
/// it is at most this many times their count. Measured on the bench's catalogs (pkey, warm
/// cache): a probe costs about 1 µs a row, a range 0.1-0.25 µs a row read; 392k creators
/// among 1M ids took 422 ms probed and 242 ms as a range, 586k videos among 2M 599 ms and
/// 201 ms. 4 keeps the range ahead with room for rows the ids lack.
pub const SPAN_PER_ID: i128 = 4;

/// The ids of a lookup as a bitmap of their span `lo..=hi`: the rows of a range scan of that
/// span are kept only when [`IdSpan::holds`] their id. The span is at most [`SPAN_PER_ID`]
/// times the ids, so the bitmap takes at most half a byte an id.
#[derive(Debug)]
pub struct IdSpan {
    lo: i64,
    hi: i64,
    bits: Vec<u64>,
}

impl IdSpan {
    /// `None` when `ids` is empty, spans more than [`SPAN_PER_ID`] times its distinct ids
    /// (`ids` may repeat), or the bitmap is refused.
    pub fn of(ids: &[i64]) -> Option<IdSpan> {
        let (Some(&lo), Some(&hi)) = (ids.iter().min(), ids.iter().max()) else { return None };
        let span = i128::from(hi) - i128::from(lo) + 1;
        if span > SPAN_PER_ID * ids.len() as i128 {
            return None;
        }
        let bits = bitmap_of(ids, lo, span)?;
        let distinct: u64 = bits.iter().map(|b| u64::from(b.count_ones())).sum();
        (span <= SPAN_PER_ID * i128::from(distinct)).then_some(IdSpan { lo, hi, bits })
    }

    /// The span's bounds, both included.
    pub fn bounds(&self) -> (i64, i64) {
        (self.lo, self.hi)
    }

    /// Whether `id` is one of the ids.
    #[inline]
    pub fn holds(&self, id: i64) -> bool {
        if id < self.lo || id > self.hi {
            return false;
        }
        let o = id.wrapping_sub(self.lo) as u64;
        self.bits[(o >> 6) as usize] & (1 << (o & 63)) != 0
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
/// presence flags (72 bytes an event with its video's fields, not 112 with two `Option<u128>`s).
#[derive(Debug, Clone, Copy)]
pub struct Event {
    pub video_id: i64,
    pub ts: i64,
    pub kind: EventType,
    has_device: bool,
    has_ip: bool,
    device: [u64; 2],
    ip: [u64; 2],
    /// The video's, as [`Resolver::resolve`] joins them: the creator's dense index (or
    /// [`NO_CREATOR`]), its id, and the launch time (or [`NO_TIME`]).
    creator: u32,
    creator_id: i64,
    created_at: i64,
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
            creator: UNINDEXED,
            creator_id: 0,
            created_at: NO_TIME,
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
    /// µs, or [`NO_TIME`].
    created_at: i64,
    counts: [i64; 4],
    top_device: i64,
    top_ip: i64,
}

/// Parts of a day's tallies: a video's events all go to one part, [`part_of`] it.
const PARTS: usize = 64;

/// Events buffered before they are applied to the parts (56 bytes each: 3.5 MiB).
const BUFFERED: usize = 65_536;

/// The part of a video: the top bits of a multiplicative hash, so that consecutive ids spread.
#[inline]
fn part_of(video_id: i64) -> usize {
    ((video_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
}

/// A counted event of the current day, as the tallies need it: its top-device/IP keys already
/// mixed with the video id (`window::mix`), present only for the views of a period day.
#[derive(Debug, Clone, Copy, Default)]
struct DayEvent {
    video_id: i64,
    created_at: i64,
    device: (u64, u64),
    ip: (u64, u64),
    /// Dense creator index, or [`NO_CREATOR`].
    creator: u32,
    kind: u8,
    has_device: bool,
    has_ip: bool,
}

impl DayEvent {
    fn new(e: &Event, creator: Option<u32>, device: Option<(u64, u64)>, ip: Option<(u64, u64)>) -> Self {
        DayEvent {
            video_id: e.video_id,
            created_at: e.created_at,
            device: device.unwrap_or_default(),
            ip: ip.unwrap_or_default(),
            creator: creator.unwrap_or(NO_CREATOR),
            kind: e.kind as u8,
            has_device: device.is_some(),
            has_ip: ip.is_some(),
        }
    }
}

/// One part of the current day's tallies: per video its counts, and its views per device and
/// per IP (keyed by `window::mix`, period days only). A part holds about 1/[`PARTS`] of the
/// day, small enough to stay in cache while a batch of its events is applied.
#[derive(Debug, Default)]
struct DayPart {
    videos: FxHashMap<i64, DayVideo>,
    devices: FxHashMap<(u64, u64), u32>,
    ips: FxHashMap<(u64, u64), u32>,
}

impl DayPart {
    fn add(&mut self, e: &DayEvent) -> Result<(), AllocError> {
        room_in_map(&mut self.videos, DAY_VIDEOS)?;
        let creator = (e.creator != NO_CREATOR).then_some(e.creator);
        let dv = self.videos.entry(e.video_id).or_insert(DayVideo {
            creator,
            created_at: e.created_at,
            ..Default::default()
        });
        dv.counts[e.kind as usize] += 1;
        if e.has_device {
            room_in_map(&mut self.devices, DAY_DEVICES)?;
            let n = self.devices.entry(e.device).or_insert(0);
            *n += 1;
            dv.top_device = dv.top_device.max(i64::from(*n));
        }
        if e.has_ip {
            room_in_map(&mut self.ips, DAY_IPS)?;
            let n = self.ips.entry(e.ip).or_insert(0);
            *n += 1;
            dv.top_ip = dv.top_ip.max(i64::from(*n));
        }
        Ok(())
    }
}

/// A creator's [views, likes, comments] of window day `day`, in 32 bits (16 bytes a day: a
/// creator's week takes 112 bytes, not 224; on W's 392k creators, with the 32-bit buckets of
/// the distinct keys, W's preview peaked at 474 MiB instead of 550-565). A day past
/// `u32::MAX` is refused ([`PassError::Limit`]), never wrapped.
#[derive(Debug, Clone, Copy)]
struct DailyCounts {
    day: u32,
    counts: [u32; 3],
}

impl DailyCounts {
    /// Adds a video's [views, likes, comments, ...] of the day.
    fn add(&mut self, video: &[i64; 4]) -> Result<(), PassError> {
        for (total, n) in self.counts.iter_mut().zip(video) {
            *total = total
                .checked_add(u32::try_from(*n).map_err(|_| PassError::Limit(CREATOR_DAY))?)
                .ok_or(PassError::Limit(CREATOR_DAY))?;
        }
        Ok(())
    }
}

/// What a [`DailyCounts`] counts, as the error of [`PassError::Limit`] names it.
const CREATOR_DAY: &str = "views, likes or comments of one creator's videos";

/// A slot no day has used yet.
const NO_DAY: DailyCounts = DailyCounts { day: u32::MAX, counts: [0; 3] };

/// What the pass's allocations hold, as out-of-memory errors name them.
const CREATORS: &str = "the creators of the event pass";
const CREATOR_DAILY: &str = "the creators' daily counts";
const DAY_VIDEOS: &str = "a day's counts per video";
const DAY_EVENTS: &str = "a day's buffered events";
const DAY_DEVICES: &str = "a day's views per video and device";
const DAY_IPS: &str = "a day's views per video and IP";
const COHORT: &str = "the cohort rows";
const EARLY: &str = "the early-window tallies";
const OUTSIDE: &str = "the early windows outside the pass";
const COHORT_CREATORS: &str = "the cohort's creators";

/// The pass over `[window_start, end)`; the period is its last `period_days` days. Two
/// halves, which `pipeline` runs on two threads: [`Resolver`] joins each event to its video
/// (a lookup in a map as large as the active catalog, a cache miss an event), [`Tallies`]
/// aggregates the joined events.
#[derive(Debug)]
pub struct Accumulator {
    videos: Resolver,
    tallies: Tallies,
}

impl Accumulator {
    /// `window_start`/`end` in µs since 2000-01-01 UTC, `period_days` ≥ 1.
    pub fn new(
        window_start: i64,
        period_days: u32,
        early_window_us: i64,
        videos: Vec<(i64, VideoInfo)>,
    ) -> Result<Self, AllocError> {
        let window_days = period_days + WINDOW_DAYS - 1;
        let end = window_start + i64::from(window_days) * DAY_US;
        Ok(Accumulator {
            videos: Resolver {
                window_start,
                period_start: window_start + i64::from(WINDOW_DAYS - 1) * DAY_US,
                end,
                early_window_us,
                videos: VideoTable::new(videos)?,
                creator_index: FxHashMap::default(),
                cohort: Cohort::default(),
            },
            tallies: Tallies::new(window_start, end, early_window_us)?,
        })
    }

    /// Adds one event; events must come in `ts` order. Events of unknown videos are ignored.
    pub fn add(&mut self, e: &Event) -> Result<(), PassError> {
        let mut e = *e;
        if self.videos.resolve(&mut e)? {
            self.tallies.add(&e)?;
        }
        Ok(())
    }

    /// Ends the pass: the signals (see [`Tallies::finish`]) and what the resolver knows of
    /// the cohort (see [`Resolver::cohort`]).
    pub fn finish(mut self) -> Result<(PeriodSignals, Cohort), PassError> {
        let cohort = self.videos.cohort();
        Ok((self.tallies.finish()?, cohort))
    }

    /// See [`Resolver::cohort`].
    pub fn cohort(&mut self) -> Cohort {
        self.videos.cohort()
    }

    /// The two halves, to run apart: events go through the resolver, then to the tallies.
    pub fn split(self) -> (Resolver, Tallies) {
        (self.videos, self.tallies)
    }

    pub fn join(videos: Resolver, tallies: Tallies) -> Self {
        Accumulator { videos, tallies }
    }
}

/// Joins events to their videos: the video's creator (as a dense index, given at the
/// creator's first event, so that per-creator state is sized by the creators with events in
/// the window, not by every creator of the catalog) and launch time.
#[derive(Debug)]
pub struct Resolver {
    window_start: i64,
    /// The period's first day (the window's seventh): its videos are the cohort's.
    period_start: i64,
    end: i64,
    early_window_us: i64,
    /// Every video the pass may meet, with its creator's dense index once it has an event.
    videos: VideoTable,
    creator_index: FxHashMap<i64, u32>,
    /// Listed as the events are read, at each video's first event of a period day, rather
    /// than by the tallies as their days close: the backend then has it all when its read
    /// ends, and reads the early windows and creators it names while the worker closes the
    /// last day (`pipeline::Pass::end`).
    cohort: Cohort,
}

/// What the pass's reader knows of the period's cohort (the videos with an event on a period
/// day) once every event is read: what the signals still need from other tables.
#[derive(Debug, Default, PartialEq)]
pub struct Cohort {
    /// The cohort videos whose early window is not inside the pass (launched before it, or too
    /// close to its end), as (video id, created_at), for the caller to read separately
    /// (`early::EarlyWindows`).
    pub outside: Vec<(i64, i64)>,
    /// The cohort's creators (NULL creator_id excluded), whose `users` rows the caller reads.
    pub creators: Vec<i64>,
}

/// The videos the pass joins its events to. Most catalogs number their videos from a
/// sequence, so the ids are dense: then a video is found at its offset from the smallest id,
/// one load (one cache miss) an event, where a hash lookup costs two (its control bytes, then
/// its slot). On M's 50k videos the lookup was 13% of the pass's samples, nearly all of it
/// the slot's miss. The videos active in a window are a sample of a wider catalog (W's week:
/// 175k of 2M ids): a bitmap of the range, with a rank every 64 ids, finds them in a compact
/// list (see [`Ranked`]). Sparse ids (random or sharded keys) keep the map.
#[derive(Debug)]
enum VideoTable {
    /// `infos[id - base]`, [`ABSENT`] where no video has that id.
    Dense {
        base: i64,
        infos: Vec<VideoInfo>,
    },
    Ranked(Ranked),
    Sparse(FxHashMap<i64, VideoInfo>),
}

/// Videos whose ids are sparse in their range, but not too sparse: each 64 ids of the range
/// from `base` have a [`Block`], whose bits say which ids are videos and whose `first` is the
/// index in `infos` (sorted by id) of the block's first video. 16 bytes per 64 ids: 0.5 MB
/// for W's 2M ids, which stay in cache, then one load in `infos` per event, as dense.
#[derive(Debug)]
struct Ranked {
    base: i64,
    blocks: Vec<Block>,
    infos: Vec<VideoInfo>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Block {
    bits: u64,
    first: u32,
}

impl Ranked {
    /// The index in `infos` of video `id`, if it is one.
    #[inline]
    fn index(&self, id: i64) -> Option<usize> {
        let off = VideoTable::offset(self.base, id);
        let b = self.blocks.get(off / 64)?;
        let bit = 1u64 << (off % 64);
        (b.bits & bit != 0).then(|| b.first as usize + (b.bits & (bit - 1)).count_ones() as usize)
    }
}

/// Ranked when the id range is at most this many times the number of videos (the blocks
/// then take at most 16 × 128 / 64 = 32 bytes a video, less than the map's 38-75); beyond, the
/// map.
const RANKED_SPAN: i128 = 128;

/// A slot of [`VideoTable::Dense`] that no video has (a creator's dense index never gets
/// this far: each one holds per-creator state).
const ABSENT: VideoInfo =
    VideoInfo { creator_id: 0, created_at: NO_TIME, creator_index: u32::MAX - 2, in_cohort: false };

impl VideoTable {
    /// Built from the rows as read (`videos.sql`), in any order; a later row of an id replaces
    /// an earlier one, as a map insert would. The rows come as a list rather than a map: on
    /// W's 2M videos, hashing every row on its way in cost more than reading the table.
    ///
    /// Dense when the id range is at most twice the number of rows: at 24 bytes a slot, at
    /// most 48 bytes a video, about what the map takes (33 bytes a bucket, buckets half to
    /// 7/8 full: 38-75 bytes a video). An allocation refused for the dense table falls back
    /// to the map.
    fn new(videos: Vec<(i64, VideoInfo)>) -> Result<VideoTable, AllocError> {
        let (Some(min), Some(max)) = (videos.iter().map(|v| v.0).min(), videos.iter().map(|v| v.0).max()) else {
            return Ok(VideoTable::Sparse(FxHashMap::default()));
        };
        let range = i128::from(max) - i128::from(min) + 1;
        if range <= 2 * videos.len() as i128 {
            if let Ok(mut infos) = filled_vec(range as usize, ABSENT, "the videos") {
                for (id, info) in videos {
                    infos[Self::offset(min, id)] = info;
                }
                return Ok(VideoTable::Dense { base: min, infos });
            }
        } else if range <= RANKED_SPAN * videos.len() as i128 && videos.len() < u32::MAX as usize {
            if let Ok(blocks) = filled_vec((range as usize).div_ceil(64), Block::default(), "the videos") {
                return Ok(VideoTable::Ranked(Ranked::new(min, blocks, videos)?));
            }
        }
        let mut map = FxHashMap::default();
        reserve_map(&mut map, videos.len(), "the videos")?;
        map.extend(videos);
        Ok(VideoTable::Sparse(map))
    }

    /// `id - base` as an index: an id below `base` wraps to a huge offset, which no table has.
    #[inline]
    fn offset(base: i64, id: i64) -> usize {
        id.wrapping_sub(base) as u64 as usize
    }

    /// Asks the CPU to start loading `id`'s slot of a dense table. A month's events name
    /// their videos in no useful order, so nearly every slot is a cache (and TLB) miss: on W's
    /// month (2M videos, 48 MB of slots) joining the events took a fifth of the backend's
    /// samples, waiting on one miss at a time. Started some events ahead, the misses overlap.
    /// A map's slot is not known before its lookup: nothing to do there.
    #[inline]
    fn prefetch(&self, id: i64) {
        let slot = match self {
            VideoTable::Dense { base, infos } => infos.get(Self::offset(*base, id)),
            VideoTable::Ranked(r) => r.index(id).map(|i| &r.infos[i]),
            VideoTable::Sparse(_) => None,
        };
        if let Some(slot) = slot {
            prefetch_read(slot);
        }
    }

    #[inline]
    fn get_mut(&mut self, id: i64) -> Option<&mut VideoInfo> {
        match self {
            VideoTable::Dense { base, infos } => {
                infos.get_mut(Self::offset(*base, id)).filter(|v| v.creator_index != ABSENT.creator_index)
            }
            VideoTable::Ranked(r) => r.index(id).map(|i| &mut r.infos[i]),
            VideoTable::Sparse(map) => map.get_mut(&id),
        }
    }
}

impl Ranked {
    /// From the rows as read, and `blocks` for their range from `base` (all zero). A later
    /// row of an id replaces an earlier one.
    fn new(base: i64, mut blocks: Vec<Block>, videos: Vec<(i64, VideoInfo)>) -> Result<Ranked, AllocError> {
        // The rows in id order, and of an id's rows the last read last: as read when they come
        // from the lookup (in id order), else through a list of positions sorted by (id,
        // position), reserved like every data-sized allocation (a stable sort would take an
        // unchecked buffer of up to half the rows).
        let n = videos.len();
        let mut order: Vec<u32> = Vec::new();
        if !videos.is_sorted_by_key(|v| v.0) {
            reserve_vec(&mut order, n, "the videos")?;
            order.extend(0..n as u32); // n < u32::MAX (VideoTable::new)
            order.sort_unstable_by_key(|&k| (videos[k as usize].0, k));
        }
        let row = |k: usize| videos[order.get(k).map_or(k, |&p| p as usize)];
        let mut infos: Vec<VideoInfo> = Vec::new();
        reserve_vec(&mut infos, n, "the videos")?;
        for k in 0..n {
            let (id, info) = row(k);
            if k + 1 < n && row(k + 1).0 == id {
                continue;
            }
            let off = VideoTable::offset(base, id);
            let b = &mut blocks[off / 64];
            if b.bits == 0 {
                b.first = infos.len() as u32;
            }
            b.bits |= 1 << (off % 64);
            infos.push(info);
        }
        Ok(Ranked { base, blocks, infos })
    }
}

impl Resolver {
    /// Fills in `e`'s video fields; false for an event to ignore (unknown video, or outside
    /// the pass's window).
    #[inline]
    pub fn resolve(&mut self, e: &mut Event) -> Result<bool, AllocError> {
        if e.ts < self.window_start || e.ts >= self.end {
            return Ok(false);
        }
        let Some(info) = self.videos.get_mut(e.video_id) else { return Ok(false) };
        if e.ts >= self.period_start && !info.in_cohort {
            info.in_cohort = true;
            if info.creator_index != NO_CREATOR {
                room_in_vec(&mut self.cohort.creators, COHORT_CREATORS)?;
                self.cohort.creators.push(info.creator_id);
            }
            if info.created_at != NO_TIME
                && !early_inside(info.created_at, self.window_start, self.end, self.early_window_us)
            {
                room_in_vec(&mut self.cohort.outside, OUTSIDE)?;
                self.cohort.outside.push((e.video_id, info.created_at));
            }
        }
        e.creator = match info.creator_index {
            UNINDEXED => {
                let i = match self.creator_index.get(&info.creator_id) {
                    Some(&i) => i,
                    None => {
                        let i = self.creator_index.len() as u32;
                        room_in_map(&mut self.creator_index, CREATORS)?;
                        self.creator_index.insert(info.creator_id, i);
                        i
                    }
                };
                info.creator_index = i;
                i
            }
            i => i, // a dense index, or NO_CREATOR
        };
        e.creator_id = info.creator_id;
        e.created_at = info.created_at;
        Ok(true)
    }

    /// Resolves a batch of events in place, in order: keeps only those to aggregate, joined
    /// (see [`Resolver::resolve`]), with each video's slot requested [`PREFETCH_AHEAD`]
    /// events before it is needed.
    pub fn resolve_batch(&mut self, batch: &mut Vec<Event>) -> Result<(), AllocError> {
        for e in batch.iter().take(PREFETCH_AHEAD) {
            self.videos.prefetch(e.video_id);
        }
        let mut kept = 0;
        for i in 0..batch.len() {
            if let Some(ahead) = batch.get(i + PREFETCH_AHEAD) {
                self.videos.prefetch(ahead.video_id);
            }
            let mut e = batch[i];
            if self.resolve(&mut e)? {
                batch[kept] = e;
                kept += 1;
            }
        }
        batch.truncate(kept);
        Ok(())
    }

    /// The cohort as met so far, complete once every event has been resolved: the videos
    /// outside in id order, each once; the creators sorted and distinct.
    pub fn cohort(&mut self) -> Cohort {
        let mut cohort = std::mem::take(&mut self.cohort);
        cohort.outside.sort_unstable();
        cohort.creators = sorted_distinct(std::mem::take(&mut cohort.creators));
        cohort
    }
}

/// Whether a video's whole early window lies inside the pass `[window_start, end)` (then the
/// pass counts it).
#[inline]
fn early_inside(created_at: i64, window_start: i64, end: i64, early_window_us: i64) -> bool {
    created_at >= window_start && created_at.saturating_add(early_window_us) <= end
}

/// The aggregation of the joined events: a day at a time, in `ts` order.
#[derive(Debug)]
pub struct Tallies {
    window_start: i64,
    end: i64,
    early_window_us: i64,
    /// Dense creator index → creator id, for the creators met so far.
    creator_ids: Vec<i64>,
    cur_day: Option<u32>,
    /// The current day's events not yet applied to `parts` (at most [`BUFFERED`]), and room
    /// to sort them by part.
    buffered: Vec<DayEvent>,
    scratch: Vec<DayEvent>,
    /// The current day's tallies, split by video into [`PARTS`] parts (see [`DayPart`]).
    parts: Vec<DayPart>,
    /// A part's videos as its day closes (room kept from day to day).
    day_rows: Vec<(i64, DayVideo)>,
    /// The dense creators of the day's cohort rows (a creator once per video), as the day
    /// closes.
    cohort_creators: Vec<u32>,
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

impl Tallies {
    fn new(window_start: i64, end: i64, early_window_us: i64) -> Result<Self, AllocError> {
        Ok(Tallies {
            window_start,
            end,
            early_window_us,
            creator_ids: Vec::new(),
            cur_day: None,
            buffered: Vec::new(),
            scratch: Vec::new(),
            parts: (0..PARTS).map(|_| DayPart::default()).collect(),
            day_rows: Vec::new(),
            cohort_creators: Vec::new(),
            creator_daily: Vec::new(),
            flushed: Vec::new(),
            distinct: SlidingDistinct::new(0)?,
            early: FxHashMap::default(),
            out: PeriodSignals::default(),
        })
    }

    /// Whether a video's whole early window lies inside the pass (then the pass counts it).
    fn early_inside(&self, created_at: i64) -> bool {
        early_inside(created_at, self.window_start, self.end, self.early_window_us)
    }

    /// Per-creator state for dense index `c` (and any before it), allocated at the creator's
    /// first event.
    fn have_creator(&mut self, c: u32, creator_id: i64) -> Result<(), AllocError> {
        while self.creator_ids.len() <= c as usize {
            room_in_vec(&mut self.creator_ids, CREATORS)?;
            grow_vec(&mut self.creator_daily, WINDOW_DAYS as usize, NO_DAY, CREATOR_DAILY)?;
            grow_vec(&mut self.flushed, 1, u32::MAX, CREATORS)?;
            self.distinct.add_creator()?;
            self.creator_ids.push(creator_id);
        }
        Ok(())
    }

    /// Adds one event that [`Resolver::resolve`] joined to its video; events must come in
    /// `ts` order.
    pub fn add(&mut self, e: &Event) -> Result<(), PassError> {
        let creator = (e.creator != NO_CREATOR).then_some(e.creator);
        if let Some(c) = creator {
            if c as usize >= self.creator_ids.len() {
                self.have_creator(c, e.creator_id)?;
            }
        }
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
        // Per-video counts (and, on period days, the top device/IP tallies) are buffered and
        // applied a part at a time; the creator's daily counts are summed from them when the
        // day closes.
        if self.buffered.len() >= BUFFERED {
            self.apply_buffered()?;
        }
        room_in_vec(&mut self.buffered, DAY_EVENTS)?;
        let tally = |k: Option<u128>| k.filter(|_| day >= WINDOW_DAYS - 1).map(|h| mix(e.video_id as u64, h));
        self.buffered.push(DayEvent::new(e, creator, tally(device), tally(ip)));
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
        let c0 = e.created_at;
        if c0 != NO_TIME && self.early_inside(c0) && e.ts >= c0 && e.ts - c0 < self.early_window_us {
            room_in_map(&mut self.early, EARLY)?;
            self.early.entry(e.video_id).or_default().see(device, ip)?;
        }
        Ok(())
    }

    /// Applies the buffered events to the day's parts: sorted by part first (a counting
    /// sort, two sequential passes), so that each part's maps stay in cache while its share
    /// is applied, instead of a cache miss per event in maps as large as the day.
    fn apply_buffered(&mut self) -> Result<(), AllocError> {
        if self.buffered.is_empty() {
            return Ok(());
        }
        let mut start = [0usize; PARTS + 1];
        for e in &self.buffered {
            start[part_of(e.video_id) + 1] += 1;
        }
        for p in 0..PARTS {
            start[p + 1] += start[p];
        }
        self.scratch.clear();
        reserve_vec(&mut self.scratch, self.buffered.len(), DAY_EVENTS)?;
        self.scratch.resize(self.buffered.len(), DayEvent::default());
        let mut next = start;
        for e in &self.buffered {
            let p = part_of(e.video_id);
            self.scratch[next[p]] = *e;
            next[p] += 1;
        }
        self.buffered.clear();
        for (p, part) in self.parts.iter_mut().enumerate() {
            for e in &self.scratch[start[p]..start[p + 1]] {
                part.add(e)?;
            }
        }
        Ok(())
    }

    /// Closes window day `day`: the creators' daily counts from the day's videos and, for a
    /// period day, its cohort rows, their early-window entries, and the window counts of the
    /// cohort's creators.
    fn flush(&mut self, day: u32) -> Result<(), PassError> {
        self.apply_buffered()?;
        let period_day = day >= WINDOW_DAYS - 1;
        let p = day.saturating_sub(WINDOW_DAYS - 1);
        let w = WINDOW_DAYS as usize;
        let mut parts = std::mem::take(&mut self.parts);
        let mut rows = std::mem::take(&mut self.day_rows);
        for part in &mut parts {
            // Listed first, so that each video's creator slots can be loaded ahead: the
            // creators are spread over all of the per-creator state, a miss each.
            rows.clear();
            reserve_vec(&mut rows, part.videos.len(), DAY_VIDEOS)?;
            rows.extend(part.videos.drain());
            for i in 0..rows.len() {
                if let Some(c) = rows.get(i + PREFETCH_AHEAD).and_then(|r| r.1.creator) {
                    prefetch_read(&self.creator_daily[c as usize * w + (day % WINDOW_DAYS) as usize]);
                    if period_day {
                        prefetch_read(&self.creator_ids[c as usize]);
                    }
                }
                let (video, dv) = rows[i];
                if let Some(c) = dv.creator {
                    let slot = &mut self.creator_daily[c as usize * w + (day % WINDOW_DAYS) as usize];
                    if slot.day != day {
                        *slot = DailyCounts { day, counts: [0; 3] };
                    }
                    slot.add(&dv.counts)?;
                }
                if !period_day {
                    continue;
                }
                if let Some(c) = dv.creator {
                    room_in_vec(&mut self.cohort_creators, CREATORS)?;
                    self.cohort_creators.push(c);
                }
                // Every launched cohort video gets an early entry, zero views included: the
                // SPEC formula applies to it (with early_min_views = 0 it earns the kicker
                // without early views). Windows outside the pass are the resolver's to list.
                if dv.created_at != NO_TIME && self.early_inside(dv.created_at) {
                    room_in_map(&mut self.out.early, EARLY)?;
                    self.out.early.entry(video).or_default();
                }
                room_in_vec(&mut self.out.video_days, COHORT)?;
                self.out.video_days.push(VideoDay {
                    video_id: video,
                    creator_id: dv.creator.map(|c| self.creator_ids[c as usize]),
                    day: p,
                    views: dv.counts[0],
                    likes: dv.counts[1],
                    comments: dv.counts[2],
                    shares: dv.counts[3],
                    top_device: dv.top_device,
                    top_ip: dv.top_ip,
                });
            }
            part.devices.clear();
            part.ips.clear();
        }
        rows.clear();
        self.day_rows = rows;
        self.parts = parts;
        let mut cohort_creators = std::mem::take(&mut self.cohort_creators);
        for (i, &c) in cohort_creators.iter().enumerate() {
            if let Some(&a) = cohort_creators.get(i + PREFETCH_AHEAD) {
                let a = a as usize;
                prefetch_read(&self.flushed[a]);
                prefetch_read(&self.creator_ids[a]);
                for slot in &self.creator_daily[a * w..(a + 1) * w] {
                    prefetch_read(slot);
                }
                self.distinct.prefetch(a as u32);
            }
            if self.flushed[c as usize] == day {
                continue;
            }
            self.flushed[c as usize] = day;
            let id = self.creator_ids[c as usize];
            let lo = (day + 1).saturating_sub(WINDOW_DAYS);
            let daily = &self.creator_daily[c as usize * w..(c as usize + 1) * w];
            let in_window = || daily.iter().filter(|d| d.day >= lo && d.day <= day);
            let sum = |i: usize| in_window().map(|d| i64::from(d.counts[i])).sum::<i64>();
            let counts = WindowCounts {
                views: sum(0),
                likes: sum(1),
                comments: sum(2),
                uniq_devices: self.distinct.in_window(c, Key::Device, day)?,
                uniq_ips: self.distinct.in_window(c, Key::Ip, day)?,
            };
            self.out.windows.insert((id, p), counts)?;
        }
        cohort_creators.clear();
        self.cohort_creators = cohort_creators;
        self.distinct.prune_after(day)
    }

    /// Ends the pass. Returns the signals, without `creators` and without the early windows
    /// outside the pass (see [`Cohort`]).
    pub fn finish(mut self) -> Result<PeriodSignals, PassError> {
        if let Some(d) = self.cur_day.take() {
            self.flush(d)?;
        }
        reserve_map(&mut self.out.early, self.early.len(), EARLY)?;
        for (video, t) in self.early.drain() {
            self.out.early.insert(video, t.counts());
        }
        // Each day's rows by video, as `units::DayWork` computes them (it then finds them
        // sorted): on a worker thread, this runs while the backend reads the creators.
        for day in self.out.video_days.chunk_by_mut(|a, b| a.day == b.day) {
            day.sort_unstable_by_key(|v| v.video_id);
        }
        Ok(self.out)
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

    fn videos(list: &[(i64, Option<i64>, Option<i64>)]) -> Vec<(i64, VideoInfo)> {
        list.iter().map(|(v, c, t)| (*v, VideoInfo::new(*c, *t))).collect()
    }

    fn ev(video_id: i64, ts: i64, kind: EventType, device: Option<&'static str>, ip: Option<&'static str>) -> Event {
        let h = |s: &str| key_hash(s.as_bytes());
        Event::new(video_id, ts, kind, device.map(h), ip.map(h))
    }

    #[test]
    fn a_creators_day_past_32_bits_is_refused() {
        let mut d = DailyCounts { day: 3, counts: [u32::MAX - 5, 7, 0] };
        d.add(&[5, 1, 0, 9]).unwrap();
        assert_eq!(d.counts, [u32::MAX, 8, 0]);
        let before = d.counts;
        assert_eq!(d.add(&[1, 0, 0, 0]), Err(PassError::Limit(CREATOR_DAY)));
        assert_eq!(d.add(&[0, i64::from(u32::MAX), 0, 0]), Err(PassError::Limit(CREATOR_DAY)));
        assert_eq!(d.add(&[0, 0, 1 << 32, 0]), Err(PassError::Limit(CREATOR_DAY)));
        assert_eq!(d.counts[0], before[0]);
        // Shares are not summed per creator: any number of them passes.
        let mut d = DailyCounts { day: 0, counts: [0; 3] };
        d.add(&[0, 0, 0, i64::MAX]).unwrap();
        assert_eq!(d.counts, [0, 0, 0]);
    }

    #[test]
    fn events_keep_their_keys() {
        let e = Event::new(1, 2, EventType::View, Some(u128::MAX - 7), None);
        assert_eq!((e.device(), e.ip()), (Some(u128::MAX - 7), None));
        let e = Event::new(1, 2, EventType::Like, None, Some(0));
        assert_eq!((e.device(), e.ip()), (None, Some(0)));
        assert_eq!(std::mem::size_of::<Event>(), 72);
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
        let (s, cohort) = a.finish().unwrap();
        let mut vd = s.video_days.clone();
        vd.sort_by_key(|v| v.video_id);
        assert_eq!(vd.len(), 2);
        assert_eq!((vd[0].video_id, vd[0].views, vd[0].comments, vd[0].top_device, vd[0].top_ip), (1, 6, 1, 3, 6));
        assert_eq!((vd[1].video_id, vd[1].creator_id, vd[1].shares), (3, None, 1));
        // Creator 10 window: views 1 (day 0) + 6, likes 1, comments 1; devices d1, d2, late; IPs i1, ip.
        assert_eq!(
            s.windows.get(&(10, 0)).copied().unwrap(),
            WindowCounts { views: 7, likes: 1, comments: 1, uniq_devices: 3, uniq_ips: 2 }
        );
        // Early window of video 1: 5 views (the 'late' one is out), 2 devices, 1 IP.
        assert_eq!(s.early[&1], EarlyViews { views: 5, uniq_devices: 2, uniq_ips: 1 });
        // Video 3 was created at t = 0 (inside) and has no early views: a zero entry, so the
        // formula still applies to it; nothing is outside.
        assert_eq!(s.early[&3], EarlyViews::default());
        assert!(!s.early.contains_key(&2)); // created_at NULL: no entry
        assert!(cohort.outside.is_empty());
        // Creator 10 (video 1); video 3 has none.
        assert_eq!(cohort.creators, vec![10]);
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
        assert_eq!(a.tallies.creator_ids.len(), 2); // creators 5 and 250 only
        assert_eq!(a.tallies.creator_daily.len(), 2 * 7); // a week per creator, whatever the period
        assert_eq!(a.tallies.flushed.len(), 2);
        let (s, _) = a.finish().unwrap();
        assert_eq!(s.windows.get(&(5, 0)).unwrap().views, 3);
        assert_eq!(s.windows.get(&(5, 0)).unwrap().uniq_devices, 3);
        assert_eq!(s.windows.get(&(250, 0)).unwrap().uniq_devices, 1);
        assert_eq!(s.windows.len(), 2);
    }

    #[test]
    fn early_windows_reaching_outside_the_pass_are_reported() {
        let d6 = 6 * DAY_US;
        // 1 and 5 created before the pass, 2 two hours before its end; 3 before the pass but
        // with events only before the period (not in the cohort); 4 with a NULL created_at.
        let vids = videos(&[
            (1, Some(1), Some(-H)),
            (2, Some(1), Some(7 * DAY_US - H)),
            (3, Some(3), Some(-H)),
            (4, Some(1), None),
            (5, Some(2), Some(-2 * H)),
        ]);
        let mut a = Accumulator::new(0, 1, 2 * H, vids).unwrap();
        a.add(&ev(3, 2 * DAY_US, EventType::View, None, None)).unwrap();
        a.add(&ev(5, d6, EventType::Like, None, None)).unwrap();
        a.add(&ev(1, d6 + 1, EventType::View, None, None)).unwrap();
        a.add(&ev(1, d6 + 2, EventType::View, None, None)).unwrap(); // listed once
        a.add(&ev(4, d6 + 3, EventType::View, None, None)).unwrap();
        a.add(&ev(2, 7 * DAY_US - H, EventType::View, None, None)).unwrap();
        let (s, cohort) = a.finish().unwrap();
        assert_eq!(cohort.outside, vec![(1, -H), (2, 7 * DAY_US - H), (5, -2 * H)]);
        assert!(s.early.is_empty());
        assert_eq!(s.video_days.len(), 4); // 1, 2, 4 and 5: the cohort
        assert_eq!(cohort.creators, vec![1, 2]); // not 3, whose video is not in the cohort
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
    fn dense_ids_are_found_by_offset_and_sparse_ids_by_hash() {
        let mut t = VideoTable::new(videos(&[(-2, Some(1), None), (-1, None, None), (1, Some(3), Some(7))])).unwrap();
        assert!(matches!(t, VideoTable::Dense { base: -2, ref infos } if infos.len() == 4));
        assert_eq!(t.get_mut(-2).map(|v| v.creator_id()), Some(Some(1)));
        assert_eq!(t.get_mut(-1).map(|v| v.creator_id()), Some(None));
        assert_eq!(t.get_mut(1).map(|v| v.created_at()), Some(Some(7)));
        // A hole, the ids either side of the range, and ids whose offset would wrap.
        for id in [0, -3, 2, i64::MIN, i64::MAX, i64::MIN + 1] {
            assert!(t.get_mut(id).is_none(), "{id}");
        }
        // More than twice as many ids as videos: ranked; more than 128 times, or the extremes
        // of i64: the map.
        assert!(matches!(VideoTable::new(videos(&[(1, None, None), (4, None, None)])), Ok(VideoTable::Dense { .. })));
        assert!(matches!(VideoTable::new(videos(&[(1, None, None), (5, None, None)])), Ok(VideoTable::Ranked(_))));
        assert!(matches!(VideoTable::new(videos(&[(1, None, None), (256, None, None)])), Ok(VideoTable::Ranked(_))));
        for ids in [vec![1, 257], vec![i64::MIN, i64::MAX], vec![i64::MAX - 1, i64::MAX, 0]] {
            let list: Vec<_> = ids.iter().map(|&v| (v, Some(1), None)).collect();
            let mut t = VideoTable::new(videos(&list)).unwrap();
            assert!(matches!(t, VideoTable::Sparse(_)), "{ids:?}");
            assert!(ids.iter().all(|&v| t.get_mut(v).is_some()));
            assert!(t.get_mut(2).is_none());
        }
        assert!(matches!(VideoTable::new(Vec::new()), Ok(VideoTable::Sparse(_))));
    }

    #[test]
    fn every_table_finds_exactly_its_videos() {
        // Random ids at densities that make each table, around the blocks' 64-id edges, with
        // repeated ids (the last row wins) and the extremes of i64: every id of the range and
        // beyond it is found exactly when it is a video, with its last row.
        let mut next = crate::engine::test_rng(23);
        let mut cases: Vec<Vec<i64>> = [1u64, 3, 40, 127, 1000]
            .iter()
            .map(|&spread| (0..2_000).map(|_| next(2_000 * spread) as i64 - 5_000).collect())
            .collect();
        cases.push((0..=200).chain(60..=70).chain([63, 64, 127, 128, 191, 192, 64, 0]).map(|v| v * 7).collect());
        // Already in id order (as a lookup reads them), each id twice: the second row wins.
        cases.push((0..600).map(|v| (v / 2) * 5).collect());
        cases.push(vec![i64::MAX - 200, i64::MAX, i64::MAX - 64, i64::MAX - 63, i64::MAX]);
        cases.push(vec![i64::MIN, i64::MIN + 64, i64::MIN + 100, i64::MIN]);
        cases.push(vec![42]);
        let mut seen = [false; 3];
        for ids in cases {
            // Row k of the list has creator k: the last row of an id is the one to find.
            let list: Vec<_> = ids.iter().enumerate().map(|(k, &v)| (v, Some(k as i64), None)).collect();
            let last: FxHashMap<i64, i64> = ids.iter().enumerate().map(|(k, &v)| (v, k as i64)).collect();
            let mut t = VideoTable::new(videos(&list)).unwrap();
            seen[match t {
                VideoTable::Dense { .. } => 0,
                VideoTable::Ranked(_) => 1,
                VideoTable::Sparse(_) => 2,
            }] = true;
            let (lo, hi) = (*ids.iter().min().unwrap(), *ids.iter().max().unwrap());
            let probes = (lo.saturating_sub(70)..=lo.saturating_add(300))
                .chain(hi.saturating_sub(300)..=hi.saturating_add(70))
                .chain(ids.iter().copied())
                .chain([i64::MIN, i64::MAX, 0, -1]);
            for id in probes {
                t.prefetch(id);
                let got = t.get_mut(id).map(|v| v.creator_id());
                assert_eq!(got, last.get(&id).map(|&k| Some(k)), "{id} of {:?}", &ids[..ids.len().min(8)]);
            }
        }
        assert_eq!(seen, [true; 3], "dense, ranked and map each tested");
    }

    #[test]
    fn sorted_distinct_by_bitmap_or_by_sort() {
        let sort = |v: &[i64]| {
            let mut v = v.to_vec();
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut next = crate::engine::test_rng(7);
        // Dense (bitmap), word edges, negative ids, extremes of i64 (sort), empty, one id.
        let dense: Vec<i64> = (0..10_000).map(|_| next(3_000) as i64 - 1_000).collect();
        let cases: Vec<Vec<i64>> = vec![
            dense,
            vec![63, 64, 0, 127, 128, 64, 0, 1],
            vec![-64, -65, -1, 0, -64],
            vec![i64::MIN, i64::MAX, 0, i64::MAX, i64::MIN + 1],
            vec![i64::MAX - 1, i64::MAX, i64::MAX],
            vec![i64::MIN, i64::MIN + 63, i64::MIN + 64, i64::MIN],
            (0..100).map(|_| next(1 << 40) as i64).collect(),
            vec![],
            vec![42],
        ];
        for ids in cases {
            assert_eq!(sorted_distinct(ids.clone()), sort(&ids), "{:?}", &ids[..ids.len().min(8)]);
        }
        // A refused bitmap falls back to the sort.
        use crate::engine::mem::set_test_limit;
        let ids: Vec<i64> = (0..5_000).map(|_| next(100_000) as i64).collect();
        let before = set_test_limit(100);
        let got = sorted_distinct(ids.clone());
        set_test_limit(before);
        assert_eq!(got, sort(&ids));
    }

    #[test]
    fn an_id_span_holds_exactly_its_ids() {
        let mut next = crate::engine::test_rng(11);
        let dense: Vec<i64> = (0..3_000).map(|_| next(4_000) as i64 - 2_000).collect();
        let cases: Vec<Vec<i64>> = vec![
            dense,
            // Across the bitmap's word edges (offsets 63/64, 127/128), with repeats.
            (0..=20).chain(60..=70).chain(120..=130).chain([64, 0, 130]).collect(),
            (-70..=-50).chain(-5..=0).chain([-64, -65, -1]).collect(),
            vec![i64::MAX - 3, i64::MAX, i64::MAX - 1],
            vec![i64::MIN, i64::MIN + 1, i64::MIN + 3],
            vec![42],
        ];
        for ids in cases {
            let span = IdSpan::of(&ids).unwrap_or_else(|| panic!("{:?}", &ids[..ids.len().min(8)]));
            let (lo, hi) = span.bounds();
            assert_eq!((lo, hi), (*ids.iter().min().unwrap(), *ids.iter().max().unwrap()));
            // Every id of the span and around it: held exactly when listed.
            for id in lo.saturating_sub(70)..=hi.saturating_add(70).min(lo.saturating_add(10_000)) {
                assert_eq!(span.holds(id), ids.contains(&id), "{id}");
            }
            assert!(!span.holds(i64::MIN) || ids.contains(&i64::MIN));
            assert!(!span.holds(i64::MAX) || ids.contains(&i64::MAX));
        }
        // The span's limit counts distinct ids: 4 ids over 16 values, not 8 repeats of them.
        assert!(IdSpan::of(&[1, 6, 11, 16]).is_some());
        assert!(IdSpan::of(&[1, 6, 11, 17]).is_none());
        assert!(IdSpan::of(&[1, 1, 1, 1, 16, 16, 16, 16]).is_none());
        assert!(IdSpan::of(&[i64::MIN, i64::MAX]).is_none());
        assert!(IdSpan::of(&[]).is_none());
        // A refused bitmap: no span (the lookup probes instead).
        use crate::engine::mem::set_test_limit;
        let ids: Vec<i64> = (0..5_000).collect();
        let before = set_test_limit(100);
        let refused = IdSpan::of(&ids);
        set_test_limit(before);
        assert!(refused.is_none());
    }

    #[test]
    fn a_later_row_of_an_id_replaces_an_earlier_one() {
        // `videos` without a primary key may hold an id twice: the last row read wins, dense
        // or sparse (as when the rows went into a map).
        for far in [None, Some(1 << 40)] {
            let mut list = vec![(1, Some(5), Some(10)), (2, Some(6), None), (1, Some(7), None)];
            list.extend(far.map(|v| (v, None, None)));
            let mut t = VideoTable::new(videos(&list)).unwrap();
            assert_eq!(matches!(t, VideoTable::Dense { .. }), far.is_none());
            let v = t.get_mut(1).map(|v| (v.creator_id(), v.created_at()));
            assert_eq!(v, Some((Some(7), None)), "{far:?}");
            assert_eq!(t.get_mut(2).map(|v| v.creator_id()), Some(Some(6)));
        }
    }

    #[test]
    fn a_refused_video_table_is_an_error() {
        use crate::engine::mem::set_test_limit;
        let list: Vec<_> = (0..10_000).map(|v| (v, Some(1), None)).collect();
        let before = set_test_limit(10_000);
        let r = VideoTable::new(videos(&list));
        set_test_limit(before);
        let Err(e) = r else { panic!("allocated past the limit") };
        assert_eq!(e.what, "the videos");
        assert!(VideoTable::new(videos(&list)).is_ok());
    }

    #[test]
    fn dense_ranked_and_sparse_catalogs_give_the_same_signals() {
        // 300 videos of 40 creators (every 7th without a launch time, every 11th without a
        // creator), eight days of events that also name unknown videos; then the same with one
        // idle video farther away, which makes the ids sparse, then very sparse.
        let catalog: Vec<(i64, Option<i64>, Option<i64>)> =
            (1..=300).map(|v| (v, (v % 11 != 0).then_some(v % 40), (v % 7 != 0).then_some(v * 3 * H))).collect();
        let run = |extra: Option<i64>| {
            let mut list = catalog.clone();
            list.extend(extra.map(|v| (v, Some(1), Some(0))));
            let vids = videos(&list);
            let mut a = Accumulator::new(0, 2, 2 * H, vids).unwrap();
            let table = match a.videos.videos {
                VideoTable::Dense { .. } => "dense",
                VideoTable::Ranked(_) => "ranked",
                VideoTable::Sparse(_) => "map",
            };
            let mut x: u64 = 1;
            for i in 0..20_000i64 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let video = (x >> 33) as i64 % 320 - 5; // -5..315: some unknown
                let kind =
                    [EventType::View, EventType::View, EventType::Like, EventType::Share][(x >> 20) as usize % 4];
                let key = |k: u64| (!k.is_multiple_of(5)).then_some(u128::from(k % 97));
                a.add(&Event::new(video, i * (8 * DAY_US / 20_000), kind, key(x >> 40), key(x >> 50))).unwrap();
            }
            let (mut s, cohort) = a.finish().unwrap();
            // The reader's cohort creators are the cohort rows' creators.
            let rows: Vec<i64> = s.video_days.iter().filter_map(|v| v.creator_id).collect();
            assert_eq!(cohort.creators, sorted_distinct(rows));
            s.video_days.sort_by_key(|v| (v.day, v.video_id));
            let mut windows: Vec<_> = s.windows.into_iter().collect();
            windows.sort_by_key(|w| w.0);
            let mut early: Vec<_> = s.early.into_iter().collect();
            early.sort_by_key(|e| e.0);
            (table, format!("{:?} {:?} {:?} {:?}", s.video_days, windows, early, cohort))
        };
        let (dense, a) = run(None);
        let (ranked, b) = run(Some(5_000));
        let (map, c) = run(Some(1 << 40));
        assert_eq!([dense, ranked, map], ["dense", "ranked", "map"]);
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert!(a.contains("VideoDay") && a.contains("uniq_devices"), "{a}");
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
        let before = set_test_limit(4 << 20);
        // One video viewed from 200,000 devices in a day: its part's (video, device) tallies
        // (24-byte entries) are refused when they grow past 114,688 entries (131,072 buckets,
        // 7/8 full) to 262,144 buckets of 25 bytes, which happens as the second buffer of
        // events is applied, at the event that finds it full.
        let mut a = Accumulator::new(0, 2, 2 * H, videos(&[(0, Some(1), None)])).unwrap();
        let mut refused = None;
        for i in 0..200_000 {
            let e = Event::new(0, 6 * DAY_US + i, EventType::View, Some(i as u128), None);
            if let Err(e) = a.add(&e) {
                refused = Some((i, e));
                break;
            }
        }
        set_test_limit(before);
        let Some((i, PassError::Alloc(e))) = refused else { panic!("not refused: {refused:?}") };
        assert_eq!(e, AllocError { what: DAY_DEVICES, bytes: 262_144 * 25 + 16 });
        assert_eq!(i, 2 * BUFFERED as i64);
    }

    #[test]
    fn days_without_events_and_window_sliding() {
        // Two-day period (window days 6, 7); creator 1 views on day 0 (device a) and day 7 (b).
        let mut a = Accumulator::new(0, 2, 2 * H, videos(&[(1, Some(1), None)])).unwrap();
        a.add(&ev(1, 0, EventType::View, Some("a"), None)).unwrap();
        a.add(&ev(1, 6 * DAY_US, EventType::View, Some("a"), None)).unwrap();
        a.add(&ev(1, 7 * DAY_US, EventType::View, Some("b"), None)).unwrap();
        let (s, _) = a.finish().unwrap();
        let w = |d: u32| *s.windows.get(&(1, d)).unwrap();
        assert_eq!((w(0).views, w(0).uniq_devices), (2, 1)); // days 0..6: a, a
        assert_eq!((w(1).views, w(1).uniq_devices), (2, 2)); // days 1..7: a (day 6), b
    }
}
