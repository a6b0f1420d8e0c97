package directory

import (
	"testing"
	"time"

	"github.com/psu-project/psu/internal/directory/hsds"
)

func TestWeeklySpans(t *testing.T) {
	allWeek := hsds.Schedule{Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR,SA,SU", OpensAt: "00:00", ClosesAt: "23:59"}
	if s := weeklySpans([]hsds.Schedule{allWeek}); !open24h(s) || len(s) != 7 {
		t.Errorf("24/7 schedule: spans %v, open24h %v", s, open24h(s))
	}
	weekdays := hsds.Schedule{Freq: "WEEKLY", ByDay: "MO,TU,WE,TH,FR", OpensAt: "09:00", ClosesAt: "17:30"}
	s := weeklySpans([]hsds.Schedule{weekdays})
	if open24h(s) || len(s) != 5 || s[0] != (span{day: 0, opens: 540, closes: 1050}) {
		t.Errorf("weekday schedule: %v", s)
	}
	overnight := hsds.Schedule{Freq: "WEEKLY", ByDay: "SU", OpensAt: "22:00", ClosesAt: "06:00"}
	s = weeklySpans([]hsds.Schedule{overnight})
	if len(s) != 2 || s[0] != (span{day: 6, opens: 1320, closes: 1440}) || s[1] != (span{day: 0, opens: 0, closes: 360}) {
		t.Errorf("overnight schedule: %v", s)
	}
	monthly := hsds.Schedule{Freq: "MONTHLY", ByDay: "1MO", OpensAt: "09:00", ClosesAt: "10:00"}
	if s := weeklySpans([]hsds.Schedule{monthly}); len(s) != 0 {
		t.Errorf("monthly schedule gave spans %v", s)
	}
	limited := allWeek
	limited.ValidTo = "2027-01-01"
	if open24h(weeklySpans([]hsds.Schedule{limited})) {
		t.Error("a 24-hour schedule with an end date counted as always open")
	}
}

func TestUKNow(t *testing.T) {
	// 23:30 UTC on Sunday 29 June 2025 is 00:30 on Monday in London (BST).
	day, minute, date := ukNow(time.Date(2025, 6, 29, 23, 30, 0, 0, time.UTC))
	if day != 0 || minute != 30 || date != "2025-06-30" {
		t.Errorf("ukNow = %d %d %s", day, minute, date)
	}
	// In winter London is on UTC.
	day, minute, _ = ukNow(time.Date(2025, 1, 5, 23, 30, 0, 0, time.UTC))
	if day != 6 || minute != 23*60+30 {
		t.Errorf("ukNow winter = %d %d", day, minute)
	}
}
