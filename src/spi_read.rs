//! Read-only SPI: every read of a call goes through here, on one snapshot.
//!
//! pgrx's `SpiClient::select` runs read-write once the transaction has an xid (after the
//! run-key lock, or when the caller wrote before calling us), and a read-write statement
//! takes a fresh snapshot each time. A payout that read its events from one snapshot and its
//! users from another could mix two states of the data, so reads here always run with
//! `read_only = true`: they all see the active snapshot — the statement's for a preview, the
//! one [`CallSnapshot`] pushes right after the run-key lock for a commit or a correction.
//!
//! Rows come straight from the executor's result slot through a `DestReceiver` (no tuple
//! table, no cursor), and whatever a row's decoding allocates (detoasted copies) lives in a
//! memory context that is reset after every row.

use pgrx::datum::DatumWithOid;
use pgrx::pg_sys;
use pgrx::{check_for_interrupts, pg_guard, FromDatum, PgMemoryContexts};

use crate::errors::{Error, Result};

/// The snapshot that every read of a commit or correction uses, taken after its run-key lock
/// (SPEC §6.2): under READ COMMITTED it sees what the transaction we waited for committed.
/// Popped when dropped; on an error the transaction's abort cleans the snapshot stack.
pub struct CallSnapshot(());

impl CallSnapshot {
    pub fn take() -> CallSnapshot {
        // SAFETY: inside a transaction (we are called from SQL); PushActiveSnapshot copies
        // the static snapshot GetTransactionSnapshot returns.
        unsafe { pg_sys::PushActiveSnapshot(pg_sys::GetTransactionSnapshot()) };
        CallSnapshot(())
    }
}

impl Drop for CallSnapshot {
    fn drop(&mut self) {
        // While a Postgres error unwinds, the abort path owns the snapshot stack.
        if !std::thread::panicking() {
            // SAFETY: pairs with the push in `take`; reads in between push and pop their own.
            unsafe { pg_sys::PopActiveSnapshot() };
        }
    }
}

/// One result row: its datums and null flags, valid only during the callback.
pub struct Row<'a> {
    pub values: &'a [pg_sys::Datum],
    pub nulls: &'a [bool],
}

impl Row<'_> {
    /// Column `i` (0-based) as `T`, `None` for NULL. The query's SQL fixes each column's type
    /// (with explicit casts), and `T` must match it.
    pub fn get<T: FromDatum>(&self, i: usize) -> Result<Option<T>> {
        let (Some(v), Some(n)) = (self.values.get(i), self.nulls.get(i)) else {
            return Err(Error::Internal(format!("result row has no column {i}")));
        };
        // SAFETY: a datum of the current row, of the type the query's cast gives it.
        Ok(unsafe { T::from_datum(*v, *n) })
    }

    /// A column the query guarantees is not NULL (a NULL would be a bug, reported as such).
    pub fn req<T: FromDatum>(&self, i: usize) -> Result<T> {
        self.get(i)?.ok_or_else(|| Error::Internal(format!("unexpected NULL in column {i}")))
    }
}

/// Runs `sql` read-only and hands each row to `f`.
pub fn for_each_row(sql: &str, args: &[DatumWithOid<'_>], mut f: impl FnMut(Row<'_>) -> Result<()>) -> Result<()> {
    stream_rows(sql, args, |values, nulls| f(Row { values, nulls }))
}

/// Runs `sql` read-only and collects `f` of each row.
pub fn collect<T>(sql: &str, args: &[DatumWithOid<'_>], mut f: impl FnMut(Row<'_>) -> Result<T>) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for_each_row(sql, args, |r| {
        out.push(f(r)?);
        Ok(())
    })?;
    Ok(out)
}

/// The first row's `f`, if there is a row.
pub fn first<T>(sql: &str, args: &[DatumWithOid<'_>], f: impl FnMut(Row<'_>) -> Result<T>) -> Result<Option<T>> {
    Ok(collect(sql, args, f)?.into_iter().next())
}

