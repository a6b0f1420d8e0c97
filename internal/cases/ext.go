package cases

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"sort"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Gate is how the other rooms of case work (appointments, plans and
// summaries, the portal's staff side) reach a case: through the same
// access check, audit trail, refusals and messages as the case pages, so
// no room decides on its own who may see a case.
type Gate struct{ h *handlers }

// Viewer is the member of staff making r.
func (g *Gate) Viewer(r *http.Request) Viewer { return g.h.viewer(r) }

// Open reads the case in the address ({ref}) for a page that shows it,
// records the view as action, and answers itself when the person may not
// see it.
func (g *Gate) Open(w http.ResponseWriter, r *http.Request, action, detail string) (*Case, Viewer, bool) {
	return g.h.load(w, r, action, detail)
}

// Act reads the case in the address for a posted action and checks, before
// anything posted is read, that the person may work on it.
func (g *Gate) Act(w http.ResponseWriter, r *http.Request) (*Case, Viewer, bool) {
	c, ok := g.h.find(w, r)
	if !ok {
		return nil, Viewer{}, false
	}
	v := g.h.viewer(r)
	if !g.h.mayAct(w, r, c, v) {
		return nil, v, false
	}
	return c, v, true
}

// Failed answers an action that did not go through (see ProblemError,
// TransitionError, Refusal); rerender shows the room's form again.
func (g *Gate) Failed(w http.ResponseWriter, r *http.Request, c *Case, err error, rerender func(status int, f *web.Form)) {
	g.h.failed(w, r, c, err, rerender)
}

// Done ends a successful action: the message is shown on the case page.
// code must have been registered with AddMessage.
func (g *Gate) Done(w http.ResponseWriter, r *http.Request, c *Case, code string) {
	g.h.setFlash(r, code)
	http.Redirect(w, r, casePath(c), http.StatusSeeOther)
}

// AddMessage registers a success message a room shows after an action.
// Messages are stored in the session as codes, so they must never name a
// person.
func (g *Gate) AddMessage(code, text string) { g.h.messages[code] = text }

// Panel is a room's part of the case page (the appointments, the plan …).
type Panel struct {
	Order  int // panels are shown in ascending order, below the actions
	Render func(ctx context.Context, c *Case, v Viewer) (template.HTML, error)
}

// AddPanel adds a room's part to every case page.
func (g *Gate) AddPanel(p Panel) {
	g.h.panels = append(g.h.panels, p)
	sort.SliceStable(g.h.panels, func(i, j int) bool { return g.h.panels[i].Order < g.h.panels[j].Order })
}

// Path is the address of c's case page.
func Path(c *Case) string { return casePath(c) }

// Act runs fn on case id for v in one transaction, exactly as the case
// page's own actions do: the row locked and read afresh, v's right to it
// checked again, one audit entry naming action with the detail fn returns.
func (s *Store) Act(ctx context.Context, v Viewer, id, action string, leadOnly bool, fn func(tx *store.Tx, c *Case) (detail string, err error)) error {
	return s.act(ctx, v, id, action, leadOnly, fn)
}

// ErrCaseEnded refuses a trainee's change to a case that has ended.
var ErrCaseEnded = errors.New("cases: the case has ended")

// TraineeAct runs fn for the trainee on their own case id in one
// transaction: the row is locked and read afresh, so a case the adviser has
// just closed is refused with ErrCaseEnded before fn runs, and one audit
// entry with the trainee's role names action and what fn says it touched
// (the case itself when fn names nothing).
func (s *Store) TraineeAct(ctx context.Context, id, action string, fn func(tx *store.Tx, c *Case) (targetType, targetID string, err error)) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		c, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if !c.Status.Open() || c.Erased() {
			return ErrCaseEnded
		}
		typ, target, err := fn(tx, c)
		if err != nil {
			return err
		}
		if typ == "" {
			typ, target = "case", c.ID
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: action, TargetType: typ, TargetID: target, CaseID: c.ID})
	})
}

// MoveTx moves c through the state machine inside an action's transaction
// (booking an appointment moves a case to Booked, and so on).
func (s *Store) MoveTx(ctx context.Context, tx *store.Tx, v Viewer, c *Case, to Status, detail string) error {
	return s.move(ctx, tx, v, c, to, detail, "")
}

// AddEvent writes e on c's timeline inside a transaction; text, if any, is
// sealed under the case key.
func (s *Store) AddEvent(ctx context.Context, tx *store.Tx, c *Case, e Event, text string) error {
	if text == "" {
		return event(ctx, tx, c, e)
	}
	return s.sealedEvent(ctx, tx, c, e, text)
}

// MailTrainee queues an e-mail to c's trainee if they agreed to e-mail about
// their case, and reports whether it did. The text must carry nothing the
// trainee told the unit.
func (s *Store) MailTrainee(ctx context.Context, tx *store.Tx, c *Case, kind, subject, text string) (bool, error) {
	return s.mailTrainee(ctx, tx, c, kind, subject, text)
}

// Problem is a refusal of what was typed, for field, worded for the person.
func Problem(field, msg string) error { return problem(field, msg) }

// ForTrainee finds the case of the trainee whose application gave email
// (matched by keyed hash): the newest that holds an application and was not
// merged into another. The portal signs trainees in to it.
func (s *Store) ForTrainee(ctx context.Context, q store.Querier, email string) (*Case, error) {
	var id string
	if err := store.Scan(q.QueryRowContext(ctx, `SELECT id FROM cases WHERE email_blind = ? AND submitted_at IS NOT NULL
		AND merged_into IS NULL ORDER BY submitted_at DESC, id DESC LIMIT 1`, s.emailBlind(email)), &id); err != nil {
		return nil, err
	}
	return s.Get(ctx, q, id)
}

// AdviserName is the name of the adviser c is assigned to, "" for none.
func (s *Store) AdviserName(ctx context.Context, q store.Querier, c *Case) (string, error) {
	if c.AssignedTo == "" {
		return "", nil
	}
	var name string
	err := store.Scan(q.QueryRowContext(ctx, `SELECT name FROM users WHERE id = ?`, c.AssignedTo), &name)
	return name, err
}
