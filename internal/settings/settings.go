// Package settings holds what a unit sets for itself, edited by an
// administrator at /admin/settings: how the first-response clock counts
// days, and the bank holidays it skips. Values live in the database, so
// every instance reads the same ones.
package settings

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/workdays"
)

// Keys.
const (
	KeyResponseDays = "clock.response_days" // the first-response target, in days
	KeyDayMode      = "clock.day_mode"      // workdays.Calendar or workdays.Working
)

// Defaults, from the unit's published promise: a reply within 14 days.
const (
	DefaultResponseDays = 14
	DefaultDayMode      = workdays.Calendar
)

// Get returns the value stored for key, or def when none is.
func Get(ctx context.Context, q store.Querier, key, def string) (string, error) {
	var v string
	err := store.Scan(q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key), &v)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return def, nil
	case err != nil:
		return "", fmt.Errorf("settings: %s: %w", key, err)
	}
	return v, nil
}

// Set stores value for key, by userID.
func Set(ctx context.Context, tx *store.Tx, key, value, userID string) error {
	var by any
	if userID != "" {
		by = userID
	}
	now := store.Now()
	res, err := tx.ExecContext(ctx, `UPDATE settings SET value = ?, updated_at = ?, updated_by = ? WHERE key = ?`, value, now, by, key)
	if err != nil {
		return fmt.Errorf("settings: set %s: %w", key, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)`, key, value, now, by); err != nil {
			return fmt.Errorf("settings: set %s: %w", key, err)
		}
	}
	return nil
}

// ClockSettings is how the first-response clock counts.
type ClockSettings struct {
	Days int
	Mode workdays.Mode
}

// Clock reads the clock settings.
func Clock(ctx context.Context, q store.Querier) (ClockSettings, error) {
	cs := ClockSettings{Days: DefaultResponseDays, Mode: DefaultDayMode}
	d, err := Get(ctx, q, KeyResponseDays, "")
	if err != nil {
		return cs, err
	}
	if n, err := strconv.Atoi(d); err == nil && n > 0 {
		cs.Days = n
	}
	m, err := Get(ctx, q, KeyDayMode, "")
	if err != nil {
		return cs, err
	}
	if workdays.Mode(m).Valid() {
		cs.Mode = workdays.Mode(m)
	}
	return cs, nil
}

// Holidays reads the bank holidays in use: the ones an administrator
// loaded, or those psu ships with.
func Holidays(ctx context.Context, q store.Querier) ([]workdays.Holiday, error) {
	rows, err := q.QueryContext(ctx, `SELECT day, title FROM bank_holidays ORDER BY day`)
	if err != nil {
		return nil, fmt.Errorf("settings: bank holidays: %w", err)
	}
	defer rows.Close()
	var out []workdays.Holiday
	for rows.Next() {
		var h workdays.Holiday
		if err := rows.Scan(&h.Date, &h.Title); err != nil {
			return nil, fmt.Errorf("settings: bank holidays: %w", err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("settings: bank holidays: %w", err)
	}
	if len(out) == 0 {
		return workdays.Shipped(), nil
	}
	return out, nil
}

// ReplaceHolidays makes hs the bank holidays in use.
func ReplaceHolidays(ctx context.Context, tx *store.Tx, hs []workdays.Holiday) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM bank_holidays`); err != nil {
		return fmt.Errorf("settings: replace bank holidays: %w", err)
	}
	for _, h := range hs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO bank_holidays (day, title) VALUES (?, ?)`, h.Date, h.Title); err != nil {
			return fmt.Errorf("settings: replace bank holidays: %w", err)
		}
	}
	return nil
}

// WorkClock returns the clock the unit's settings describe.
func WorkClock(ctx context.Context, q store.Querier) (*workdays.Clock, ClockSettings, error) {
	cs, err := Clock(ctx, q)
	if err != nil {
		return nil, cs, err
	}
	hs, err := Holidays(ctx, q)
	if err != nil {
		return nil, cs, err
	}
	return workdays.NewClock(cs.Mode, hs), cs, nil
}
