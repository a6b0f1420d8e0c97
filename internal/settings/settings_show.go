package settings

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

const keyFlash = "settings.flash"

// The first-response target an administrator may set, in days.
const (
	MinResponseDays = 1
	MaxResponseDays = 60
)

// upcomingShown is how many of the next bank holidays the page lists.
const upcomingShown = 12

// coverNeeded is how far ahead the bank holidays in use should reach before
// the page stops warning: GOV.UK publishes each year's dates well before
// then.
const coverNeeded = 6 // months

// settingsPage is what settings.html shows.
type settingsPage struct {
	Flash    string
	Clock    ClockSettings // in use
	Modes    []modeOption
	Min, Max int
	// MinYears and MaxYears bound how long ended cases are kept.
	MinYears, MaxYears int
	Holidays           holidaysView
	// BasisUnconfirmed: nobody has said the data protection officer
	// confirmed the lawful basis the privacy notice states.
	BasisUnconfirmed bool
}

type modeOption struct {
	Value workdays.Mode
	Label string
	Hint  string
}

var modeOptions = []modeOption{
	{workdays.Calendar, "Calendar days", "Every day counts, weekends and bank holidays included."},
	{workdays.Working, "Working days", "Monday to Friday, not counting bank holidays in England and Wales."},
}

// holidaysView describes the bank holidays in use.
type holidaysView struct {
	HolidayList
	Upcoming []holidayRow
	Last     string // the last date covered, as people read it
	Through  string // the date the list should reach, as people read it
	Short    bool   // fewer than coverNeeded months of future dates
	None     bool   // no future dates at all
	Shipped  shippedView
}

type holidayRow struct {
	Date  string // Monday 25 December 2028
	Title string
}

// shippedView is psu's own list, for the button that goes back to it.
type shippedView struct {
	Count int
	Last  string
}

// longDate is a 2006-01-02 date as people read it; text it cannot read
// comes back as it is.
func longDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("Monday 2 January 2006")
}

// today is now's date in London.
func today(now time.Time) string { return now.In(workdays.London).Format(time.DateOnly) }

func describeHolidays(l HolidayList, now time.Time) holidaysView {
	v := holidaysView{HolidayList: l}
	from := today(now)
	for _, h := range l.Holidays {
		if h.Date >= from && len(v.Upcoming) < upcomingShown {
			v.Upcoming = append(v.Upcoming, holidayRow{longDate(h.Date), h.Title})
		}
	}
	if n := len(l.Holidays); n > 0 {
		last := l.Holidays[n-1].Date
		v.Last = longDate(last)
		through := now.In(workdays.London).AddDate(0, coverNeeded, 0).Format(time.DateOnly)
		v.Through = longDate(through)
		v.Short = last < through
		v.None = last < from
	}
	shipped := workdays.Shipped()
	v.Shipped = shippedView{Count: len(shipped), Last: longDate(shipped[len(shipped)-1].Date)}
	return v
}

// clockValues is the clock form as the settings in use fill it.
func clockValues(cs ClockSettings) url.Values {
	return url.Values{"days": {strconv.Itoa(cs.Days)}, "mode": {string(cs.Mode)}}
}

// show is the settings page.
func (h *handlers) show(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, nil, h.srv.Sessions.PopString(r.Context(), keyFlash))
}

// render draws the page with status. f is the form as posted, with its
// errors; nil fills the clock form from the settings in use.
func (h *handlers) render(w http.ResponseWriter, r *http.Request, status int, f *web.Form, flash string) {
	ctx := r.Context()
	cs, err := Clock(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	l, err := HolidaysInUse(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	years, err := RetentionYears(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	confirmed, err := Get(ctx, h.srv.DB, KeyBasisConfirmed, "")
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	// Each form on the page shows what is in use unless it is the one
	// that was posted.
	if f == nil {
		f = web.NewForm(clockValues(cs))
	}
	if !f.Values.Has("days") {
		for k, v := range clockValues(cs) {
			f.Values[k] = v
		}
	}
	if !f.Values.Has("years") {
		f.Values.Set("years", strconv.Itoa(years))
	}
	h.srv.Render(w, r, status, "settings/settings.html", web.Page{
		Title: "Unit settings",
		Form:  f,
		Data: settingsPage{Flash: flash, Clock: cs, Modes: modeOptions, Min: MinResponseDays, Max: MaxResponseDays,
			MinYears: MinRetentionYears, MaxYears: MaxRetentionYears,
			Holidays: describeHolidays(l, h.now()), BasisUnconfirmed: confirmed != "yes"},
	})
}
