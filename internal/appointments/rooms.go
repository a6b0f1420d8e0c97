package appointments

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// Limits on a room, in characters.
const (
	MaxRoomName    = 100
	MaxRoomAddress = 500
)

// Rooms lists the unit's rooms by name: every one, or only those in use.
func (s *Store) Rooms(ctx context.Context, q store.Querier, activeOnly bool) ([]Room, error) {
	query := `SELECT id, name, address, active FROM appointment_rooms`
	if activeOnly {
		query += ` WHERE active`
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY lower(name), id`)
	if err != nil {
		return nil, fmt.Errorf("appointments: rooms: %w", err)
	}
	defer rows.Close()
	var out []Room
	for rows.Next() {
		var r Room
		if err := rows.Scan(&r.ID, &r.Name, &r.Address, &r.Active); err != nil {
			return nil, fmt.Errorf("appointments: rooms: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Room reads one room.
func (s *Store) Room(ctx context.Context, q store.Querier, id string) (*Room, error) {
	r := &Room{}
	if err := store.Scan(q.QueryRowContext(ctx, `SELECT id, name, address, active FROM appointment_rooms WHERE id = ?`, id),
		&r.ID, &r.Name, &r.Address, &r.Active); err != nil {
		return nil, fmt.Errorf("appointments: room: %w", err)
	}
	return r, nil
}

// SaveRoom adds r (no ID) or changes it, for administrator v, and returns
// its id. Names are unique, whatever their case.
func (s *Store) SaveRoom(ctx context.Context, v cases.Viewer, r Room) (string, error) {
	var err error
	if r.Name, err = checkText("name", "the room's name", r.Name, MaxRoomName, true); err != nil {
		return "", err
	}
	if r.Address, err = checkText("address", "the address", r.Address, MaxRoomAddress, true); err != nil {
		return "", err
	}
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		now, action := s.now(), "room.change"
		if r.ID == "" {
			r.ID, action = store.NewID(), "room.add"
			_, err = tx.ExecContext(ctx, `INSERT INTO appointment_rooms (id, name, address, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
				r.ID, r.Name, r.Address, r.Active, now, now)
		} else {
			var res interface{ RowsAffected() (int64, error) }
			res, err = tx.ExecContext(ctx, `UPDATE appointment_rooms SET name = ?, address = ?, active = ?, updated_at = ? WHERE id = ?`,
				r.Name, r.Address, r.Active, now, r.ID)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 0 {
					return store.ErrNotFound
				}
			}
		}
		if errors.Is(err, store.ErrConflict) {
			return cases.Problem("name", "There is already a room called "+r.Name+". Give this one another name")
		}
		if err != nil {
			return fmt.Errorf("appointments: save room: %w", err)
		}
		detail := "in use"
		if !r.Active {
			detail = "not in use"
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, ActorRole: v.Roles, Action: action,
			TargetType: "room", TargetID: r.ID, Source: v.Source, Detail: detail})
	})
	return r.ID, err
}

// SetReminderHours sets how many hours before an appointment its reminder
// goes, for administrator v. Reminders already sent are not sent again.
func (s *Store) SetReminderHours(ctx context.Context, v cases.Viewer, hours int) error {
	if hours < settings.MinReminderHours || hours > settings.MaxReminderHours {
		return cases.Problem("hours", fmt.Sprintf("The number of hours must be from %d to %d", settings.MinReminderHours, settings.MaxReminderHours))
	}
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		before, err := settings.ReminderHours(ctx, tx)
		if err != nil {
			return err
		}
		if err := settings.Set(ctx, tx, settings.KeyReminderHours, strconv.Itoa(hours), v.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: v.UserID, ActorRole: v.Roles, Action: "settings.reminder_hours",
			TargetType: "settings", TargetID: "reminder", Source: v.Source,
			Detail: fmt.Sprintf("%d hours (was %d)", hours, before)})
	})
}
