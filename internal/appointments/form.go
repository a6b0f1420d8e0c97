package appointments

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/web"
)

// readBooking reads the booking form into a Booking, failing f's fields
// whose shape is wrong (a date that is not a date, a time that is not a
// time, a length under an hour). The rules that need the database (the
// room, the future) are the store's.
func readBooking(f *web.Form) Booking {
	b := Booking{How: How(f.Get("how")), RoomID: f.Get("room"), Caller: f.Get("caller"), Number: f.Get("phone")}
	if b.How.Video() {
		b.Link = f.Get("link-" + string(b.How))
	}
	day, okDay := readDate(f, "date", "the date of the appointment")
	hour, minute, okTime := readClock(f, "time", "the start time")
	if okDay && okTime {
		t, err := londonTime(day, hour, minute)
		if err != nil {
			f.Fail("time", err.Error())
		}
		b.Start = t
	}
	b.Minutes = readMinutes(f)
	if !b.How.Valid() {
		f.Fail("how", "Select how the appointment will take place")
	}
	return b
}

// readDate reads a day, month and year field, as the NHS.UK date input
// posts it.
func readDate(f *web.Form, name, what string) (time.Time, bool) {
	day, month, year := f.Get(name+"-day"), f.Get(name+"-month"), f.Get(name+"-year")
	if day == "" && month == "" && year == "" {
		f.Fail(name, "Enter "+what)
		return time.Time{}, false
	}
	var missing []string
	for _, p := range []struct{ v, name string }{{day, "a day"}, {month, "a month"}, {year, "a year"}} {
		if p.v == "" {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		f.Fail(name, upperFirst(what)+" must include "+joinAnd(missing))
		return time.Time{}, false
	}
	d, errD := strconv.Atoi(day)
	m, errM := parseMonth(month)
	y, errY := strconv.Atoi(year)
	if errD != nil || errM != nil || errY != nil || len(year) != 4 {
		f.Fail(name, upperFirst(what)+" must be a real date, written in numbers, like 27 3 2027")
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m || t.Year() != y {
		f.Fail(name, upperFirst(what)+" must be a real date, like 27 3 2027")
		return time.Time{}, false
	}
	return t, true
}

// parseMonth accepts 1 to 12 or a month's name ("March", "mar").
func parseMonth(s string) (int, error) {
	if m, err := strconv.Atoi(s); err == nil {
		if m < 1 || m > 12 {
			return 0, fmt.Errorf("month %d", m)
		}
		return m, nil
	}
	l := strings.ToLower(s)
	for m := time.January; m <= time.December; m++ {
		if len(l) >= 3 && strings.HasPrefix(strings.ToLower(m.String()), l) {
			return int(m), nil
		}
	}
	return 0, fmt.Errorf("month %q", s)
}

// readClock reads a wall-clock time as people type it: 14:30, 14.30, 1430,
// 2:30pm, 2pm, 9.
func readClock(f *web.Form, name, what string) (hour, minute int, ok bool) {
	v := f.Get(name)
	if v == "" {
		f.Fail(name, "Enter "+what)
		return 0, 0, false
	}
	hour, minute, ok = parseClock(v)
	if !ok {
		f.Fail(name, upperFirst(what)+" must be a time on the clock, like 9:30am or 14:30")
	}
	return hour, minute, ok
}

func parseClock(v string) (hour, minute int, ok bool) {
	s := strings.ToLower(strings.ReplaceAll(v, " ", ""))
	suffix := ""
	for _, x := range []string{"a.m.", "p.m.", "am", "pm"} {
		if strings.HasSuffix(s, x) {
			suffix, s = x[:1], strings.TrimSuffix(s, x)
			break
		}
	}
	h, m := s, "0"
	switch {
	case strings.ContainsAny(s, ":."):
		i := strings.IndexAny(s, ":.")
		h, m = s[:i], s[i+1:]
		if len(m) != 2 {
			return 0, 0, false
		}
	case len(s) == 4 && suffix == "":
		h, m = s[:2], s[2:]
	case len(s) == 3 && suffix == "":
		h, m = s[:1], s[1:]
	}
	if h == "" || len(h) > 2 || !digits(h) || !digits(m) {
		return 0, 0, false
	}
	hour, _ = strconv.Atoi(h)
	minute, _ = strconv.Atoi(m)
	if minute > 59 {
		return 0, 0, false
	}
	switch suffix {
	case "":
		if hour > 23 {
			return 0, 0, false
		}
	default:
		if hour < 1 || hour > 12 {
			return 0, 0, false
		}
		hour %= 12
		if suffix == "p" {
			hour += 12
		}
	}
	return hour, minute, true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// londonTime is the instant a London clock shows hour:minute on day. A
// time the clocks skip in March is refused; one they show twice in October
// is the first of the two (still summer time).
func londonTime(day time.Time, hour, minute int) (time.Time, error) {
	y, m, d := day.Date()
	t := time.Date(y, m, d, hour, minute, 0, 0, london)
	var first time.Time
	for _, c := range []time.Time{t.Add(-time.Hour), t, t.Add(time.Hour)} {
		l := c.In(london)
		if l.Year() == y && l.Month() == m && l.Day() == d && l.Hour() == hour && l.Minute() == minute && (first.IsZero() || c.Before(first)) {
			first = c
		}
	}
	if first.IsZero() {
		return time.Time{}, fmt.Errorf("The clocks go forward an hour on %s, so there is no %s that day. Choose another time",
			day.Format("2 January 2006"), clock(time.Date(2000, 1, 1, hour, minute, 0, 0, time.UTC)))
	}
	return first.UTC(), nil
}

// readMinutes reads the length: whole minutes, at least an hour.
func readMinutes(f *web.Form) int {
	v := strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(strings.ToLower(f.Get("minutes")), "minutes")), "mins")
	v = strings.TrimSpace(v)
	if v == "" {
		f.Fail("minutes", "Enter how long the appointment lasts, in minutes")
		return 0
	}
	n, err := strconv.Atoi(v)
	switch {
	case err != nil || !digits(v):
		f.Fail("minutes", "Enter the length as a whole number of minutes, like 60")
	case n < MinMinutes:
		f.Fail("minutes", fmt.Sprintf("The appointment must be at least %d minutes long: a one-to-one lasts an hour or more", MinMinutes))
	case n > MaxMinutes:
		f.Fail("minutes", fmt.Sprintf("The appointment must be %d minutes (4 hours) or shorter", MaxMinutes))
	}
	return n
}

// readSlot reads the availability form.
func readSlot(f *web.Form) Slot {
	var sl Slot
	if n, err := strconv.Atoi(f.Get("weekday")); err == nil && n >= 1 && n <= 7 {
		sl.Weekday = n
	} else {
		f.Fail("weekday", "Select the day of the week")
	}
	fh, fm, okFrom := readClock(f, "from", "the time you are available from")
	th, tm, okTo := readClock(f, "to", "the time you are available until")
	if okFrom {
		sl.From = fh*60 + fm
	}
	if okTo {
		sl.To = th*60 + tm
		if sl.To == 0 {
			sl.To = 24 * 60 // midnight, at the end of the day
		}
	}
	if okFrom && okTo && sl.To <= sl.From {
		f.Fail("to", "The end time must be after the start time")
	}
	return sl
}

// bookingValues turns an appointment into the form's values, for changing
// it.
func bookingValues(a *Appointment) map[string][]string {
	l := a.Start.In(london)
	v := map[string][]string{
		"date-day": {strconv.Itoa(l.Day())}, "date-month": {strconv.Itoa(int(l.Month()))}, "date-year": {strconv.Itoa(l.Year())},
		"time": {l.Format("15:04")}, "minutes": {strconv.Itoa(a.Minutes)}, "how": {string(a.How)},
		"room": {a.RoomID}, "caller": {a.Caller}, "phone": {a.Number},
	}
	if a.How.Video() {
		v["link-"+string(a.How)] = []string{a.Link}
	}
	return v
}
