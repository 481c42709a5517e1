//! Units of SPEC §2–4: raw units, the per-video and per-creator multipliers, and the
//! per-day computation that turns a day's signals into video and creator units.
//!
//! Pure Rust (no pgrx): every input is an aggregate that `signals` gathered with set-based SQL.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Mutex, OnceLock, PoisonError};

use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::engine::mem::{room_in_vec, AllocError};

/// The `users` rows of a computation's creators, by id (absent: no row).
pub type Creators = FxHashMap<i64, Creator>;

/// One video's counted events on one day of the period (a row of the day's cohort).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct VideoDay {
    pub video_id: i64,
    /// `videos.creator_id`; a NULL creator's video is still in the cohort but earns nobody units.
    pub creator_id: Option<i64>,
    /// Day index within the period (0 = the period's first day).
    pub day: u32,
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    /// Largest number of that day's view events sharing one non-NULL device_id.
    pub top_device: i64,
    /// Largest number of that day's view events sharing one non-NULL ip_hash.
    pub top_ip: i64,
}

/// View events in a video's early window `[created_at, created_at + window)`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EarlyViews {
    pub views: i64,
    pub uniq_devices: i64,
    pub uniq_ips: i64,
}

/// What the `users` row says about a creator; `None` in the map when there is no row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Creator {
    pub kyc_level: Option<i64>,
    /// Parsed `creator_trust_score`; `None` when NULL, NaN or ±Infinity.
    pub trust_score: Option<f64>,
    pub likely_bot: bool,
}

/// A creator's counted events over the seven days ending with a day (SPEC §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WindowCounts {
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub uniq_devices: i64,
    pub uniq_ips: i64,
}

/// A row of `revenue_split_video_units`.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoUnits {
    pub video_id: i64,
    pub creator_id: Option<i64>,
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub raw_units: f64,
    pub quality_mult: f64,
    pub early_mult: f64,
    pub cluster_mult: f64,
    pub units: f64,
}

/// A row of `revenue_split_units`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatorUnits {
    pub creator_id: i64,
    pub units: f64,
    pub raw_units: f64,
    pub videos: i32,
    pub integrity_mult: f64,
    pub trust_mult: f64,
    pub excluded: bool,
}

pub fn raw_units(cfg: &Config, views: i64, likes: i64, comments: i64, shares: i64) -> f64 {
    cfg.weight_view * views as f64
        + cfg.weight_like * likes as f64
        + cfg.weight_comment * comments as f64
        + cfg.weight_share * shares as f64
}

/// Engagement rate `(likes + comments + shares) / max(1, views)` (SPEC §3.1).
pub fn engagement_rate(v: &VideoDay) -> f64 {
    (v.likes + v.comments + v.shares) as f64 / v.views.max(1) as f64
}

/// Quality multipliers of a cohort, in the order of `ers` (SPEC §3.1).
pub fn quality_mults(cfg: &Config, ers: &[f64]) -> Vec<f64> {
    let n = ers.len() as f64;
    if ers.is_empty() {
        return Vec::new();
    }
    let mu = ers.iter().sum::<f64>() / n;
    let sigma = (ers.iter().map(|e| (e - mu) * (e - mu)).sum::<f64>() / n).sqrt();
    ers.iter()
        .map(|e| {
            // sigma < 1e-9 covers a one-video cohort and a cohort of equal rates.
            let z = if sigma < 1e-9 { 0.0 } else { (e - mu) / sigma };
            1.0 + (cfg.quality_z_scale * z).clamp(-cfg.quality_max_adjust, cfg.quality_max_adjust)
        })
        .collect()
}

/// Early-velocity kicker (SPEC §3.2); `None` when created_at is NULL.
pub fn early_mult(cfg: &Config, early: Option<&EarlyViews>) -> f64 {
    match early {
        Some(e)
            if e.views >= cfg.early_min_views
                && e.uniq_devices as f64 >= cfg.early_device_ratio * e.views as f64
                && e.uniq_ips as f64 >= cfg.early_ip_ratio * e.views as f64 =>
        {
            cfg.early_mult
        }
        _ => 1.0,
    }
}

/// Cluster penalty over a day's view events (SPEC §3.3).
pub fn cluster_mult(cfg: &Config, views: i64, top_device: i64, top_ip: i64) -> f64 {
    if views <= 0 {
        return 1.0;
    }
    let top_share = top_device.max(top_ip) as f64 / views as f64;
    if top_share <= cfg.cluster_threshold {
        1.0
    } else {
        (1.0 - cfg.cluster_max_penalty).max(1.0 - cfg.cluster_slope * (top_share - cfg.cluster_threshold))
    }
}

/// Seven-day integrity multiplier (SPEC §4.1).
pub fn integrity_mult(cfg: &Config, w: &WindowCounts) -> f64 {
    let views = w.views.max(1) as f64;
    let score = ((cfg.integrity_device_factor * w.uniq_devices as f64 / views).min(1.0)
        + (cfg.integrity_ip_factor * w.uniq_ips as f64 / views).min(1.0)
        + (cfg.integrity_engagement_factor * (w.likes + w.comments) as f64 / views).min(1.0))
        / 3.0;
    cfg.integrity_base + cfg.integrity_span * score
}

/// Creator trust multiplier (SPEC §4.2); `None` = NULL / NaN / ±Infinity / no users row.
pub fn trust_mult(cfg: &Config, score: Option<f64>) -> f64 {
    match score {
        Some(s) if !s.is_nan() => {
            let s = s.clamp(0.0, cfg.trust_scale);
            cfg.trust_min + (cfg.trust_max - cfg.trust_min) * s / cfg.trust_scale
        }
        _ => 1.0,
    }
}

