package application

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/upload"
)

// placed is an application about to be written, with the case it belongs
// to ("" while case work has yet to take it in).
type placed struct {
	a      *Application
	caseID string
}

var applicationInsertColumns = []string{"id", "reference", "draft_id", "status", "region", "profession", "programme",
	"rule_id", "rule_version", "policy_version", "consent_case_email", "consent_follow_up", "email_blind", "answers",
	"submitted_at", "first_response_due", "case_id"}

// insertApplications writes the rows of submitted applications: the clear
// columns queues and reports read, and everything the trainee typed sealed
// under the master key, bound to the row. Submit writes one; SeedAll many.
func (s *Store) insertApplications(ctx context.Context, tx *store.Tx, ps []placed) error {
	rows := make([][]any, len(ps))
	for i, p := range ps {
		a := p.a
		body, err := json.Marshal(a)
		if err != nil {
			return fmt.Errorf("application: encode: %w", err)
		}
		var caseID any
		if p.caseID != "" {
			caseID = p.caseID
		}
		rows[i] = []any{a.ID, a.Reference, a.DraftID, a.Status, a.Eligibility.Region, a.Eligibility.Profession, a.Eligibility.Programme,
			a.RuleID, a.RuleVersion, a.PolicyVersion, a.ConsentCaseEmail, a.ConsentFollowUp, s.EmailBlind(a.Email),
			s.Sealer.Seal(body, "applications.answers:"+a.ID), a.SubmittedAt, a.FirstResponseDue, caseID}
	}
	if err := store.InsertRows(ctx, tx, "applications", applicationInsertColumns, rows); err != nil {
		return fmt.Errorf("application: insert: %w", err)
	}
	return nil
}

// Answers is an application as a trainee fills it in: the eligibility
// answers and the decision they were let in on, the address they
// confirmed, and what they typed on each page, keyed by the page's slug
// ("about-you", "training" …) with the values the page posts.
type Answers struct {
	Eligibility eligibility.Answers
	Decision    Decision
	Email       string
	Pages       map[string]url.Values
}

// Build checks every page of ans as sending an application does, as on the
// day at, and returns the application they make, as Submit would have made
// it at that moment: a new id, reference and draft id, status new, and the
// first-response date the row keeps. It is for SeedAll (psu demo): an
// answer the real pages would refuse is refused here too, naming the page.
func Build(ans Answers, at time.Time) (Application, error) {
	d := &Draft{Eligibility: ans.Eligibility, Decision: &ans.Decision, Email: ans.Email, EmailVerified: true, Pages: ans.Pages}
	// build reads nothing of the handlers: it is the submit page's check.
	a, problems := (*handlers)(nil).build(d, at)
	if len(problems) > 0 {
		var msgs []string
		for _, p := range problems {
			msgs = append(msgs, p.Message)
		}
		return Application{}, fmt.Errorf("application: the answers would not be accepted: %s", strings.Join(msgs, "; "))
	}
	a.ID, a.Reference, a.DraftID, a.Status = store.NewID(), NewReference(), store.NewID(), "new"
	a.SubmittedAt = at.UTC().Truncate(time.Microsecond)
	a.FirstResponseDue = a.SubmittedAt.Add(ReplyWithin)
	return a, nil
}

// Seed is a submitted application for SeedAll: one made by Build, the case
// it belongs to (case work's Seed made it), and the documents sent with it.
type Seed struct {
	Application Application
	CaseID      string
	Files       []SeedFile
}

// SeedFile is a document as the trainee uploaded it, before sending.
type SeedFile struct {
	Kind    string // what it is, as the documents page asks ("arcp", "supervisor" …)
	Name    string // the file's name on their computer
	Content []byte
	At      time.Time
}

