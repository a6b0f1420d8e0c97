// Package consent is the trainee's consent ledger: every consent they gave
// (what for, to whom, for which document and version, the words they were
// shown, when, how), kept after it is withdrawn. Check is the one question
// asked before anything about a trainee leaves psu, and Mail the one way
// mail about a trainee is queued: it asks Check in the same transaction.
//
// The package stands below case work: it knows cases only by id, so
// cases, appointments, plans and the portal all call it.
package consent

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
)

// Purpose is what a consent allows.
type Purpose string

const (
	// CaseEmail: the unit may e-mail the trainee about their case (the
	// appointment, the summary being ready, a decision).
	CaseEmail Purpose = "case_email"
	// FollowUp: the unit may e-mail later to ask how they are and for
	// feedback.
	FollowUp Purpose = "follow_up"
	// ShareSummary: one version of one summary may be shown to one named
	// person.
	ShareSummary Purpose = "share_summary"
	// TellReferrer: the person who recommended the unit may be told that
	// the trainee is in touch, and nothing more.
	TellReferrer Purpose = "tell_referrer"
)

// Purposes lists every purpose, in the order a trainee sees them.
var Purposes = []Purpose{CaseEmail, FollowUp, ShareSummary, TellReferrer}

// Phrase is the purpose in plain words.
func (p Purpose) Phrase() string {
	switch p {
	case CaseEmail:
		return "E-mail about your case"
	case FollowUp:
		return "E-mail later for follow-up and feedback"
	case ShareSummary:
		return "Share your summary"
	case TellReferrer:
		return "Tell the person who recommended us that you are in touch"
	}
	return string(p)
}

// Channel is where a consent was given.
type Channel string

const (
	ChannelApplication Channel = "application"
	ChannelPortal      Channel = "portal"
)

// Wording versions of the application form's two questions.
const (
	WordingApplicationCaseEmail = "application-case-email-1"
	WordingApplicationFollowUp  = "application-follow-up-1"
)

// WordingShareSummary is the version of the words a trainee agrees to when
// they share a version of their summary with a named person.
const WordingShareSummary = "portal-share-summary-1"

// WordingTellReferrer is the version of the words a trainee agrees to when
// they ask the unit to tell their referrer that they are in touch.
const WordingTellReferrer = "portal-tell-referrer-1"

// Wording is the text of wording version v, as a trainee is shown it.
func Wording(ctx context.Context, q store.Querier, v string) (string, error) {
	var text string
	if err := store.Scan(q.QueryRowContext(ctx, `SELECT text FROM consent_wordings WHERE version = ?`, v), &text); err != nil {
		return "", fmt.Errorf("consent: wording %s: %w", v, err)
	}
	return text, nil
}

// ErrRefused is Check's answer when no current consent covers what is
// asked: nothing may leave.
var ErrRefused = errors.New("consent: no current consent")

// Consent is one entry of the ledger.
type Consent struct {
	ID      string
	CaseID  string
	Purpose Purpose
	// RecipientBlind is a keyed hash of a share's recipient address;
	// RecipientSealed their name, role and address under the case key.
	RecipientBlind  string
	RecipientSealed []byte
	Document        string // a share's scope: the document's id
	Version         int    // and its version
	Wording         string // the version of the words shown
	WordingText     string // those words, as shown
	Channel         Channel
	GivenAt         time.Time
	WithdrawnAt     time.Time // zero while current
}

// Current reports whether the consent is still in force.
func (c *Consent) Current() bool { return c.WithdrawnAt.IsZero() }

// Need is what an outbound path asks leave for.
type Need struct {
	CaseID  string
	Purpose Purpose
	// For a share: the document, its version and the recipient's keyed
	// hash must all match the consent.
	Document  string
	Version   int
	Recipient string
}

const columns = `c.id, c.case_id, c.purpose, c.recipient_blind, c.recipient_sealed, c.scope_document, c.scope_version,
	c.wording_version, w.text, c.channel, c.given_at, c.withdrawn_at`

