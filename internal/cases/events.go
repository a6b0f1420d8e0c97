package cases

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// Event kinds on a case's timeline.
const (
	EventNotified     = "notified"      // a referrer's notice arrived
	EventApplied      = "applied"       // the trainee's application arrived
	EventStatus       = "status"        // the status changed
	EventAssigned     = "assigned"      // assigned or reassigned
	EventContacted    = "contacted"     // first contact made (detail: how)
	EventNote         = "note"          // a note was added
	EventClockPaused  = "clock_paused"  // sealed: why
	EventClockResumed = "clock_resumed" //
	EventRestricted   = "restricted"    // detail: "on" or "off"
	EventConflict     = "conflict"      // someone declared a conflict of interest
	EventBreakGlass   = "break_glass"   // a restricted case was opened with a reason
	EventMerged       = "merged"        // detail: the other case's reference
	EventMail         = "mail"          // an e-mail to the trainee was queued (detail: which)
)

// Event is one entry of the timeline.
type Event struct {
	ID         string
	At         time.Time
	ActorID    string
	ActorName  string
	Kind       string
	FromStatus Status
	ToStatus   Status
	Detail     string // plain, never sensitive
	Sealed     string // opened text (a reason), for those allowed to see the case
}

// sealedLabels words, per event kind, what an event's sealed text is; the
// rooms that write events of their own register theirs.
var sealedLabels = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

// LabelSealed says how the timeline introduces the sealed text of events of
// kind (for example "In their words" for a note the trainee wrote). Kinds
// nobody labels show theirs as a reason.
func LabelSealed(kind, label string) {
	sealedLabels.Lock()
	defer sealedLabels.Unlock()
	sealedLabels.m[kind] = label
}

// SealedLabel is how the timeline introduces e's sealed text.
func (e Event) SealedLabel() string {
	sealedLabels.RLock()
	defer sealedLabels.RUnlock()
	if l, ok := sealedLabels.m[e.Kind]; ok {
		return l
	}
	return "Reason"
}

// event writes e, which carries nothing sensitive, to c's timeline.
func event(ctx context.Context, tx *store.Tx, c *Case, e Event) error {
	return writeEvent(ctx, tx, c, e, nil)
}

func writeEvent(ctx context.Context, tx *store.Tx, c *Case, e Event, sealed []byte) error {
	if e.ID == "" {
		e.ID = store.NewID()
	}
	if e.At.IsZero() {
		e.At = store.Now()
	}
	var actor any
	if e.ActorID != "" {
		actor = e.ActorID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO case_events (id, case_id, at, actor_id, kind, from_status, to_status, detail, sealed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, c.ID, e.At, actor, e.Kind, e.FromStatus, e.ToStatus, e.Detail, sealed)
	if err != nil {
		return fmt.Errorf("cases: event: %w", err)
	}
	return nil
}

// Timeline lists what happened to c, newest first, with sealed reasons
// opened.
func (s *Store) Timeline(ctx context.Context, c *Case) ([]Event, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT e.id, e.at, COALESCE(e.actor_id, ''), COALESCE(u.name, ''), e.kind,
		e.from_status, e.to_status, e.detail, e.sealed
		FROM case_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.case_id = ? ORDER BY e.at DESC, e.id DESC`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("cases: timeline: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var sealed []byte
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Kind, &e.FromStatus, &e.ToStatus, &e.Detail, &sealed); err != nil {
			return nil, fmt.Errorf("cases: timeline: %w", err)
		}
		e.At = e.At.UTC()
		if len(sealed) > 0 {
			if e.Sealed, err = s.OpenFor(c, sealed, "case_events.sealed:"+e.ID); err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// sealedEvent writes an event with text a person typed, sealed under c's
// key.
func (s *Store) sealedEvent(ctx context.Context, tx *store.Tx, c *Case, e Event, text string) error {
	e.ID = store.NewID()
	sealed, err := s.SealFor(c, text, "case_events.sealed:"+e.ID)
	if err != nil {
		return err
	}
	return writeEvent(ctx, tx, c, e, sealed)
}