/// Runs `sql` and hands each result row's datums and null flags to `f`, straight from the
/// executor's result slot: a `DestReceiver` instead of a cursor, so no row is copied into an
/// SPI tuple table, the plan is chosen for the whole result rather than a cursor's first
/// rows, and Postgres may use parallel workers. The datums are valid only during the call;
/// `f` returning an error stops the query. The caller must hold an SPI connection. The query
/// runs with [`EXACT_FLOATS`], whatever the session has.
pub fn stream_rows(
    sql: &str,
    args: &[DatumWithOid<'_>],
    mut f: impl FnMut(&[pg_sys::Datum], &[bool]) -> Result<()>,
) -> Result<()> {
    let sql = std::ffi::CString::new(sql).map_err(|e| Error::Internal(format!("query text: {e}")))?;
    let mut f_dyn: RowFn<'_> = &mut f;
    let mut receiver = RowReceiver {
        dest: pg_sys::DestReceiver {
            receiveSlot: Some(receive_row),
            rStartup: Some(receiver_startup),
            rShutdown: Some(receiver_noop),
            rDestroy: Some(receiver_noop),
            mydest: pg_sys::CommandDest::DestNone,
        },
        f: std::ptr::addr_of_mut!(f_dyn).cast(),
        row_context: PgMemoryContexts::new("revenue_split row"),
        rows: 0,
        error: None,
    };
    // SAFETY: SPI is connected (we hold its client); the parameter list and the receiver
    // outlive the call, and the receiver is only used during it.
    unsafe {
        let params = if args.is_empty() {
            std::ptr::null_mut()
        } else {
            let list = pg_sys::makeParamList(args.len() as i32);
            let slots = (*list).params.as_mut_slice(args.len());
            for (p, a) in slots.iter_mut().zip(args) {
                *p = pg_sys::ParamExternData {
                    value: a.datum().map_or(pg_sys::Datum::from(0), |d| d.sans_lifetime()),
                    isnull: a.datum().is_none(),
                    pflags: pg_sys::PARAM_FLAG_CONST as u16,
                    ptype: a.oid(),
                };
            }
            list
        };
        let options = pg_sys::SPIExecuteOptions {
            params,
            read_only: true,
            dest: std::ptr::addr_of_mut!(receiver).cast(),
            ..Default::default()
        };
        let rc = with_settings(EXACT_FLOATS, || pg_sys::SPI_execute_extended(sql.as_ptr(), &options));
        if let Some(e) = receiver.error.take() {
            return Err(e);
        }
        if rc < 0 {
            return Err(Error::Internal(format!("SPI_execute_extended returned {rc}")));
        }
    }
    Ok(())
}

/// The state behind [`stream_rows`]' `DestReceiver` (which must come first: the executor
/// hands receive_row a pointer to it).
#[repr(C)]
struct RowReceiver {
    dest: pg_sys::DestReceiver,
    /// A `*mut &mut dyn FnMut(..)`, erased to a thin pointer.
    f: *mut std::ffi::c_void,
    /// Where a row's decoding allocates (detoasted values); reset after each row.
    row_context: PgMemoryContexts,
    rows: u64,
    error: Option<Error>,
}

/// Resets a per-row memory context after a row. Most rows allocate nothing (integers, short
/// text read in place): their context is still reset, and skipping the reset saves a guarded
/// FFI call (a sigsetjmp) per row.
pub(crate) fn reset_if_used(cx: &mut PgMemoryContexts) {
    // SAFETY: cx is a live context owned by the caller.
    if !unsafe { (*cx.value()).isReset } {
        // SAFETY: nothing allocated in cx outlives the row it was reset after.
        unsafe { cx.reset() };
    }
}

type RowFn<'a> = &'a mut dyn FnMut(&[pg_sys::Datum], &[bool]) -> Result<()>;

#[pg_guard]
unsafe extern "C-unwind" fn receive_row(slot: *mut pg_sys::TupleTableSlot, dest: *mut pg_sys::DestReceiver) -> bool {
    // SAFETY: `dest` is the first field of the RowReceiver that stream_rows passed, which
    // lives until SPI_execute_extended returns; `slot` is the executor's current result row.
    unsafe {
        let r = &mut *dest.cast::<RowReceiver>();
        let natts = (*(*slot).tts_tupleDescriptor).natts as usize;
        if ((*slot).tts_nvalid as usize) < natts {
            pg_sys::slot_getallattrs(slot); // a projected (virtual) slot is already complete
        }
        let values = std::slice::from_raw_parts((*slot).tts_values, natts);
        let nulls = std::slice::from_raw_parts((*slot).tts_isnull, natts);
        r.rows += 1;
        if r.rows % 16_384 == 0 {
            check_for_interrupts!();
        }
        let f = &mut *r.f.cast::<RowFn<'_>>();
        let result = r.row_context.switch_to(|_| f(values, nulls));
        reset_if_used(&mut r.row_context);
        match result {
            Ok(()) => true,
            Err(e) => {
                r.error = Some(e);
                false // stops the executor
            }
        }
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn receiver_startup(
    _dest: *mut pg_sys::DestReceiver,
    _operation: i32,
    _typeinfo: pg_sys::TupleDesc,
) {
}

#[pg_guard]
unsafe extern "C-unwind" fn receiver_noop(_dest: *mut pg_sys::DestReceiver) {}

/// The bytes of a text datum (no copy). Short and plain values — every device, IP and event
/// type in practice — are read in place from their varlena header; anything else (compressed
/// or out of line) goes through `pg_detoast_datum_packed`. Reading the header here saves a
/// guarded FFI call per column per event.
///
/// # Safety
/// `d` must be a non-NULL datum of type text (or a binary-compatible type) that outlives the
/// returned slice.
pub unsafe fn text_bytes<'a>(d: pg_sys::Datum) -> &'a [u8] {
    unsafe {
        let p = d.cast_mut_ptr::<u8>();
        #[cfg(target_endian = "little")]
        {
            let h = *p;
            // VARATT_IS_1B and not VARATT_IS_1B_E: a 1-byte header holding the total size.
            if h & 0x01 == 0x01 && h != 0x01 {
                return std::slice::from_raw_parts(p.add(1), usize::from(h >> 1) - 1);
            }
            // VARATT_IS_4B_U: a 4-byte header, not compressed.
            if h & 0x03 == 0x00 {
                let size = (std::ptr::read_unaligned(p.cast::<u32>()) >> 2) as usize;
                return std::slice::from_raw_parts(p.add(4), size - 4);
            }
        }
        let v = pg_sys::pg_detoast_datum_packed(p.cast());
        pgrx::varlena::varlena_to_byte_slice(v)
    }
}

/// Every read's `extra_float_digits`. Some reads turn a float into text: the configuration's
/// float8 columns (`to_jsonb`), a float trust score, float device or IP columns (`::text`).
/// With 0 or less that text is rounded (`1/3` becomes `0.333333333333333`), so a result would
/// depend on the caller's session. With 1, the server's default, it is the shortest text that
/// reads back as the same value.
const EXACT_FLOATS: &[(&std::ffi::CStr, &std::ffi::CStr)] = &[(c"extra_float_digits", c"1")];

/// Runs `f` with settings changed for the queries it runs, and only those, as a function's
/// `SET` clause does (and core's `RI_Initial_Check`): a new GUC nest level, popped when `f`
/// returns. When a Postgres error unwinds through, the transaction's abort pops it.
pub fn with_settings<T>(settings: &[(&std::ffi::CStr, &std::ffi::CStr)], f: impl FnOnce() -> T) -> T {
    struct Level(i32);
    impl Drop for Level {
        fn drop(&mut self) {
            if !std::thread::panicking() {
                // SAFETY: pops the level `NewGUCNestLevel` pushed below, restoring the values.
                unsafe { pg_sys::AtEOXact_GUC(true, self.0) };
            }
        }
    }
    // SAFETY: inside a transaction; every name is a settable planner GUC and every value valid
    // for it (a bad one raises an ERROR, which the abort cleans up).
    let _level = unsafe {
        let level = Level(pg_sys::NewGUCNestLevel());
        for (name, value) in settings {
            pg_sys::set_config_option(
                name.as_ptr(),
                value.as_ptr(),
                pg_sys::GucContext::PGC_USERSET,
                pg_sys::GucSource::PGC_S_SESSION,
                pg_sys::GucAction::GUC_ACTION_SAVE,
                true,
                0,
                false,
            );
        }
        level
    };
    f()
}
