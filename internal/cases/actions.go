package cases

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/workdays"
)

// Limits on what staff type, in characters.
const (
	MaxNote   = 10000
	MaxReason = 1000
)

// ErrLeadsOnly refuses an action only a triage lead may take.
var ErrLeadsOnly = &Refusal{"triage leads only", "Only a triage lead can do this."}

// ErrErased refuses any change to a case whose record was erased.
var ErrErased = &Refusal{"erased", "This case's record was erased, so nothing more can be done on it. Its reference, status and dates are kept."}

// ProblemError is a refused action worded for the person who tried it.
type ProblemError struct{ Field, Message string }

func (e *ProblemError) Error() string { return e.Message }

func problem(field, msg string) error { return &ProblemError{field, msg} }

// act runs fn on case id for v in one transaction: the case row is locked
// and read afresh, v's right to it checked against that fresh row (it may
// have been reassigned or restricted meanwhile), and one audit entry names
// the action. A refusal is audited too, after the rollback.
func (s *Store) act(ctx context.Context, v Viewer, id, action string, leadOnly bool, fn func(tx *store.Tx, c *Case) (detail string, err error)) error {
	var refusal *Refusal
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		c, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if refusal, err = s.decide(ctx, tx, v, c); err != nil {
			return err
		}
		if refusal == nil && leadOnly && !v.Lead {
			refusal = ErrLeadsOnly
		}
		if refusal == nil && c.Erased() {
			refusal = ErrErased
		}
		if refusal != nil {
			return refusal
		}
		detail, err := fn(tx, c)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, v.event(action, c.ID, detail))
	})
	if refusal != nil {
		if aerr := s.DB.Tx(ctx, func(tx *store.Tx) error {
			return audit.Record(ctx, tx, v.event("case.refused", id, action+": "+refusal.Code))
		}); aerr != nil {
			return aerr
		}
	}
	return err
}

// move changes c's status through the state machine, with a timeline entry.
func (s *Store) move(ctx context.Context, tx *store.Tx, v Viewer, c *Case, to Status, detail, reason string) error {
	if !c.Status.CanMove(to) {
		return &TransitionError{From: c.Status, To: to}
	}
	from, now := c.Status, store.Now()
	if err := setStatus(ctx, tx, c, to, now); err != nil {
		return err
	}

	e := Event{Kind: EventStatus, ActorID: v.UserID, At: now, FromStatus: from, ToStatus: to, Detail: detail}
	var err error
	if reason != "" {
		err = s.sealedEvent(ctx, tx, c, e, reason)
	} else {
		err = event(ctx, tx, c, e)
	}
	if err != nil || !from.Open() || to.Open() {
		return err
	}
	for _, f := range s.OnEnd {
		if err := f(ctx, tx, v, c); err != nil {
			return err
		}
	}
	return nil
}

func checkText(field, label, v string, max int, required bool) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		return "", problem(field, "Enter "+label)
	case utf8.RuneCountInString(v) > max:
		n := utf8.RuneCountInString(v)
		return "", problem(field, fmt.Sprintf("%s must be %d characters or fewer. You have %d: shorten it by %d.", capitalise(label), max, n, n-max))
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		return "", problem(field, capitalise(label)+" contains characters we cannot store. Retype it rather than pasting it.")
	}
	return v, nil
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Assign gives case id to adviser userID (a triage lead's action).
func (s *Store) Assign(ctx context.Context, v Viewer, id, userID string) error {
	return s.act(ctx, v, id, "case.assign", true, func(tx *store.Tx, c *Case) (string, error) {
		a, err := s.adviser(ctx, tx, userID)
		if err != nil {
			return "", err
		}
		if conflicted, err := s.Conflicted(ctx, tx, c.ID, userID); err != nil {
			return "", err
		} else if conflicted {
			return "", problem("adviser", a.Name+" has declared a conflict of interest with this case. Choose someone else.")
		}
		if c.AssignedTo == userID {
			return "", problem("adviser", "This case is already assigned to "+a.Name+".")
		}
		now := store.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET assigned_to = ?, assigned_at = ?, updated_at = ? WHERE id = ?`, userID, now, now, c.ID); err != nil {
			return "", fmt.Errorf("cases: assign: %w", err)
		}
		return "assigned to " + userID, event(ctx, tx, c, Event{Kind: EventAssigned, ActorID: v.UserID, At: now, Detail: a.Name})
	})
}

// Contact ways, as the case records them.
var ContactWays = []struct{ Value, Label string }{
	{"email", "E-mail"},
	{"phone", "Phone"},
	{"video", "Teams or Zoom"},
	{"letter", "Letter"},
}

func contactLabel(v string) string {
	for _, w := range ContactWays {
		if w.Value == v {
			return w.Label
		}
	}
	return ""
}

// MarkContacted records the first contact with the trainee, and how; it
// stops the first-response clock.
func (s *Store) MarkContacted(ctx context.Context, v Viewer, id, how string) error {
	return s.act(ctx, v, id, "case.contacted", false, func(tx *store.Tx, c *Case) (string, error) {
		label := contactLabel(how)
		if label == "" {
			return "", problem("how", "Select how you contacted the trainee")
		}
		if c.Status != New {
			return "", &TransitionError{From: c.Status, To: Contacted}
		}
		now := store.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET responded_at = ?, clock_paused_at = NULL WHERE id = ?`, now, c.ID); err != nil {
			return "", fmt.Errorf("cases: contacted: %w", err)
		}
		if err := s.move(ctx, tx, v, c, Contacted, "by "+strings.ToLower(label), ""); err != nil {
			return "", err
		}
		return "by " + how, event(ctx, tx, c, Event{Kind: EventContacted, ActorID: v.UserID, At: now, Detail: label})
	})
}