/// Parses `creator_trust_score::text`. NaN and the infinities are invalid (→ `None`); a finite
/// decimal too large for f64 parses as ±inf, which the clamp then treats as out of range, as
/// the SPEC wants for a finite out-of-range score.
pub fn parse_trust_score(text: &str) -> Option<f64> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "nan" | "infinity" | "+infinity" | "-infinity" | "inf" | "+inf" | "-inf" => None,
        _ => t.parse::<f64>().ok().filter(|v| !v.is_nan()),
    }
}

/// Everything the per-day computation needs about a period, gathered by `signals`.
#[derive(Debug, Default)]
pub struct PeriodSignals {
    /// Cohort rows of every day of the period, any order.
    pub video_days: Vec<VideoDay>,
    /// Early views per cohort video with a launch time (zero views included; absent:
    /// created_at NULL or infinite).
    pub early: FxHashMap<i64, EarlyViews>,
    /// `users` rows of the creators seen (absent: no row).
    pub creators: Creators,
    /// Per (creator, day of the period) of the cohort, the creator's window counts: only the
    /// days the creator earns on, so a creator active once costs one entry.
    pub windows: WindowRows,
    /// What the pass read (for the run's audit record): rows, and the newest `ts` (µs since
    /// 2000-01-01 UTC).
    pub events_read: i64,
    pub newest_event_us: Option<i64>,
}

/// The window counts of (creator, day of the period) pairs, as a list in the order the pass
/// closes its days. On W's month, inserting each pair into one map of the whole period was
/// half of closing a day (an eighth of the pass worker's samples), two cache misses each; a
/// list takes one sequential write, and each day's pairs go into a map of that day, small
/// enough to stay in cache, only when its units are computed ([`for_each_day`]).
#[derive(Debug, Default)]
pub struct WindowRows(Vec<(u32, i64, WindowCounts)>);

impl WindowRows {
    /// Adds the counts of `creator_id` on period day `day`; a pair added again replaces the
    /// earlier counts, as a map insert would.
    pub fn insert(&mut self, (creator_id, day): (i64, u32), counts: WindowCounts) -> Result<(), AllocError> {
        room_in_vec(&mut self.0, WINDOW_ROWS)?;
        self.0.push((day, creator_id, counts));
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The counts of a pair, by a scan (tests; [`for_each_day`] looks a day up as a map).
    #[cfg(test)]
    pub fn get(&self, (creator_id, day): &(i64, u32)) -> Option<&WindowCounts> {
        self.0.iter().rev().find(|r| r.0 == *day && r.1 == *creator_id).map(|r| &r.2)
    }

    /// Sorted by day (stable, so that a later pair still replaces an earlier one).
    fn sort_by_day(&mut self) {
        if !self.0.is_sorted_by_key(|r| r.0) {
            self.0.sort_by_key(|r| r.0);
        }
    }

    /// The counts of day `day` by creator (after [`WindowRows::sort_by_day`]).
    fn of_day(&self, day: u32) -> FxHashMap<i64, WindowCounts> {
        let from = self.0.partition_point(|r| r.0 < day);
        let to = from + self.0[from..].partition_point(|r| r.0 == day);
        let mut map = FxHashMap::with_capacity_and_hasher(to - from, Default::default());
        map.extend(self.0[from..to].iter().map(|r| (r.1, r.2)));
        map
    }
}

impl IntoIterator for WindowRows {
    type Item = ((i64, u32), WindowCounts);
    type IntoIter =
        std::iter::Map<std::vec::IntoIter<(u32, i64, WindowCounts)>, fn((u32, i64, WindowCounts)) -> Self::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().map(|(day, id, counts)| ((id, day), counts))
    }
}

/// What [`WindowRows`] names when its room is refused.
const WINDOW_ROWS: &str = "the creators' window counts";

/// The units of one day of the period.
#[derive(Debug, Clone, PartialEq)]
pub struct DayUnits {
    pub day: u32,
    /// Sorted by video_id.
    pub videos: Vec<VideoUnits>,
    /// Sorted by creator_id.
    pub creators: Vec<CreatorUnits>,
}

/// Computes the units of every day of the period, in day order, handing each day to `sink`
/// (which may stop early with an error): the days' work on two threads ([`days_alongside`],
/// with nothing to read beside it), then the `users` rows applied, as `signals::gather` and
/// `run::compute` do. The tests' way to the units of whole periods.
#[cfg(test)]
pub fn for_each_day<E: Send>(
    cfg: &Config,
    signals: &mut PeriodSignals,
    mut sink: impl FnMut(DayUnits) -> Result<(), E>,
) -> Result<(), E> {
    let ((), (), days) = days_alongside(cfg, || Ok(((), DayWork::new(cfg, signals, true))), || Ok(()), || ())?;
    for d in days {
        sink(d.finish(cfg, |c| signals.creators.get(&c)))?;
    }
    Ok(())
}

