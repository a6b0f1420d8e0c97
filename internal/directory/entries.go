package directory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// The directory as maintained: every service, organisation and resource
// ever published is an entry (dir_entries), and every published state of
// it a version (dir_versions), whatever made it: an import, the editor, a
// restore, a check. The live tables hold only what is shown, so a hidden or
// deleted entry lives on in its versions alone, and nothing unpublished
// ever reaches them: the pages, the search index, the HSDS API and the
// export read only the live tables.

// Entry kinds.
const (
	EntryService      = "service"
	EntryOrganization = "organization"
	EntryResource     = "resource"
)

// Entry states: shown on the public pages and the API, hidden (kept, and
// shown again with one change), or deleted.
const (
	StateShown   = "shown"
	StateHidden  = "hidden"
	StateDeleted = "deleted"
)

// Version actions: what made a version.
const (
	ActionBaseline = "baseline" // the directory as it was when versions began
	ActionImport   = "import"   // psu directory import, or the embedded seed
	ActionPublish  = "publish"  // a draft published in the editor
	ActionRestore  = "restore"  // an older version published again
	ActionChecked  = "checked"  // marked as checked, nothing else changed
)

// Entry is one listing as the editor sees it.
type Entry struct {
	ID             string
	Kind           string
	Name           string
	OrganizationID string // services: their organisation
	State          string
	Version        int    // the version published now
	CheckedOn      string // services: when the details were last checked (YYYY-MM-DD), "" if never
	Edited         bool   // changed in the editor since the last import
	UpdatedAt      time.Time
}

// Version is one published state of an entry.
type Version struct {
	EntryID   string
	Version   int
	State     string
	Doc       []byte // the record as JSON, as the live table holds it
	Action    string
	Note      string
	ActorID   string // "" for psu itself (an import)
	ActorName string // "" for psu itself; the person's name otherwise
	At        time.Time
}

// ErrEntryNotFound means no entry has the id.
var ErrEntryNotFound = errors.New("directory: no such entry")

const entryColumns = `id, kind, name, COALESCE(organization_id, ''), state, version, checked_on, edited, updated_at`

func scanEntry(sc interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var at store.Time
	err := sc.Scan(&e.ID, &e.Kind, &e.Name, &e.OrganizationID, &e.State, &e.Version, &e.CheckedOn, &e.Edited, &at)
	e.UpdatedAt = at.Time
	return e, err
}

// LoadEntry reads one entry; ErrEntryNotFound when there is none.
func LoadEntry(ctx context.Context, q store.Querier, id string) (Entry, error) {
	e, err := scanEntry(q.QueryRowContext(ctx, `SELECT `+entryColumns+` FROM dir_entries WHERE id = ?`, id))
	if err != nil {
		if errors.Is(store.MapErr(err), store.ErrNotFound) {
			return Entry{}, ErrEntryNotFound
		}
		return Entry{}, fmt.Errorf("directory: entry %s: %w", id, err)
	}
	return e, nil
}

// EntryFilter narrows FindEntries.
type EntryFilter struct {
	Text  string // every word must start a word of the name
	Kind  string // "" for every kind
	State string // "" for shown and hidden (deleted entries only when asked for)
	Limit int    // 0 for 50
}

// FindEntries lists entries by name.
func FindEntries(ctx context.Context, q store.Querier, f EntryFilter) ([]Entry, error) {
	query := `SELECT ` + entryColumns + ` FROM dir_entries WHERE 1 = 1`
	var args []any
	if f.Kind != "" {
		query += ` AND kind = ?`
		args = append(args, f.Kind)
	}
	if f.State != "" {
		query += ` AND state = ?`
		args = append(args, f.State)
	} else {
		query += ` AND state <> ?`
		args = append(args, StateDeleted)
	}
	// Names are folded into sort_name; a word matches at the start of the
	// name or after a space. The table holds one row per listing, so the
	// scan is cheap.
	for _, w := range words(fold(f.Text)) {
		query += ` AND (sort_name LIKE ? OR sort_name LIKE ?)`
		args = append(args, likePrefix(w), "% "+likePrefix(w))
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	query += ` ORDER BY sort_name, id LIMIT ?`
	args = append(args, f.Limit)
	return queryEntries(ctx, q, query, args...)
}

// likePrefix is w followed by %, with LIKE's own characters (which fold
// never leaves in a word, but a word is not trusted) escaped away.
func likePrefix(w string) string {
	w = strings.NewReplacer("%", "", "_", "").Replace(w)
	return w + "%"
}

func queryEntries(ctx context.Context, q store.Querier, query string, args ...any) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("directory: entries: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, fmt.Errorf("directory: entries: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: entries: %w", err)
	}
	return out, nil
}

// EntriesOf lists the services and resources, shown or hidden, that name
// organisation id, by name.
func EntriesOf(ctx context.Context, q store.Querier, id string) ([]Entry, error) {
	return queryEntries(ctx, q, `SELECT `+entryColumns+` FROM dir_entries WHERE organization_id = ? AND kind IN (?, ?) AND state <> ?
		ORDER BY sort_name, id`, id, EntryService, EntryResource, StateDeleted)
}

