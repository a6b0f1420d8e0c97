package cases

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/workdays"
)

// Seeding writes cases with a past, for filling a database with
// demonstration data (psu demo): each case arrives and is worked on at
// times given, not now, and is written as intake and the actions above
// would have written it at those times (the same checks, the same rows,
// every typed word sealed under the case's own key, the search index, the
// first-response clock counted as the unit's settings count it), so the
// queue, the case page and search cannot tell it from a real one. Only the
// audit trail can: seeded history is recorded there as psu's own act, with
// detail "demo", at the moment of seeding.

// SeedCase is one trainee's case and what happened to it.
type SeedCase struct {
	// Notices are referrers' notices about the trainee, oldest first, all
	// before the application. Their referrals rows exist already
	// (referral.Create); seeding links them to the case.
	Notices []SeedNotice
	// Arrival is the application, nil while the trainee has not applied.
	// Its applications row is written after (application.SeedAll), with the
	// case returned, or the one it was merged into (Case.MergedInto).
	Arrival *Arrival
	// Reference is the case's reference while a notice alone opened it;
	// empty draws one. An application's reference replaces it, as intake
	// does.
	Reference string
	// Steps is what staff did, oldest first, after the case arrived.
	Steps []Step
}

// SeedNotice is one referrer's notice about the trainee.
type SeedNotice struct {
	ReferralID  string
	At          time.Time
	Email, Name string // the trainee, as the referrer gave them
}

// Action is something a member of staff does to a case.
type Action string

// The actions a Step can take, each as the method of the same name does it.
const (
	ActAssign      Action = "assign"       // Assign: a lead gives the case to Adviser
	ActContact     Action = "contact"      // MarkContacted, How
	ActNote        Action = "note"         // AddNote, Text
	ActMove        Action = "move"         // Move to Status, with Outcome when closing and Text as the reason
	ActNotEligible Action = "not_eligible" // NotEligible (the e-mail, if any, as already sent)
	ActPause       Action = "pause"        // PauseClock, Text as the reason
	ActResume      Action = "resume"       // ResumeClock
	ActRestrict    Action = "restrict"     // Restrict, On
	ActConflict    Action = "conflict"     // DeclareConflict
	ActBreakGlass  Action = "break_glass"  // BreakGlass, Text as the reason
	ActMerge       Action = "merge"        // Merge into the case with reference Into, seeded earlier in the same call
)

// Step is one thing a member of staff did to a seeded case.
type Step struct {
	At      time.Time
	By      string // who did it: a user id
	Do      Action
	Adviser string // ActAssign: a user id
	How     string // ActContact: a ContactWays value
	Status  Status // ActMove
	Outcome string // ActMove to Closed: one of the store's outcomes
	Text    string // ActNote: the note; ActMove, ActPause, ActBreakGlass: the reason
	On      bool   // ActRestrict
	Into    string // ActMerge: a reference
}

// notEligibleSubject is the subject of the e-mail NotEligible sends, naming
// the unit as its settings do.
func notEligibleSubject(unit string) string {
	return "About your application to the " + unit
}

// Seed writes one case; see SeedAll.
func (s *Store) Seed(ctx context.Context, tx *store.Tx, sc SeedCase) (*Case, error) {
	cs, err := s.SeedAll(ctx, tx, []SeedCase{sc})
	if err != nil {
		return nil, err
	}
	return cs[0], nil
}

// SeedAll writes cases and their histories inside tx, many rows to a
// statement, and returns them in the order given. Each case is checked as
// the real actions check it (the state machine, who may do what, the
// clock), and the first refusal fails the call, naming the case and step.
// Each SeedCase is a case of its own: SeedAll does not look for an open
// case of the same trainee to join, as intake would (a demo database starts
// empty), and a merge's case to keep is taken as its own steps left it.
func (s *Store) SeedAll(ctx context.Context, tx *store.Tx, seeds []SeedCase) ([]*Case, error) {
	clock, cset, err := settings.WorkClock(ctx, tx)
	if err != nil {
		return nil, err
	}
	staff, err := seedStaff(ctx, tx)
	if err != nil {
		return nil, err
	}
	outcomes, err := s.outcomes(ctx, tx)
	if err != nil {
		return nil, err
	}
	unit, err := settings.UnitName(ctx, tx)
	if err != nil {
		return nil, err
	}
	w := &seeder{s: s, clock: clock, days: cset.Days, staff: staff, outcomes: outcomes, unit: unit, byRef: map[string]*seeded{}}
	out := make([]*Case, len(seeds))
	for i, sc := range seeds {
		sd, err := w.seed(sc)
		if err != nil {
			return nil, err
		}
		out[i] = sd.c
	}
	return out, w.write(ctx, tx)
}