/// The units of every day of a period but what the creators' `users` rows decide (trust and
/// bots), computed by whichever threads call [`DayWork::help`]: each takes the next day not
/// yet taken, so two threads share the days whatever else either is doing. This is all of
/// the per-day work but a lookup per creator, and it needs only the pass: the reader computes
/// it while it reads the creators (`signals::gather`). On W's month the days took 0.27 s on
/// two threads after the 0.34 s read of the creators.
pub struct DayWork {
    /// The cohort rows, by day, each day by video_id; `days` are its ranges.
    video_days: Vec<VideoDay>,
    days: Vec<(usize, usize)>,
    early: FxHashMap<i64, f64>,
    windows: WindowRows,
    /// Whether the days keep their video units (statement lines, `revenue_split_video_units`);
    /// the creators' units need only their sums.
    keep_videos: bool,
    next: AtomicUsize,
    done: Vec<Mutex<Option<DayPartial>>>,
}

impl DayWork {
    /// Takes the cohort rows and window counts out of `signals`.
    pub fn new(cfg: &Config, signals: &mut PeriodSignals, keep_videos: bool) -> DayWork {
        let mut video_days = std::mem::take(&mut signals.video_days);
        // The pass hands its rows over a day at a time, each sorted; any other order is sorted.
        if !video_days.is_sorted_by_key(|v| v.day) {
            video_days.sort_unstable_by_key(|v| v.day);
        }
        let mut days = Vec::new();
        let mut from = 0;
        for cohort in video_days.chunk_by_mut(|a, b| a.day == b.day) {
            if !cohort.is_sorted_by_key(|v| v.video_id) {
                cohort.sort_unstable_by_key(|v| v.video_id);
            }
            days.push((from, from + cohort.len()));
            from += cohort.len();
        }
        let early = signals.early.iter().map(|(id, e)| (*id, early_mult(cfg, Some(e)))).collect();
        let mut windows = std::mem::take(&mut signals.windows);
        windows.sort_by_day();
        let done = days.iter().map(|_| Mutex::new(None)).collect();
        DayWork { video_days, days, early, windows, keep_videos, next: AtomicUsize::new(0), done }
    }

    /// Computes days until none is left or `stop` is set, calling `between` after each (a
    /// backend checks for interrupts there).
    pub fn help(&self, cfg: &Config, stop: &AtomicBool, mut between: impl FnMut()) {
        while !stop.load(Ordering::Relaxed) {
            let k = self.next.fetch_add(1, Ordering::Relaxed);
            if k >= self.days.len() {
                return;
            }
            let day = self.day(cfg, k);
            *self.done[k].lock().unwrap_or_else(PoisonError::into_inner) = Some(day);
            between();
        }
    }

    fn day(&self, cfg: &Config, k: usize) -> DayPartial {
        let (from, to) = self.days[k];
        let cohort = &self.video_days[from..to];
        let day = cohort[0].day;
        let videos = video_units(cfg, cohort, &self.early);
        let windows = self.windows.of_day(day);
        let creators = creator_partials(cfg, &videos, |c| windows.get(&c).copied().unwrap_or_default());
        DayPartial { day, videos: if self.keep_videos { videos } else { Vec::new() }, creators }
    }

    /// Every day, in order (any day no helper computed is computed here). The cohort rows
    /// are freed first.
    pub fn into_days(self, cfg: &Config) -> Vec<DayPartial> {
        let done: Vec<Option<DayPartial>> =
            self.done.into_iter().map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner)).collect();
        let work = DayWork { done: Vec::new(), ..self };
        let days: Vec<DayPartial> =
            done.into_iter().enumerate().map(|(k, d)| d.unwrap_or_else(|| work.day(cfg, k))).collect();
        drop(work);
        days
    }
}

/// Runs `read` on this thread while a helper thread runs `prepare` (what it makes, and the
/// days' work) and then computes days; once `read` returns, this thread computes days too,
/// calling `between` after each (a backend checks for interrupts there). A failed `read`, or
/// one a Postgres error unwinds through, stops the helper after its current day, and the
/// scope waits for it. Without a thread everything runs here, in turn.
pub fn days_alongside<T: Send, R, E: Send>(
    cfg: &Config,
    prepare: impl FnOnce() -> Result<(T, DayWork), E> + Send,
    read: impl FnOnce() -> Result<R, E>,
    mut between: impl FnMut(),
) -> Result<(T, R, Vec<DayPartial>), E> {
    /// Sets the flag when dropped, on an early return or an unwind as well.
    struct StopOnDrop<'a>(&'a AtomicBool);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    /// Tells this thread that the days can be shared, or that they never will be: sent when
    /// dropped, so on an error or a panic in `prepare` too (else it would wait forever).
    struct Ready<'a>(&'a SyncSender<()>);
    impl Drop for Ready<'_> {
        fn drop(&mut self) {
            let _ = self.0.try_send(());
        }
    }
    let stop = AtomicBool::new(false);
    let work = OnceLock::<DayWork>::new();
    let prepare = Mutex::new(Some(prepare));
    let (ready, ready_rx) = sync_channel::<()>(1);
    // On the helper, or here if it could not start.
    let run = || -> Result<T, E> {
        let signal = Ready(&ready);
        let prepare = prepare.lock().unwrap_or_else(PoisonError::into_inner).take();
        let (made, days) = prepare.expect("the days are prepared once")()?;
        let days = work.get_or_init(|| days);
        drop(signal);
        days.help(cfg, &stop, || ());
        Ok(made)
    };
    let (made, read) = std::thread::scope(|scope| -> Result<(T, R), E> {
        let _stop = StopOnDrop(&stop);
        let helper = crate::engine::pipeline::with_signals_blocked(|| {
            std::thread::Builder::new().name("revenue_split units".into()).spawn_scoped(scope, run)
        })
        .ok();
        let read = read()?;
        let made = match helper {
            Some(h) => {
                if ready_rx.recv().is_ok() {
                    if let Some(days) = work.get() {
                        days.help(cfg, &stop, &mut between);
                    }
                }
                match h.join() {
                    Ok(made) => made?,
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            None => run()?,
        };
        Ok((made, read))
    })?;
    let days = work.into_inner().map(|w| w.into_days(cfg)).unwrap_or_default();
    Ok((made, read, days))
}

/// A day's units before its creators' `users` rows are applied.
#[derive(Debug)]
pub struct DayPartial {
    day: u32,
    /// Sorted by video_id (empty unless kept).
    videos: Vec<VideoUnits>,
    /// Sorted by creator_id.
    creators: Vec<CreatorPartial>,
}

impl DayPartial {
    /// The day's units, with `user` giving each creator's `users` row (if any).
    pub fn finish<'a>(self, cfg: &Config, user: impl Fn(i64) -> Option<&'a Creator>) -> DayUnits {
        DayUnits { day: self.day, videos: self.videos, creators: finish_creators(cfg, self.creators, user) }
    }
}

