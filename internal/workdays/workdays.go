// Package workdays counts days towards a target the way a unit in England
// counts them: calendar days, or working days that skip weekends and the
// bank holidays of England and Wales. Dates are London dates; a deadline is
// the end of its day in London, whatever the clocks are doing.
package workdays

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
)

// London is the unit's time zone.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Mode says which days count.
type Mode string

const (
	Working  Mode = "working"  // Monday to Friday, less bank holidays
	Calendar Mode = "calendar" // every day
)

// Valid reports whether m is a known mode.
func (m Mode) Valid() bool { return m == Working || m == Calendar }

// Label is the mode as staff read it.
func (m Mode) Label() string {
	if m == Working {
		return "working days"
	}
	return "calendar days"
}

// Holiday is one bank holiday.
type Holiday struct {
	Date  string `json:"date"` // 2006-01-02
	Title string `json:"title"`
}

//go:embed bank_holidays_england_wales.json
var shipped []byte

// Shipped returns the bank holidays psu ships with.
func Shipped() []Holiday { return slices.Clone(shippedOnce()) }

// shippedOnce parses the shipped list the first time it is asked for: every
// page with a clock reads it.
var shippedOnce = sync.OnceValue(func() []Holiday {
	hs, err := Parse(shipped)
	if err != nil {
		panic("workdays: shipped bank holidays: " + err.Error())
	}
	return hs
})

// Parse reads bank holidays in the shape GOV.UK publishes them: either the
// whole file (divisions keyed by name, of which england-and-wales is used)
// or one division ({"division": …, "events": [{"date", "title"}, …]}).
// Dates must be real and titles present; the list comes back sorted and
// without repeats.
func Parse(data []byte) ([]Holiday, error) {
	type division struct {
		Division string    `json:"division"`
		Events   []Holiday `json:"events"`
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var whole map[string]json.RawMessage
	if err := json.Unmarshal(data, &whole); err != nil {
		return nil, errors.New("the file is not JSON in the shape GOV.UK publishes bank holidays")
	}
	var d division
	src := data
	if raw, ok := whole["england-and-wales"]; ok {
		src = raw
	}
	if err := json.Unmarshal(src, &d); err != nil || d.Events == nil {
		return nil, errors.New("the file has no list of England and Wales bank holidays (\u201cevents\u201d)")
	}
	if d.Division != "" && d.Division != "england-and-wales" {
		return nil, fmt.Errorf("the file lists bank holidays for %q, not England and Wales", d.Division)
	}
	seen := map[string]bool{}
	var out []Holiday
	for i, h := range d.Events {
		if _, err := time.Parse(time.DateOnly, h.Date); err != nil {
			return nil, fmt.Errorf("entry %d has the date %q, which is not a date written like 2027-05-31", i+1, h.Date)
		}
		if h.Title == "" {
			return nil, fmt.Errorf("entry %d (%s) has no title", i+1, h.Date)
		}
		// JSON can spell any character, and PostgreSQL refuses to store
		// U+0000; no bank holiday's name holds a control character.
		if strings.IndexFunc(h.Title, unicode.IsControl) >= 0 {
			return nil, fmt.Errorf("entry %d (%s) has a control character in its title", i+1, h.Date)
		}
		if !seen[h.Date] {
			seen[h.Date] = true
			out = append(out, h)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("the file lists no bank holidays")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out, nil
}

// Clock counts days in one mode over one list of bank holidays.
type Clock struct {
	Mode     Mode
	holidays map[string]bool
}

// NewClock returns a clock for mode over holidays.
func NewClock(mode Mode, holidays []Holiday) *Clock {
	c := &Clock{Mode: mode, holidays: make(map[string]bool, len(holidays))}
	for _, h := range holidays {
		c.holidays[h.Date] = true
	}
	return c
}

// day is the London date of t at noon, so adding days never meets a clock
// change.
func day(t time.Time) time.Time {
	t = t.In(London)
	return time.Date(t.Year(), t.Month(), t.Day(), 12, 0, 0, 0, London)
}

// Counts reports whether the London date of t counts as a day.
func (c *Clock) Counts(t time.Time) bool {
	if c.Mode != Working {
		return true
	}
	d := day(t)
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !c.holidays[d.Format(time.DateOnly)]
}

// EndOfDay is the last instant of t's London date.
func EndOfDay(t time.Time) time.Time {
	d := day(t)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, London).AddDate(0, 0, 1).Add(-time.Microsecond).UTC()
}

// StartOfDay is the first instant of t's London date.
func StartOfDay(t time.Time) time.Time {
	d := day(t)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, London).UTC()
}

// Due is the end of the n-th counting day after start's date: 14 working
// days from a Monday application is the end of the Friday two weeks and
// four days later, holidays aside.
func (c *Clock) Due(start time.Time, n int) time.Time {
	d := day(start)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.Counts(d) {
			n--
		}
	}
	return EndOfDay(d)
}

// Between counts the days from from's date (not counted) to to's date
// (counted); negative when to is before from.
func (c *Clock) Between(from, to time.Time) int {
	a, b := day(from), day(to)
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.Counts(d) {
			n++
		}
	}
	return sign * n
}

// Left is how many counting days remain from now until due: 0 on the day
// it is due, negative when overdue (by how many counting days).
func (c *Clock) Left(now, due time.Time) int {
	return c.Between(now, due)
}