type seedUser struct {
	name, role string
}

func seedStaff(ctx context.Context, tx *store.Tx) (map[string]seedUser, error) {
	rows, err := tx.QueryContext(ctx, `SELECT u.id, u.name, CASE
		WHEN EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'triage_lead') THEN 'triage_lead'
		WHEN EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = 'adviser') THEN 'adviser'
		ELSE '' END FROM users u WHERE u.disabled_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("cases: seed: staff: %w", err)
	}
	defer rows.Close()
	out := map[string]seedUser{}
	for rows.Next() {
		var id string
		var u seedUser
		if err := rows.Scan(&id, &u.name, &u.role); err != nil {
			return nil, fmt.Errorf("cases: seed: staff: %w", err)
		}
		out[id] = u
	}
	return out, rows.Err()
}

// seeder holds the rows of the cases seeded so far, written together.
type seeder struct {
	s     *Store
	clock *workdays.Clock
	days  int
	staff map[string]seedUser
	// outcomes a case may close with: the store's list, as Move checks.
	outcomes []string
	unit     string // the unit's name, as the e-mails it sends give it
	byRef    map[string]*seeded
	cases    []*seeded

	events, conflicts, glass [][]any
	links                    []noticeLink
	audit                    []audit.Event
}

// seeded is one case being seeded: its state as of the step reached.
type seeded struct {
	c         *Case
	key       *seal.Sealer
	blinds    []string
	topics    []string
	notes     []seedNote
	conflicts map[string]bool
	glass     []glassOpening
}

type seedNote struct {
	id, author, text string
	at               time.Time
}

type glassOpening struct {
	user  string
	until time.Time
}

type noticeLink struct {
	referralID string
	c          *Case
}

func (w *seeder) seed(sc SeedCase) (*seeded, error) {
	if len(sc.Notices) == 0 && sc.Arrival == nil {
		return nil, errors.New("cases: seed: a case needs a notice or an application")
	}
	var sd *seeded
	var err error
	blind := ""
	// Times as the store keeps them, so the cases returned read as Get
	// reads them back.
	sc.Notices = append([]SeedNotice(nil), sc.Notices...)
	for i := range sc.Notices {
		sc.Notices[i].At = storeTime(sc.Notices[i].At)
	}
	if sc.Arrival != nil {
		a := *sc.Arrival
		a.SubmittedAt = storeTime(a.SubmittedAt)
		sc.Arrival = &a
	}
	for i, n := range sc.Notices {
		switch {
		case n.ReferralID == "" || n.At.IsZero() || n.Email == "":
			return nil, errors.New("cases: seed: a notice needs its referral, time and the trainee's address")
		case i > 0 && n.At.Before(sc.Notices[i-1].At):
			return nil, errors.New("cases: seed: notices must be given oldest first")
		case sc.Arrival != nil && n.At.After(sc.Arrival.SubmittedAt):
			return nil, errors.New("cases: seed: a notice after the application belongs to a later call")
		}
		b := w.s.emailBlind(n.Email)
		if blind != "" && b != blind {
			return nil, errors.New("cases: seed: a case's notices and application must give the same address, or intake makes them two cases")
		}
		blind = b
		if i == 0 {
			ref := sc.Reference
			if ref == "" {
				ref = application.NewReference()
			}
			if sd, err = w.create(ref, Notified, n.At, n.Email, n.Name); err != nil {
				return nil, err
			}
		}
		w.event(sd, Event{Kind: EventNotified, At: n.At}, "")
		w.links = append(w.links, noticeLink{n.ReferralID, sd.c})
		w.systemAudit("case.notice_received", sd.c)
	}
	if a := sc.Arrival; a != nil {
		if a.ApplicationID == "" || a.Reference == "" || a.SubmittedAt.IsZero() || a.Email == "" {
			return nil, errors.New("cases: seed: an application needs its id, reference, time and address")
		}
		if blind != "" && w.s.emailBlind(a.Email) != blind {
			return nil, errors.New("cases: seed: a case's notices and application must give the same address, or intake makes them two cases")
		}
		if sd == nil {
			if sd, err = w.create(a.Reference, New, a.SubmittedAt, a.Email, a.Name); err != nil {
				return nil, err
			}
			w.event(sd, Event{Kind: EventApplied, At: a.SubmittedAt, ToStatus: New}, "")
		} else {
			c := sd.c
			if _, taken := w.byRef[a.Reference]; taken {
				return nil, fmt.Errorf("cases: seed: reference %s is taken", a.Reference)
			}
			delete(w.byRef, c.Reference)
			w.byRef[a.Reference] = sd
			from := c.Status
			if a.Name != "" {
				c.nameSealed = sd.key.SealString(a.Name, "cases.name:"+c.ID)
			}
			c.Reference, c.Status, c.StatusAt, c.UpdatedAt = a.Reference, New, a.SubmittedAt, a.SubmittedAt
			w.index(sd, a.Email, a.Name)
			w.event(sd, Event{Kind: EventApplied, At: a.SubmittedAt, FromStatus: from, ToStatus: New}, "")
		}
		c := sd.c
		c.SubmittedAt, c.ResponseDue = a.SubmittedAt, w.clock.Due(a.SubmittedAt, w.days)
		c.Profession, c.Region, c.Programme = a.Profession, a.Region, a.Programme
		c.ConsentCaseEmail, c.ConsentFollowUp = a.ConsentCaseEmail, a.ConsentFollowUp
		for _, t := range a.Topics {
			if !containsString(sd.topics, t) {
				sd.topics = append(sd.topics, t)
			}
		}
		w.systemAudit("case.application_received", c)
	}
	last := sd.c.StatusAt
	for i, st := range sc.Steps {
		if storeTime(st.At).Before(last) {
			return nil, fmt.Errorf("cases: seed %s: step %d (%s) is before what came before it", sd.c.Reference, i+1, st.Do)
		}
		last = storeTime(st.At)
		if err := w.step(sd, st); err != nil {
			return nil, fmt.Errorf("cases: seed %s: step %d (%s): %w", sd.c.Reference, i+1, st.Do, err)
		}
	}
	return sd, nil
}

// create opens a case as intake's create does.
func (w *seeder) create(ref string, status Status, at time.Time, email, name string) (*seeded, error) {
	if _, taken := w.byRef[ref]; taken {
		return nil, fmt.Errorf("cases: seed: reference %s is taken", ref)
	}
	c := &Case{ID: store.NewID(), Reference: ref, Status: status, StatusAt: at, OpenedAt: at, UpdatedAt: at,
		EmailBlind: w.s.emailBlind(email)}
	stored, key, err := w.s.Sealer.NewDataKey("cases.key:" + c.ID)
	if err != nil {
		return nil, err
	}
	c.keySealed = stored
	if name != "" {
		c.nameSealed = key.SealString(name, "cases.name:"+c.ID)
	}
	c.emailSealed = key.SealString(email, "cases.email:"+c.ID)
	sd := &seeded{c: c, key: key, conflicts: map[string]bool{}}
	w.index(sd, email, name)
	w.byRef[ref] = sd
	w.cases = append(w.cases, sd)
	return sd, nil
}

func (w *seeder) index(sd *seeded, email, name string) {
	for _, b := range searchBlinds(w.s.Sealer, email, name) {
		if !containsString(sd.blinds, b) {
			sd.blinds = append(sd.blinds, b)
		}
	}
}

// event adds e to sd's timeline, with text sealed under its key if any.
func (w *seeder) event(sd *seeded, e Event, text string) {
	e.ID = store.NewID()
	var actor, sealed any
	if e.ActorID != "" {
		actor = e.ActorID
	}
	if text != "" {
		sealed = sd.key.SealString(text, "case_events.sealed:"+e.ID)
	}
	w.events = append(w.events, []any{e.ID, sd.c.ID, e.At, actor, e.Kind, string(e.FromStatus), string(e.ToStatus), e.Detail, sealed})
}

func (w *seeder) systemAudit(action string, c *Case) {
	w.audit = append(w.audit, audit.Event{ActorRole: "system", Action: action, TargetType: "case", TargetID: c.ID, CaseID: c.ID, Detail: "demo"})
}

// decide is Store.decide at the time of a step.
func (w *seeder) decide(sd *seeded, by string, lead bool, at time.Time) *Refusal {
	c := sd.c
	if sd.conflicts[by] {
		return ErrConflicted
	}
	mine := c.AssignedTo == by
	if !mine && !lead {
		return ErrNotYours
	}
	if c.Restricted && !mine {
		for _, g := range sd.glass {
			if g.user == by && g.until.After(at) {
				return nil
			}
		}
		return ErrNeedsReason
	}
	return nil
}

// move is Store.move at the time of a step.
func (w *seeder) move(sd *seeded, st Step, to Status, detail, reason string) error {
	c := sd.c
	if !c.Status.CanMove(to) {
		return &TransitionError{From: c.Status, To: to}
	}
	from := c.Status
	c.Status, c.StatusAt, c.UpdatedAt = to, st.At, st.At
	w.event(sd, Event{Kind: EventStatus, ActorID: st.By, At: st.At, FromStatus: from, ToStatus: to, Detail: detail}, reason)
	return nil
}

func (w *seeder) step(sd *seeded, st Step) error {
	st.At = storeTime(st.At)
	by, ok := w.staff[st.By]
	if !ok {
		return fmt.Errorf("no active member of staff has the id %q", st.By)
	}
	lead := by.role == "triage_lead"
	c := sd.c
	switch st.Do {
	case ActConflict, ActBreakGlass:
		// Checked by the action itself, without decide.
	default:
		if r := w.decide(sd, st.By, lead, st.At); r != nil {
			return r
		}
		if (st.Do == ActAssign || st.Do == ActRestrict || st.Do == ActMerge) && !lead {
			return ErrLeadsOnly
		}
	}
	action := "case." + string(st.Do)
	switch st.Do {
	case ActAssign:
		a, ok := w.staff[st.Adviser]
		switch {
		case !ok || (a.role != "adviser" && a.role != "triage_lead"):
			return problem("adviser", "Select an adviser from the list")
		case sd.conflicts[st.Adviser]:
			return problem("adviser", a.name+" has declared a conflict of interest with this case. Choose someone else.")
		case c.AssignedTo == st.Adviser:
			return problem("adviser", "This case is already assigned to "+a.name+".")
		}
		c.AssignedTo, c.AssignedAt, c.UpdatedAt = st.Adviser, st.At, st.At
		w.event(sd, Event{Kind: EventAssigned, ActorID: st.By, At: st.At, Detail: a.name}, "")
	case ActContact:
		label := contactLabel(st.How)
		if label == "" {
			return problem("how", "Select how you contacted the trainee")
		}
		if c.Status != New {
			return &TransitionError{From: c.Status, To: Contacted}
		}
		c.RespondedAt, c.ClockPausedAt = st.At, time.Time{}
		// MarkContacted's status change is stamped a moment after the
		// contact itself, so the timeline lists it first.
		w.event(sd, Event{Kind: EventContacted, ActorID: st.By, At: st.At, Detail: label}, "")
		if err := w.move(sd, st, Contacted, "by "+strings.ToLower(label), ""); err != nil {
			return err
		}
		action = "case.contacted"
	case ActNote:
		body, err := checkText("note", "the note", st.Text, MaxNote, true)
		if err != nil {
			return err
		}
		sd.notes = append(sd.notes, seedNote{id: store.NewID(), author: st.By, text: body, at: st.At})
		w.event(sd, Event{Kind: EventNote, ActorID: st.By, At: st.At}, "")
	case ActMove:
		reason, err := checkText("reason", "the reason", st.Text, MaxReason, false)
		if err != nil {
			return err
		}
		switch st.Status {
		case Contacted:
			if c.Status == New {
				return problem("status", "Use \u2018Mark as contacted\u2019 to record the first contact and how it was made.")
			}
		case Merged, NotEligible:
			return problem("status", "Use the action of its own to merge a case or close it as not eligible.")
		}
		if !st.Status.Valid() {
			return problem("status", "Select what has happened")
		}
		detail, from := "", c.Status
		if st.Status == Closed {
			if !containsString(w.outcomes, st.Outcome) {
				return problem("outcome", "Select the outcome of the case")
			}
			detail = st.Outcome
		}
		if err := w.move(sd, st, st.Status, detail, reason); err != nil {
			return err
		}
		if st.Status == Closed {
			c.Outcome, c.ClosedAt = st.Outcome, st.At
		}
		if from == Closed {
			c.Outcome, c.ClosedAt = "", time.Time{}
		}
		action = "case.status"
	case ActNotEligible:
		if err := w.move(sd, st, NotEligible, "", ""); err != nil {
			return err
		}
		if c.ConsentCaseEmail {
			w.event(sd, Event{Kind: EventMail, At: st.At, Detail: notEligibleSubject(w.unit)}, "")
		}
	case ActPause:
		reason, err := checkText("reason", "why the clock is paused", st.Text, MaxReason, true)
		if err != nil {
			return err
		}
		switch {
		case c.SubmittedAt.IsZero() || !c.RespondedAt.IsZero():
			return problem("reason", "The first-response clock is not running on this case.")
		case !c.ClockPausedAt.IsZero():
			return problem("reason", "The clock is already paused.")
		}
		c.ClockPausedAt, c.UpdatedAt = st.At, st.At
		w.event(sd, Event{Kind: EventClockPaused, ActorID: st.By, At: st.At}, reason)
		action = "case.clock_paused"
	case ActResume:
		if c.ClockPausedAt.IsZero() {
			return problem("resume", "The clock is not paused.")
		}
		paused := c.ClockPausedDays + max(0, w.clock.Between(c.ClockPausedAt, st.At))
		due := w.clock.Due(c.SubmittedAt, w.days+paused)
		c.ClockPausedAt, c.ClockPausedDays, c.ResponseDue, c.UpdatedAt = time.Time{}, paused, due, st.At
		w.event(sd, Event{Kind: EventClockResumed, ActorID: st.By, At: st.At,
			Detail: fmt.Sprintf("new target %s", due.In(workdays.London).Format("2 January 2006"))}, "")
		action = "case.clock_resumed"
	case ActRestrict:
		if c.Restricted != st.On {
			c.Restricted, c.UpdatedAt = st.On, st.At
			detail := "off"
			if st.On {
				detail = "on"
			}
			w.event(sd, Event{Kind: EventRestricted, ActorID: st.By, At: st.At, Detail: detail}, "")
		}
	case ActConflict:
		if !lead && c.AssignedTo != st.By {
			return ErrNotYours
		}
		if sd.conflicts[st.By] {
			return nil // declaring twice changes nothing
		}
		sd.conflicts[st.By] = true
		w.conflicts = append(w.conflicts, []any{c.ID, st.By, st.At})
		if c.AssignedTo == st.By {
			c.AssignedTo, c.AssignedAt, c.UpdatedAt = "", time.Time{}, st.At
		}
		w.event(sd, Event{Kind: EventConflict, ActorID: st.By, At: st.At}, "")
		action = "case.conflict_declared"
	case ActBreakGlass:
		if !c.Restricted {
			return errors.New("the case is not restricted, so there is nothing to open with a reason")
		}
		open := *sd
		oc := *c
		oc.Restricted = false
		open.c = &oc
		if r := w.decide(&open, st.By, lead, st.At); r != nil {
			return r
		}
		reason, err := checkText("reason", "why you need to open this case", st.Text, MaxReason, true)
		if err != nil {
			return err
		}
		id := store.NewID()
		w.glass = append(w.glass, []any{id, c.ID, st.By, st.At, st.At.Add(BreakGlassFor), sd.key.SealString(reason, "case_break_glass.reason:"+id)})
		sd.glass = append(sd.glass, glassOpening{st.By, st.At.Add(BreakGlassFor)})
		w.event(sd, Event{Kind: EventBreakGlass, ActorID: st.By, At: st.At}, reason)
	case ActMerge:
		t, ok := w.byRef[st.Into]
		if !ok {
			return problem("into", "No case has the reference "+st.Into+". Check it and try again.")
		}
		if r := w.decide(t, st.By, lead, st.At); r != nil {
			return problem("into", "You cannot open case "+t.c.Reference+", so you cannot merge into it.")
		}
		switch {
		case t == sd:
			return problem("into", "A case cannot be merged into itself. Enter the reference of the case to keep.")
		case !t.c.Status.Open():
			return problem("into", "Case "+t.c.Reference+" is "+lower(t.c.Status.Label())+". Merge into an open case.")
		}
		if err := w.move(sd, st, Merged, t.c.Reference, ""); err != nil {
			return err
		}
		for _, tp := range sd.topics {
			if !containsString(t.topics, tp) {
				t.topics = append(t.topics, tp)
			}
		}
		for _, b := range sd.blinds {
			if !containsString(t.blinds, b) {
				t.blinds = append(t.blinds, b)
			}
		}
		t.notes, sd.notes = append(t.notes, sd.notes...), nil
		for i := range w.links {
			if w.links[i].c == c {
				w.links[i].c = t.c
			}
		}
		c.MergedInto = t.c.ID
		w.event(t, Event{Kind: EventMerged, ActorID: st.By, At: st.At, Detail: c.Reference}, "")
		w.systemAudit("case.merged_in", t.c)
	default:
		return fmt.Errorf("unknown action %q", st.Do)
	}
	w.systemAudit(action, c)
	return nil
}

// write stores every row of the cases seeded.
func (w *seeder) write(ctx context.Context, tx *store.Tx) error {
	var cases, search, topics, notes [][]any
	for _, sd := range w.cases {
		c := sd.c
		var assigned, merged any
		if c.AssignedTo != "" {
			assigned = c.AssignedTo
		}
		if c.MergedInto != "" {
			merged = c.MergedInto
		}
		cases = append(cases, []any{c.ID, c.Reference, string(c.Status), c.StatusAt, c.OpenedAt, seedTime(c.SubmittedAt),
			seedTime(c.ResponseDue), seedTime(c.RespondedAt), seedTime(c.ClockPausedAt), c.ClockPausedDays, assigned,
			seedTime(c.AssignedAt), c.Restricted, merged, c.Outcome, seedTime(c.ClosedAt), c.Profession, c.Region,
			c.Programme, c.ConsentCaseEmail, c.ConsentFollowUp, c.EmailBlind, c.keySealed, c.nameSealed, c.emailSealed, c.UpdatedAt,
			seedTime(c.ErasedAt)})
		for _, b := range sd.blinds {
			search = append(search, []any{c.ID, b, c.OpenedAt})
		}
		for _, t := range sd.topics {
			topics = append(topics, []any{c.ID, t, c.OpenedAt})
		}
		for _, n := range sd.notes {
			notes = append(notes, []any{n.id, c.ID, "case", n.author, n.at, n.at, sd.key.SealString(n.text, "case_notes.body:"+n.id)})
		}
	}
	inserts := []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		// caseColumns is the order scanCase reads and the rows above are in.
		{"cases", strings.Split(strings.Join(strings.Fields(caseColumns), ""), ","), cases},
		{"case_search", []string{"case_id", "blind", "opened_at"}, search},
		{"case_topics", []string{"case_id", "topic", "opened_at"}, topics},
		{"case_events", []string{"id", "case_id", "at", "actor_id", "kind", "from_status", "to_status", "detail", "sealed"}, w.events},
		{"case_notes", []string{"id", "case_id", "kind", "author_id", "created_at", "updated_at", "body"}, notes},
		{"case_conflicts", []string{"case_id", "user_id", "declared_at"}, w.conflicts},
		{"case_break_glass", []string{"id", "case_id", "user_id", "at", "until_at", "reason"}, w.glass},
	}
	for _, in := range inserts {
		if err := store.InsertRows(ctx, tx, in.table, in.cols, in.rows); err != nil {
			return fmt.Errorf("cases: seed: %w", err)
		}
	}
	for _, l := range w.links {
		if _, err := tx.ExecContext(ctx, `UPDATE referrals SET case_id = ? WHERE id = ?`, l.c.ID, l.referralID); err != nil {
			return fmt.Errorf("cases: seed: link notice: %w", err)
		}
	}
	if err := consent.Backfill(ctx, tx); err != nil {
		return err
	}
	return audit.RecordAll(ctx, tx, w.audit)
}

// seedTime is a time column's value: NULL for the zero time.
func seedTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func storeTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
