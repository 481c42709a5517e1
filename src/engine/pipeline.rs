//! The event pass on two cores: the backend decodes rows, hashes keys and joins each event
//! to its video (`stream::Resolver`) while a worker thread aggregates them
//! (`stream::Tallies`), the two halves of the pass's cost.
//!
//! Pure Rust (no pgrx). The worker never touches Postgres: it gets plain [`Event`] batches
//! over a bounded channel (so a fast reader cannot run ahead by more than a few batches of
//! memory) and returns the empty batches for reuse. It is spawned with every signal
//! blocked, so the backend's signal handlers (cancel, timeouts, termination) only ever run
//! on the backend's own thread, and interrupts keep working there as before. If the thread
//! cannot be spawned the pass runs inline. Dropping a `Pass` (e.g. while a Postgres error
//! unwinds) closes the channel and joins the worker, which then stops at once. The worker
//! stops early on an out-of-order event or a refused allocation ([`PassError`]), and the
//! backend gets that error back from its next `add` or from `finish`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::engine::stream::{Accumulator, Cohort, Event, Resolver, Tallies};
use crate::engine::units::PeriodSignals;
use crate::engine::window::PassError;

/// Events per batch: large enough that channel traffic is negligible, small enough that a
/// batch (72 bytes an event) stays in cache.
const BATCH: usize = 4096;
/// Batches in flight between the two threads (64 × 4096 events, about 19 MB): enough that
/// the backend keeps reading while the worker applies a whole day's sightings at once
/// (with 4, the backend stalled at each day's end and a day's units took 12% longer).
const IN_FLIGHT: usize = 64;

type Output = PeriodSignals;

/// An event pass, on a worker thread when one could be started.
pub struct Pass {
    /// `None` once the worker has failed (or the pass is finished).
    mode: Option<Mode>,
    /// Why the worker stopped early.
    failed: Option<PassError>,
}

enum Mode {
    Inline(Box<Accumulator>),
    Worker(Box<Worker>),
}

struct Worker {
    /// The backend's half: events are joined to their videos before they are sent.
    videos: Resolver,
    /// Set when the pass is abandoned: the worker drops its queue instead of working it off.
    abandon: Arc<AtomicBool>,
    batch: Vec<Event>,
    /// `None` once the worker has stopped.
    tx: Option<SyncSender<Vec<Event>>>,
    spare: Receiver<Vec<Event>>,
    handle: Option<JoinHandle<Result<Output, PassError>>>,
}

impl Worker {
    /// Closes the channel and waits for the worker's result.
    fn join(&mut self) -> Result<Output, PassError> {
        self.tx = None;
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => unreachable!("a worker is joined once"),
        }
    }
}

impl Pass {
    /// Starts a pass over `acc`, on a worker thread unless `threaded` is false or no thread
    /// can be started.
    pub fn start(acc: Accumulator, threaded: bool) -> Pass {
        if !threaded {
            return Pass::inline(acc);
        }
        let (tx, rx) = sync_channel::<Vec<Event>>(IN_FLIGHT);
        let (spare_tx, spare) = channel::<Vec<Event>>();
        // The accumulator is handed over once the thread exists, so a failed spawn keeps it.
        let (acc_tx, acc_rx) = sync_channel::<Tallies>(1);
        let abandon = Arc::new(AtomicBool::new(false));
        let abandon_worker = abandon.clone();
        #[cfg(test)]
        let limit = crate::engine::mem::test_limit();
        let spawned = with_signals_blocked(|| {
            std::thread::Builder::new().name("revenue_split".into()).spawn(move || {
                #[cfg(test)]
                crate::engine::mem::set_test_limit(limit);
                match acc_rx.recv() {
                    Ok(acc) => work(acc, rx, spare_tx, &abandon_worker),
                    Err(_) => unreachable!("the accumulator is sent right after the spawn"),
                }
            })
        });
        let Ok(handle) = spawned else { return Pass::inline(acc) };
        let (videos, tallies) = acc.split();
        if let Err(returned) = acc_tx.send(tallies) {
            let _ = handle.join();
            return Pass::inline(Accumulator::join(videos, returned.0));
        }
        Pass {
            mode: Some(Mode::Worker(Box::new(Worker {
                videos,
                abandon,
                batch: Vec::with_capacity(BATCH),
                tx: Some(tx),
                spare,
                handle: Some(handle),
            }))),
            failed: None,
        }
    }

