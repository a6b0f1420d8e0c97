package appointments

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The iTIP methods (RFC 5546) psu writes.
const (
	MethodRequest = "REQUEST" // an invitation, or a change to one
	MethodCancel  = "CANCEL"  // the appointment is off
	MethodPublish = "PUBLISH" // the adviser's own copy, downloaded
)

// Person is an organizer or attendee of an event.
type Person struct {
	Name, Email string
}

// Event is one appointment as an iCalendar event.
type Event struct {
	UID         string // stable for the appointment's whole life
	Sequence    int    // raised on every change sent to the trainee
	Stamp       time.Time
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	URL         string // the join link, if any
	Organizer   Person
	Attendee    *Person // nil in the adviser's copy (PUBLISH has none)
	Cancelled   bool
}

// tzid is the one time zone psu writes; its rules are in vtimezone.
const tzid = "Europe/London"

// vtimezone describes Europe/London as RFC 5545 wants it, by its rules
// rather than a list of dates: since 1996, British Summer Time starts at
// 01:00 GMT on the last Sunday of March and ends at 02:00 BST (01:00 GMT)
// on the last Sunday of October. A calendar that knows the zone by name
// uses its own rules; one that does not, uses these.
var vtimezone = []string{
	"BEGIN:VTIMEZONE",
	"TZID:" + tzid,
	"BEGIN:DAYLIGHT",
	"TZOFFSETFROM:+0000",
	"TZOFFSETTO:+0100",
	"TZNAME:BST",
	"DTSTART:19700329T010000",
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
	"END:DAYLIGHT",
	"BEGIN:STANDARD",
	"TZOFFSETFROM:+0100",
	"TZOFFSETTO:+0000",
	"TZNAME:GMT",
	"DTSTART:19701025T020000",
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	"END:STANDARD",
	"END:VTIMEZONE",
}

// Calendar writes e as a whole iCalendar object with method: CRLF line
// ends, lines folded at 75 octets, text escaped.
func Calendar(method string, e Event) []byte {
	var w icsWriter
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:-//psu-project//psu//EN")
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:" + method)
	for _, l := range vtimezone {
		w.line(l)
	}
	w.line("BEGIN:VEVENT")
	w.line("UID:" + text(e.UID))
	w.line("DTSTAMP:" + e.Stamp.UTC().Format("20060102T150405Z"))
	w.line("SEQUENCE:" + strconv.Itoa(e.Sequence))
	w.line("DTSTART;TZID=" + tzid + ":" + local(e.Start))
	w.line("DTEND;TZID=" + tzid + ":" + local(e.End))
	w.line("SUMMARY:" + text(e.Summary))
	if e.Location != "" {
		w.line("LOCATION:" + text(e.Location))
	}
	if e.URL != "" {
		w.line("URL:" + e.URL)
	}
	if e.Description != "" {
		w.line("DESCRIPTION:" + text(e.Description))
	}
	w.line("ORGANIZER;CN=" + param(e.Organizer.Name) + ":mailto:" + e.Organizer.Email)
	if a := e.Attendee; a != nil {
		p := "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE"
		if a.Name != "" {
			p += ";CN=" + param(a.Name)
		}
		w.line(p + ":mailto:" + a.Email)
	}
	if e.Cancelled {
		w.line("STATUS:CANCELLED")
	} else {
		w.line("STATUS:CONFIRMED")
	}
	w.line("TRANSP:OPAQUE")
	w.line("END:VEVENT")
	w.line("END:VCALENDAR")
	return w.buf.Bytes()
}

// local is t as London wall-clock time, for a DTSTART with TZID.
func local(t time.Time) string { return t.In(london).Format("20060102T150405") }

// text escapes a TEXT value (RFC 5545 3.3.11).
func text(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n':
			b.WriteString(`\n`)
		default:
			if r < 0x20 || r == 0x7f {
				continue // control characters are not allowed in TEXT
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// param quotes a parameter value (RFC 5545 3.1: a quoted value may hold
// anything but a double quote and control characters).
func param(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r < 0x20 || r == 0x7f {
			continue
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

type icsWriter struct{ buf bytes.Buffer }

// line writes one content line, folded so no line is longer than 75
// octets (RFC 5545 3.1), never inside a UTF-8 character.
func (w *icsWriter) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.buf.WriteString(s[:cut])
		w.buf.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.buf.WriteString(s)
	w.buf.WriteString("\r\n")
}
