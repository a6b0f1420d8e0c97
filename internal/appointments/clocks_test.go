package appointments_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// Booking on each side of both of 2027's clock changes (28 March and 31
// October): each invitation, change and cancellation reaches a real SMTP
// receiver as a text/calendar part whose event go-ical (not psu's writer)
// reads with the London wall-clock time typed, the right UTC instant, one
// UID for the appointment's life, SEQUENCE 0, 1, 2 and METHOD REQUEST,
// REQUEST, CANCEL. The adviser's download is the same event, published.
func TestBookingAcrossTheClockChanges(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			w := newWorld(t, in)
			s := *in.App.Appointments
			s.Now = func() time.Time { return time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC) }

			type side struct {
				day      time.Time
				local    string // DTSTART as written, London time
				utc      time.Time
				hourDiff int // London's offset then, in hours
			}
			at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
			pairs := [][2]side{
				{ // 28 March 2027: GMT before, BST after
					{at(2027, 3, 27), "20270327T100000", time.Date(2027, 3, 27, 10, 0, 0, 0, time.UTC), 0},
					{at(2027, 3, 29), "20270329T100000", time.Date(2027, 3, 29, 9, 0, 0, 0, time.UTC), 1},
				},
				{ // 31 October 2027: BST before, GMT after
					{at(2027, 10, 30), "20271030T100000", time.Date(2027, 10, 30, 9, 0, 0, 0, time.UTC), 1},
					{at(2027, 11, 1), "20271101T100000", time.Date(2027, 11, 1, 10, 0, 0, 0, time.UTC), 0},
				},
			}
			type sent struct {
				seq    int
				method string
				side   side
			}
			var ids []string
			want := map[string][]sent{}
			for _, p := range pairs {
				b := appointments.Booking{Minutes: 60, How: appointments.Teams, Link: "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%22x%22%7d"}
				b.Start = p[0].utc
				res, err := s.Book(ctx, w.adviserV, w.c.ID, b, "")
				if err != nil {
					t.Fatalf("book %s: %v", p[0].local, err)
				}
				if !res.Mailed {
					t.Fatal("the trainee agreed to e-mail, yet was not sent the invitation")
				}
				id := res.Appointment.ID
				ids = append(ids, id)
				b.Start = p[1].utc
				if _, err := s.Reschedule(ctx, w.adviserV, w.c.ID, id, b, ""); err != nil {
					t.Fatalf("reschedule to %s: %v", p[1].local, err)
				}
				if mailed, err := s.Cancel(ctx, w.adviserV, w.c.ID, id, appointments.ByTrainee, ""); err != nil || !mailed {
					t.Fatalf("cancel: %v (mailed %v)", err, mailed)
				}
				want[id] = append(want[id], sent{0, "REQUEST", p[0]}, sent{1, "REQUEST", p[1]}, sent{2, "CANCEL", p[1]})
			}

			seen := map[string]bool{}
			for _, m := range appointmentMails(t, in, 6) {
				method, data := calendarIn(t, m)
				for _, line := range strings.SplitAfter(string(data), "\r\n") {
					if len(strings.TrimSuffix(line, "\r\n")) > 75 {
						t.Errorf("a line longer than 75 octets: %q", line)
					}
					if line != "" && !strings.HasSuffix(line, "\r\n") {
						t.Errorf("a line not ended by CRLF: %q", line)
					}
				}
				cal, ev := decodeEvent(t, data)
				if got := cal.Props.Get(ical.PropMethod).Value; got != method {
					t.Errorf("METHOD %s in a part of method=%s", got, method)
				}
				uid := ev.Props.Get(ical.PropUID).Value
				id, domain, _ := strings.Cut(uid, "@")
				if domain == "" || !strings.Contains(in.App.Config.SMTP.From, "@"+domain) {
					t.Errorf("UID %q is not on the sending domain", uid)
				}
				seq, err := ev.Props.Get(ical.PropSequence).Int()
				if err != nil {
					t.Fatal(err)
				}
				var match *side
				for _, wnt := range want[id] {
					if wnt.seq == seq {
						if wnt.method != method {
							t.Errorf("%s SEQUENCE %d: METHOD %s, want %s", id, seq, method, wnt.method)
						}
						sd := wnt.side
						match = &sd
					}
				}
				if match == nil {
					t.Fatalf("an invitation for %s with SEQUENCE %d, unexpected", id, seq)
				}
				seen[fmt.Sprint(id, "/", seq)] = true
				start := ev.Props.Get(ical.PropDateTimeStart)
				if start.Value != match.local || start.Params.Get(ical.PropTimezoneID) != "Europe/London" {
					t.Errorf("DTSTART %s;TZID=%s, want %s in Europe/London", start.Value, start.Params.Get(ical.PropTimezoneID), match.local)
				}
				got, err := ev.DateTimeStart(nil)
				if err != nil {
					t.Fatal(err)
				}
				if !got.Equal(match.utc) {
					t.Errorf("DTSTART is %s, want %s", got.UTC(), match.utc)
				}
				if _, off := got.In(london).Zone(); off != match.hourDiff*3600 {
					t.Errorf("%s: London offset %d s, want %d h", match.local, off, match.hourDiff)
				}
				end, err := ev.DateTimeEnd(nil)
				if err != nil || !end.Equal(match.utc.Add(time.Hour)) {
					t.Errorf("DTEND %s (%v), want an hour after DTSTART", end, err)
				}
				if status := propText(t, ev.Props, ical.PropStatus); (method == "CANCEL") != (status == "CANCELLED") {
					t.Errorf("%s with STATUS %s", method, status)
				}
				link := "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%22Tid%22%3a%22x%22%7d"
				if ev.Props.Get(ical.PropURL).Value != link || !strings.Contains(propText(t, ev.Props, ical.PropDescription), link) {
					t.Errorf("the join link is not in URL and DESCRIPTION")
				}
				if org := ev.Props.Get(ical.PropOrganizer); org == nil || org.Value != "mailto:"+in.App.Config.SMTP.From {
					t.Errorf("ORGANIZER %v", org)
				}
				if att := ev.Props.Get(ical.PropAttendee); att == nil || att.Value != "mailto:heron.applicant@example.com" || att.Params.Get(ical.ParamCommonName) != "Heron Applewood" {
					t.Errorf("ATTENDEE %v", att)
				}
				if tz := cal.Children; len(tz) == 0 || tz[0].Name != ical.CompTimezone {
					t.Errorf("no VTIMEZONE before the event")
				}
				if text := textPart(t, m); !strings.Contains(text, "reply to this e-mail or contact the unit:\n"+in.App.Config.BaseURL.String()+"/contact\n") {
					t.Errorf("%q does not say how to rearrange:\n%s", m.Subject, text)
				}
			}
			if len(seen) != 6 {
				t.Errorf("invitations seen: %v", seen)
			}

			// The adviser's own copy, through the case's access check.
			a := in.Client(t)
			a.SignIn(w.adviser)
			var before int
			store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.calendar.download'`), &before)
			res := a.Get("/cases/" + w.ref + "/appointments/" + ids[0] + "/calendar")
			expect(t, "download", res, 200)
			if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
				t.Errorf("download Content-Type %q", ct)
			}
			cal, ev := decodeEvent(t, []byte(res.Body))
			if cal.Props.Get(ical.PropMethod).Value != "PUBLISH" || ev.Props.Get(ical.PropUID).Value != ids[0]+"@"+strings.SplitN(in.App.Config.SMTP.From, "@", 2)[1] {
				t.Errorf("download: METHOD %s UID %s", cal.Props.Get(ical.PropMethod).Value, ev.Props.Get(ical.PropUID).Value)
			}
			if seq, _ := ev.Props.Get(ical.PropSequence).Int(); seq != 2 {
				t.Errorf("download SEQUENCE %d, want 2", seq)
			}
			var after int
			store.Scan(in.App.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'appointment.calendar.download'`), &after)
			if after != before+1 {
				t.Errorf("the download was not recorded (%d → %d)", before, after)
			}
		})
	}
}
