package cases

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// Arrival is what case work needs of a submitted application.
type Arrival struct {
	ApplicationID    string
	Reference        string
	SubmittedAt      time.Time
	Email, Name      string
	Profession       string
	Region           string
	Programme        string
	Topics           []string
	ConsentCaseEmail bool
	ConsentFollowUp  bool
}

// ArrivalOf describes a submitted application.
func ArrivalOf(a *application.Application) Arrival {
	return Arrival{
		ApplicationID: a.ID, Reference: a.Reference, SubmittedAt: a.SubmittedAt, Email: a.Email, Name: a.Name,
		Profession: a.Eligibility.Profession, Region: a.Eligibility.Region, Programme: a.Eligibility.Programme,
		Topics: a.Concerns, ConsentCaseEmail: a.ConsentCaseEmail, ConsentFollowUp: a.ConsentFollowUp,
	}
}

// IntakeApplication is the application package's hook: it opens a case for
// the application (or joins the referrer's notice already waiting for it)
// and sets the first-response target the confirmation e-mail quotes.
func (s *Store) IntakeApplication(ctx context.Context, tx *store.Tx, a *application.Application) error {
	c, err := s.Arrive(ctx, tx, ArrivalOf(a))
	if err != nil {
		return err
	}
	a.FirstResponseDue = c.ResponseDue
	return nil
}

// IntakeReferral is the referral package's hook: a notice joins the open
// case for the same trainee address, or opens one that waits, "notified",
// for the trainee to apply.
func (s *Store) IntakeReferral(ctx context.Context, tx *store.Tx, r *referral.Referral) error {
	_, err := s.Notice(ctx, tx, r.ID, r.CreatedAt, r.TraineeEmail, r.TraineeName)
	return err
}

// Arrive records an application: it joins a case that is waiting for it
// ("notified, not yet applied") or opens a new one, starts the
// first-response clock and links the referrers' notices for the same
// address.
func (s *Store) Arrive(ctx context.Context, tx *store.Tx, a Arrival) (*Case, error) {
	clock, cs, err := settings.WorkClock(ctx, tx)
	if err != nil {
		return nil, err
	}
	blind := s.emailBlind(a.Email)
	due := clock.Due(a.SubmittedAt, cs.Days)
	c, err := s.waiting(ctx, tx, blind)
	switch {
	case errors.Is(err, store.ErrNotFound):
		c, err = s.create(ctx, tx, newCase{reference: a.Reference, status: New, at: a.SubmittedAt, email: a.Email, name: a.Name})
		if err != nil {
			return nil, err
		}
		if err := event(ctx, tx, c, Event{Kind: EventApplied, At: a.SubmittedAt, ToStatus: New}); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	default:
		from := c.Status
		name, err := s.sealName(c, a.Name)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET reference = ?, status = ?, status_at = ?, name_sealed = ?, updated_at = ? WHERE id = ?`,
			a.Reference, New, a.SubmittedAt, name, a.SubmittedAt, c.ID); err != nil {
			return nil, fmt.Errorf("cases: join application: %w", err)
		}
		c.Reference, c.Status, c.StatusAt, c.nameSealed = a.Reference, New, a.SubmittedAt, name
		if err := s.index(ctx, tx, c.ID, a.Email, a.Name); err != nil {
			return nil, err
		}
		if err := event(ctx, tx, c, Event{Kind: EventApplied, At: a.SubmittedAt, FromStatus: from, ToStatus: New}); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET submitted_at = ?, response_due = ?, profession = ?, region = ?, programme = ?,
		consent_case_email = ?, consent_follow_up = ? WHERE id = ?`,
		a.SubmittedAt, due, a.Profession, a.Region, a.Programme, a.ConsentCaseEmail, a.ConsentFollowUp, c.ID); err != nil {
		return nil, fmt.Errorf("cases: start clock: %w", err)
	}
	c.SubmittedAt, c.ResponseDue, c.Profession, c.Region, c.Programme = a.SubmittedAt, due, a.Profession, a.Region, a.Programme
	if err := consent.FromApplication(ctx, tx, c.ID, a.ConsentCaseEmail, a.ConsentFollowUp, a.SubmittedAt); err != nil {
		return nil, err
	}
	if err := store.Scan(tx.QueryRowContext(ctx, `SELECT consent_case_email, consent_follow_up FROM cases WHERE id = ?`, c.ID),
		&c.ConsentCaseEmail, &c.ConsentFollowUp); err != nil {
		return nil, fmt.Errorf("cases: consents: %w", err)
	}
	for _, t := range a.Topics {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_topics (case_id, topic, opened_at) VALUES (?, ?, ?)
			ON CONFLICT (case_id, topic) DO NOTHING`, c.ID, t, c.OpenedAt); err != nil {
			return nil, fmt.Errorf("cases: topics: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET case_id = ? WHERE id = ?`, c.ID, a.ApplicationID); err != nil {
		return nil, fmt.Errorf("cases: link application: %w", err)
	}
	if err := s.linkNotices(ctx, tx, c, blind); err != nil {
		return nil, err
	}
	return c, audit.Record(ctx, tx, systemEvent("case.application_received", c.ID))
}

