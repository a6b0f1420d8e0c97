package plans

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/workdays"
)

// KeyUnitName is the unit setting that names the unit on a written summary.
const KeyUnitName = "summary.unit_name"

// DefaultUnitName names the unit until it sets its own name: the
// settings' default.
var DefaultUnitName = settings.DefaultUnit.Name

// SummaryWithin is how long after the one-to-one the written summary is due.
const SummaryWithin = 14 // days

// EventSummary is the timeline entry of an issued summary.
const EventSummary = "summary"

// Doc is a written summary as the trainee reads it. The preview page shows
// it, and issuing prints exactly the Doc that was previewed, so the PDF
// holds nothing the adviser did not see.
type Doc struct {
	Title     string
	Unit      string
	Date      Day
	Name      string // the trainee's name; "" when not known
	Reference string
	Sections  []Section
}

// Section is one part of a summary under its heading.
type Section struct {
	Heading    string
	Paragraphs []string
	Goals      []DocGoal
	Services   []DocService
	Empty      string // said when the section has nothing else
}

// DocGoal is a goal of the plan as the summary prints it.
type DocGoal struct {
	Number  int
	Title   string
	Actions []DocAction
}

// DocAction is an action as the summary prints it.
type DocAction struct{ What, Who, By, Status string }

// DocService is a signposted service as the summary prints it.
type DocService struct{ Name, Summary, Phone, URL string }

// Draft is the summary being written, opened.
type Draft struct {
	Discussed   string
	Agreed      string
	Preview     *Doc
	PreviewedAt time.Time
	// Token names the preview shown: issuing checks the adviser issues
	// the preview they looked at, not a newer one.
	Token string
}

// paragraphs splits typed text at blank lines.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// compose builds the summary document from what the adviser wrote and the
// plan as it stands.
func compose(c *cases.Case, name, unit, base string, day Day, discussed, agreed string, p *Plan) *Doc {
	d := &Doc{Title: "Your written summary", Unit: unit, Date: day, Name: name, Reference: c.Reference}
	d.Sections = append(d.Sections,
		Section{Heading: "What we discussed", Paragraphs: paragraphs(discussed)},
		Section{Heading: "What we agreed", Paragraphs: paragraphs(agreed)})
	plan := Section{Heading: "Your " + strings.ToLower(p.Kind.Label()[:1]) + p.Kind.Label()[1:], Empty: "No goals were set."}
	for _, g := range p.Goals {
		dg := DocGoal{Number: g.Number, Title: g.Title}
		for _, a := range g.Actions {
			dg.Actions = append(dg.Actions, DocAction{What: a.What, Who: a.Who, By: a.Due.Long(), Status: a.Status.Label()})
		}
		plan.Goals = append(plan.Goals, dg)
	}
	services := Section{Heading: "Services suggested", Empty: "No services were suggested."}
	for _, s := range p.Services {
		ds := DocService{Name: s.Name, Summary: s.Summary, URL: strings.TrimRight(base, "/") + s.URL}
		if len(s.Phones) > 0 {
			ds.Phone = s.Phones[0].Number
		}
		services.Services = append(services.Services, ds)
	}
	d.Sections = append(d.Sections, plan, services, Section{Heading: "About this summary", Paragraphs: []string{
		"This summary is yours. The " + unit + " will not share it with anyone else without your written consent.",
		"If anything in it is wrong, tell your adviser and they will correct it.",
	}})
	return d
}

// Intro is the line under the title: who it is for, from whom, when.
func (d *Doc) Intro() string {
	s := "From the " + d.Unit + ", " + d.Date.Long() + "."
	if d.Name != "" {
		s = "For " + d.Name + ". " + s
	}
	return s
}

// UnitName is what the unit calls itself on a written summary: the name
// set for summaries at /admin/outcomes, or else the unit's own name
// (/admin/settings/unit).
func UnitName(ctx context.Context, q store.Querier) (string, error) {
	name, err := settings.Get(ctx, q, KeyUnitName, "")
	if err != nil || name != "" {
		return name, err
	}
	return settings.UnitName(ctx, q)
}

