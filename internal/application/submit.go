package application

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// referenceAlphabet leaves out characters that are easily confused when
// read aloud or copied by hand: 0/O, 1/I/L, and U (V).
const referenceAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReference returns a reference such as PSU-7K3F9Q: 30^6 (about 729
// million) possibilities; the unique index settles the rare collision.
func NewReference() string {
	out := []byte("PSU-")
	var b [1]byte
	for len(out) < 10 {
		rand.Read(b[:])
		if int(b[0]) >= 256-256%len(referenceAlphabet) {
			continue // keep every character equally likely
		}
		out = append(out, referenceAlphabet[int(b[0])%len(referenceAlphabet)])
	}
	return string(out)
}

// ValidReference reports whether s is shaped like a reference.
func ValidReference(s string) bool {
	if len(s) != 10 || s[:4] != "PSU-" {
		return false
	}
	for i := 4; i < len(s); i++ {
		if strings.IndexByte(referenceAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// BuildFunc turns a draft into the application it describes, or says why
// it cannot yet be sent.
type BuildFunc func(d *Draft) (Application, error)

// Submit turns draft draftID into an application in one transaction: the
// application row (its draft_id is unique, so a second submit of the same
// draft cannot add another), the draft's files, the link to any referral
// made for the same address, the confirmation e-mail and the audit entry;
// the draft and its links are deleted. Submitting a draft that has already
// been submitted returns that application and changes nothing.
func (s *Store) Submit(ctx context.Context, draftID string, build BuildFunc) (Application, error) {
	for attempt := 0; ; attempt++ {
		a, err := s.submitOnce(ctx, draftID, build)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
			// Submitted meanwhile (or before)? Then that is the answer.
			prev, perr := s.ApplicationByDraft(ctx, draftID)
			if perr == nil {
				return prev, nil
			}
			if !errors.Is(perr, store.ErrNotFound) {
				return Application{}, perr
			}
			if errors.Is(err, store.ErrConflict) && attempt < 5 {
				continue // the reference was taken: draw another
			}
		}
		return a, err
	}
}

func (s *Store) submitOnce(ctx context.Context, draftID string, build BuildFunc) (Application, error) {
	var a Application
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := lockDraft(ctx, tx, draftID); err != nil {
			return err
		}
		d, err := s.Draft(ctx, tx, draftID)
		if err != nil {
			return err
		}
		if a, err = build(d); err != nil {
			return err
		}
		now := store.Now()
		a.ID, a.Reference, a.DraftID, a.Status = store.NewID(), NewReference(), d.ID, "new"
		a.SubmittedAt, a.FirstResponseDue = now, now.Add(ReplyWithin)
		if err := s.insertApplications(ctx, tx, []placed{{a: &a}}); err != nil {
			return err
		}
		blind := s.EmailBlind(a.Email)
		if _, err := tx.ExecContext(ctx, `UPDATE application_files SET application_id = ?, draft_id = NULL WHERE draft_id = ?`, a.ID, d.ID); err != nil {
			return fmt.Errorf("application: move files: %w", err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE referrals SET application_id = ? WHERE trainee_email_blind = ? AND application_id IS NULL`, a.ID, blind)
		if err != nil {
			return fmt.Errorf("application: link referrals: %w", err)
		}
		linked, _ := res.RowsAffected()
		if s.Intake != nil {
			if err := s.Intake(ctx, tx, &a); err != nil {
				return fmt.Errorf("application: case intake: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM application_drafts WHERE id = ?`, d.ID); err != nil {
			return fmt.Errorf("application: delete draft: %w", err)
		}
		unit, err := settings.UnitDetails(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := s.Outbox.Enqueue(ctx, tx, confirmationMail(a, unit)); err != nil {
			return fmt.Errorf("application: confirmation mail: %w", err)
		}
		detail := ""
		if linked > 0 {
			detail = fmt.Sprintf("linked to %d referral(s)", linked)
		}
		if err := audit.Record(ctx, tx, audit.Event{ActorRole: "visitor", Action: "application.submitted",
			TargetType: "application", TargetID: a.ID, Detail: detail}); err != nil {
			return err
		}
		a.Documents, err = s.files(ctx, tx, "application_id", a.ID)
		return err
	})
	if err != nil {
		return Application{}, err
	}
	return a, nil
}

const applicationColumns = `id, reference, draft_id, status, rule_id, rule_version, policy_version,
	consent_case_email, consent_follow_up, answers, submitted_at, first_response_due`

// Get reads an application with its documents.
func (s *Store) Get(ctx context.Context, id string) (Application, error) {
	return s.scanApplication(ctx, s.DB.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE id = ?`, id))
}

// ApplicationByDraft reads the application a draft became.
func (s *Store) ApplicationByDraft(ctx context.Context, draftID string) (Application, error) {
	return s.scanApplication(ctx, s.DB.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE draft_id = ?`, draftID))
}

// ByReference reads an application by its reference.
func (s *Store) ByReference(ctx context.Context, ref string) (Application, error) {
	return s.scanApplication(ctx, s.DB.QueryRowContext(ctx, `SELECT `+applicationColumns+` FROM applications WHERE reference = ?`, ref))
}

func (s *Store) scanApplication(ctx context.Context, row *sql.Row) (Application, error) {
	var a Application
	var sealed []byte
	err := store.Scan(row, &a.ID, &a.Reference, &a.DraftID, &a.Status, &a.RuleID, &a.RuleVersion, &a.PolicyVersion,
		&a.ConsentCaseEmail, &a.ConsentFollowUp, &sealed, &a.SubmittedAt, &a.FirstResponseDue)
	if err != nil {
		return Application{}, fmt.Errorf("application: read: %w", err)
	}
	b, err := s.Sealer.Open(sealed, "applications.answers:"+a.ID)
	if err != nil {
		return Application{}, fmt.Errorf("application %s: %w", a.ID, err)
	}
	if err := json.Unmarshal(b, &a); err != nil {
		return Application{}, fmt.Errorf("application %s: %w", a.ID, err)
	}
	a.SubmittedAt, a.FirstResponseDue = a.SubmittedAt.UTC(), a.FirstResponseDue.UTC()
	if a.Documents, err = s.files(ctx, s.DB, "application_id", a.ID); err != nil {
		return Application{}, err
	}
	return a, nil
}

// confirmationMail says the application arrived and when to expect a reply.
// It carries nothing about the person's situation: mail leaves our control.
// Who the unit is and its phone number come from the unit's settings.
func confirmationMail(a Application, u settings.Unit) mail.Message {
	due := a.FirstResponseDue.In(london).Format("Monday 2 January 2006")
	return mail.Message{
		Kind:    "application.received",
		To:      a.Email,
		Subject: "We have received your form (" + a.Reference + ")",
		Text: "Thank you. The Individual Support Team of the " + u.Name + " has received your application.\n\n" +
			"Your reference is " + a.Reference + ". Please quote it if you contact us.\n\n" +
			"What happens next: an adviser will read what you sent and contact you to arrange a conversation. " +
			"We aim to reply within 14 days, by " + due + ".\n\n" +
			"What you told us is confidential within the limits of our confidentiality policy. " +
			"This e-mail does not repeat any of it.\n\n" +
			"If you did not apply, or need to talk to us sooner, phone the unit on " + u.CallLine() + ".\n",
	}
}
