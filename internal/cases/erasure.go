package cases

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

// A trainee asks, from their portal, for their record to be erased; a
// triage lead reviews the request against the unit's retention rules and
// approves it (the case is erased at once) or declines it with a reason the
// trainee reads on their portal.

// ErasureStatus is where an erasure request stands.
type ErasureStatus string

// The statuses of an erasure request.
const (
	ErasureWaiting  ErasureStatus = "waiting"
	ErasureApproved ErasureStatus = "approved"
	ErasureDeclined ErasureStatus = "declined"
)

// MaxErasureText bounds the trainee's reason and the lead's answer.
const MaxErasureText = 1000

// ErrErasureWaiting refuses a second request while one waits.
var ErrErasureWaiting = errors.New("cases: an erasure request is already waiting")

// ErasureRequest is one request, with its sealed words opened where the
// case still holds its key.
type ErasureRequest struct {
	ID        string
	CaseID    string
	Reference string
	AskedAt   time.Time
	Reason    string
	Status    ErasureStatus
	DecidedAt time.Time
	Answer    string
}

// Timeline kinds of erasure requests.
const (
	EventErasureAsked   = "erasure_requested"
	EventErasureDecided = "erasure_decided"
)

func init() {
	LabelSealed(EventErasureAsked, "In their words")
}

// RequestErasure records the trainee's request to erase case caseID, with
// their reason (may be empty). A case already erased is ErrCaseEnded; one
// with a request waiting, ErrErasureWaiting. It may be asked after the case
// has ended: that is when most people will ask.
func (s *Store) RequestErasure(ctx context.Context, caseID, reason string) error {
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		c, err := s.lock(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if c.Erased() {
			return ErrCaseEnded
		}
		var waiting int
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM erasure_requests WHERE case_id = ? AND status = 'waiting'`, c.ID), &waiting); err != nil {
			return err
		}
		if waiting > 0 {
			return ErrErasureWaiting
		}
		id, now := store.NewID(), store.Now()
		var sealed []byte
		if reason != "" {
			if sealed, err = s.SealFor(c, reason, "erasure_requests.reason:"+id); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO erasure_requests (id, case_id, asked_at, reason, status) VALUES (?, ?, ?, ?, 'waiting')`,
			id, c.ID, now, sealed); err != nil {
			return fmt.Errorf("cases: erasure request: %w", store.MapErr(err))
		}
		if err := s.AddEvent(ctx, tx, c, Event{Kind: EventErasureAsked, At: now, Detail: "The trainee asked for their record to be erased"}, reason); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "case.erasure_requested", TargetType: "erasure_request",
			TargetID: id, CaseID: c.ID})
	})
	if errors.Is(err, store.ErrConflict) {
		return ErrErasureWaiting
	}
	return err
}

// ErasureRequests lists c's requests, newest first.
func (s *Store) ErasureRequests(ctx context.Context, q store.Querier, c *Case) ([]ErasureRequest, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, asked_at, reason, status, decided_at, answer FROM erasure_requests
		WHERE case_id = ? ORDER BY asked_at DESC, id DESC`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("cases: erasure requests: %w", err)
	}
	defer rows.Close()
	var out []ErasureRequest
	for rows.Next() {
		e := ErasureRequest{CaseID: c.ID, Reference: c.Reference}
		var reason, answer []byte
		var decided store.Time
		if err := rows.Scan(&e.ID, &e.AskedAt, &reason, &e.Status, &decided, &answer); err != nil {
			return nil, fmt.Errorf("cases: erasure requests: %w", err)
		}
		e.AskedAt, e.DecidedAt = e.AskedAt.UTC(), decided.Time.UTC()
		if !c.Erased() {
			if len(reason) > 0 {
				if e.Reason, err = s.OpenFor(c, reason, "erasure_requests.reason:"+e.ID); err != nil {
					return nil, err
				}
			}
			if len(answer) > 0 {
				if e.Answer, err = s.OpenFor(c, answer, "erasure_requests.answer:"+e.ID); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// WaitingErasures lists every request waiting for a lead, oldest first,
// with its case's reference and nothing sealed.
func (s *Store) WaitingErasures(ctx context.Context) ([]ErasureRequest, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT e.id, e.case_id, c.reference, e.asked_at FROM erasure_requests e
		JOIN cases c ON c.id = e.case_id WHERE e.status = 'waiting' ORDER BY e.asked_at, e.id`)
	if err != nil {
		return nil, fmt.Errorf("cases: waiting erasures: %w", err)
	}
	defer rows.Close()
	var out []ErasureRequest
	for rows.Next() {
		e := ErasureRequest{Status: ErasureWaiting}
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Reference, &e.AskedAt); err != nil {
			return nil, fmt.Errorf("cases: waiting erasures: %w", err)
		}
		e.AskedAt = e.AskedAt.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// erasureCase is the case request id belongs to; store.ErrNotFound if none.
