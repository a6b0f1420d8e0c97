package cases

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Viewer is a member of staff as case work sees them.
type Viewer struct {
	UserID string
	Name   string
	Roles  string // for the audit trail
	Lead   bool   // a triage lead sees every case
	Source string // the client address, for the audit trail
}

// ViewerOf is the person making r. Only advisers and triage leads reach
// case routes (the route table says so); an administrator alone sees no
// case content.
func ViewerOf(r *http.Request, trusted []netip.Prefix) Viewer {
	p := web.PrincipalFrom(r)
	return Viewer{UserID: p.UserID, Name: p.Name, Roles: p.Roles.String(), Lead: p.Can(web.TriageLead),
		Source: web.ClientIP(r, trusted).String()}
}

// event is an audit entry for something v did to case caseID.
func (v Viewer) event(action, caseID, detail string) audit.Event {
	return audit.Event{ActorID: v.UserID, ActorRole: v.Roles, Action: action, TargetType: "case", TargetID: caseID,
		CaseID: caseID, Source: v.Source, Detail: detail}
}

// systemEvent is an audit entry for something psu itself did to a case.
func systemEvent(action, caseID string) audit.Event {
	return audit.Event{ActorRole: "system", Action: action, TargetType: "case", TargetID: caseID, CaseID: caseID}
}

// Refusal is why someone may not see a case: Message is for them, Code for
// the audit trail.
type Refusal struct{ Code, Message string }

func (r *Refusal) Error() string { return r.Message }

// The refusals.
var (
	ErrNotYours    = &Refusal{"not assigned", "This case is assigned to another adviser. Ask a triage lead if you need to work on it."}
	ErrConflicted  = &Refusal{"conflict of interest", "You have declared a conflict of interest with this case, so you cannot open it."}
	ErrNeedsReason = &Refusal{"restricted, no reason given", "This case is restricted. To open it, give a reason: it is recorded and shown to the triage leads."}
)

// BreakGlassFor is how long a reason given to open a restricted case lets
// that person back in without another.
const BreakGlassFor = 30 * time.Minute

// Authorize is the one place that decides whether v may see case c, and
// the one place that writes that they did (or were refused) to the audit
// trail, committed before it returns. action names what they are doing
// ("case.view", "case.document.download" …). It returns nil, or one of the
// refusals above.
func (s *Store) Authorize(ctx context.Context, v Viewer, c *Case, action, detail string) error {
	refusal, err := s.decide(ctx, s.DB, v, c)
	if err != nil {
		return err
	}
	e := v.event(action, c.ID, detail)
	if refusal != nil {
		e = v.event("case.refused", c.ID, action+": "+refusal.Code)
	}
	if err := audit.Record(ctx, s.DB, e); err != nil {
		return fmt.Errorf("cases: audit access: %w", err)
	}
	if refusal != nil {
		return refusal
	}
	return nil
}

// decide applies the rules, in order: a declared conflict shuts anyone out;
// an adviser sees only what is assigned to them, a lead everything; a
// restricted case needs a recent reason from anyone it is not assigned to.
// refusal is nil when v may see c; err is a failure to decide.
func (s *Store) decide(ctx context.Context, q store.Querier, v Viewer, c *Case) (refusal *Refusal, err error) {
	if v.UserID == "" {
		return ErrNotYours, nil
	}
	conflicted, err := s.Conflicted(ctx, q, c.ID, v.UserID)
	if err != nil {
		return nil, err
	}
	if conflicted {
		return ErrConflicted, nil
	}
	mine := c.AssignedTo == v.UserID
	if !mine && !v.Lead {
		return ErrNotYours, nil
	}
	if c.Restricted && !mine {
		ok, err := s.glassOpen(ctx, q, c.ID, v.UserID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return ErrNeedsReason, nil
		}
	}
	return nil, nil
}

// Conflicted reports whether userID has declared a conflict with case id.
func (s *Store) Conflicted(ctx context.Context, q store.Querier, caseID, userID string) (bool, error) {
	var n int
	if err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_conflicts WHERE case_id = ? AND user_id = ?`, caseID, userID), &n); err != nil {
		return false, fmt.Errorf("cases: conflict: %w", err)
	}
	return n > 0, nil
}

func (s *Store) glassOpen(ctx context.Context, q store.Querier, caseID, userID string) (bool, error) {
	var n int
	if err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_break_glass WHERE case_id = ? AND user_id = ? AND until_at > ?`,
		caseID, userID, store.Now()), &n); err != nil {
		return false, fmt.Errorf("cases: break glass: %w", err)
	}
	return n > 0, nil
}

// BreakGlass records v's reason for opening restricted case c, which lets
// them in for BreakGlassFor. The reason is sealed; the leads see it.
func (s *Store) BreakGlass(ctx context.Context, v Viewer, c *Case, reason string) error {
	reason = strings.TrimSpace(reason)
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		id, now := store.NewID(), store.Now()
		sealed, err := s.SealFor(c, reason, "case_break_glass.reason:"+id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_break_glass (id, case_id, user_id, at, until_at, reason) VALUES (?, ?, ?, ?, ?, ?)`,
			id, c.ID, v.UserID, now, now.Add(BreakGlassFor), sealed); err != nil {
			return fmt.Errorf("cases: break glass: %w", err)
		}
		if err := s.sealedEvent(ctx, tx, c, Event{Kind: EventBreakGlass, ActorID: v.UserID, At: now}, reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, v.event("case.break_glass", c.ID, ""))
	})
}

// Opening is one break-glass opening, for the leads.
type Opening struct {
	At     time.Time
	Name   string
	Reason string
}

// Openings lists who opened restricted case c with a reason, newest first.
func (s *Store) Openings(ctx context.Context, c *Case) ([]Opening, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT b.id, b.at, COALESCE(u.name, ''), b.reason FROM case_break_glass b
		LEFT JOIN users u ON u.id = b.user_id WHERE b.case_id = ? ORDER BY b.at DESC`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("cases: openings: %w", err)
	}
	defer rows.Close()
	var out []Opening
	for rows.Next() {
		var o Opening
		var id string
		var sealed []byte
		if err := rows.Scan(&id, &o.At, &o.Name, &sealed); err != nil {
			return nil, fmt.Errorf("cases: openings: %w", err)
		}
		if o.Reason, err = s.OpenFor(c, sealed, "case_break_glass.reason:"+id); err != nil {
			return nil, err
		}
		o.At = o.At.UTC()
		out = append(out, o)
	}
	return out, rows.Err()
}
