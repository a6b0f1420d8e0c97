package appointments

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"

	"github.com/psu-project/psu/internal/mail"
)

// FuzzCalendar writes an invitation from any text staff and trainees can
// put into one (a room's name, a trainee's name, the description, a join
// link or e-mail address as psu accepts them) and reads it back with
// go-ical, a parser that is not psu's. The object must be RFC 5545's shape
// (CRLF line ends, lines of at most 75 octets, UTF-8, nothing a mail
// program would read as a new line), hold one event with exactly the
// properties psu writes (no text can add a property, such as another
// ATTENDEE, or end the event early), and give back every text as it was
// meant (control characters dropped, a quote dropped from a name).
//
//	go test ./internal/appointments -run '^$' -fuzz '^FuzzCalendar$' -fuzztime 10m
func FuzzCalendar(f *testing.F) {
	e := sample()
	f.Add(e.Summary, e.Description, e.Location, e.URL, e.Attendee.Name, e.Attendee.Email, uint8(0), int64(0))
	f.Add("Appointment\r\nATTENDEE:mailto:eve@example.com", "a\nEND:VEVENT\nBEGIN:VEVENT", "Room 1;2,3\\4", "", "Eve\";X-EVIL=1:", "eve@example.com", uint8(1), int64(86400*180))
	f.Add(strings.Repeat("é", 80), strings.Repeat("😀", 40)+"\x00\x7f\x1b", strings.Repeat("\xff", 90), "https://zoom.us/j/1?pwd="+strings.Repeat("ab", 60), "", "", uint8(2), int64(-3600))
	f.Fuzz(func(t *testing.T, summary, description, location, link, name, email string, method uint8, shift int64) {
		if shift < -1e9 || shift > 1e9 {
			return // appointments are booked within years, not centuries
		}
		e := sample()
		e.Summary, e.Description, e.Location = summary, description, location
		e.URL = ""
		if validLink(link) { // as booking accepts a join link
			e.URL = link
		}
		e.Start = e.Start.Add(time.Duration(shift) * time.Second)
		e.End = e.Start.Add(time.Hour)
		e.Attendee = &Person{Name: name, Email: "trainee@example.org"}
		if mail.ValidAddress(email) {
			e.Attendee.Email = email
		}
		m := []string{MethodRequest, MethodCancel, MethodPublish}[int(method)%3]
		if m == MethodPublish {
			e.Attendee = nil
		}
		e.Cancelled = m == MethodCancel
		data := Calendar(m, e)

		if !utf8.Valid(data) {
			t.Fatalf("not UTF-8:\n%q", data)
		}
		if !bytes.HasSuffix(data, []byte("\r\n")) {
			t.Fatal("the object does not end in CRLF")
		}
		for i, line := range strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
			if len(line) > 75 || strings.ContainsAny(line, "\r\n") {
				t.Fatalf("line %d is %d octets or holds a bare line break: %q", i+1, len(line), line)
			}
		}

		cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
		if err != nil {
			t.Fatalf("go-ical cannot read it: %v\n%s", err, data)
		}
		if got := cal.Props.Get(ical.PropMethod); got == nil || got.Value != m {
			t.Fatalf("METHOD %v, want %s", got, m)
		}
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events", len(evs))
		}
		ev := evs[0]
		want := []string{"UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY", "ORGANIZER", "STATUS", "TRANSP"}
		if e.Location != "" {
			want = append(want, "LOCATION")
		}
		if e.URL != "" {
			want = append(want, "URL")
		}
		if e.Description != "" {
			want = append(want, "DESCRIPTION")
		}
		if e.Attendee != nil {
			want = append(want, "ATTENDEE")
		}
		var got []string
		for name, ps := range ev.Props {
			for range ps {
				got = append(got, name)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("properties %v, want %v\n%s", got, want, data)
		}
		for prop, typed := range map[string]string{ical.PropSummary: e.Summary, ical.PropDescription: e.Description, ical.PropLocation: e.Location} {
			if typed == "" {
				continue
			}
			p := ev.Props.Get(prop)
			s, err := p.Text()
			if err != nil || s != meant(typed) {
				t.Fatalf("%s reads back as %q (%v), was given %q", prop, s, err, typed)
			}
		}
		if e.URL != "" && ev.Props.Get(ical.PropURL).Value != e.URL {
			t.Fatalf("URL reads back as %q, was %q", ev.Props.Get(ical.PropURL).Value, e.URL)
		}
		if a := e.Attendee; a != nil {
			p := ev.Props.Get(ical.PropAttendee)
			if p.Value != "mailto:"+a.Email {
				t.Fatalf("ATTENDEE is %q, want mailto:%s", p.Value, a.Email)
			}
			if cn := p.Params.Get(ical.ParamCommonName); cn != strings.Map(dropQuoteAndControls, string([]rune(a.Name))) {
				t.Fatalf("the attendee's name reads back as %q, was %q", cn, a.Name)
			}
		}
		start, err := ev.DateTimeStart(time.UTC)
		if err != nil || !start.Equal(e.Start.Truncate(time.Second)) {
			t.Fatalf("DTSTART reads back as %v (%v), was %v", start, err, e.Start)
		}
	})
}

// meant is a TEXT value as psu means it to be read: line ends as "\n",
// control characters dropped, bytes that are not UTF-8 as U+FFFD.
func meant(s string) string {
	s = strings.ReplaceAll(string([]rune(s)), "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		if r != '\n' && (r < 0x20 || r == 0x7f) {
			return -1
		}
		return r
	}, s)
}

func dropQuoteAndControls(r rune) rune {
	if r == '"' || r < 0x20 || r == 0x7f {
		return -1
	}
	return r
}
