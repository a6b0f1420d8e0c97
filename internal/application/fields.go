package application

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/web"
)

// kind is how a field is drawn.
type kind int

const (
	kindText kind = iota
	kindEmail
	kindTel
	kindTextarea
	kindRadios
	kindCheckboxes
	kindDate  // day, month and year boxes
	kindMonth // month and year boxes
)

// option is one answer of a radios or checkboxes field. Reveal names the
// fields (space-separated) shown beneath it when it is chosen; without
// JavaScript they are always shown.
type option struct {
	Value, Label, Hint, Reveal string
	Divider                    bool // an "or" above this answer: it sets the others aside
}

// field describes one question on a page.
type field struct {
	Name, Label, Hint string
	Kind              kind
	Options           []option
	Autocomplete      string
	Width             string // input width class suffix: "10", "20", "full" …
	Inputmode         string
	Rows              int
	Max               int // characters allowed in text fields
}

// names lists the form values a field posts.
func (f field) names() []string {
	switch f.Kind {
	case kindDate:
		return []string{f.Name + "-day", f.Name + "-month", f.Name + "-year"}
	case kindMonth:
		return []string{f.Name + "-month", f.Name + "-year"}
	}
	return []string{f.Name}
}

func (f field) optionLabel(v string) string {
	for _, o := range f.Options {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

// reader validates a posted page field by field. Each method records a
// message against the field when the value is wrong, and returns the value
// as it should be stored.
type reader struct {
	f   *web.Form
	now time.Time
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	if len(s) <= 3 {
		return s
	}
	return thousands(n/1000) + "," + s[len(s)-3:]
}

// text reads a text field: required says what to ask for when it is empty
// ("" makes it optional); max bounds its length in characters.
func (r reader) text(fd field, required string) string {
	v := r.f.Get(fd.Name)
	if v == "" {
		if required != "" {
			r.f.Fail(fd.Name, required)
		}
		return ""
	}
	if n := utf8.RuneCountInString(v); fd.Max > 0 && n > fd.Max {
		r.f.Fail(fd.Name, fmt.Sprintf("%s must be %s characters or fewer. You have %s: shorten it by %s %s.",
			fd.Label, thousands(fd.Max), thousands(n), thousands(n-fd.Max), plural(n-fd.Max, "character", "characters")))
	}
	if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		r.f.Fail(fd.Name, fd.Label+" contains characters we cannot store. Retype it rather than pasting it.")
	}
	return v
}

// choice reads a radios field.
func (r reader) choice(fd field, required string) string {
	v := r.f.Get(fd.Name)
	if v == "" {
		if required != "" {
			r.f.Fail(fd.Name, required)
		}
		return ""
	}
	if !slices.ContainsFunc(fd.Options, func(o option) bool { return o.Value == v }) {
		r.f.Fail(fd.Name, or(required, "Select one of the answers"))
		return ""
	}
	return v
}

// choices reads a checkboxes field, in the order the options are listed.
func (r reader) choices(fd field, required string) []string {
	picked := r.f.Values[fd.Name]
	var out []string
	for _, o := range fd.Options {
		if slices.Contains(picked, o.Value) {
			out = append(out, o.Value)
		}
	}
	if len(out) == 0 && required != "" {
		r.f.Fail(fd.Name, required)
	}
	return out
}

// date reads a day-month-year field. what names it in messages ("the date
// your post started"). The zero time means no date (or a wrong one).
func (r reader) date(fd field, what string, required bool) time.Time {
	day, month, year := r.f.Get(fd.Name+"-day"), r.f.Get(fd.Name+"-month"), r.f.Get(fd.Name+"-year")
	if day == "" && month == "" && year == "" {
		if required {
			r.f.Fail(fd.Name, "Enter "+what)
		}
		return time.Time{}
	}
	var missing []string
	for _, p := range []struct{ v, name string }{{day, "a day"}, {month, "a month"}, {year, "a year"}} {
		if p.v == "" {
			missing = append(missing, p.name)
		}
	}
	if len(missing) > 0 {
		r.f.Fail(fd.Name, upperFirst(what)+" must include "+joinAnd(missing))
		return time.Time{}
	}
	d, errD := strconv.Atoi(day)
	m, errM := parseMonth(month)
	y, errY := strconv.Atoi(year)
	if errD != nil || errM != nil || errY != nil || len(year) != 4 {
		r.f.Fail(fd.Name, upperFirst(what)+" must be a real date, written in numbers, like 27 3 2024")
		return time.Time{}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m || y < 1950 || y > r.now.Year()+10 {
		r.f.Fail(fd.Name, upperFirst(what)+" must be a real date, like 27 3 2024")
		return time.Time{}
	}
	return t
}

// month reads a month-year field, returning the first of the month.
func (r reader) month(fd field, what string, required bool) time.Time {
	month, year := r.f.Get(fd.Name+"-month"), r.f.Get(fd.Name+"-year")
	if month == "" && year == "" {
		if required {
			r.f.Fail(fd.Name, "Enter "+what)
		}
		return time.Time{}
	}
	if month == "" || year == "" {
		r.f.Fail(fd.Name, upperFirst(what)+" must include a month and a year")
		return time.Time{}
	}
	m, errM := parseMonth(month)
	y, errY := strconv.Atoi(year)
	if errM != nil || errY != nil || len(year) != 4 || y < 1950 || y > r.now.Year()+10 {
		r.f.Fail(fd.Name, upperFirst(what)+" must be a real month and year, like 6 2027")
		return time.Time{}
	}
	return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
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

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func joinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// phoneDigits strips what people put between digits.
var phoneSeparators = strings.NewReplacer(" ", "", "-", "", "(", "", ")", "", ".", "")

var (
	ukPhone   = regexp.MustCompile(`^0\d{9,10}$`)
	intlPhone = regexp.MustCompile(`^\+\d{8,15}$`)
)

// validPhone accepts a UK number (0 and 9 or 10 more digits) or an
// international one (+ and 8 to 15 digits).
func validPhone(s string) bool {
	p := phoneSeparators.Replace(s)
	if strings.HasPrefix(p, "+44") {
		return ukPhone.MatchString("0" + strings.TrimPrefix(strings.TrimPrefix(p, "+44"), "0"))
	}
	return ukPhone.MatchString(p) || intlPhone.MatchString(p)
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}