// Note is a staff note on a case, opened.
type Note struct {
	ID         string
	Kind       string
	AuthorName string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Body       string
}

// AddNote adds a staff note, sealed under the case key.
func (s *Store) AddNote(ctx context.Context, v Viewer, id, body string) error {
	body, err := checkText("note", "the note", body, MaxNote, true)
	if err != nil {
		return err
	}
	return s.act(ctx, v, id, "case.note", false, func(tx *store.Tx, c *Case) (string, error) {
		nid, now := store.NewID(), store.Now()
		sealed, err := s.SealFor(c, body, "case_notes.body:"+nid)
		if err != nil {
			return "", err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_notes (id, case_id, kind, author_id, created_at, updated_at, body)
			VALUES (?, ?, 'case', ?, ?, ?, ?)`, nid, c.ID, v.UserID, now, now, sealed); err != nil {
			return "", fmt.Errorf("cases: note: %w", err)
		}
		return nid, event(ctx, tx, c, Event{Kind: EventNote, ActorID: v.UserID, At: now})
	})
}

// Notes lists c's notes, newest first, opened.
func (s *Store) Notes(ctx context.Context, c *Case) ([]Note, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT n.id, n.kind, COALESCE(u.name, ''), n.created_at, n.updated_at, n.body
		FROM case_notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.case_id = ? AND n.kind = 'case' ORDER BY n.created_at DESC, n.id DESC`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("cases: notes: %w", err)
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var n Note
		var sealed []byte
		if err := rows.Scan(&n.ID, &n.Kind, &n.AuthorName, &n.CreatedAt, &n.UpdatedAt, &sealed); err != nil {
			return nil, fmt.Errorf("cases: notes: %w", err)
		}
		if n.Body, err = s.OpenFor(c, sealed, "case_notes.body:"+n.ID); err != nil {
			return nil, err
		}
		n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}

// Outcomes a case may close with, until the unit edits its own list.
var Outcomes = []string{
	"Plan agreed and under way",
	"Support completed",
	"Signposted to another service",
	"Trainee stopped attending",
	"Other",
}

// Move takes case id to status to, through the state machine. Closing
// needs an outcome from Outcomes; a reason is optional and sealed.
func (s *Store) Move(ctx context.Context, v Viewer, id string, to Status, outcome, reason string) error {
	reason, err := checkText("reason", "the reason", reason, MaxReason, false)
	if err != nil {
		return err
	}
	if !to.Valid() {
		return problem("status", "Select what has happened")
	}
	return s.act(ctx, v, id, "case.status", false, func(tx *store.Tx, c *Case) (string, error) {
		switch to {
		case Contacted:
			if c.Status == New {
				return "", problem("status", "Use \u2018Mark as contacted\u2019 to record the first contact and how it was made.")
			}
		case Merged:
			return "", problem("status", "Use \u2018Merge into another case\u2019 to merge a duplicate.")
		case NotEligible:
			return "", problem("status", "Use \u2018Not eligible\u2019, which lets you choose where to point the trainee.")
		case Closed:
			if s.CloseVia != "" {
				return "", problem("status", "Use \u2018Close the case\u2019, which records the outcome and what happens next.")
			}
		}
		detail := ""
		if to == Closed {
			list, err := s.outcomes(ctx, tx)
			if err != nil {
				return "", err
			}
			if !containsString(list, outcome) {
				return "", problem("outcome", "Select the outcome of the case")
			}
			now := store.Now()
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET outcome = ?, closed_at = ? WHERE id = ?`, outcome, now, c.ID); err != nil {
				return "", fmt.Errorf("cases: close: %w", err)
			}
			detail = outcome
		}
		if c.Status == Closed {
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET outcome = '', closed_at = NULL WHERE id = ?`, c.ID); err != nil {
				return "", fmt.Errorf("cases: reopen: %w", err)
			}
		}
		return string(c.Status) + " to " + string(to), s.move(ctx, tx, v, c, to, detail, reason)
	})
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Restrict marks case id restricted (or not): anyone it is not assigned to
// must then give a reason to open it. A triage lead's action.
func (s *Store) Restrict(ctx context.Context, v Viewer, id string, on bool) error {
	return s.act(ctx, v, id, "case.restrict", true, func(tx *store.Tx, c *Case) (string, error) {
		if c.Restricted == on {
			return "", nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET restricted = ?, updated_at = ? WHERE id = ?`, on, store.Now(), c.ID); err != nil {
			return "", fmt.Errorf("cases: restrict: %w", err)
		}
		detail := "off"
		if on {
			detail = "on"
		}
		return detail, event(ctx, tx, c, Event{Kind: EventRestricted, ActorID: v.UserID, Detail: detail})
	})
}

// DeclareConflict records that v knows the trainee on case id. From then on
// v cannot open it; if it was assigned to v, it goes back to the leads.
// Whoever sees the case in their queue (its adviser, or a lead) may declare
// one without opening it; declaring twice changes nothing.
func (s *Store) DeclareConflict(ctx context.Context, v Viewer, id string) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		c, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if !v.Lead && c.AssignedTo != v.UserID {
			return ErrNotYours
		}
		if already, err := s.Conflicted(ctx, tx, c.ID, v.UserID); err != nil || already {
			return err
		}
		now := store.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_conflicts (case_id, user_id, declared_at) VALUES (?, ?, ?)
			ON CONFLICT (case_id, user_id) DO NOTHING`, c.ID, v.UserID, now); err != nil {
			return fmt.Errorf("cases: conflict: %w", err)
		}
		if c.AssignedTo == v.UserID {
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET assigned_to = NULL, assigned_at = NULL, updated_at = ? WHERE id = ?`, now, c.ID); err != nil {
				return fmt.Errorf("cases: conflict: %w", err)
			}
		}
		if err := event(ctx, tx, c, Event{Kind: EventConflict, ActorID: v.UserID, At: now}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, v.event("case.conflict_declared", c.ID, ""))
	})
}

// PauseClock stops the first-response clock (waiting for the trainee),
// with a reason.
func (s *Store) PauseClock(ctx context.Context, v Viewer, id, reason string) error {
	reason, err := checkText("reason", "why the clock is paused", reason, MaxReason, true)
	if err != nil {
		return err
	}
	return s.act(ctx, v, id, "case.clock_paused", false, func(tx *store.Tx, c *Case) (string, error) {
		switch {
		case c.SubmittedAt.IsZero() || !c.RespondedAt.IsZero():
			return "", problem("reason", "The first-response clock is not running on this case.")
		case !c.ClockPausedAt.IsZero():
			return "", problem("reason", "The clock is already paused.")
		}
		now := store.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET clock_paused_at = ?, updated_at = ? WHERE id = ?`, now, now, c.ID); err != nil {
			return "", fmt.Errorf("cases: pause: %w", err)
		}
		return "", s.sealedEvent(ctx, tx, c, Event{Kind: EventClockPaused, ActorID: v.UserID, At: now}, reason)
	})
}

// ResumeClock restarts a paused clock; the target moves on by the days it
// was paused, counted as the unit counts them.
func (s *Store) ResumeClock(ctx context.Context, v Viewer, id string) error {
	return s.act(ctx, v, id, "case.clock_resumed", false, func(tx *store.Tx, c *Case) (string, error) {
		if c.ClockPausedAt.IsZero() {
			return "", problem("resume", "The clock is not paused.")
		}
		clock, cs, err := settings.WorkClock(ctx, tx)
		if err != nil {
			return "", err
		}
		now := store.Now()
		paused := c.ClockPausedDays + max(0, clock.Between(c.ClockPausedAt, now))
		due := clock.Due(c.SubmittedAt, cs.Days+paused)
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET clock_paused_at = NULL, clock_paused_days = ?, response_due = ?, updated_at = ? WHERE id = ?`,
			paused, due, now, c.ID); err != nil {
			return "", fmt.Errorf("cases: resume: %w", err)
		}
		return "", event(ctx, tx, c, Event{Kind: EventClockResumed, ActorID: v.UserID, At: now,
			Detail: fmt.Sprintf("new target %s", due.In(workdays.London).Format("2 January 2006"))})
	})
}

// RecomputeTargets moves every running first-response target to what the
// unit's settings now say (after a change of days or how they count).
func (s *Store) RecomputeTargets(ctx context.Context, tx *store.Tx) error {
	clock, cs, err := settings.WorkClock(ctx, tx)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, submitted_at, clock_paused_days FROM cases WHERE responded_at IS NULL AND submitted_at IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("cases: recompute: %w", err)
	}
	type target struct {
		id  string
		due time.Time
	}
	var ts []target
	for rows.Next() {
		var id string
		var submitted time.Time
		var paused int
		if err := rows.Scan(&id, &submitted, &paused); err != nil {
			rows.Close()
			return fmt.Errorf("cases: recompute: %w", err)
		}
		ts = append(ts, target{id, clock.Due(submitted, cs.Days+paused)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cases: recompute: %w", err)
	}
	for _, t := range ts {
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET response_due = ? WHERE id = ?`, t.due, t.id); err != nil {
			return fmt.Errorf("cases: recompute: %w", err)
		}
	}
	return nil
}

// Staff is a member of staff case work can assign to, with their caseload.
type Staff struct {
	ID       string
	Name     string
	Open     int // open cases assigned to them
	Conflict bool
}

func (s *Store) adviser(ctx context.Context, q store.Querier, id string) (Staff, error) {
	var st Staff
	err := store.Scan(q.QueryRowContext(ctx, `SELECT id, name FROM users WHERE id = ? AND disabled_at IS NULL AND password_hash <> ''
		AND id IN (SELECT user_id FROM user_roles WHERE role IN ('adviser', 'triage_lead'))`, id), &st.ID, &st.Name)
	if errors.Is(err, store.ErrNotFound) {
		return st, problem("adviser", "Select an adviser from the list")
	}
	return st, err
}

// assignable is who a case can be assigned to: advisers and triage leads
// whose accounts are in use.
const assignable = `FROM users u WHERE u.disabled_at IS NULL AND u.password_hash <> ''
	AND u.id IN (SELECT user_id FROM user_roles WHERE role IN ('adviser', 'triage_lead')) ORDER BY u.name, u.id`

// Advisers lists the staff a case can be assigned to (advisers and triage
// leads), with their open caseloads; conflicted marks those who declared a
// conflict with case caseID ("" for none).
func (s *Store) Advisers(ctx context.Context, caseID string) ([]Staff, error) {
	return s.staffList(ctx, `SELECT u.id, u.name,
		(SELECT COUNT(*) FROM cases c WHERE c.assigned_to = u.id AND c.status NOT IN ('closed', 'withdrawn', 'not_eligible', 'merged')),
		EXISTS (SELECT 1 FROM case_conflicts cc WHERE cc.user_id = u.id AND cc.case_id = ?) `+assignable, caseID)
}

// AdviserNames lists the same people as Advisers, by name only: what the
// queue's filter needs, without counting anyone's caseload on every view.
func (s *Store) AdviserNames(ctx context.Context) ([]Staff, error) {
	return s.staffList(ctx, `SELECT u.id, u.name, 0, FALSE `+assignable)
}

func (s *Store) staffList(ctx context.Context, q string, args ...any) ([]Staff, error) {
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("cases: advisers: %w", err)
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		var st Staff
		if err := rows.Scan(&st.ID, &st.Name, &st.Open, &st.Conflict); err != nil {
			return nil, fmt.Errorf("cases: advisers: %w", err)
		}
		out = append(out, st)
	}
	return out, rows.Err()
}