// Draft reads the summary being written for c.
func (s *Store) Draft(ctx context.Context, c *cases.Case) (*Draft, error) {
	var discussed, agreed, preview []byte
	var previewed store.Time
	err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT discussed, agreed, preview, previewed_at FROM summary_drafts WHERE case_id = ?`, c.ID),
		&discussed, &agreed, &preview, &previewed)
	if errors.Is(err, store.ErrNotFound) {
		return &Draft{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("plans: draft: %w", err)
	}
	d := &Draft{PreviewedAt: previewed.Time}
	if d.Discussed, err = s.Cases.OpenFor(c, discussed, "summary_drafts.discussed:"+c.ID); err != nil {
		return nil, err
	}
	if d.Agreed, err = s.Cases.OpenFor(c, agreed, "summary_drafts.agreed:"+c.ID); err != nil {
		return nil, err
	}
	if len(preview) > 0 {
		if d.Preview, err = s.openDoc(c, preview, "summary_drafts.preview:"+c.ID); err != nil {
			return nil, err
		}
		d.Token = token(preview)
	}
	return d, nil
}

func token(sealed []byte) string {
	sum := sha256.Sum256(sealed)
	return hex.EncodeToString(sum[:16])
}

func (s *Store) openDoc(c *cases.Case, sealed []byte, context string) (*Doc, error) {
	raw, err := s.Cases.OpenFor(c, sealed, context)
	if err != nil {
		return nil, err
	}
	var d Doc
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		return nil, fmt.Errorf("plans: summary document: %w", err)
	}
	return &d, nil
}

// SaveDraft stores what the adviser wrote and, when preview is set, makes
// the preview: the whole document from the draft and the plan as they
// stand. Saving again drops an older preview, so what is issued is always
// the newest text.
func (s *Store) SaveDraft(ctx context.Context, v cases.Viewer, caseID, discussed, agreed string, preview bool) error {
	discussed, err := checkText("discussed", "what you discussed", discussed, MaxSection, preview)
	if err != nil {
		return err
	}
	if agreed, err = checkText("agreed", "what you agreed", agreed, MaxSection, preview); err != nil {
		return err
	}
	action := "case.summary.draft"
	if preview {
		action = "case.summary.preview"
	}
	return s.Cases.Act(ctx, v, caseID, action, false, func(tx *store.Tx, c *cases.Case) (string, error) {
		now := store.Now()
		ds, err := s.Cases.SealFor(c, discussed, "summary_drafts.discussed:"+c.ID)
		if err != nil {
			return "", err
		}
		as, err := s.Cases.SealFor(c, agreed, "summary_drafts.agreed:"+c.ID)
		if err != nil {
			return "", err
		}
		var doc []byte
		var at any
		if preview {
			p, err := s.Plan(ctx, tx, c)
			if err != nil {
				return "", err
			}
			name, err := s.Cases.Name(c)
			if err != nil {
				return "", err
			}
			unit, err := UnitName(ctx, tx)
			if err != nil {
				return "", err
			}
			raw, err := json.Marshal(compose(c, name, unit, s.BaseURL, DayOf(now), discussed, agreed, p))
			if err != nil {
				return "", err
			}
			if doc, err = s.Cases.SealFor(c, string(raw), "summary_drafts.preview:"+c.ID); err != nil {
				return "", err
			}
			at = now
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO summary_drafts (case_id, discussed, agreed, preview, previewed_at, updated_at, updated_by)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET discussed = excluded.discussed, agreed = excluded.agreed,
			preview = excluded.preview, previewed_at = excluded.previewed_at, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			c.ID, ds, as, doc, at, now, v.UserID); err != nil {
			return "", fmt.Errorf("plans: draft: %w", err)
		}
		return "", nil
	})
}

// Issued is the outcome of issuing a summary.
type Issued struct {
	Version int
	Mailed  bool // the trainee was e-mailed that it is ready
}

// Issue issues the preview named by tok as the next version of case
// caseID's written summary: the PDF is made from exactly the previewed
// document, both are sealed, a Seen case moves to SummarySent, and the
// trainee, if they agreed to e-mail, is told it is ready (nothing of what
// it says).
func (s *Store) Issue(ctx context.Context, v cases.Viewer, caseID, tok string) (Issued, error) {
	var out Issued
	err := s.Cases.Act(ctx, v, caseID, "case.summary.issue", false, func(tx *store.Tx, c *cases.Case) (string, error) {
		var sealed []byte
		var previewed, planChanged store.Time
		err := store.Scan(tx.QueryRowContext(ctx, `SELECT d.preview, d.previewed_at,
			(SELECT p.updated_at FROM plans p WHERE p.case_id = d.case_id) FROM summary_drafts d WHERE d.case_id = ?`, c.ID),
			&sealed, &previewed, &planChanged)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", fmt.Errorf("plans: issue: %w", err)
		}
		switch {
		case len(sealed) == 0:
			return "", cases.Problem("issue", "Preview the summary before you issue it.")
		case tok != token(sealed):
			return "", cases.Problem("issue", "The summary has changed since this preview was made. Check the new preview, then issue it.")
		case planChanged.Valid && planChanged.Time.After(previewed.Time):
			return "", cases.Problem("issue", "The plan has changed since you previewed the summary. Preview it again to check the plan it shows, then issue it.")
		}
		var n int
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM summaries WHERE case_id = ?`, c.ID), &n); err != nil {
			return "", fmt.Errorf("plans: issue: %w", err)
		}
		switch c.Status {
		case cases.Seen, cases.SummarySent, cases.FollowUp:
		case cases.Closed:
			if n == 0 {
				return "", cases.Problem("issue", "This case is closed. Reopen it to send a first summary.")
			}
		default:
			return "", cases.Problem("issue", "Issue the summary after the one-to-one: update the case's status to \u201cSeen\u201d first.")
		}
		doc, err := s.openDoc(c, sealed, "summary_drafts.preview:"+c.ID)
		if err != nil {
			return "", err
		}
		now := store.Now()
		pdf, err := RenderPDF(doc, now)
		if err != nil {
			return "", err
		}
		k, err := s.Cases.Key(c)
		if err != nil {
			return "", err
		}
		raw, err := json.Marshal(doc)
		if err != nil {
			return "", err
		}
		id := store.NewID()
		out.Version = n + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO summaries (id, case_id, version, issued_at, issued_by, content, pdf)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, c.ID, out.Version, now, v.UserID,
			k.Seal(raw, "summaries.content:"+id), k.Seal(pdf, "summaries.pdf:"+id)); err != nil {
			return "", fmt.Errorf("plans: issue: %w", err)
		}
		// The preview is used up: issuing twice from one click, or from a
		// page left open, makes no second version.
		if _, err := tx.ExecContext(ctx, `UPDATE summary_drafts SET preview = NULL, previewed_at = NULL WHERE case_id = ?`, c.ID); err != nil {
			return "", fmt.Errorf("plans: issue: %w", err)
		}
		what := "Written summary issued"
		if out.Version > 1 {
			what = fmt.Sprintf("Corrected written summary issued (version %d)", out.Version)
		}
		if c.Status == cases.Seen {
			if err := s.Cases.MoveTx(ctx, tx, v, c, cases.SummarySent, "written summary issued"); err != nil {
				return "", err
			}
		}
		if err := s.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventSummary, ActorID: v.UserID, At: now, Detail: what}, ""); err != nil {
			return "", err
		}
		subject := "Your written summary is ready"
		if out.Version > 1 {
			subject = "A corrected written summary is ready"
		}
		unit, err := settings.UnitName(ctx, tx)
		if err != nil {
			return "", err
		}
		if out.Mailed, err = s.Cases.MailTrainee(ctx, tx, c, "plans.summary_ready", subject, s.summaryMail(c, out.Version, unit)); err != nil {
			return "", err
		}
		if out.Mailed {
			if _, err := tx.ExecContext(ctx, `UPDATE summaries SET mailed = TRUE WHERE id = ?`, id); err != nil {
				return "", fmt.Errorf("plans: issue: %w", err)
			}
		}
		return fmt.Sprintf("version %d", out.Version), nil
	})
	return out, err
}

