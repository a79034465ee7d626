//! What a handler reads from an [`Event`]: the control's value, checked state, selected
//! values, key and modifiers, and the value as a typed number or date.
//!
//! Touches only `vdom::event`. Parsing follows the strings browsers put in `value` (a
//! number input's `value` is a decimal like `"1.5e3"`, a date input's is `"YYYY-MM-DD"`).

use std::fmt;

use crate::vdom::event::{mods, Event, EventData};

/// A calendar date as a date input gives it (`"YYYY-MM-DD"`, proleptic Gregorian).
///
/// # Examples
///
/// ```
/// use vango::vdom::value::Date;
/// let d = Date::parse("2026-12-06").unwrap();
/// assert_eq!((d.year, d.month, d.day), (2026, 12, 6));
/// assert!(Date::parse("2026-01-31").unwrap() < d);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Date {
    /// The year (four digits or more, as browsers allow).
    pub year: i32,
    /// The month, `1..=12`.
    pub month: u8,
    /// The day of the month, `1..=` the month's length.
    pub day: u8,
}

impl Date {
    /// Parses `"YYYY-MM-DD"` (a year of at least four digits, then two-digit month and
    /// day); `None` for anything else, including days a month does not have.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::value::Date;
    /// assert_eq!(Date::parse("2024-02-29"), Some(Date { year: 2024, month: 2, day: 29 }));
    /// assert_eq!(Date::parse("2023-02-29"), None);
    /// assert_eq!(Date::parse("2024-1-05"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() < 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if !(digits(y) && digits(m) && digits(d)) {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        let (month, day): (u8, u8) = (m.parse().ok()?, d.parse().ok()?);
        if year == 0 || !(1..=12).contains(&month) || day == 0 || day > days_in(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }
}

fn days_in(year: i32, month: u8) -> u8 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    /// The same `"YYYY-MM-DD"` a date input takes as its value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Parses a number input's value: a finite decimal (`"3"`, `"-1.5"`, `"2e3"`), surrounding
/// whitespace allowed; `None` for an empty or invalid value, infinities and NaN.
///
/// # Examples
///
/// ```
/// use vango::vdom::value::parse_number;
/// assert_eq!(parse_number(" 2.5 "), Some(2.5));
/// assert_eq!(parse_number(""), None);
/// assert_eq!(parse_number("inf"), None);
/// ```
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    // Rust also reads "inf" and "NaN"; a number input never holds them.
    if !s.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

impl Event {
    /// The target control's current value: of an input/change/blur/focusout event's
    /// control, of a key event's target (`""` when it is not a form control), the first
    /// selected value of a `<select multiple>`, a hook event's payload; `""` otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{Event, EventData};
    /// let data = EventData::Key { key: "Enter".into(), mods: 0, value: "milk".into() };
    /// let e = Event { hid: 1, name: "keydown", data };
    /// assert_eq!((e.key(), e.value()), ("Enter", "milk"));
    /// ```
    pub fn value(&self) -> &str {
        match &self.data {
            EventData::Input { value, .. } | EventData::Key { value, .. } => value,
            EventData::Selected(v) => v.first().map_or("", String::as_str),
            EventData::Hook { payload, .. } => payload,
            _ => "",
        }
    }

    /// Every selected value: all of a `<select multiple>`'s, else the one [`value`]
    /// when it is not empty.
    ///
    /// [`value`]: Event::value
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{Event, EventData};
    /// let data = EventData::Selected(vec!["red".into(), "blue".into()]);
    /// let e = Event { hid: 1, name: "change", data };
    /// assert_eq!(e.values(), ["red", "blue"]);
    /// ```
    pub fn values(&self) -> Vec<&str> {
        match &self.data {
            EventData::Selected(v) => v.iter().map(String::as_str).collect(),
            _ => Some(self.value())
                .filter(|v| !v.is_empty())
                .into_iter()
                .collect(),
        }
    }

    /// The value as a number (a number or range input): see [`parse_number`].
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{Event, EventData};
    /// let data = EventData::Input { value: "42".into(), checked: false };
    /// assert_eq!(Event { hid: 1, name: "input", data }.number(), Some(42.0));
    /// ```
    pub fn number(&self) -> Option<f64> {
        parse_number(self.value())
    }

    /// The value as a date (a date input): see [`Date::parse`].
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{value::Date, Event, EventData};
    /// let data = EventData::Input { value: "2026-12-05".into(), checked: false };
    /// let d = Event { hid: 1, name: "change", data }.date().unwrap();
    /// assert_eq!((d.year, d.month, d.day), (2026, 12, 5));
    /// ```
    pub fn date(&self) -> Option<Date> {
        Date::parse(self.value())
    }

    /// Whether a checkbox or radio is checked (input/change/blur/focusout events).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{Event, EventData};
    /// let data = EventData::Input { value: "on".into(), checked: true };
    /// assert!(Event { hid: 1, name: "change", data }.checked());
    /// ```
    pub fn checked(&self) -> bool {
        matches!(self.data, EventData::Input { checked: true, .. })
    }

    /// The key for keyboard events (`KeyboardEvent.key`), `""` otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{Event, EventData};
    /// let data = EventData::Key { key: "Escape".into(), mods: 0, value: String::new() };
    /// assert_eq!(Event { hid: 1, name: "keyup", data }.key(), "Escape");
    /// ```
    pub fn key(&self) -> &str {
        match &self.data {
            EventData::Key { key, .. } => key,
            _ => "",
        }
    }