// Notice records a referrer's notice about a trainee.
func (s *Store) Notice(ctx context.Context, tx *store.Tx, referralID string, at time.Time, email, name string) (*Case, error) {
	blind := s.emailBlind(email)
	var id string
	err := store.Scan(tx.QueryRowContext(ctx, `SELECT id FROM cases WHERE email_blind = ?
		AND status NOT IN ('closed', 'withdrawn', 'not_eligible', 'merged') ORDER BY opened_at DESC LIMIT 1`, blind), &id)
	var c *Case
	switch {
	case errors.Is(err, store.ErrNotFound):
		if c, err = s.create(ctx, tx, newCase{reference: application.NewReference(), status: Notified, at: at, email: email, name: name}); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("cases: notice: %w", err)
	default:
		if c, err = s.Get(ctx, tx, id); err != nil {
			return nil, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE referrals SET case_id = ? WHERE id = ?`, c.ID, referralID); err != nil {
		return nil, fmt.Errorf("cases: link notice: %w", err)
	}
	if err := event(ctx, tx, c, Event{Kind: EventNotified, At: at}); err != nil {
		return nil, err
	}
	return c, audit.Record(ctx, tx, systemEvent("case.notice_received", c.ID))
}

// waiting finds the case opened by a referrer's notice that waits for this
// trainee to apply.
func (s *Store) waiting(ctx context.Context, tx *store.Tx, blind string) (*Case, error) {
	var id string
	if err := store.Scan(tx.QueryRowContext(ctx, `SELECT id FROM cases WHERE email_blind = ? AND status = 'notified'
		ORDER BY opened_at LIMIT 1`, blind), &id); err != nil {
		return nil, fmt.Errorf("cases: waiting: %w", err)
	}
	return s.lock(ctx, tx, id)
}

func (s *Store) linkNotices(ctx context.Context, tx *store.Tx, c *Case, blind string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE referrals SET case_id = ? WHERE trainee_email_blind = ? AND case_id IS NULL`, c.ID, blind); err != nil {
		return fmt.Errorf("cases: link notices: %w", err)
	}
	return nil
}

type newCase struct {
	reference   string
	status      Status
	at          time.Time
	email, name string
}

func (s *Store) create(ctx context.Context, tx *store.Tx, n newCase) (*Case, error) {
	c := &Case{ID: store.NewID(), Reference: n.reference, Status: n.status, StatusAt: n.at, OpenedAt: n.at, UpdatedAt: n.at,
		EmailBlind: s.emailBlind(n.email)}
	key, sub, err := s.Sealer.NewDataKey("cases.key:" + c.ID)
	if err != nil {
		return nil, err
	}
	c.keySealed = key
	if n.name != "" {
		c.nameSealed = sub.SealString(n.name, "cases.name:"+c.ID)
	}
	c.emailSealed = sub.SealString(n.email, "cases.email:"+c.ID)
	if _, err := tx.ExecContext(ctx, `INSERT INTO cases (id, reference, status, status_at, opened_at, email_blind, key_sealed, name_sealed, email_sealed, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.Reference, c.Status, c.StatusAt, c.OpenedAt, c.EmailBlind, c.keySealed, c.nameSealed, c.emailSealed, c.UpdatedAt); err != nil {
		return nil, fmt.Errorf("cases: create: %w", err)
	}
	return c, s.index(ctx, tx, c.ID, n.email, n.name)
}

func (s *Store) sealName(c *Case, name string) ([]byte, error) {
	if name == "" {
		return c.nameSealed, nil
	}
	return s.SealFor(c, name, "cases.name:"+c.ID)
}

func (s *Store) emailBlind(email string) string {
	return referral.BlindEmail(s.Sealer, email)
}

// Search blinds: keyed hashes of what staff may type to find a case.
func searchBlinds(sealer *seal.Sealer, email, name string) []string {
	var out []string
	if email != "" {
		out = append(out, sealer.Blind(referral.NormaliseEmail(email), "email"))
	}
	words := nameWords(name)
	if len(words) > 0 {
		out = append(out, sealer.Blind(strings.Join(words, " "), "case.name"))
	}
	for _, w := range words {
		out = append(out, sealer.Blind(w, "case.name.word"))
	}
	return out
}

// letterFolds are letters that do not decompose into a base letter and an
// accent, written as people type them on an English keyboard.
var letterFolds = strings.NewReplacer("ø", "o", "æ", "ae", "œ", "oe", "ß", "ss", "ł", "l", "đ", "d", "ð", "d", "þ", "th", "ı", "i")

// nameWords folds a name the way a search for it is folded: lower case,
// accents dropped, split on anything that is not a letter or digit.
func nameWords(name string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(letterFolds.Replace(strings.ToLower(name))) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

func (s *Store) index(ctx context.Context, tx *store.Tx, caseID, email, name string) error {
	for _, b := range searchBlinds(s.Sealer, email, name) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_search (case_id, blind, opened_at) VALUES (?, ?, (SELECT opened_at FROM cases WHERE id = ?))
			ON CONFLICT (blind, case_id) DO NOTHING`, caseID, b, caseID); err != nil {
			return fmt.Errorf("cases: index: %w", err)
		}
	}
	return nil
}