// summaryMail tells the trainee a summary is ready, and how to get it; it
// carries nothing of what the summary says.
func (s *Store) summaryMail(c *cases.Case, version int, unit string) string {
	var b strings.Builder
	if version > 1 {
		b.WriteString("Your adviser at the " + unit + " has corrected your written summary. The corrected version is ready for you")
	} else {
		b.WriteString("Your written summary from the " + unit + " is ready for you")
	}
	b.WriteString(" (reference " + c.Reference + ").\n\n")
	if s.HasRoute != nil && s.HasRoute("/portal/summaries") {
		b.WriteString("Sign in with the e-mail address of your application to read it, download a copy, and share it if you choose: " +
			strings.TrimRight(s.BaseURL, "/") + "/portal/summaries\n\n")
	} else {
		b.WriteString("Your adviser will tell you how to get your copy.\n\n")
	}
	b.WriteString("If you are in crisis or feel unsafe, call 999 or go to A&E. You can call Samaritans free on 116 123 at any time, or call NHS 111.\n")
	return b.String()
}

// Version is one issued summary.
type Version struct {
	Number   int
	ID       string
	IssuedAt time.Time
	IssuedBy string
	Mailed   bool
}

// Versions lists c's issued summaries, newest first.
func (s *Store) Versions(ctx context.Context, c *cases.Case) ([]Version, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT m.version, m.id, m.issued_at, COALESCE(u.name, ''), m.mailed FROM summaries m
		LEFT JOIN users u ON u.id = m.issued_by WHERE m.case_id = ? ORDER BY m.version DESC`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("plans: versions: %w", err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.Number, &v.ID, &v.IssuedAt, &v.IssuedBy, &v.Mailed); err != nil {
			return nil, fmt.Errorf("plans: versions: %w", err)
		}
		v.IssuedAt = v.IssuedAt.UTC()
		out = append(out, v)
	}
	return out, rows.Err()
}

// Summary reads version n of c's issued summary: the document and its PDF,
// opened. A version that does not exist is store.ErrNotFound.
func (s *Store) Summary(ctx context.Context, c *cases.Case, n int) (*Doc, []byte, error) {
	var id string
	var content, pdf []byte
	if err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT id, content, pdf FROM summaries WHERE case_id = ? AND version = ?`, c.ID, n),
		&id, &content, &pdf); err != nil {
		return nil, nil, fmt.Errorf("plans: summary: %w", err)
	}
	k, err := s.Cases.Key(c)
	if err != nil {
		return nil, nil, err
	}
	raw, err := k.Open(content, "summaries.content:"+id)
	if err != nil {
		return nil, nil, err
	}
	var d Doc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, nil, fmt.Errorf("plans: summary document: %w", err)
	}
	file, err := k.Open(pdf, "summaries.pdf:"+id)
	if err != nil {
		return nil, nil, err
	}
	return &d, file, nil
}

