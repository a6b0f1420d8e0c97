package appointments

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/web"
)

// A London wall-clock time typed on each side of 2027's clock changes is
// the right instant; the hour the clocks skip is refused, and the hour
// they show twice is the first of the two.
func TestLondonTimeAcrossTheClockChanges(t *testing.T) {
	for _, c := range []struct {
		day          time.Time
		hour, minute int
		want         time.Time
		refused      bool
	}{
		{day: date(2027, 3, 27), hour: 10, want: time.Date(2027, 3, 27, 10, 0, 0, 0, time.UTC)},
		{day: date(2027, 3, 28), hour: 0, minute: 30, want: time.Date(2027, 3, 28, 0, 30, 0, 0, time.UTC)},
		{day: date(2027, 3, 28), hour: 1, minute: 30, refused: true},
		{day: date(2027, 3, 28), hour: 2, want: time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC)},
		{day: date(2027, 3, 29), hour: 10, want: time.Date(2027, 3, 29, 9, 0, 0, 0, time.UTC)},
		{day: date(2027, 10, 30), hour: 10, want: time.Date(2027, 10, 30, 9, 0, 0, 0, time.UTC)},
		{day: date(2027, 10, 31), hour: 1, minute: 30, want: time.Date(2027, 10, 31, 0, 30, 0, 0, time.UTC)},
		{day: date(2027, 10, 31), hour: 2, want: time.Date(2027, 10, 31, 2, 0, 0, 0, time.UTC)},
		{day: date(2027, 11, 1), hour: 10, want: time.Date(2027, 11, 1, 10, 0, 0, 0, time.UTC)},
	} {
		got, err := londonTime(c.day, c.hour, c.minute)
		switch {
		case c.refused && err == nil:
			t.Errorf("%s %02d:%02d: %s, want a refusal", c.day.Format("2 Jan 2006"), c.hour, c.minute, got)
		case c.refused && !strings.Contains(err.Error(), "clocks go forward"):
			t.Errorf("refusal %q does not say why", err)
		case !c.refused && (err != nil || !got.Equal(c.want)):
			t.Errorf("%s %02d:%02d: %s %v, want %s", c.day.Format("2 Jan 2006"), c.hour, c.minute, got, err, c.want)
		}
	}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestParseClock(t *testing.T) {
	for in, want := range map[string][2]int{
		"14:30": {14, 30}, "14.30": {14, 30}, "1430": {14, 30}, "930": {9, 30}, "9": {9, 0}, "09:05": {9, 5},
		"2:30pm": {14, 30}, "2.30 PM": {14, 30}, "2pm": {14, 0}, "12pm": {12, 0}, "12am": {0, 0}, "9am": {9, 0}, "11:15 a.m.": {11, 15},
	} {
		h, m, ok := parseClock(in)
		if !ok || h != want[0] || m != want[1] {
			t.Errorf("%q: %d:%02d %v, want %d:%02d", in, h, m, ok, want[0], want[1])
		}
	}
	for _, in := range []string{"25:00", "14:60", "13pm", "0am", "noon", "1:5", "9:30:00", "-1", "14:3o", "123456"} {
		if h, m, ok := parseClock(in); ok {
			t.Errorf("%q read as %d:%02d", in, h, m)
		}
	}
}