func (s *Store) erasureCase(ctx context.Context, q store.Querier, id string) (string, error) {
	var caseID string
	err := store.Scan(q.QueryRowContext(ctx, `SELECT case_id FROM erasure_requests WHERE id = ?`, id), &caseID)
	return caseID, err
}

// DecideErasure is a triage lead's decision on request id: approved, the
// case is erased at once (the trainee e-mailed first, if they agreed to
// e-mail, since their address goes with the rest); declined, answer (which
// the trainee reads on their portal) is kept sealed and they are e-mailed to
// read it. A request already decided is a ProblemError.
func (s *Store) DecideErasure(ctx context.Context, v Viewer, id string, approve bool, answer string) error {
	caseID, err := s.erasureCase(ctx, s.DB, id)
	if err != nil {
		return err
	}
	action := "case.erasure_declined"
	if approve {
		action = "case.erasure_approved"
	}
	return s.act(ctx, v, caseID, action, true, func(tx *store.Tx, c *Case) (string, error) {
		unit, err := settings.UnitName(ctx, tx)
		if err != nil {
			return "", err
		}
		var status ErasureStatus
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT status FROM erasure_requests WHERE id = ?`, id), &status); err != nil {
			return "", err
		}
		if status != ErasureWaiting {
			return "", problem("decision", "This request has already been decided. The list now shows the requests still waiting.")
		}
		now := store.Now()
		if !approve {
			sealed, err := s.SealFor(c, answer, "erasure_requests.answer:"+id)
			if err != nil {
				return "", err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE erasure_requests SET status = 'declined', decided_at = ?, decided_by = ?, answer = ? WHERE id = ?`,
				now, v.UserID, sealed, id); err != nil {
				return "", fmt.Errorf("cases: decline erasure: %w", err)
			}
			if err := event(ctx, tx, c, Event{Kind: EventErasureDecided, ActorID: v.UserID, At: now, Detail: "Request to erase the record declined"}); err != nil {
				return "", err
			}
			_, err = s.mailTrainee(ctx, tx, c, "case.erasure_declined", "About your request to erase your record",
				"A triage lead of the "+unit+" has looked at your request to erase your record ("+c.Reference+").\n\n"+
					"They have decided to keep it for now. Sign in to your page with the unit to read why, and what you can do next.\n")
			return "request " + id, err
		}
		if _, err := s.mailTrainee(ctx, tx, c, "case.erased", "Your record has been erased",
			"As you asked, the "+unit+" has erased your record ("+c.Reference+").\n\n"+
				"What you told us, your documents, your plan and your summaries can no longer be read by anyone, including from our backups. "+
				"We keep only the reference, the dates and that it was erased. You can no longer sign in to your page with the unit.\n\n"+
				"If you need us again, you can apply again at any time.\n"); err != nil {
			return "", err
		}
		// A case still open ends here, as withdrawn: nothing more can be
		// done on an erased record, and what was still booked is cancelled
		// (the trainee's calendar told) while their address can be read.
		if c.Status.Open() {
			from := c.Status
			if err := setStatus(ctx, tx, c, Withdrawn, now); err != nil {
				return "", err
			}
			if err := event(ctx, tx, c, Event{Kind: EventStatus, ActorID: v.UserID, At: now, FromStatus: from, ToStatus: Withdrawn,
				Detail: "Ended: the record is erased at the trainee's request"}); err != nil {
				return "", err
			}
			for _, f := range s.OnEnd {
				if err := f(ctx, tx, v, c); err != nil {
					return "", err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE erasure_requests SET status = 'approved', decided_at = ?, decided_by = ? WHERE id = ?`,
			now, v.UserID, id); err != nil {
			return "", fmt.Errorf("cases: approve erasure: %w", err)
		}
		if err := event(ctx, tx, c, Event{Kind: EventErasureDecided, ActorID: v.UserID, At: now, Detail: "Request to erase the record approved"}); err != nil {
			return "", err
		}
		return "request " + id, s.Erase(ctx, tx, c.ID, ErasedRequest)
	})
}

// londonTime is the unit's time zone.
var londonTime = workdays.London

// erasureRow is a waiting request as the leads' list shows it: the
// trainee's reason only where this lead may open the case.
type erasureRow struct {
	ErasureRequest
	Asked   string
	Status  string
	Ended   string // when the case ended, "" while it goes on
	Refused string // why this lead cannot open the case, "" if they can
	// Restricted is a refusal a reason would lift (break-glass).
	Restricted bool
	Field      string // the name of its decline reason's field
}

// erasureList is the leads' list of waiting requests, each with the
// trainee's reason and the two decisions. Reading a reason opens the case,
// so each row goes through Authorize (recorded as a look at the case).
func (h *handlers) erasureList(w http.ResponseWriter, r *http.Request) {
	h.renderErasures(w, r, http.StatusOK, web.NewForm(nil))
}

func (h *handlers) renderErasures(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	ctx := r.Context()
	v := h.viewer(r)
	list, err := h.cases.WaitingErasures(ctx)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	years, err := RetentionYears(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	rows := make([]erasureRow, 0, len(list))
	for _, e := range list {
		row := erasureRow{ErasureRequest: e, Asked: e.AskedAt.In(londonTime).Format("2 January 2006"), Field: "answer-" + e.ID}
		c, err := h.cases.Get(ctx, h.srv.DB, e.CaseID)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		row.Status = c.Status.Label()
		if !c.Status.Open() {
			row.Ended = c.StatusAt.In(londonTime).Format("2 January 2006")
		}
		var refusal *Refusal
		switch err := h.cases.Authorize(ctx, v, c, "case.erasure_request.view", "erasure request "+e.ID); {
		case errors.As(err, &refusal):
			row.Refused, row.Restricted = refusal.Message, refusal == ErrNeedsReason
		case err != nil:
			h.srv.ServerError(w, r, err)
			return
		default:
			all, err := h.cases.ErasureRequests(ctx, h.srv.DB, c)
			if err != nil {
				h.srv.ServerError(w, r, err)
				return
			}
			for _, a := range all {
				if a.ID == e.ID {
					row.Reason = a.Reason
				}
			}
		}
		rows = append(rows, row)
	}
	h.srv.Render(w, r, status, "cases/erasure_requests.html", web.Page{Title: "Requests to erase a record", Form: f, Data: struct {
		Rows  []erasureRow
		Flash string
		Years int
		Max   int
	}{rows, h.popFlash(r), years, MaxErasureText}})
}

// erasureDecide approves or declines the request named in the form.
func (h *handlers) erasureDecide(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	id := r.PostForm.Get("id")
	approve := r.PostForm.Get("decision") == "approve"
	field := "answer-" + id
	f := web.NewForm(url.Values{field: r.PostForm[field]})
	answer := f.Get(field)
	caseID, err := h.cases.erasureCase(ctx, h.srv.DB, id)
	switch {
	case errors.Is(err, store.ErrNotFound):
		h.srv.Error(w, r, http.StatusNotFound)
		return
	case err != nil:
		h.srv.ServerError(w, r, err)
		return
	}
	if !approve {
		switch n := utf8.RuneCountInString(answer); {
		case answer == "":
			f.Fail(field, "Write why the record is being kept, for the trainee to read")
		case n > MaxErasureText:
			f.Fail(field, "The reason must be 1,000 characters or fewer. It has "+strconv.Itoa(n)+".")
		}
	}
	if f.Valid() {
		err := h.cases.DecideErasure(ctx, h.viewer(r), id, approve, answer)
		var pe *ProblemError
		switch {
		case errors.As(err, &pe):
			f.Fail(field, pe.Message)
		case err != nil:
			c, gerr := h.cases.Get(ctx, h.srv.DB, caseID)
			if gerr != nil {
				h.srv.ServerError(w, r, gerr)
				return
			}
			h.failed(w, r, c, err, nil)
			return
		}
	}
	if !f.Valid() {
		h.renderErasures(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	code := "erasure-declined"
	if approve {
		code = "erasure-approved"
	}
	h.setFlash(r, code)
	http.Redirect(w, r, "/cases/erasure-requests", http.StatusSeeOther)
}
