package directory

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // "open now" is UK time, whatever the server's zone files

	"github.com/psu-project/psu/internal/directory/hsds"
)

// ukTime is the zone HSDS opening times are read in: the directory's
// services are in the UK, and HSDS times carry no zone.
var ukTime = mustZone("Europe/London")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is linked in: cannot happen
	}
	return l
}

// span is one opening period on one day of the week, in minutes after
// midnight; closes 1440 is the end of the day.
type span struct {
	day             int // 0 Monday … 6 Sunday
	opens, closes   int
	validFrom, upTo string // HSDS dates, "" when open-ended
}

var dayIndex = map[string]int{"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}

// weeklySpans turns a service's weekly schedules into spans. Schedules that
// are not weekly, name no days or give no times say nothing about "open
// now" and are skipped. A closing time of 23:59 means the end of the day;
// a closing time before the opening time runs past midnight.
func weeklySpans(ss []hsds.Schedule) []span {
	var out []span
	for _, s := range ss {
		if (s.Freq != "" && s.Freq != "WEEKLY") || s.ByDay == "" || s.OpensAt == "" || s.ClosesAt == "" {
			continue
		}
		opens, ok1 := minutes(s.OpensAt)
		closes, ok2 := minutes(s.ClosesAt)
		if !ok1 || !ok2 {
			continue
		}
		if closes == 23*60+59 {
			closes = 1440
		}
		for _, d := range strings.Split(s.ByDay, ",") {
			day, ok := dayIndex[d]
			if !ok {
				continue
			}
			if closes > opens {
				out = append(out, span{day, opens, closes, s.ValidFrom, s.ValidTo})
				continue
			}
			out = append(out, span{day, opens, 1440, s.ValidFrom, s.ValidTo})
			if closes > 0 {
				out = append(out, span{(day + 1) % 7, 0, closes, s.ValidFrom, s.ValidTo})
			}
		}
	}
	return out
}

// minutes reads "HH:MM", "HH:MM:SS" (any zone suffix ignored) as minutes
// after midnight.
func minutes(t string) (int, bool) {
	if len(t) < 5 || t[2] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(t[:2])
	m, err2 := strconv.Atoi(t[3:5])
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// open24h reports whether the spans cover every minute of every day, with
// no end date.
func open24h(spans []span) bool {
	var covered [7]bool
	for _, s := range spans {
		if s.opens == 0 && s.closes == 1440 && s.upTo == "" && s.validFrom == "" {
			covered[s.day] = true
		}
	}
	for _, c := range covered {
		if !c {
			return false
		}
	}
	return true
}

// ukNow is t as the hours table reads it: day of the week (Monday 0),
// minute of the day and date, in UK time.
func ukNow(t time.Time) (day, minute int, date string) {
	l := t.In(ukTime)
	return (int(l.Weekday()) + 6) % 7, l.Hour()*60 + l.Minute(), l.Format(time.DateOnly)
}