// SeedAll writes submitted applications, for filling a database with
// demonstration data (psu demo), as Submit writes them: the application
// row with its answers sealed, its documents (each through the same checks
// as an upload, then sealed like one), and the link from referrers' notices
// for the same address, oldest application first. Many rows go to a
// statement. Unlike Submit it sends no e-mail, hands nothing to Intake (the
// case is already seeded: CaseID) and records each application in the
// audit trail as psu's own act, with detail "demo".
func (s *Store) SeedAll(ctx context.Context, tx *store.Tx, seeds []Seed) error {
	if len(seeds) == 0 {
		return nil
	}
	order := make([]int, len(seeds))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		return seeds[order[i]].Application.SubmittedAt.Before(seeds[order[j]].Application.SubmittedAt)
	})
	ps := make([]placed, 0, len(seeds))
	var files, contents [][]any
	events := make([]audit.Event, 0, len(seeds))
	kinds := sectionBySlug("documents").field("kind").Options
	for _, i := range order {
		sd := &seeds[i]
		a := &sd.Application
		if a.ID == "" || a.Reference == "" || a.DraftID == "" || a.SubmittedAt.IsZero() || sd.CaseID == "" {
			return errors.New("application: seed: make each application with Build and give its case")
		}
		ps = append(ps, placed{a: a, caseID: sd.CaseID})
		if len(sd.Files) > MaxFiles {
			return fmt.Errorf("application: seed %s: %d documents, more than the %d an application takes", a.Reference, len(sd.Files), MaxFiles)
		}
		for _, f := range sd.Files {
			if !slices.ContainsFunc(kinds, func(o option) bool { return o.Value == f.Kind }) {
				return fmt.Errorf("application: seed %s: %q is not a kind of document", a.Reference, f.Kind)
			}
			c, err := upload.Check(bytes.NewReader(f.Content), f.Name, MaxFileSize)
			if err != nil {
				return fmt.Errorf("application: seed %s: document %q: %w", a.Reference, f.Name, err)
			}
			at := f.At
			if at.IsZero() {
				at = a.SubmittedAt
			}
			id := store.NewID()
			meta, err := json.Marshal(fileMeta{Name: c.Name, Kind: f.Kind})
			if err != nil {
				return err
			}
			files = append(files, []any{id, a.ID, s.Sealer.Seal(meta, "application_files.meta:"+id), c.ContentType, int64(len(c.Content)), at})
			contents = append(contents, []any{id, s.Sealer.Seal(c.Content, "application_file_contents.content:"+id)})
		}
		events = append(events, audit.Event{ActorRole: "system", Action: "application.submitted", TargetType: "application",
			TargetID: a.ID, Detail: "demo"})
	}
	if err := s.insertApplications(ctx, tx, ps); err != nil {
		return err
	}
	if err := store.InsertRows(ctx, tx, "application_files", []string{"id", "application_id", "meta", "content_type", "size", "created_at"}, files); err != nil {
		return fmt.Errorf("application: seed files: %w", err)
	}
	if err := store.InsertRows(ctx, tx, "application_file_contents", []string{"file_id", "content"}, contents); err != nil {
		return fmt.Errorf("application: seed files: %w", err)
	}
	if err := s.linkSeededReferrals(ctx, tx, ps); err != nil {
		return err
	}
	return audit.RecordAll(ctx, tx, events)
}

// linkSeededReferrals links each referrer's notice not yet linked to the
// first of ps (oldest first) with the same address, as Submit links them.
// One query finds which addresses have such notices, so only those
// applications cost a statement.
func (s *Store) linkSeededReferrals(ctx context.Context, tx *store.Tx, ps []placed) error {
	waiting := map[string]bool{}
	for start := 0; start < len(ps); start += 1000 {
		chunk := ps[start:min(start+1000, len(ps))]
		args := make([]any, len(chunk))
		for i, p := range chunk {
			args[i] = s.EmailBlind(p.a.Email)
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT trainee_email_blind FROM referrals WHERE application_id IS NULL
			AND trainee_email_blind IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(chunk)), ", ")+`)`, args...)
		if err != nil {
			return fmt.Errorf("application: seed referrals: %w", err)
		}
		for rows.Next() {
			var b string
			if err := rows.Scan(&b); err != nil {
				rows.Close()
				return fmt.Errorf("application: seed referrals: %w", err)
			}
			waiting[b] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("application: seed referrals: %w", err)
		}
	}
	for _, p := range ps {
		blind := s.EmailBlind(p.a.Email)
		if !waiting[blind] {
			continue
		}
		delete(waiting, blind) // the first application takes them all
		if _, err := tx.ExecContext(ctx, `UPDATE referrals SET application_id = ? WHERE trainee_email_blind = ? AND application_id IS NULL`, p.a.ID, blind); err != nil {
			return fmt.Errorf("application: seed referrals: %w", err)
		}
	}
	return nil
}
