package appointments

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ical "github.com/emersion/go-ical"
)

func sample() Event {
	return Event{
		UID: "0190-abc@psu.example", Sequence: 3, Stamp: time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC),
		Start: time.Date(2027, 3, 29, 9, 0, 0, 0, time.UTC), End: time.Date(2027, 3, 29, 10, 0, 0, 0, time.UTC),
		Summary:     "Professional Support Unit appointment (PSU-7K3F9Q)",
		Description: "Line one; with a semicolon, a comma and a back\\slash.\nLine two: Zoë, Siân and Łukasz — 😀 " + strings.Repeat("long text ", 20),
		Location:    "Room 2, Stewart House; 32 Russell Square, London",
		URL:         "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%22" + strings.Repeat("x", 120),
		Organizer:   Person{"Professional Support Unit", "psu@psu.example"},
		Attendee:    &Person{`Zoë "Z" O'Brien, Jr`, "zoe@example.org"},
	}
}

// Every line ends in CRLF and is at most 75 octets; folds never split a
// UTF-8 character; an independent parser reads back every text exactly.
func TestCalendarLinesAndEscaping(t *testing.T) {
	e := sample()
	data := Calendar(MethodRequest, e)
	if !bytes.HasSuffix(data, []byte("END:VCALENDAR\r\n")) {
		t.Fatal("the object does not end with END:VCALENDAR and CRLF")
	}
	for _, line := range bytes.SplitAfter(data, []byte("\r\n")) {
		if len(line) == 0 {
			continue
		}
		if !bytes.HasSuffix(line, []byte("\r\n")) || bytes.Count(line, []byte("\n")) != 1 || bytes.Count(line, []byte("\r")) != 1 {
			t.Errorf("not one CRLF-ended line: %q", line)
		}
		body := bytes.TrimSuffix(line, []byte("\r\n"))
		if len(body) > 75 {
			t.Errorf("%d octets: %q", len(body), body)
		}
		if !utf8.Valid(body) {
			t.Errorf("a fold split a character: %q", body)
		}
	}
	cal, err := ical.NewDecoder(bytes.NewReader(data)).Decode()
	if err != nil {
		t.Fatal(err)
	}
	ev := cal.Events()[0]
	for name, want := range map[string]string{
		ical.PropSummary: e.Summary, ical.PropDescription: e.Description, ical.PropLocation: e.Location,
	} {
		got, err := ev.Props.Get(name).Text()
		if err != nil || got != want {
			t.Errorf("%s read back as %q (%v), want %q", name, got, err, want)
		}
	}
	if got := ev.Props.Get(ical.PropURL).Value; got != e.URL {
		t.Errorf("URL read back as %q", got)
	}
	att := ev.Props.Get(ical.PropAttendee)
	if att.Value != "mailto:zoe@example.org" || att.Params.Get(ical.ParamCommonName) != `Zoë Z O'Brien, Jr` {
		t.Errorf("ATTENDEE %q CN %q", att.Value, att.Params.Get(ical.ParamCommonName))
	}
	if seq, _ := ev.Props.Get(ical.PropSequence).Int(); seq != 3 {
		t.Errorf("SEQUENCE %d", seq)
	}
	if cal.Props.Get(ical.PropMethod).Value != "REQUEST" || cal.Props.Get(ical.PropVersion).Value != "2.0" || cal.Props.Get(ical.PropProductID) == nil {
		t.Errorf("calendar properties %v", cal.Props)
	}
	pub, err := ical.NewDecoder(bytes.NewReader(Calendar(MethodPublish, Event{UID: "u", Stamp: e.Stamp, Start: e.Start, End: e.End,
		Summary: "s", Organizer: e.Organizer}))).Decode()
	if err != nil {
		t.Fatal(err)
	}
	if pub.Events()[0].Props.Get(ical.PropAttendee) != nil {
		t.Error("a published copy names an attendee")
	}
}

// The VTIMEZONE's rules, expanded by an independent recurrence engine,
// give exactly the instants Go's time zone database has London change its
// clocks, for every year from 1996 (when today's rules began) to 2060.
func TestVTimezoneRulesMatchLondon(t *testing.T) {
	cal, err := ical.NewDecoder(bytes.NewReader(Calendar(MethodRequest, sample()))).Decode()
	if err != nil {
		t.Fatal(err)
	}
	var tz *ical.Component
	for _, c := range cal.Children {
		if c.Name == ical.CompTimezone {
			tz = c
		}
	}
	if tz == nil || tz.Props.Get(ical.PropTimezoneID).Value != "Europe/London" {
		t.Fatal("no VTIMEZONE for Europe/London")
	}
	from, to := time.Date(1996, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2061, 1, 1, 0, 0, 0, 0, time.UTC)
	var got []time.Time
	for _, rule := range tz.Children {
		offFrom := offset(t, rule.Props.Get(ical.PropTimezoneOffsetFrom).Value)
		offTo := offset(t, rule.Props.Get(ical.PropTimezoneOffsetTo).Value)
		// DTSTART and the recurrence are wall-clock time in the offset in
		// force before the change.
		set, err := rule.RecurrenceSet(time.FixedZone("before", offFrom))
		if err != nil || set == nil {
			t.Fatalf("%s: %v", rule.Name, err)
		}
		for _, at := range set.Between(from, to, true) {
			got = append(got, at.UTC())
			if _, off := at.Add(-time.Second).In(london).Zone(); off != offFrom {
				t.Errorf("%s %s: London's offset just before is %d, want %d", rule.Name, at.UTC(), off, offFrom)
			}
			if _, off := at.In(london).Zone(); off != offTo {
				t.Errorf("%s %s: London's offset then is %d, want %d", rule.Name, at.UTC(), off, offTo)
			}
		}
	}
	// Every change London makes in the span is one of them.
	var want int
	for at := from; at.Before(to); at = at.Add(time.Hour) {
		_, a := at.In(london).Zone()
		if _, b := at.Add(time.Hour).In(london).Zone(); a != b {
			want++
		}
	}
	if len(got) != want || want != 2*65 {
		t.Errorf("the rules give %d changes, London has %d", len(got), want)
	}
	for _, at := range got {
		if at.Year() == 2027 && !(at.Equal(time.Date(2027, 3, 28, 1, 0, 0, 0, time.UTC)) || at.Equal(time.Date(2027, 10, 31, 1, 0, 0, 0, time.UTC))) {
			t.Errorf("a 2027 change at %s", at)
		}
	}
}

func offset(t *testing.T, v string) int {
	t.Helper()
	if len(v) != 5 {
		t.Fatalf("offset %q", v)
	}
	sign := 1
	if v[0] == '-' {
		sign = -1
	}
	h, m := int(v[1]-'0')*10+int(v[2]-'0'), int(v[3]-'0')*10+int(v[4]-'0')
	return sign * (h*3600 + m*60)
}