    /// The [`mods`] bits of a key or pointer event (0 otherwise).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{event::mods, Event, EventData};
    /// let data = EventData::Key { key: "s".into(), mods: mods::CTRL, value: String::new() };
    /// let e = Event { hid: 1, name: "keydown", data };
    /// assert_eq!(e.mods(), mods::CTRL);
    /// assert!(e.ctrl() && !e.shift() && !e.alt() && !e.meta());
    /// ```
    pub fn mods(&self) -> u8 {
        match self.data {
            EventData::Key { mods, .. } | EventData::Pointer { mods, .. } => mods,
            _ => 0,
        }
    }

    /// Whether Control was held (key events; pointer events sent with coordinates).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{event::mods, Event, EventData};
    /// let data = EventData::Key { key: "Enter".into(), mods: mods::CTRL, value: String::new() };
    /// assert!(Event { hid: 1, name: "keydown", data }.ctrl());
    /// ```
    pub fn ctrl(&self) -> bool {
        self.mods() & mods::CTRL != 0
    }

    /// Whether Shift was held (see [`ctrl`](Event::ctrl)).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{event::mods, Event, EventData};
    /// let data = EventData::Pointer { x: 0, y: 0, button: 0, mods: mods::SHIFT };
    /// assert!(Event { hid: 1, name: "click", data }.shift());
    /// ```
    pub fn shift(&self) -> bool {
        self.mods() & mods::SHIFT != 0
    }

    /// Whether Alt/Option was held (see [`ctrl`](Event::ctrl)).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{event::mods, Event, EventData};
    /// let data = EventData::Key { key: "x".into(), mods: mods::ALT, value: String::new() };
    /// let e = Event { hid: 1, name: "keydown", data };
    /// assert!(e.alt() && !e.ctrl());
    /// ```
    pub fn alt(&self) -> bool {
        self.mods() & mods::ALT != 0
    }

    /// Whether Meta/Command was held (see [`ctrl`](Event::ctrl)).
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{event::mods, Event, EventData};
    /// let data = EventData::Key { key: "c".into(), mods: mods::META, value: String::new() };
    /// assert!(Event { hid: 1, name: "keydown", data }.meta());
    /// ```
    pub fn meta(&self) -> bool {
        self.mods() & mods::META != 0
    }

    /// A submitted form field by name.
    ///
    /// # Examples
    ///
    /// ```
    /// use vango::vdom::{Event, EventData};
    /// let data = EventData::Form(vec![("title".into(), "milk".into())]);
    /// assert_eq!(Event { hid: 1, name: "submit", data }.field("title"), Some("milk"));
    /// ```
    pub fn field(&self, name: &str) -> Option<&str> {
        match &self.data {
            EventData::Form(fields) => fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_display() {
        for (y, m) in [
            (2024, 2),
            (2023, 2),
            (1900, 2),
            (2000, 2),
            (2026, 4),
            (2026, 12),
        ] {
            for d in 1..=31u8 {
                let s = format!("{y:04}-{m:02}-{d:02}");
                let parsed = Date::parse(&s);
                assert_eq!(parsed.is_some(), d <= days_in(y, m), "{s}");
                if let Some(p) = parsed {
                    assert_eq!(p.to_string(), s);
                }
            }
        }
    }

    #[test]
    fn leap_years() {
        assert_eq!(days_in(2000, 2), 29);
        assert_eq!(days_in(1900, 2), 28);
        assert_eq!(days_in(2024, 2), 29);
        assert_eq!(days_in(2023, 2), 28);
    }

    #[test]
    fn malformed_dates_are_none() {
        for s in [
            "",
            "2024",
            "2024-01",
            "2024-01-01-01",
            "24-01-01",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "+2024-01-01",
            "2024-01-1",
            "2024-0a-01",
            "0000-01-01",
            "2024-01-01T",
            "２０２４-01-01",
        ] {
            assert_eq!(Date::parse(s), None, "{s:?}");
        }
        assert!(Date::parse("10000-01-01").is_some());
        // The failing seed of an earlier run (2699442800327210083): leading zeros before a
        // five-digit year are read, and not printed.
        let d = Date::parse("022929-02-02").unwrap();
        assert_eq!((d.year, d.to_string().as_str()), (22929, "22929-02-02"));
    }

    #[test]
    fn any_string_parses_without_panic_and_a_date_prints_back_in_canonical_form() {
        let seed = fastrand::u64(..);
        let mut rng = fastrand::Rng::with_seed(seed);
        const PIECES: &[&str] = &[
            "0", "1", "2", "9", "-", "+", " ", "e", ".", "29", "02", "2024",
        ];
        for _ in 0..20_000 {
            let s: String = (0..rng.usize(0..8))
                .map(|_| PIECES[rng.usize(..PIECES.len())])
                .collect();
            if let Some(d) = Date::parse(&s) {
                // A year of more than four digits may carry leading zeros ("022929", as
                // the HTML parser reads it); the date prints without them.
                let year = s.split('-').next().unwrap_or("");
                let bare = year.trim_start_matches('0');
                let canon = if bare.len() < 4 {
                    &year[year.len() - 4..]
                } else {
                    bare
                };
                assert_eq!(
                    d.to_string(),
                    format!("{canon}{}", &s[year.len()..]),
                    "seed {seed}"
                );
                assert_eq!(Date::parse(&d.to_string()), Some(d), "seed {seed}");
                assert!(d.day <= days_in(d.year, d.month), "seed {seed}");
            }
            if let Some(n) = parse_number(&s) {
                assert!(n.is_finite(), "seed {seed}");
            }
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("-0.5"), Some(-0.5));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        for s in [
            "",
            " ",
            "abc",
            "NaN",
            "inf",
            "-infinity",
            "1e999",
            "1,5",
            "--1",
        ] {
            assert_eq!(parse_number(s), None, "{s:?}");
        }
    }
}