    fn inline(acc: Accumulator) -> Pass {
        Pass { mode: Some(Mode::Inline(Box::new(acc))), failed: None }
    }

    /// The error that stopped the worker (the pass has no mode left only after one).
    fn failure(&self) -> PassError {
        match self.failed {
            Some(e) => e,
            None => unreachable!("a pass without a mode has failed"),
        }
    }

    /// Adds one event (see `Accumulator::add`). With a worker, an error surfaces some
    /// batches after the event that caused it, and every later call repeats it.
    pub fn add(&mut self, e: Event) -> Result<(), PassError> {
        match &mut self.mode {
            Some(Mode::Inline(acc)) => acc.add(&e),
            Some(Mode::Worker(w)) => {
                w.batch.push(e);
                if w.batch.len() < BATCH {
                    return Ok(());
                }
                // Joined a batch at a time, so that the videos' slots can be loaded ahead.
                w.videos.resolve_batch(&mut w.batch)?;
                let next = w.spare.try_recv().unwrap_or_else(|_| Vec::with_capacity(BATCH));
                let full = std::mem::replace(&mut w.batch, next);
                if w.tx.as_ref().is_some_and(|tx| tx.send(full).is_ok()) {
                    return Ok(());
                }
                // The worker stopped early: only an error does that.
                let e = match w.join() {
                    Err(e) => e,
                    Ok(_) => unreachable!("a worker stops early only with an error"),
                };
                self.mode = None;
                self.failed = Some(e);
                Err(e)
            }
            None => Err(self.failure()),
        }
    }

    /// Ends the input, after the last `add`: the worker gets the last batch and the closed
    /// channel, and works off its queue and closes the last day while the caller goes on.
    /// Returns the pass to finish, and what the reader knows of the cohort (see
    /// `stream::Resolver::cohort`; empty when an earlier `add` already failed), whose early
    /// windows and creators the caller can read meanwhile: the worker's last 0.2 s on L's day
    /// units and on W's month. A worker that failed unnoticed is reported by `finish`.
    pub fn end(mut self) -> (Ending, Cohort) {
        let cohort = match &mut self.mode {
            Some(Mode::Inline(acc)) => acc.cohort(),
            Some(Mode::Worker(w)) => {
                if let Some(tx) = w.tx.take() {
                    match w.videos.resolve_batch(&mut w.batch) {
                        // A failed send means the worker already stopped; join tells why.
                        Ok(()) => drop(tx.send(std::mem::take(&mut w.batch))),
                        // A refused allocation ends the pass (`finish` reports it): the worker
                        // is told to stop, its channel closed, and joined, as on a drop.
                        Err(e) => {
                            w.abandon.store(true, Ordering::Relaxed);
                            drop(tx);
                            let _ = w.join();
                            self.mode = None;
                            self.failed = Some(e.into());
                            return (Ending(self), Cohort::default());
                        }
                    }
                }
                w.videos.cohort()
            }
            None => Cohort::default(),
        };
        (Ending(self), cohort)
    }
}

/// A pass whose input has ended ([`Pass::end`]). Dropping it abandons the pass as dropping a
/// [`Pass`] does (the worker, its channel closed, still closes its last day first).
pub struct Ending(Pass);

impl Ending {
    /// The signals, without the early windows outside the pass and the creators.
    pub fn finish(mut self) -> Result<Output, PassError> {
        match self.0.mode.take() {
            Some(Mode::Inline(acc)) => Ok(acc.finish()?.0),
            Some(Mode::Worker(mut w)) => w.join(),
            None => Err(self.0.failure()),
        }
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        if let Some(Mode::Worker(w)) = &mut self.mode {
            // Stop at once (a cancel must not wait for up to IN_FLIGHT queued batches).
            w.abandon.store(true, Ordering::Relaxed);
            w.tx = None; // the worker's recv fails and it returns
            if let Some(h) = w.handle.take() {
                let _ = h.join();
            }
        }
    }
}