// The form's own refusals come back beside their fields, with what was
// typed kept for the page to show again.
func TestReadBookingRefusals(t *testing.T) {
	for _, c := range []struct {
		name  string
		vals  url.Values
		field string
		says  string
	}{
		{"no date", url.Values{"time": {"10:00"}, "minutes": {"60"}, "how": {"phone"}}, "date", "Enter the date of the appointment"},
		{"no year", url.Values{"date-day": {"3"}, "date-month": {"4"}, "time": {"10:00"}, "minutes": {"60"}, "how": {"phone"}}, "date", "must include a year"},
		{"31 February", url.Values{"date-day": {"31"}, "date-month": {"2"}, "date-year": {"2027"}, "time": {"10:00"}, "minutes": {"60"}, "how": {"phone"}}, "date", "must be a real date"},
		{"letters", url.Values{"date-day": {"x"}, "date-month": {"2"}, "date-year": {"2027"}, "time": {"10:00"}, "minutes": {"60"}, "how": {"phone"}}, "date", "written in numbers"},
		{"no time", url.Values{"date-day": {"3"}, "date-month": {"4"}, "date-year": {"2027"}, "minutes": {"60"}, "how": {"phone"}}, "time", "Enter the start time"},
		{"bad time", url.Values{"date-day": {"3"}, "date-month": {"4"}, "date-year": {"2027"}, "time": {"25:00"}, "minutes": {"60"}, "how": {"phone"}}, "time", "must be a time on the clock"},
		{"skipped hour", url.Values{"date-day": {"28"}, "date-month": {"3"}, "date-year": {"2027"}, "time": {"1:30am"}, "minutes": {"60"}, "how": {"phone"}}, "time", "clocks go forward"},
		{"45 minutes", url.Values{"date-day": {"3"}, "date-month": {"4"}, "date-year": {"2027"}, "time": {"10:00"}, "minutes": {"45"}, "how": {"phone"}}, "minutes", "at least 60 minutes"},
		{"no length", url.Values{"date-day": {"3"}, "date-month": {"4"}, "date-year": {"2027"}, "time": {"10:00"}, "how": {"phone"}}, "minutes", "Enter how long"},
		{"an hour", url.Values{"date-day": {"3"}, "date-month": {"4"}, "date-year": {"2027"}, "time": {"10:00"}, "minutes": {"an hour"}, "how": {"phone"}}, "minutes", "whole number of minutes"},
		{"no way", url.Values{"date-day": {"3"}, "date-month": {"4"}, "date-year": {"2027"}, "time": {"10:00"}, "minutes": {"60"}}, "how", "Select how"},
	} {
		f := web.NewForm(c.vals)
		readBooking(f)
		if got := f.Error(c.field); !strings.Contains(got, c.says) {
			t.Errorf("%s: %s says %q, want %q (all: %v)", c.name, c.field, got, c.says, f.Errors)
		}
		for k, v := range c.vals {
			if f.Values.Get(k) != v[0] {
				t.Errorf("%s: %s lost what was typed", c.name, k)
			}
		}
	}
	f := web.NewForm(url.Values{"date-day": {"29"}, "date-month": {"March"}, "date-year": {"2027"}, "time": {"10am"}, "minutes": {"90"}, "how": {"zoom"}, "link-zoom": {"https://zoom.us/j/1"}})
	b := readBooking(f)
	if !f.Valid() || !b.Start.Equal(time.Date(2027, 3, 29, 9, 0, 0, 0, time.UTC)) || b.Minutes != 90 || b.Link != "https://zoom.us/j/1" {
		t.Errorf("a good form: %+v %v", b, f.Errors)
	}
}

func TestValidLink(t *testing.T) {
	for _, s := range []string{"https://teams.microsoft.com/l/meetup-join/19%3ameeting%40thread.v2/0", "https://nhs.zoom.us/j/123?pwd=abc"} {
		if !validLink(s) {
			t.Errorf("%q refused", s)
		}
	}
	for _, s := range []string{"http://zoom.us/j/1", "javascript:alert(1)", "https://", "https://user:pw@zoom.us/j/1", "https://zoom.us/j/1 x", "zoom.us/j/1", "https://zoom.us/\"><script>", "ftp://x.y"} {
		if validLink(s) {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestWithinAvailability(t *testing.T) {
	slots := []Slot{{Weekday: 1, From: 9 * 60, To: 12 * 60}, {Weekday: 1, From: 13 * 60, To: 17 * 60}}
	mon := func(h, m int) time.Time { return time.Date(2027, 3, 29, h, m, 0, 0, london) } // a Monday, BST
	for _, c := range []struct {
		start, end time.Time
		want       bool
	}{
		{mon(9, 0), mon(10, 0), true},
		{mon(11, 0), mon(12, 0), true},
		{mon(11, 30), mon(12, 30), false},
		{mon(12, 0), mon(13, 0), false},
		{mon(16, 0), mon(17, 0), true},
		{mon(16, 30), mon(17, 30), false},
		{mon(9, 0).AddDate(0, 0, 1), mon(10, 0).AddDate(0, 0, 1), false}, // Tuesday
	} {
		if got := within(slots, c.start, c.end); got != c.want {
			t.Errorf("%s to %s: %v", c.start, c.end, got)
		}
	}
}