func scan(sc interface{ Scan(...any) error }) (*Consent, error) {
	var c Consent
	var withdrawn store.Time
	var given store.Time
	if err := sc.Scan(&c.ID, &c.CaseID, &c.Purpose, &c.RecipientBlind, &c.RecipientSealed, &c.Document, &c.Version,
		&c.Wording, &c.WordingText, &c.Channel, &given, &withdrawn); err != nil {
		return nil, err
	}
	c.GivenAt, c.WithdrawnAt = given.Time, withdrawn.Time
	return &c, nil
}

// Check is the one question asked before anything about a trainee leaves
// psu (an e-mail, a share link's page or download, a word to a referrer):
// it returns the current consent that covers n, or ErrRefused. Run it in
// the transaction that sends, so a withdrawal committed first wins.
func Check(ctx context.Context, q store.Querier, n Need) (*Consent, error) {
	if n.CaseID == "" || n.Purpose == "" {
		return nil, ErrRefused
	}
	query := `SELECT ` + columns + ` FROM consents c JOIN consent_wordings w ON w.version = c.wording_version
		WHERE c.case_id = ? AND c.purpose = ? AND c.withdrawn_at IS NULL`
	args := []any{n.CaseID, string(n.Purpose)}
	if n.Purpose == ShareSummary {
		if n.Document == "" || n.Version <= 0 || n.Recipient == "" {
			return nil, ErrRefused
		}
		query += ` AND c.scope_document = ? AND c.scope_version = ? AND c.recipient_blind = ?`
		args = append(args, n.Document, n.Version, n.Recipient)
	}
	query += ` ORDER BY c.given_at DESC, c.id DESC LIMIT 1`
	c, err := scan(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrRefused
	}
	if err != nil {
		return nil, fmt.Errorf("consent: check: %w", err)
	}
	return c, nil
}

// Mail queues m about case n.CaseID only if Check allows it, and reports
// whether it did. Every e-mail to a trainee about their case, or to anyone
// about a trainee, is queued here and nowhere else.
func Mail(ctx context.Context, tx *store.Tx, ob *mail.Outbox, n Need, m mail.Message) (bool, error) {
	if ob == nil || m.To == "" {
		return false, nil
	}
	if m.CaseID == "" {
		m.CaseID = n.CaseID // so erasing the case takes the delivered mail too
	}
	if _, err := Check(ctx, tx, n); err != nil {
		if errors.Is(err, ErrRefused) {
			return false, nil
		}
		return false, err
	}
	if _, err := ob.Enqueue(ctx, tx, m); err != nil {
		return false, fmt.Errorf("consent: mail: %w", err)
	}
	return true, nil
}

// Grant is a consent being given.
type Grant struct {
	CaseID          string
	Purpose         Purpose
	RecipientBlind  string
	RecipientSealed []byte
	Document        string
	Version         int
	Wording         string
	Channel         Channel
	At              time.Time
}

// Give writes g to the ledger and returns its id.
func Give(ctx context.Context, tx *store.Tx, g Grant) (string, error) {
	if g.At.IsZero() {
		g.At = store.Now()
	}
	id := store.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO consents (id, case_id, purpose, recipient_blind, recipient_sealed, scope_document,
		scope_version, wording_version, channel, given_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, g.CaseID, string(g.Purpose), g.RecipientBlind, g.RecipientSealed, g.Document, g.Version, g.Wording, string(g.Channel), g.At); err != nil {
		return "", fmt.Errorf("consent: give: %w", err)
	}
	if err := syncFlags(ctx, tx, g.CaseID); err != nil {
		return "", err
	}
	return id, nil
}

// FromApplication records the two consents a trainee answers on the
// application form, given when they submitted it. A "no" writes nothing.
func FromApplication(ctx context.Context, tx *store.Tx, caseID string, caseEmail, followUp bool, at time.Time) error {
	for _, g := range []struct {
		yes     bool
		p       Purpose
		wording string
	}{{caseEmail, CaseEmail, WordingApplicationCaseEmail}, {followUp, FollowUp, WordingApplicationFollowUp}} {
		if !g.yes {
			continue
		}
		if _, err := Check(ctx, tx, Need{CaseID: caseID, Purpose: g.p}); err == nil {
			continue // a second application for the same case: the consent stands
		}
		if _, err := Give(ctx, tx, Grant{CaseID: caseID, Purpose: g.p, Wording: g.wording, Channel: ChannelApplication, At: at}); err != nil {
			return err
		}
	}
	return nil
}

