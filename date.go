package alesco

import (
	"fmt"
	"time"
)

// Date is a civil (calendar) date with no time zone, as committees write
// them: terms, meeting days, minutes file names.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateLayout is the only date form alesco reads and writes (ISO 8601).
const DateLayout = "2006-01-02"

// ParseDate parses "YYYY-MM-DD" strictly.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, Errorf(EINVALID, "bad date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// DateIn returns the date of instant t in loc.
func DateIn(t time.Time, loc *time.Location) Date {
	return DateOf(t.In(loc))
}

// IsZero reports whether d is the zero Date (unset).
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as YYYY-MM-DD ("" for the zero date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// At returns the instant of the wall-clock time hh:mm on d in loc.
func (d Date) At(hour, min int, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, min, 0, 0, loc)
}

// Midnight returns the start of d in loc.
func (d Date) Midnight(loc *time.Location) time.Time { return d.At(0, 0, loc) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// AddMonths returns d moved by n calendar months (normalised like time.AddDate).
func (d Date) AddMonths(n int) Date {
	return DateOf(time.Date(d.Year, d.Month+time.Month(n), d.Day, 12, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// DaysUntil returns the number of days from d to e (negative if e is earlier).
// It counts in Unix seconds, not time.Duration: a Duration saturates at
// about 292 years, which made far dates look closer than they are (and
// Series.Occurrences walk week by week towards them).
func (d Date) DaysUntil(e Date) int {
	return int((e.unixNoon() - d.unixNoon()) / (24 * 60 * 60))
}

func (d Date) unixNoon() int64 {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Unix()
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.DaysUntil(e) > 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.DaysUntil(e) < 0 }

// Compare returns -1, 0 or +1 as d is before, equal to or after e (for
// slices.SortFunc).
func (d Date) Compare(e Date) int {
	switch n := d.DaysUntil(e); {
	case n > 0:
		return -1
	case n < 0:
		return 1
	}
	return 0
}