/// A creator's sums over its videos of a day, and its integrity multiplier.
#[derive(Debug)]
struct CreatorPartial {
    creator_id: i64,
    video_units: f64,
    raw_units: f64,
    videos: i32,
    integrity_mult: f64,
}

/// Video units of one day's cohort (SPEC §3), in the order of `cohort`.
pub fn video_units(cfg: &Config, cohort: &[VideoDay], early: &FxHashMap<i64, f64>) -> Vec<VideoUnits> {
    let ers: Vec<f64> = cohort.iter().map(engagement_rate).collect();
    let quality = quality_mults(cfg, &ers);
    cohort
        .iter()
        .zip(quality)
        .map(|(v, quality_mult)| {
            let raw = raw_units(cfg, v.views, v.likes, v.comments, v.shares);
            let early_mult = early.get(&v.video_id).copied().unwrap_or(1.0);
            let cluster_mult = cluster_mult(cfg, v.views, v.top_device, v.top_ip);
            VideoUnits {
                video_id: v.video_id,
                creator_id: v.creator_id,
                views: v.views,
                likes: v.likes,
                comments: v.comments,
                shares: v.shares,
                raw_units: raw,
                quality_mult,
                early_mult,
                cluster_mult,
                units: raw * quality_mult * early_mult * cluster_mult,
            }
        })
        .collect()
}

/// Creator units of one day (SPEC §4.4), sorted by creator_id. `lookup` gives the creator's
/// `users` row (if any) and its seven-day window counts.
pub fn creator_units<'a>(
    cfg: &Config,
    videos: &[VideoUnits],
    lookup: impl Fn(i64) -> (Option<&'a Creator>, WindowCounts),
) -> Vec<CreatorUnits> {
    finish_creators(cfg, creator_partials(cfg, videos, |c| lookup(c).1), |c| lookup(c).0)
}

/// Per creator of a day's videos, sorted by creator_id: the sums and the integrity multiplier
/// of its `window` counts.
fn creator_partials(cfg: &Config, videos: &[VideoUnits], window: impl Fn(i64) -> WindowCounts) -> Vec<CreatorPartial> {
    let mut by_creator: Vec<CreatorPartial> = Vec::new();
    let mut index: FxHashMap<i64, usize> = FxHashMap::default();
    for v in videos {
        let Some(creator_id) = v.creator_id else { continue };
        let i = *index.entry(creator_id).or_insert_with(|| {
            by_creator.push(CreatorPartial {
                creator_id,
                video_units: 0.0,
                raw_units: 0.0,
                videos: 0,
                integrity_mult: 1.0,
            });
            by_creator.len() - 1
        });
        let e = &mut by_creator[i];
        e.video_units += v.units;
        e.raw_units += v.raw_units;
        e.videos += 1;
    }
    by_creator.sort_unstable_by_key(|e| e.creator_id);
    for e in &mut by_creator {
        e.integrity_mult = integrity_mult(cfg, &window(e.creator_id));
    }
    by_creator
}