// List is every consent on case caseID, newest first, withdrawn ones too.
func List(ctx context.Context, q store.Querier, caseID string) ([]Consent, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM consents c JOIN consent_wordings w ON w.version = c.wording_version
		WHERE c.case_id = ? ORDER BY c.given_at DESC, c.id DESC`, caseID)
	if err != nil {
		return nil, fmt.Errorf("consent: list: %w", err)
	}
	defer rows.Close()
	var out []Consent
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("consent: list: %w", err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// Get reads consent id of case caseID.
func Get(ctx context.Context, q store.Querier, caseID, id string) (*Consent, error) {
	c, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM consents c JOIN consent_wordings w ON w.version = c.wording_version
		WHERE c.case_id = ? AND c.id = ?`, caseID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("consent: get: %w", err)
	}
	return c, nil
}

// Ledger withdraws consents and tells the rooms that act on a withdrawal
// (the plan room cancels a feedback request not yet sent; the portal ends
// a share link).
type Ledger struct {
	// OnWithdraw runs in the withdrawal's transaction for each consent
	// withdrawn.
	OnWithdraw []func(ctx context.Context, tx *store.Tx, c *Consent) error
}

// Withdraw ends consent id of case caseID at once. Withdrawing one already
// withdrawn changes nothing and reports false.
func (l *Ledger) Withdraw(ctx context.Context, tx *store.Tx, caseID, id string) (bool, error) {
	c, err := Get(ctx, tx, caseID, id)
	if err != nil {
		return false, err
	}
	now := store.Now()
	res, err := tx.ExecContext(ctx, `UPDATE consents SET withdrawn_at = ? WHERE id = ? AND case_id = ? AND withdrawn_at IS NULL`, now, id, caseID)
	if err != nil {
		return false, fmt.Errorf("consent: withdraw: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	c.WithdrawnAt = now
	if err := syncFlags(ctx, tx, caseID); err != nil {
		return false, err
	}
	for _, fn := range l.OnWithdraw {
		if err := fn(ctx, tx, c); err != nil {
			return false, err
		}
	}
	return true, nil
}

// syncFlags keeps the case row's two consent flags, which staff pages show
// ("the trainee will be e-mailed"), in step with the ledger. They are a
// copy for display: Check never reads them.
func syncFlags(ctx context.Context, tx *store.Tx, caseID string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE cases SET
		consent_case_email = EXISTS (SELECT 1 FROM consents WHERE case_id = ? AND purpose = 'case_email' AND withdrawn_at IS NULL),
		consent_follow_up = EXISTS (SELECT 1 FROM consents WHERE case_id = ? AND purpose = 'follow_up' AND withdrawn_at IS NULL)
		WHERE id = ?`, caseID, caseID, caseID); err != nil {
		return fmt.Errorf("consent: flags: %w", err)
	}
	return nil
}

// Backfill writes ledger entries for cases whose flags say the trainee
// consented on their application but that have none yet: what the
// migration that made the ledger did, for cases psu demo's seeding writes
// in bulk. The ids are the migration's (one per case and purpose).
func Backfill(ctx context.Context, tx *store.Tx) error {
	for _, p := range []struct {
		purpose Purpose
		column  string
		wording string
	}{{CaseEmail, "consent_case_email", WordingApplicationCaseEmail}, {FollowUp, "consent_follow_up", WordingApplicationFollowUp}} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO consents (id, case_id, purpose, wording_version, channel, given_at)
			SELECT 'application-' || k.id || '-' || ?, k.id, ?, ?, ?, COALESCE(k.submitted_at, k.opened_at) FROM cases k
			WHERE k.`+p.column+` AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.case_id = k.id AND c.purpose = ?)`,
			string(p.purpose), string(p.purpose), p.wording, string(ChannelApplication), string(p.purpose)); err != nil {
			return fmt.Errorf("consent: backfill: %w", err)
		}
	}
	return nil
}
