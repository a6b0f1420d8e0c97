// Package plans is case work after the one-to-one: the adviser's session
// notes, the plan of action (or personal development plan) agreed with the
// trainee and the services signposted, the written summary the trainee
// receives (previewed, issued as a PDF, corrected in versions), the review
// date, closing a case with an outcome from the unit's own list, and the
// feedback request sent some weeks later to a trainee who agreed to it.
//
// The package decides nothing about who may see a case: every page goes
// through cases.Gate.Open, every change through cases.Store.Act, and
// everything a person typed is sealed under the case's own key.
package plans

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/workdays"
)

// Store reads and writes what follows the one-to-one. Changes run through
// Cases.Act, so each one locks the case, checks access again and writes one
// audit entry.
type Store struct {
	DB     *store.DB
	Cases  *cases.Store
	Outbox *mail.Outbox
	// BaseURL starts the links in e-mails.
	BaseURL string
	// HasRoute reports whether this build serves a GET route with exactly
	// that pattern's path (web.Router.Has), so an e-mail links only to
	// pages that exist.
	HasRoute func(path string) bool
}

// Limits on what staff type, in characters.
const (
	MaxSessionNote = 20000
	MaxGoal        = 300
	MaxAction      = 500
	MaxWho         = 100
	MaxSection     = 5000
	MaxReason      = cases.MaxReason
)

// checkText trims v and checks it against max, in the words the cases
// pages use.
func checkText(field, label, v string, max int, required bool) (string, error) {
	v = strings.TrimSpace(strings.ReplaceAll(v, "\r\n", "\n"))
	switch {
	case v == "" && required:
		return "", cases.Problem(field, "Enter "+label)
	case utf8.RuneCountInString(v) > max:
		n := utf8.RuneCountInString(v)
		return "", cases.Problem(field, fmt.Sprintf("%s must be %d characters or fewer. You have %d: shorten it by %d.", capitalise(label), max, n, n-max))
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return "", cases.Problem(field, capitalise(label)+" contains characters we cannot store. Retype it rather than pasting it.")
	}
	return v, nil
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// A Day is a London date, stored as 2006-01-02 so that comparing the text
// compares the days on both engines.
type Day string

// DayOf is the London date of t.
func DayOf(t time.Time) Day { return Day(t.In(workdays.London).Format(time.DateOnly)) }

// Time is the start of d in London; zero for no day.
func (d Day) Time() time.Time {
	t, err := time.ParseInLocation(time.DateOnly, string(d), workdays.London)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Long is d as people read it: "3 March 2027".
func (d Day) Long() string {
	t := d.Time()
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}

// AddDays is the day n days after d.
func (d Day) AddDays(n int) Day { return DayOf(d.Time().AddDate(0, 0, n).Add(12 * time.Hour)) }

// readDay reads a date typed in three boxes (day, month, year), as the
// NHS.UK date input asks for it. field names the boxes: field-day,
// field-month, field-year.
func readDay(field, label string, day, month, year string) (Day, error) {
	day, month, year = strings.TrimSpace(day), strings.TrimSpace(month), strings.TrimSpace(year)
	if day == "" && month == "" && year == "" {
		return "", cases.Problem(field, "Enter "+label)
	}
	var missing []string
	for _, p := range []struct{ v, name string }{{day, "a day"}, {month, "a month"}, {year, "a year"}} {
		if p.v == "" {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		return "", cases.Problem(field, capitalise(label)+" must include "+strings.Join(missing, " and "))
	}
	var d, m, y int
	if _, err := fmt.Sscanf(day+" "+month+" "+year, "%d %d %d", &d, &m, &y); err != nil || !digits(day+month+year) {
		return "", cases.Problem(field, capitalise(label)+" must be a real date, like 27 3 2027")
	}
	t := time.Date(y, time.Month(m), d, 12, 0, 0, 0, workdays.London)
	if y < 2000 || y > 2200 || t.Day() != d || int(t.Month()) != m {
		return "", cases.Problem(field, capitalise(label)+" must be a real date, like 27 3 2027")
	}
	return DayOf(t), nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// asProblem reports whether err is a problem with what was typed.
func asProblem(err error, pe **cases.ProblemError) bool { return err != nil && errors.As(err, pe) }