/// The worker: aggregate batches until the channel closes or an event fails.
fn work(
    mut acc: Tallies,
    rx: Receiver<Vec<Event>>,
    spare: Sender<Vec<Event>>,
    abandon: &AtomicBool,
) -> Result<Output, PassError> {
    while let Ok(mut batch) = rx.recv() {
        if abandon.load(Ordering::Relaxed) {
            return Ok(Output::default()); // nobody reads it: the pass was dropped
        }
        for e in &batch {
            acc.add(e)?;
        }
        batch.clear();
        let _ = spare.send(batch);
    }
    acc.finish()
}

/// Runs `f` (which starts a thread) with every signal blocked on this thread, so the new
/// thread inherits a full mask; this thread's mask is restored afterwards.
pub(crate) fn with_signals_blocked<T>(f: impl FnOnce() -> T) -> T {
    // SAFETY: sigset_t is plain data initialised by sigfillset; pthread_sigmask only changes
    // this thread's mask, and we restore the previous one.
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        let blocked = libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old) == 0;
        let out = f();
        if blocked {
            libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream::{key_hash, EventType, VideoInfo, DAY_US};

    /// Every third video launched ten days before the pass: its early window is outside it.
    fn acc() -> Accumulator {
        let launch = |v: i64| v * 1_000_000 - if v % 3 == 0 { 10 * DAY_US } else { 0 };
        let videos = (1..=50).map(|v| (v, VideoInfo::new(Some(v % 7), Some(launch(v))))).collect();
        Accumulator::new(0, 3, 7_200_000_000, videos).unwrap()
    }

    fn events(n: i64) -> Vec<Event> {
        (0..n)
            .map(|i| {
                Event::new(
                    1 + i % 50,
                    i * (9 * DAY_US / n),
                    [EventType::View, EventType::Like, EventType::View, EventType::Share][(i % 4) as usize],
                    (i % 5 != 0).then(|| key_hash(format!("d{}", i % 97).as_bytes())),
                    (i % 3 != 0).then(|| key_hash(format!("i{}", i % 31).as_bytes())),
                )
            })
            .collect()
    }

    /// The signals and the cohort as the reader knows it.
    type Done = (PeriodSignals, Cohort);

    fn run(threaded: bool, evs: &[Event]) -> Result<Done, PassError> {
        run_with(acc(), threaded, evs)
    }

    fn canonical(mut o: Done) -> String {
        o.0.video_days.sort_by_key(|v| (v.day, v.video_id));
        let mut windows: Vec<_> = o.0.windows.into_iter().collect();
        windows.sort_by_key(|w| w.0);
        let mut early: Vec<_> = o.0.early.into_iter().collect();
        early.sort_by_key(|e| e.0);
        format!("{:?} {:?} {:?} {:?}", o.0.video_days, windows, early, o.1)
    }

    #[test]
    fn worker_and_inline_agree() {
        // Several batches plus a partial one.
        let evs = events(3 * BATCH as i64 + 123);
        let a = canonical(run(true, &evs).unwrap());
        let b = canonical(run(false, &evs).unwrap());
        assert_eq!(a, b);
        assert!(a.contains("VideoDay"), "the pass produced cohort rows");
        let cohort = run(true, &evs).unwrap().1;
        assert_eq!(cohort.outside.iter().map(|o| o.0).collect::<Vec<_>>(), (3..=48).step_by(3).collect::<Vec<_>>());
        assert_eq!(cohort.creators, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn worker_and_inline_agree_on_every_video_table() {
        // The worker joins a batch at a time, loading videos ahead, and drops the events of
        // unknown videos from the batch: the same as one event at a time, whichever table
        // the ids make (dense, ranked, map). A fifth of the events name no video.
        for spacing in [1i64, 10, 1 << 40] {
            let acc = || {
                let videos = (1..=50).map(|v| (v * spacing, VideoInfo::new(Some(v % 7), Some(v * 1_000_000))));
                Accumulator::new(0, 3, 7_200_000_000, videos.collect()).unwrap()
            };
            let evs: Vec<Event> = events(3 * BATCH as i64 + 123)
                .into_iter()
                .enumerate()
                .map(|(i, mut e)| {
                    e.video_id = if i % 5 == 4 { e.video_id * spacing + 1 } else { e.video_id * spacing };
                    e
                })
                .collect();
            let a = canonical(run_with(acc(), true, &evs).unwrap());
            let b = canonical(run_with(acc(), false, &evs).unwrap());
            assert_eq!(a, b, "spacing {spacing}");
            assert!(a.contains("VideoDay"), "the pass produced cohort rows");
        }
    }

    #[test]
    fn out_of_order_is_reported_from_the_worker() {
        let mut evs = events(2 * BATCH as i64);
        let mut late = evs[evs.len() - 1];
        late.ts = 0;
        evs.insert(BATCH + 10, late);
        assert!(matches!(run(true, &evs), Err(PassError::OutOfOrder { day: 0, .. })));
        assert!(matches!(run(false, &evs), Err(PassError::OutOfOrder { day: 0, .. })));
        // Also when the bad event is in the last, partial batch.
        let mut evs = events(100);
        let mut late = evs[99];
        late.ts = 0;
        evs.push(late);
        assert!(matches!(run(true, &evs), Err(PassError::OutOfOrder { day: 0, .. })));
    }

    #[test]
    fn a_refused_allocation_is_reported_from_the_worker() {
        use crate::engine::mem::set_test_limit;
        // A day's buffered events (56 bytes each) outgrow a 100 kB limit (the test hook, which
        // the worker inherits) within the first batches.
        let evs: Vec<Event> = (0..4 * BATCH as i64)
            .map(|i| Event::new(1 + i % 50, 6 * DAY_US + i, EventType::View, Some(i as u128), None))
            .collect();
        let before = set_test_limit(100_000);
        let threaded = run_with(acc(), true, &evs);
        let inline = run_with(acc(), false, &evs);
        set_test_limit(before);
        let Err(PassError::Alloc(e)) = threaded else { panic!("{:?}", threaded.map(|_| ())) };
        assert_eq!(e.what, "a day's buffered events");
        assert!(e.bytes > 100_000, "{e:?}");
        assert_eq!(inline.map(|_| ()), Err(PassError::Alloc(e)), "inline and worker fail alike");
        // The same events without the limit go through.
        assert!(run(true, &evs).is_ok());
    }

    #[test]
    fn a_refused_join_at_the_end_is_reported() {
        use crate::engine::mem::set_test_limit;
        // Fewer events than a batch, so the backend joins them all in `end`; each names a new
        // creator, and the backend's map of the creators outgrows a 4 kB limit there.
        let videos = (1..=2_000).map(|v| (v, VideoInfo::new(Some(v), Some(0)))).collect();
        let acc = Accumulator::new(0, 1, 7_200_000_000, videos).unwrap();
        let evs: Vec<Event> =
            (0..2_000).map(|i| Event::new(1 + i, 6 * DAY_US + i, EventType::Like, None, None)).collect();
        let before = set_test_limit(4_000);
        let mut p = Pass::start(acc, true);
        let added: Result<(), PassError> = evs.iter().try_for_each(|e| p.add(*e));
        let (ending, cohort) = p.end();
        set_test_limit(before);
        assert_eq!(added, Ok(()));
        assert_eq!(cohort, Cohort::default());
        let Err(PassError::Alloc(e)) = ending.finish() else { panic!("the refusal was lost") };
        assert_eq!(e.what, "the creators of the event pass");
        assert!(e.bytes > 4_000, "{e:?}");
    }

    /// Adds `evs` to a pass over `acc`: the first error (from `add` or `finish`), or the output.
    fn run_with(acc: Accumulator, threaded: bool, evs: &[Event]) -> Result<Done, PassError> {
        let mut p = Pass::start(acc, threaded);
        for e in evs {
            p.add(*e)?;
        }
        let (p, cohort) = p.end();
        Ok((p.finish()?, cohort))
    }

    #[test]
    fn dropping_a_pass_midway_stops_the_worker() {
        let mut p = Pass::start(acc(), true);
        for e in events(5 * BATCH as i64) {
            p.add(e).unwrap();
        }
        drop(p); // joins; a hang here would fail the test run
    }
}
