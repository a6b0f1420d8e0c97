package appointments

import (
	"context"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/store"
)

// Slot is one stretch of an adviser's weekly availability, in London
// wall-clock minutes from midnight.
type Slot struct {
	ID       string
	Weekday  int // ISO 8601: Monday is 1, Sunday 7
	From, To int
}

// dayNames are the weekdays by ISO number.
var dayNames = [8]string{"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// Day is the slot's weekday by name.
func (s Slot) Day() string { return dayNames[s.Weekday] }

// Span is the slot's times as people read them: "9am to 12:30pm".
func (s Slot) Span() string { return minuteClock(s.From) + " to " + minuteClock(s.To) }

func minuteClock(m int) string {
	if m == 24*60 {
		return "midnight"
	}
	return clock(time.Date(2000, 1, 1, m/60, m%60, 0, 0, time.UTC))
}

// weekdayOf is t's ISO weekday.
func weekdayOf(t time.Time) int {
	if t.Weekday() == time.Sunday {
		return 7
	}
	return int(t.Weekday())
}

// within reports whether start to end, in London, sits inside one slot.
func within(slots []Slot, start, end time.Time) bool {
	s, e := start.In(london), end.In(london)
	day := weekdayOf(s)
	from := s.Hour()*60 + s.Minute()
	// Wall-clock minutes, so a span across a clock change is measured as
	// the clock on the wall reads it.
	to := from + int(e.Sub(s).Minutes())
	if y, m, d := e.Date(); y == s.Year() && m == s.Month() && d == s.Day() {
		to = e.Hour()*60 + e.Minute()
	}
	for _, sl := range slots {
		if sl.Weekday == day && sl.From <= from && to <= sl.To {
			return true
		}
	}
	return false
}

// Availability lists userID's weekly availability, by day and time.
func (s *Store) Availability(ctx context.Context, q store.Querier, userID string) ([]Slot, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, weekday, from_minute, to_minute FROM adviser_availability WHERE user_id = ?
		ORDER BY weekday, from_minute`, userID)
	if err != nil {
		return nil, fmt.Errorf("appointments: availability: %w", err)
	}
	defer rows.Close()
	var out []Slot
	for rows.Next() {
		var sl Slot
		if err := rows.Scan(&sl.ID, &sl.Weekday, &sl.From, &sl.To); err != nil {
			return nil, fmt.Errorf("appointments: availability: %w", err)
		}
		out = append(out, sl)
	}
	return out, rows.Err()
}

// AddSlot adds a stretch of weekly availability for v. One that overlaps
// another on the same day is refused, so the list stays plain to read.
func (s *Store) AddSlot(ctx context.Context, v cases.Viewer, sl Slot) error {
	switch {
	case sl.Weekday < 1 || sl.Weekday > 7:
		return cases.Problem("weekday", "Select the day of the week")
	case sl.To <= sl.From:
		return cases.Problem("to", "The end time must be after the start time")
	}
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		have, err := s.Availability(ctx, tx, v.UserID)
		if err != nil {
			return err
		}
		for _, h := range have {
			if h.Weekday == sl.Weekday && h.From < sl.To && sl.From < h.To {
				return cases.Problem("from", fmt.Sprintf("This overlaps your %s %s. Remove that first, or choose other times", h.Day(), h.Span()))
			}
		}
		sl.ID = store.NewID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO adviser_availability (id, user_id, weekday, from_minute, to_minute) VALUES (?, ?, ?, ?, ?)`,
			sl.ID, v.UserID, sl.Weekday, sl.From, sl.To); err != nil {
			return fmt.Errorf("appointments: add availability: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, ActorRole: v.Roles, Action: "appointments.availability_add",
			TargetType: "user", TargetID: v.UserID, Source: v.Source, Detail: sl.Day() + " " + sl.Span()})
	})
}

// RemoveSlot removes one of v's own stretches of availability; another
// person's is not found.
func (s *Store) RemoveSlot(ctx context.Context, v cases.Viewer, id string) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		var sl Slot
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT id, weekday, from_minute, to_minute FROM adviser_availability WHERE id = ? AND user_id = ?`,
			id, v.UserID), &sl.ID, &sl.Weekday, &sl.From, &sl.To); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM adviser_availability WHERE id = ?`, id); err != nil {
			return fmt.Errorf("appointments: remove availability: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, ActorRole: v.Roles, Action: "appointments.availability_remove",
			TargetType: "user", TargetID: v.UserID, Source: v.Source, Detail: sl.Day() + " " + sl.Span()})
	})
}
