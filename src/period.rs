//! Runs and their periods (SPEC §5): a day or a calendar month, half-open, in UTC.
//!
//! Pure Rust (no pgrx): dates are `chrono::NaiveDate`; `api` converts at the boundary.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::engine::window::WINDOW_DAYS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Daily,
    Monthly,
}

impl Kind {
    /// The `kind` column of `revenue_split.runs`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Daily => "daily",
            Kind::Monthly => "monthly",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: Kind,
    pub start: NaiveDate,
    /// Exclusive.
    pub end: NaiveDate,
}

/// Why a year/month pair names no period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodError {
    Month(i32),
    Year(i32),
    /// Exactly one of year and month was given.
    HalfGiven,
}

pub const MIN_YEAR: i32 = 1;
pub const MAX_YEAR: i32 = 9999;

impl Period {
    pub fn day(day: NaiveDate) -> Period {
        Period { kind: Kind::Daily, start: day, end: day + Days::new(1) }
    }

    pub fn month(year: i32, month: i32) -> Result<Period, PeriodError> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(PeriodError::Year(year));
        }
        if !(1..=12).contains(&month) {
            return Err(PeriodError::Month(month));
        }
        let start = NaiveDate::from_ymd_opt(year, month as u32, 1).ok_or(PeriodError::Month(month))?;
        Ok(Period { kind: Kind::Monthly, start, end: start + Months::new(1) })
    }

    /// The month named by optional year/month; both omitted → the calendar month before `today`.
    pub fn month_or_previous(year: Option<i32>, month: Option<i32>, today: NaiveDate) -> Result<Period, PeriodError> {
        match (year, month) {
            (Some(y), Some(m)) => Period::month(y, m),
            (None, None) => {
                let prev = today.with_day(1).unwrap_or(today) - Months::new(1);
                Period::month(prev.year(), prev.month() as i32)
            }
            _ => Err(PeriodError::HalfGiven),
        }
    }

    /// Days in the period.
    pub fn days(&self) -> u32 {
        (self.end - self.start).num_days() as u32
    }

    /// First day of the integrity window of the period's first day.
    pub fn window_start(&self) -> NaiveDate {
        self.start - Days::new(u64::from(WINDOW_DAYS - 1))
    }

    /// The date of day index `i` of the period.
    pub fn date(&self, i: u32) -> NaiveDate {
        self.start + Days::new(u64::from(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn months() {
        let p = Period::month(2025, 8).unwrap();
        assert_eq!((p.start, p.end, p.days()), (d(2025, 8, 1), d(2025, 9, 1), 31));
        assert_eq!(p.window_start(), d(2025, 7, 26));
        assert_eq!(Period::month(2024, 2).unwrap().days(), 29);
        assert_eq!(Period::month(2025, 12).unwrap().end, d(2026, 1, 1));
        assert_eq!(Period::month(2025, 13), Err(PeriodError::Month(13)));
        assert_eq!(Period::month(2025, 0), Err(PeriodError::Month(0)));
        assert_eq!(Period::month(0, 5), Err(PeriodError::Year(0)));
        assert_eq!(Period::month(10000, 5), Err(PeriodError::Year(10000)));
        assert_eq!(Period::month(9999, 12).unwrap().end, d(10000, 1, 1));
    }

    #[test]
    fn previous_month() {
        let p = Period::month_or_previous(None, None, d(2026, 1, 15)).unwrap();
        assert_eq!((p.start, p.end), (d(2025, 12, 1), d(2026, 1, 1)));
        let p = Period::month_or_previous(None, None, d(2025, 3, 31)).unwrap();
        assert_eq!(p.start, d(2025, 2, 1));
        assert_eq!(Period::month_or_previous(Some(2025), None, d(2025, 3, 1)), Err(PeriodError::HalfGiven));
    }

    #[test]
    fn days() {
        let p = Period::day(d(2025, 8, 31));
        assert_eq!((p.end, p.days(), p.window_start()), (d(2025, 9, 1), 1, d(2025, 8, 25)));
        assert_eq!(p.date(0), d(2025, 8, 31));
    }
}