/// The creator units of `partials`, with `user` giving each creator's `users` row (if any).
fn finish_creators<'a>(
    cfg: &Config,
    partials: Vec<CreatorPartial>,
    user: impl Fn(i64) -> Option<&'a Creator>,
) -> Vec<CreatorUnits> {
    partials
        .into_iter()
        .map(|p| {
            let user = user(p.creator_id);
            let trust_mult = trust_mult(cfg, user.and_then(|u| u.trust_score));
            let excluded = user.is_some_and(|u| u.likely_bot);
            let bot_mult = if excluded { 0.0 } else { 1.0 };
            CreatorUnits {
                creator_id: p.creator_id,
                units: p.integrity_mult * trust_mult * bot_mult * p.video_units,
                raw_units: p.raw_units,
                videos: p.videos,
                integrity_mult: p.integrity_mult,
                trust_mult,
                excluded,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_rows_look_up_by_day_with_the_last_pair_winning() {
        let w = |views: i64| WindowCounts { views, ..Default::default() };
        let mut rows = WindowRows::default();
        // Out of day order, with (7, day 2) added twice and days 1 and 4 empty.
        for (id, day, views) in [(7, 2, 1), (8, 0, 2), (7, 3, 3), (9, 2, 4), (7, 2, 5), (8, 5, 6)] {
            rows.insert((id, day), w(views)).unwrap();
        }
        assert_eq!(rows.len(), 6);
        assert_eq!(rows.get(&(7, 2)), Some(&w(5)));
        rows.sort_by_day();
        let day = |d: u32| {
            let mut v: Vec<(i64, i64)> = rows.of_day(d).into_iter().map(|(id, c)| (id, c.views)).collect();
            v.sort_unstable();
            v
        };
        assert_eq!(day(0), [(8, 2)]);
        assert_eq!(day(1), []);
        assert_eq!(day(2), [(7, 5), (9, 4)]);
        assert_eq!(day(3), [(7, 3)]);
        assert_eq!(day(4), []);
        assert_eq!(day(5), [(8, 6)]);
        assert_eq!(day(6), []);
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn raw_units_weights() {
        let c = Config::default();
        assert_eq!(raw_units(&c, 100, 10, 5, 5), 100.0 + 30.0 + 25.0 + 40.0);
    }

    #[test]
    fn quality_spec_example() {
        let q = quality_mults(&Config::default(), &[0.1, 0.2, 0.3]);
        assert!(close(q[0], 0.9877525512860841), "{q:?}");
        assert!(close(q[1], 1.0));
        assert!(close(q[2], 1.012247448713916));
    }

    #[test]
    fn quality_single_video_and_equal_rates_is_neutral() {
        let c = Config::default();
        assert_eq!(quality_mults(&c, &[0.7]), vec![1.0]);
        assert_eq!(quality_mults(&c, &[0.3, 0.3, 0.3]), vec![1.0, 1.0, 1.0]);
        assert!(quality_mults(&c, &[]).is_empty());
    }

    #[test]
    fn quality_clamps_at_two_percent() {
        // ERs 0 x9 and 1: mu 0.1, sigma 0.3 → z(1) = 3 → +3% clamped to +2%; z(0) = -1/3 → -0.333%.
        let mut ers = vec![0.0; 9];
        ers.push(1.0);
        let q = quality_mults(&Config::default(), &ers);
        assert!(close(q[9], 1.02));
        assert!(close(q[0], 1.0 - 0.01 / 3.0));
    }

    #[test]
    fn early_spec_examples() {
        let c = Config::default();
        let e = |views, d, i| early_mult(&c, Some(&EarlyViews { views, uniq_devices: d, uniq_ips: i }));
        assert_eq!(e(60, 40, 20), 1.0); // 20 < 0.4 * 60 = 24
        assert_eq!(e(60, 40, 30), 1.05);
        assert_eq!(e(50, 25, 20), 1.05); // every threshold met with equality
        assert_eq!(e(49, 49, 49), 1.0); // too few views
        assert_eq!(e(50, 24, 50), 1.0); // 24 < 25 devices
        assert_eq!(early_mult(&c, None), 1.0);
        // early_min_views = 0: a launched video with no early view meets every threshold
        // (0 >= 0, 0 >= 0.5 * 0, 0 >= 0.4 * 0) and gets the kicker; created_at NULL never does.
        let zero = Config { early_min_views: 0, ..Config::default() };
        assert_eq!(early_mult(&zero, Some(&EarlyViews::default())), 1.05);
        assert_eq!(early_mult(&zero, None), 1.0);
    }

    #[test]
    fn cluster_spec_examples() {
        let c = Config::default();
        assert!(close(cluster_mult(&c, 100, 30, 25), 0.80));
        assert!(close(cluster_mult(&c, 100, 10, 50), 0.70)); // 1 - 2*0.3 = 0.4 → floor 0.70
        assert_eq!(cluster_mult(&c, 100, 20, 20), 1.0); // exactly 20%
        assert!(close(cluster_mult(&c, 100, 21, 0), 0.98));
        assert!(close(cluster_mult(&c, 100, 35, 0), 0.70)); // exactly at the floor
        assert_eq!(cluster_mult(&c, 0, 0, 0), 1.0);
    }

    #[test]
    fn integrity_spec_example() {
        let c = Config::default();
        let w = WindowCounts { views: 100, likes: 3, comments: 2, uniq_devices: 10, uniq_ips: 4 };
        assert!(close(integrity_mult(&c, &w), 0.994));
        // No views: every ratio uses max(1, views); no engagement, no devices → 0.97.
        assert!(close(integrity_mult(&c, &WindowCounts::default()), 0.97));
        // Saturated → 1.03.
        let w = WindowCounts { views: 10, likes: 5, comments: 5, uniq_devices: 10, uniq_ips: 10 };
        assert!(close(integrity_mult(&c, &w), 1.03));
    }

    #[test]
    fn trust_spec_examples() {
        let c = Config::default();
        assert!(close(trust_mult(&c, Some(75.0)), 1.10));
        assert!(close(trust_mult(&c, Some(150.0)), 1.20));
        assert!(close(trust_mult(&c, Some(-5.0)), 0.80));
        assert!(close(trust_mult(&c, Some(62.5)), 1.05));
        assert!(close(trust_mult(&c, Some(f64::INFINITY)), 1.20)); // a huge finite numeric
        assert_eq!(trust_mult(&c, None), 1.0);
        assert_eq!(trust_mult(&c, Some(f64::NAN)), 1.0);
    }

    #[test]
    fn trust_score_text() {
        assert_eq!(parse_trust_score("NaN"), None);
        assert_eq!(parse_trust_score("Infinity"), None);
        assert_eq!(parse_trust_score("-Infinity"), None);
        assert_eq!(parse_trust_score("62.5"), Some(62.5));
        assert_eq!(parse_trust_score("-5"), Some(-5.0));
        let huge = format!("1{}", "0".repeat(400));
        assert_eq!(parse_trust_score(&huge), Some(f64::INFINITY));
        assert_eq!(parse_trust_score("garbage"), None);
    }

    /// 9 days (an odd count), 40 videos of 7 creators, shuffled across days; an early
    /// window, a users row with a trust score, window counts for one creator-day. Built anew
    /// for each call (for_each_day and DayWork take the rows).
    fn nine_days() -> PeriodSignals {
        let mut next = crate::engine::test_rng(5);
        let mut rows: Vec<VideoDay> = Vec::new();
        for day in 0..9u32 {
            for video in 0..40i64 {
                if next(3) > 0 {
                    let v = next(50) as i64 + 1;
                    rows.push(vd(video, video % 7, day, v, next(v as u64) as i64, next(3) as i64, next(2) as i64));
                }
            }
        }
        for i in (1..rows.len()).rev() {
            rows.swap(i, next(i as u64 + 1) as usize);
        }
        let mut s = PeriodSignals { video_days: rows, ..Default::default() };
        s.early.insert(3, EarlyViews { views: 10, uniq_devices: 9, uniq_ips: 9 });
        s.creators.insert(2, Creator { kyc_level: Some(1), trust_score: Some(80.0), likely_bot: true });
        s.creators.insert(5, Creator { kyc_level: Some(1), trust_score: Some(80.0), likely_bot: false });
        s.windows
            .insert((4, 5), WindowCounts { views: 9, likes: 3, comments: 1, uniq_devices: 2, uniq_ips: 2 })
            .unwrap();
        s
    }

    #[test]
    fn day_work_gives_every_day_however_it_is_shared() {
        let cfg = Config::default();
        let mut want = Vec::new();
        for_each_day(&cfg, &mut nine_days(), |d| -> Result<(), ()> {
            want.push(d);
            Ok(())
        })
        .unwrap();
        assert_eq!(want.len(), 9);
        // Without the videos: the same creators' units, each day once, in order.
        let only_creators = |d: &DayUnits| DayUnits { videos: Vec::new(), ..d.clone() };
        let want: Vec<DayUnits> = want.iter().map(only_creators).collect();
        let finished = |s: &PeriodSignals, work: DayWork| -> Vec<DayUnits> {
            work.into_days(&cfg).into_iter().map(|d| d.finish(&cfg, |c| s.creators.get(&c))).collect()
        };
        // Two threads, the second one starting late.
        let mut s = nine_days();
        let work = DayWork::new(&cfg, &mut s, false);
        let stop = AtomicBool::new(false);
        std::thread::scope(|scope| {
            let mut seen = 0;
            scope.spawn(|| work.help(&cfg, &stop, || ()));
            work.help(&cfg, &stop, || seen += 1);
            assert!(seen <= 9);
        });
        assert_eq!(finished(&s, work), want);
        // Stopped after its first day, or before any: the days left are computed at the end.
        for stop_at in [0, 1] {
            let mut s = nine_days();
            let work = DayWork::new(&cfg, &mut s, false);
            let stop = AtomicBool::new(stop_at == 0);
            let mut seen = 0;
            work.help(&cfg, &stop, || {
                seen += 1;
                stop.store(true, Ordering::Relaxed);
            });
            assert_eq!(seen, stop_at);
            assert_eq!(finished(&s, work), want);
        }
    }

    #[test]
    fn days_alongside_a_read_are_all_computed_and_failures_end_it() {
        let cfg = Config::default();
        let mut want = Vec::new();
        for_each_day(&cfg, &mut nine_days(), |d| -> Result<(), ()> {
            want.push(DayUnits { videos: Vec::new(), ..d });
            Ok(())
        })
        .unwrap();
        // A read that takes a while: the helper computes days meanwhile, this thread the rest.
        let mut between = 0;
        let (s, read, days) = days_alongside(
            &cfg,
            prepare_nine_days,
            || {
                std::thread::sleep(std::time::Duration::from_millis(5));
                Ok("read")
            },
            || between += 1,
        )
        .unwrap();
        assert_eq!(read, "read");
        assert!(between <= 9);
        let got: Vec<DayUnits> = days.into_iter().map(|d| d.finish(&cfg, |c| s.creators.get(&c))).collect();
        assert_eq!(got, want);
        // A failed read, a failed or panicking preparation: the error (or the panic) comes
        // back, and nothing waits forever (a test that hung would not report it: 10 s).
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let cfg = Config::default();
            let failed_read = days_alongside(&cfg, prepare_nine_days, || Err::<(), _>("no read"), || ());
            let failed_prepare =
                days_alongside(&cfg, || Err::<((), DayWork), _>("no pass"), || Ok::<_, &str>(()), || ());
            let panicked = std::panic::catch_unwind(|| {
                days_alongside(&cfg, || -> Result<((), DayWork), ()> { panic!("in the pass") }, || Ok(()), || ())
            });
            tx.send((failed_read.err(), failed_prepare.err(), panicked.is_err())).unwrap();
        });
        let got = rx.recv_timeout(std::time::Duration::from_secs(10)).expect("days_alongside returned");
        assert_eq!(got, (Some("no read"), Some("no pass"), true));
    }

    fn prepare_nine_days() -> Result<(PeriodSignals, DayWork), &'static str> {
        let mut s = nine_days();
        let work = DayWork::new(&Config::default(), &mut s, false);
        Ok((s, work))
    }

    #[test]
    fn days_on_two_threads_match_one_day_at_a_time() {
        let cfg = Config::default();
        let signals = nine_days;
        let s = signals();
        let rows = s.video_days.clone();
        // One day at a time, in order, by the per-day functions.
        let early: FxHashMap<i64, f64> = s.early.iter().map(|(id, e)| (*id, early_mult(&cfg, Some(e)))).collect();
        let mut want = Vec::new();
        for day in 0..9u32 {
            let mut cohort: Vec<VideoDay> = rows.iter().filter(|r| r.day == day).copied().collect();
            cohort.sort_by_key(|r| r.video_id);
            let videos = video_units(&cfg, &cohort, &early);
            let creators = creator_units(&cfg, &videos, |c| {
                (s.creators.get(&c), s.windows.get(&(c, day)).copied().unwrap_or_default())
            });
            want.push(DayUnits { day, videos, creators });
        }
        let mut got = Vec::new();
        for_each_day(&cfg, &mut signals(), |d| -> Result<(), ()> {
            got.push(d);
            Ok(())
        })
        .unwrap();
        assert_eq!(got, want);
        // A sink that stops at the fourth day: no day after it is handed over.
        let mut seen = Vec::new();
        let stopped = for_each_day(&cfg, &mut signals(), |d| {
            seen.push(d.day);
            if d.day == 3 {
                Err("cancelled")
            } else {
                Ok(())
            }
        });
        assert_eq!((stopped, seen), (Err("cancelled"), vec![0, 1, 2, 3]));
    }

    fn vd(video_id: i64, creator_id: i64, day: u32, views: i64, likes: i64, comments: i64, shares: i64) -> VideoDay {
        VideoDay {
            video_id,
            creator_id: Some(creator_id),
            day,
            views,
            likes,
            comments,
            shares,
            top_device: 0,
            top_ip: 0,
        }
    }

    #[test]
    fn golden_day_2025_08_20_by_hand() {
        // The golden sample's 2025-08-20: three videos with ER 0.1 / 0.2 / 0.3, full integrity.
        let cfg = Config::default();
        let mut s = PeriodSignals {
            video_days: vec![
                vd(401, 4, 0, 100, 10, 10, 10),
                vd(101, 1, 0, 100, 10, 0, 0),
                vd(201, 2, 0, 100, 10, 5, 5),
            ],
            ..Default::default()
        };
        s.creators.insert(1, Creator { kyc_level: Some(3), trust_score: None, likely_bot: false });
        s.creators.insert(2, Creator { kyc_level: Some(2), trust_score: Some(75.0), likely_bot: false });
        s.creators.insert(4, Creator { kyc_level: Some(0), trust_score: Some(-5.0), likely_bot: false });
        let full = WindowCounts { views: 10, likes: 10, comments: 0, uniq_devices: 10, uniq_ips: 10 };
        for c in [1, 2, 4] {
            s.windows.insert((c, 0), full).unwrap();
        }
        let mut out = Vec::new();
        for_each_day(&cfg, &mut s, |d| -> Result<(), ()> {
            out.push(d);
            Ok(())
        })
        .unwrap();
        let d = &out[0];
        assert_eq!(d.videos.iter().map(|v| v.video_id).collect::<Vec<_>>(), vec![101, 201, 401]);
        assert!(close(d.videos[0].units, 128.40783166719092));
        assert!(close(d.videos[2].units, 263.18433666561816));
        assert!(close(d.creators[0].units, 132.26006661720666));
        assert!(close(d.creators[1].units, 220.93500000000003));
        assert!(close(d.creators[2].units, 216.8638934124694));
    }

    #[test]
    fn bot_is_listed_with_zero_units_and_missing_user_is_neutral() {
        let cfg = Config::default();
        let videos = video_units(&cfg, &[vd(1, 5, 0, 10, 0, 0, 0), vd(2, 13, 0, 10, 0, 0, 0)], &FxHashMap::default());
        let bot = Creator { kyc_level: Some(3), trust_score: Some(90.0), likely_bot: true };
        let w = WindowCounts { views: 10, ..Default::default() };
        let rows = creator_units(&cfg, &videos, |c| (if c == 5 { Some(&bot) } else { None }, w));
        assert_eq!(rows[0].creator_id, 5);
        assert!(rows[0].excluded);
        assert_eq!(rows[0].units, 0.0);
        assert!(close(rows[0].trust_mult, 1.16));
        assert!(!rows[1].excluded);
        assert_eq!(rows[1].trust_mult, 1.0);
        // views 10, no devices / IPs / engagement → 0.97
        assert!(close(rows[1].units, 0.97 * 10.0));
    }

    #[test]
    fn early_kicker_applies_on_every_day() {
        let cfg = Config::default();
        let mut s = PeriodSignals {
            video_days: vec![vd(7, 1, 0, 10, 0, 0, 0), vd(7, 1, 1, 20, 0, 0, 0)],
            ..Default::default()
        };
        s.early.insert(7, EarlyViews { views: 60, uniq_devices: 40, uniq_ips: 30 });
        let mut mults = Vec::new();
        for_each_day(&cfg, &mut s, |d| -> Result<(), ()> {
            mults.push(d.videos[0].early_mult);
            Ok(())
        })
        .unwrap();
        assert_eq!(mults, vec![1.05, 1.05]);
    }
}

/// Fuzzing of the units math over random configurations and signals (issue: no panic, no
/// NaN, no negative units on any input a valid configuration allows).
#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![Just(0.0), Just(-1.0), Just(f64::NAN), Just(f64::INFINITY), 0.0..1e6f64, -1e6..1e6f64]
    }

    prop_compose! {
        /// Any configuration, mostly invalid: `validate` must reject it without panicking.
        fn any_config()(w in proptest::collection::vec(any_f64(), 20),
                        early_secs in -10i64..700_000, min_views in -5i64..200,
                        caps in proptest::collection::vec(-10i64..1_000_000, 0..4)) -> Config {
            Config {
                weight_view: w[0], weight_like: w[1], weight_comment: w[2], weight_share: w[3],
                quality_z_scale: w[4], quality_max_adjust: w[5],
                early_window_seconds: early_secs, early_min_views: min_views,
                early_device_ratio: w[6], early_ip_ratio: w[7], early_mult: w[8],
                cluster_threshold: w[9], cluster_slope: w[10], cluster_max_penalty: w[11],
                integrity_device_factor: w[12], integrity_ip_factor: w[13],
                integrity_engagement_factor: w[14], integrity_base: w[15], integrity_span: w[16],
                trust_min: w[17], trust_max: w[18], trust_scale: w[19],
                kyc_cap_cents: caps,
                ..Config::default()
            }
        }
    }

    prop_compose! {
        /// A configuration from the documented valid ranges.
        fn valid_config()(weights in proptest::collection::vec(0.0..100.0f64, 4),
                          quality in (0.0..1.0f64, 0.0..0.99f64),
                          early in (1i64..604_800, 0i64..200, 0.0..2.0f64, 0.0..2.0f64, 0.01..10.0f64),
                          cluster in (0.0..=1.0f64, 0.0..10.0f64, 0.0..0.99f64),
                          integrity in (0.0..20.0f64, 0.0..20.0f64, 0.0..20.0f64, 0.01..2.0f64, 0.0..1.0f64),
                          trust in (0.01..1.0f64, 0.0..1.0f64, 0.01..1000.0f64),
                          caps in proptest::collection::vec(0i64..1_000_000, 0..4)) -> Config {
            Config {
                weight_view: weights[0], weight_like: weights[1], weight_comment: weights[2], weight_share: weights[3],
                quality_z_scale: quality.0, quality_max_adjust: quality.1,
                early_window_seconds: early.0, early_min_views: early.1,
                early_device_ratio: early.2, early_ip_ratio: early.3, early_mult: early.4,
                cluster_threshold: cluster.0, cluster_slope: cluster.1, cluster_max_penalty: cluster.2,
                integrity_device_factor: integrity.0, integrity_ip_factor: integrity.1,
                integrity_engagement_factor: integrity.2, integrity_base: integrity.3, integrity_span: integrity.4,
                trust_min: trust.0, trust_max: trust.0 + trust.1, trust_scale: trust.2,
                kyc_cap_cents: caps,
                ..Config::default()
            }
        }
    }

    prop_compose! {
        fn video_day()(video_id in 1i64..20, creator in 1i64..5, views in 0i64..500,
                       likes in 0i64..100, comments in 0i64..100, shares in 0i64..100,
                       top_device in 0i64..500, top_ip in 0i64..500) -> VideoDay {
            let creator_id = Some(creator);
            VideoDay { video_id, creator_id, day: 0, views, likes, comments, shares,
                       top_device: top_device.min(views), top_ip: top_ip.min(views) }
        }
    }

    proptest! {
        #[test]
        fn validate_never_panics(cfg in any_config()) {
            let _ = cfg.validate();
        }

        #[test]
        fn valid_configs_give_finite_nonnegative_units(
            cfg in valid_config(),
            mut cohort in proptest::collection::vec(video_day(), 1..15),
            trust in proptest::option::of(any_f64()),
            bot in any::<bool>(),
            w in (0i64..1000, 0i64..100, 0i64..100, 0i64..1000, 0i64..1000),
            early in proptest::option::of((0i64..200, 0i64..200, 0i64..200)),
        ) {
            prop_assert!(cfg.validate().is_ok(), "{:?}", cfg.validate());
            cohort.sort_by_key(|v| v.video_id);
            cohort.dedup_by_key(|v| v.video_id);
            let mut s = PeriodSignals { video_days: cohort, ..Default::default() };
            if let Some((views, d, i)) = early {
                s.early.insert(s.video_days[0].video_id, EarlyViews { views, uniq_devices: d, uniq_ips: i });
            }
            let window = WindowCounts { views: w.0, likes: w.1, comments: w.2, uniq_devices: w.3, uniq_ips: w.4 };
            for c in 1..5 {
                s.creators.insert(c, Creator { kyc_level: Some(c), trust_score: trust, likely_bot: bot && c == 1 });
                s.windows.insert((c, 0), window).unwrap();
            }
            let mut days = Vec::new();
            for_each_day(&cfg, &mut s, |d| -> Result<(), ()> { days.push(d); Ok(()) }).unwrap();
            for d in &days {
                for v in &d.videos {
                    for m in [v.quality_mult, v.early_mult, v.cluster_mult] {
                        prop_assert!(m.is_finite() && m > 0.0, "multiplier {m} of {v:?}");
                    }
                    prop_assert!(v.units.is_finite() && v.units >= 0.0, "{v:?}");
                }
                for c in &d.creators {
                    prop_assert!(c.integrity_mult.is_finite() && c.integrity_mult > 0.0, "{c:?}");
                    prop_assert!(c.trust_mult.is_finite() && c.trust_mult > 0.0, "{c:?}");
                    prop_assert!(c.units.is_finite() && c.units >= 0.0, "{c:?}");
                    prop_assert!(!c.excluded || c.units == 0.0);
                }
            }
        }
    }
}
