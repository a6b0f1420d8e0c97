package workdays

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, London)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDueCountsWorkingDaysAroundHolidaysAndClockChanges(t *testing.T) {
	w := NewClock(Working, Shipped())
	c := NewClock(Calendar, Shipped())
	tests := []struct {
		name  string
		clock *Clock
		start string
		n     int
		want  string // London date the target ends on
	}{
		{"calendar 14 days", c, "2027-03-20 10:00", 14, "2027-04-03"},
		{"working from a Monday", w, "2026-11-02 09:00", 14, "2026-11-20"},
		{"working over Christmas 2026", w, "2026-12-21 16:30", 14, "2027-01-13"},
		{"working over Easter 2027 and the March clock change", w, "2027-03-22 23:30", 14, "2027-04-13"},
		{"working across the October 2027 clock change", w, "2027-10-25 00:30", 5, "2027-11-01"},
		{"applied on a Saturday", w, "2027-05-29 12:00", 1, "2027-06-01"},
		{"late-night submission counts from its London date", w, "2027-06-30 23:59", 1, "2027-07-01"},
	}
	for _, tt := range tests {
		got := tt.clock.Due(at(tt.start), tt.n)
		if d := got.In(London).Format(time.DateOnly); d != tt.want {
			t.Errorf("%s: due %s, want %s", tt.name, d, tt.want)
		}
		if end := got.In(London); end.Hour() != 23 || end.Minute() != 59 {
			t.Errorf("%s: due at %s, want the end of the day", tt.name, end)
		}
		if left := tt.clock.Left(at(tt.start), got); left != tt.n {
			t.Errorf("%s: %d days left on the first day, want %d", tt.name, left, tt.n)
		}
	}
}

func TestLeftIsNegativeWhenOverdue(t *testing.T) {
	w := NewClock(Working, Shipped())
	due := at("2027-05-28 23:59") // a Friday before the spring bank holiday
	for _, tt := range []struct {
		now  string
		want int
	}{
		{"2027-05-28 08:00", 0},
		{"2027-05-27 08:00", 1},
		{"2027-05-31 08:00", 0}, // bank holiday Monday: still no working day over
		{"2027-06-01 08:00", -1},
		{"2027-06-04 08:00", -4},
	} {
		if got := w.Left(at(tt.now), due); got != tt.want {
			t.Errorf("on %s: %d, want %d", tt.now, got, tt.want)
		}
	}
}

func TestParseGovUKShapes(t *testing.T) {
	whole := `{"england-and-wales":{"division":"england-and-wales","events":[{"date":"2029-01-01","title":"New Year’s Day","notes":"","bunting":true}]},"scotland":{"division":"scotland","events":[]}}`
	hs, err := Parse([]byte(whole))
	if err != nil || len(hs) != 1 || hs[0].Date != "2029-01-01" {
		t.Fatalf("whole file: %v %v", hs, err)
	}
	for _, bad := range []string{
		`not json`,
		`{"division":"scotland","events":[{"date":"2029-01-01","title":"x"}]}`,
		`{"division":"england-and-wales","events":[{"date":"2029-02-30","title":"x"}]}`,
		`{"division":"england-and-wales","events":[{"date":"2029-01-01","title":""}]}`,
		`{"division":"england-and-wales","events":[]}`,
		`{"something":"else"}`,
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
	if len(Shipped()) < 40 {
		t.Error("the shipped list is short")
	}
}