// DueForReview lists the services shown on the public pages whose details
// were last checked before the date given (YYYY-MM-DD), or never, the
// longest unchecked first.
func DueForReview(ctx context.Context, q store.Querier, before string, limit int) ([]Entry, error) {
	if limit <= 0 {
		limit = 200
	}
	return queryEntries(ctx, q, `SELECT `+entryColumns+` FROM dir_entries
		WHERE kind = ? AND state = ? AND checked_on < ? ORDER BY checked_on, sort_name, id LIMIT ?`,
		EntryService, StateShown, before, limit)
}

// CountDueForReview counts what DueForReview would list.
func CountDueForReview(ctx context.Context, q store.Querier, before string) (int, error) {
	var n int
	err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dir_entries WHERE kind = ? AND state = ? AND checked_on < ?`,
		EntryService, StateShown, before), &n)
	if err != nil {
		return 0, fmt.Errorf("directory: due for review: %w", err)
	}
	return n, nil
}

const versionColumns = `v.entry_id, v.version, v.state, v.doc, v.action, v.note, COALESCE(v.actor_id, ''), COALESCE(u.name, ''), v.at`

func scanVersion(sc interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var doc string
	var at store.Time
	err := sc.Scan(&v.EntryID, &v.Version, &v.State, &doc, &v.Action, &v.Note, &v.ActorID, &v.ActorName, &at)
	v.Doc, v.At = []byte(doc), at.Time
	return v, err
}

// Versions lists every version of an entry, newest first.
func Versions(ctx context.Context, q store.Querier, id string) ([]Version, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+versionColumns+` FROM dir_versions v LEFT JOIN users u ON u.id = v.actor_id
		WHERE v.entry_id = ? ORDER BY v.version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("directory: versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("directory: versions: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("directory: versions: %w", err)
	}
	return out, nil
}

// LoadVersion reads one version of an entry; ErrEntryNotFound when there
// is no such version.
func LoadVersion(ctx context.Context, q store.Querier, id string, version int) (Version, error) {
	v, err := scanVersion(q.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM dir_versions v LEFT JOIN users u ON u.id = v.actor_id
		WHERE v.entry_id = ? AND v.version = ?`, id, version))
	if err != nil {
		if errors.Is(store.MapErr(err), store.ErrNotFound) {
			return Version{}, ErrEntryNotFound
		}
		return Version{}, fmt.Errorf("directory: version %d of %s: %w", version, id, err)
	}
	return v, nil
}

// newVersion is one version to write: the entry as it now stands and what
// made it.
type newVersion struct {
	entry   Entry // with the new state, name and so on; Version is the new number
	doc     []byte
	action  string
	note    string
	actorID string
	at      time.Time
}

// writeVersions records versions, inserting the entries that are new and
// updating the others, inside tx. The version numbers must follow on from
// those stored (the caller holds the entries' current numbers).
func writeVersions(ctx context.Context, tx *store.Tx, vs []newVersion) error {
	var fresh, versions [][]any
	for _, v := range vs {
		e := v.entry
		var org, actor any
		if e.OrganizationID != "" {
			org = e.OrganizationID
		}
		if v.actorID != "" {
			actor = v.actorID
		}
		if e.Version == 1 {
			fresh = append(fresh, []any{e.ID, e.Kind, e.Name, fold(e.Name), org, e.State, e.Version, e.CheckedOn, e.Edited, v.at})
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE dir_entries SET name = ?, sort_name = ?, organization_id = ?, state = ?, version = ?,
				checked_on = ?, edited = ?, updated_at = ? WHERE id = ? AND version = ?`,
				e.Name, fold(e.Name), org, e.State, e.Version, e.CheckedOn, e.Edited, v.at, e.ID, e.Version-1)
			if err != nil {
				return fmt.Errorf("directory: entry %s: %w", e.ID, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("directory: entry %s: %w", e.ID, ErrChangedMeanwhile)
			}
		}
		versions = append(versions, []any{e.ID, e.Version, e.State, string(v.doc), v.action, v.note, actor, v.at})
	}
	if err := store.InsertRows(ctx, tx, "dir_entries", []string{"id", "kind", "name", "sort_name", "organization_id", "state",
		"version", "checked_on", "edited", "updated_at"}, fresh); err != nil {
		return fmt.Errorf("directory: entries: %w", store.MapErr(err))
	}
	if err := store.InsertRows(ctx, tx, "dir_versions", []string{"entry_id", "version", "state", "doc", "action", "note",
		"actor_id", "at"}, versions); err != nil {
		return fmt.Errorf("directory: versions: %w", store.MapErr(err))
	}
	return nil
}

// ErrChangedMeanwhile means an entry was published by someone else between
// reading it and writing it.
var ErrChangedMeanwhile = errors.New("directory: the entry was changed meanwhile")

// entryStates reads every entry's current version, state, name and edited
// flag, for an import to number its versions and see what it overwrites.
func entryStates(ctx context.Context, q store.Querier) (map[string]Entry, error) {
	es, err := queryEntries(ctx, q, `SELECT `+entryColumns+` FROM dir_entries`)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Entry, len(es))
	for _, e := range es {
		out[e.ID] = e
	}
	return out, nil
}

// sortedNames is names in order, each once.
func sortedNames(names []string) []string {
	slices.Sort(names)
	return slices.Compact(names)
}
