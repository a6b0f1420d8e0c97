// Package settings holds what a unit sets for itself, edited by an
// administrator at /admin/settings: how the first-response clock counts
// days, and the bank holidays it skips. Values live in the database, so
// every instance reads the same ones.
package settings

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

// Keys.
const (
	KeyResponseDays = "clock.response_days" // the first-response target, in days
	KeyDayMode      = "clock.day_mode"      // workdays.Calendar or workdays.Working
	// KeyHolidaysLoaded is when an administrator uploaded the bank holidays
	// in use (RFC 3339), empty once they go back to psu's own list.
	KeyHolidaysLoaded = "bank_holidays.loaded_at"
	// KeyRetentionYears is how many whole years an ended case is kept
	// before the retention job erases it.
	KeyRetentionYears = "retention.years"
)

// Retention limits: the default is the unit's policy (issue 11).
const (
	DefaultRetentionYears = 7
	MinRetentionYears     = 1
	MaxRetentionYears     = 50
)

// RetentionYears reads how long the unit keeps an ended case.
func RetentionYears(ctx context.Context, q store.Querier) (int, error) {
	v, err := Get(ctx, q, KeyRetentionYears, strconv.Itoa(DefaultRetentionYears))
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < MinRetentionYears || n > MaxRetentionYears {
		return DefaultRetentionYears, nil
	}
	return n, nil
}

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

// Set stores value for key, by userID. It is one upsert, so two
// administrators saving at once cannot collide on a key new to the table,
// and it holds the key's row until the transaction ends.
func Set(ctx context.Context, tx *store.Tx, key, value, userID string) error {
	var by any
	if userID != "" {
		by = userID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		key, value, store.Now(), by); err != nil {
		return fmt.Errorf("settings: set %s: %w", key, err)
	}
	if key == keyVersion {
		return nil
	}
	var b [12]byte
	rand.Read(b[:])
	if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		keyVersion, hex.EncodeToString(b[:]), store.Now(), by); err != nil {
		return fmt.Errorf("settings: new version: %w", err)
	}
	return nil
}

// keyVersion is a random value written anew, in the same transaction, by
// every Set: pages kept in the page cache that show a setting are found
// again only while it reads the same (see web.Version), on every psu that
// shares the database.
const keyVersion = "settings.version"

// Version reads the settings' version: it changes with every change to
// any setting.
func Version(ctx context.Context, q store.Querier) (string, error) {
	return Get(ctx, q, keyVersion, "")
}

// PageVersion is the settings' version for the page cache (web.Cached),
// for a page that shows a setting or may come to.
func PageVersion(db *store.DB) *web.Version {
	read := db.Read(`SELECT value FROM settings WHERE key = ?`)
	return web.NewVersion(func(ctx context.Context) (string, error) {
		var v string
		if err := store.Scan(read.QueryRowContext(ctx, keyVersion), &v); err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", fmt.Errorf("settings: version: %w", err)
		}
		return v, nil
	}, db.Writes)
}

// VersionSQL is the SQL for the settings' version as a scalar expression
// (” when none), for a page whose version reads it with something else.
const VersionSQL = `COALESCE((SELECT value FROM settings WHERE key = '` + keyVersion + `'), '')`

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
	hs, err := storedHolidays(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return workdays.Shipped(), nil
	}
	return hs, nil
}

func storedHolidays(ctx context.Context, q store.Querier) ([]workdays.Holiday, error) {
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
	return out, nil
}

// HolidayList is the bank holidays in use and where they came from.
type HolidayList struct {
	Holidays []workdays.Holiday // by date
	Uploaded bool               // an administrator's upload, not psu's own list
	LoadedAt time.Time          // when it was uploaded; zero when not known
}

// HolidaysInUse reads the bank holidays in use and where they came from.
func HolidaysInUse(ctx context.Context, q store.Querier) (HolidayList, error) {
	hs, err := storedHolidays(ctx, q)
	if err != nil {
		return HolidayList{}, err
	}
	if len(hs) == 0 {
		return HolidayList{Holidays: workdays.Shipped()}, nil
	}
	l := HolidayList{Holidays: hs, Uploaded: true}
	at, err := Get(ctx, q, KeyHolidaysLoaded, "")
	if err != nil {
		return l, err
	}
	if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
		l.LoadedAt = t
	}
	return l, nil
}

// LoadHolidays makes hs, uploaded by userID, the bank holidays in use.
func LoadHolidays(ctx context.Context, tx *store.Tx, hs []workdays.Holiday, userID string) error {
	if len(hs) == 0 {
		return errors.New("settings: load bank holidays: the list is empty")
	}
	// The key first: its row lock makes a second upload wait until this one
	// commits, so that its DELETE sees (and removes) what this one inserts.
	if err := Set(ctx, tx, KeyHolidaysLoaded, store.Now().Format(time.RFC3339Nano), userID); err != nil {
		return err
	}
	return ReplaceHolidays(ctx, tx, hs)
}

// UseShippedHolidays puts psu's own list back in use. Nothing is copied:
// with no uploaded list, Holidays reads the one built into the running
// psu, so a later release's longer list takes over by itself.
func UseShippedHolidays(ctx context.Context, tx *store.Tx, userID string) error {
	if err := Set(ctx, tx, KeyHolidaysLoaded, "", userID); err != nil { // first, as in LoadHolidays
		return err
	}
	return ReplaceHolidays(ctx, tx, nil)
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
