//! Set-returning functions that hand PostgreSQL all their rows at once, in a tuplestore
//! (materialize mode), instead of being called once a row (value-per-call mode, pgrx's
//! `TableIterator`).
//!
//! Why: every function has a `SET` clause (`search_path`, `row_security`), and PostgreSQL
//! applies a function's settings around each call, so a value-per-call function pays them
//! once a row. On W's month preview (370,937 rows) that was 0.4-1.1 s of 4.3-5.7 s; a
//! statement of W's run has 545,705 rows. Here the settings are applied once, for the one
//! call that computes the rows and stores them.
//!
//! pgrx generates the SQL of value-per-call functions only, so these functions give their
//! `CREATE FUNCTION` by hand (`#[pg_extern(sql = ...)]`), the same definitions as before
//! (`tests/e2e/upgrade.sh` compares an upgraded install with a fresh one). A mismatch between
//! that SQL and the Rust row's types is refused at the first call of each function: see
//! [`materialize`].

use pgrx::prelude::*;
use pgrx::{pg_sys, IntoDatum, PgMemoryContexts};

use crate::engine::signals::Phases;
use crate::spi_read::reset_if_used;

/// A row of a set-returning function: a tuple of column values, `None` for NULL.
pub(super) trait Row {
    /// The type of each column, in order.
    fn type_oids() -> Vec<pg_sys::Oid>;
    /// Writes the row's values into `values` and `nulls` (as long as the row).
    fn put(self, values: &mut [pg_sys::Datum], nulls: &mut [bool]);
}

macro_rules! impl_row {
    ($($T:ident $i:tt),+) => {
        impl<$($T: IntoDatum),+> Row for ($($T,)+) {
            fn type_oids() -> Vec<pg_sys::Oid> {
                vec![$($T::type_oid()),+]
            }
            fn put(self, values: &mut [pg_sys::Datum], nulls: &mut [bool]) {
                $(
                    let value = self.$i.into_datum();
                    nulls[$i] = value.is_none();
                    values[$i] = value.unwrap_or(pg_sys::Datum::from(0));
                )+
            }
        }
    };
}

impl_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
impl_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
impl_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
impl_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);

/// Rows between two checks for a cancel while they are stored.
const ROWS_PER_INTERRUPT_CHECK: usize = 4096;

/// Returns `rows` as the result set of the current call (materialize mode).
///
/// The result's columns (from the function's `RETURNS TABLE`) must be those of `R`, in
/// number and type: else an internal error, before any row is stored.
///
/// # Safety
/// `fcinfo` is the `FunctionCallInfo` of the current call of a set-returning function.
pub(super) unsafe fn materialize<R: Row>(fcinfo: pg_sys::FunctionCallInfo, rows: impl IntoIterator<Item = R>) {
    // SAFETY: the caller passes the call's fcinfo; InitMaterializedSRF checks that the caller
    // of the function accepts a tuplestore and creates it (and its tuple descriptor) in the
    // query's memory, and ereports otherwise.
    let (store, desc) = unsafe {
        pg_sys::InitMaterializedSRF(fcinfo, 0);
        let rsinfo = (*fcinfo).resultinfo.cast::<pg_sys::ReturnSetInfo>();
        ((*rsinfo).setResult, (*rsinfo).setDesc)
    };
    // SAFETY: desc is the valid tuple descriptor InitMaterializedSRF just made.
    let columns: Vec<pg_sys::Oid> = unsafe {
        let desc = &*desc;
        desc.attrs.as_slice(desc.natts as usize).iter().map(|a| a.atttypid).collect()
    };
    if columns != R::type_oids() {
        error!("revenue_split: the SQL result columns {columns:?} do not match the row's types {:?}", R::type_oids());
    }
    let mut values = vec![pg_sys::Datum::from(0); columns.len()];
    let mut nulls = vec![true; columns.len()];
    // A row's own allocations (text values) are made here and freed after each row:
    // tuplestore_putvalues copies the row into the store's memory.
    let mut scratch = PgMemoryContexts::new("revenue_split rows");
    let mut phase = Phases::new();
    for (n, row) in rows.into_iter().enumerate() {
        if n % ROWS_PER_INTERRUPT_CHECK == 0 {
            check_for_interrupts!();
        }
        // SAFETY: values and nulls hold one entry a column of desc, and store is the
        // call's tuplestore.
        unsafe {
            scratch.switch_to(|_| {
                row.put(&mut values, &mut nulls);
                pg_sys::tuplestore_putvalues(store, desc, values.as_mut_ptr(), nulls.as_mut_ptr());
            });
        }
        reset_if_used(&mut scratch);
    }
    phase.done("rows stored");
}
