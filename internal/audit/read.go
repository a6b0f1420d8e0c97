package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/store"
)

// Entry is an audit entry as read back.
type Entry struct {
	Seq int64 // place in the chain; 0 for an entry written before the chain began
	ID  string
	At  time.Time
	Event
}

// MaxLimit is the most entries one read returns; DefaultLimit is what a
// limit of 0 means.
const (
	MaxLimit     = 500
	DefaultLimit = 50
)

func clamp(limit int) int {
	switch {
	case limit <= 0:
		return DefaultLimit
	case limit > MaxLimit:
		return MaxLimit
	}
	return limit
}

const readColumns = `seq, id, at, actor_id, actor_role, action, target_type, target_id, case_id, source, detail`

func readEntries(rows *sql.Rows) ([]Entry, error) {
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var seq sql.NullInt64
		var actor sql.NullString
		var at store.Time
		if err := rows.Scan(&seq, &e.ID, &at, &actor, &e.ActorRole, &e.Action, &e.TargetType, &e.TargetID, &e.CaseID, &e.Source, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit: read: %w", err)
		}
		e.Seq, e.At, e.ActorID = seq.Int64, at.Time, actor.String
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit: read: %w", err)
	}
	return out, nil
}

// ForCase returns who looked at or changed the case, newest first: at most
// limit entries (0 means DefaultLimit, and no more than MaxLimit).
func ForCase(ctx context.Context, q store.Querier, caseID string, limit int) ([]Entry, error) {
	if caseID == "" {
		return nil, errors.New("audit: ForCase needs a case id")
	}
	rows, err := q.QueryContext(ctx, `SELECT `+readColumns+` FROM audit_log WHERE case_id = ? ORDER BY seq DESC LIMIT ?`, caseID, clamp(limit))
	if err != nil {
		return nil, fmt.Errorf("audit: entries for a case: %w", err)
	}
	return readEntries(rows)
}

// Filter chooses entries for the administrators' list. Zero fields do not
// filter.
type Filter struct {
	ActorID      string    // entries by this member of staff
	ActionPrefix string    // actions starting with this, e.g. "auth." or "auth.sign_in"
	Since        time.Time // entries at or after this time
	Until        time.Time // entries before this time
	// After is the Next of the page before, to read the one that follows.
	After Cursor
	Limit int // entries on a page; 0 means DefaultLimit, and no more than MaxLimit
}

// Cursor marks where a page ended: entries are listed newest first by time,
// then id, and the next page starts after the last one shown. Paging by
// position rather than by an offset keeps pages steady while entries are
// added.
type Cursor struct {
	At time.Time
	ID string
}

// IsZero reports whether c is the start of the list.
func (c Cursor) IsZero() bool { return c.ID == "" }

// String gives the cursor in a form for a URL: microseconds since 1970, a
// dot, the entry's id.
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.FormatInt(c.At.UnixMicro(), 10) + "." + c.ID
}

// ParseCursor reads Cursor.String's form; anything else is the start of the
// list, so a mangled link shows the newest page rather than an error.
func ParseCursor(s string) Cursor {
	at, id, ok := strings.Cut(s, ".")
	us, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || !store.ValidID(id) {
		return Cursor{}
	}
	return Cursor{At: time.UnixMicro(us).UTC(), ID: id}
}

// Page is one page of List.
type Page struct {
	Entries []Entry
	// Next continues the list (Filter.After); zero on the last page.
	Next Cursor
}

// List returns one page of entries matching f, newest first.
func List(ctx context.Context, q store.Querier, f Filter) (Page, error) {
	var where []string
	var args []any
	if f.ActorID != "" {
		where, args = append(where, `actor_id = ?`), append(args, f.ActorID)
	}
	if f.ActionPrefix != "" {
		// substr, not LIKE: LIKE ignores case on SQLite and would need its
		// wildcards escaped.
		where = append(where, `substr(action, 1, ?) = ?`)
		args = append(args, utf8.RuneCountInString(f.ActionPrefix), f.ActionPrefix)
	}
	if !f.Since.IsZero() {
		where, args = append(where, `at >= ?`), append(args, f.Since)
	}
	if !f.Until.IsZero() {
		where, args = append(where, `at < ?`), append(args, f.Until)
	}
	if !f.After.IsZero() {
		where = append(where, `(at < ? OR (at = ? AND id < ?))`)
		args = append(args, f.After.At, f.After.At, f.After.ID)
	}
	query := `SELECT ` + readColumns + ` FROM audit_log`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, ` AND `)
	}
	limit := clamp(f.Limit)
	// One more than a page tells whether another page follows.
	rows, err := q.QueryContext(ctx, query+` ORDER BY at DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return Page{}, fmt.Errorf("audit: list: %w", err)
	}
	entries, err := readEntries(rows)
	if err != nil {
		return Page{}, err
	}
	p := Page{Entries: entries}
	if len(entries) > limit {
		p.Entries = entries[:limit]
		last := p.Entries[limit-1]
		p.Next = Cursor{At: last.At, ID: last.ID}
	}
	return p, nil
}