// Target is the written summary's target for a case: due SummaryWithin
// days after the one-to-one.
type Target struct {
	Session time.Time // when the one-to-one was recorded; zero if not yet
	Due     Day
	Issued  time.Time // the first version; zero if none
	Met     bool      // issued by the end of Due
	Overdue bool      // not issued, and Due has passed
}

// SummaryTarget works out c's target at now. The session's date is when
// the case was last marked Seen on its timeline (appointments, once they
// record attendance, will give the date of the one-to-one itself).
func (s *Store) SummaryTarget(ctx context.Context, c *cases.Case, now time.Time) (Target, error) {
	var t Target
	var seen, first store.Time
	if err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT
		(SELECT MAX(at) FROM case_events WHERE case_id = ? AND kind = 'status' AND to_status = 'seen'),
		(SELECT MIN(issued_at) FROM summaries WHERE case_id = ?)`, c.ID, c.ID), &seen, &first); err != nil {
		return t, fmt.Errorf("plans: summary target: %w", err)
	}
	if !seen.Valid {
		return t, nil
	}
	t.Session, t.Issued = seen.Time, first.Time
	t.Due = DayOf(seen.Time).AddDays(SummaryWithin)
	end := workdays.EndOfDay(t.Due.Time())
	if first.Valid {
		t.Met = !first.Time.After(end)
	} else {
		t.Overdue = now.After(end)
	}
	return t, nil
}
