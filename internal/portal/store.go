package portal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/sharing"
	"github.com/psu-project/psu/internal/store"
)

// LinkLife is how long an e-mailed sign-in link works.
const LinkLife = 30 * time.Minute

// Errors a sign-in link can meet.
var (
	ErrLinkUsed    = errors.New("portal: sign-in link already used")
	ErrLinkExpired = errors.New("portal: sign-in link expired")
)

// Account is a trainee's portal account.
type Account struct {
	ID           string
	CaseID       string
	PasswordHash string
	CreatedAt    time.Time
	LastSignIn   time.Time
	totpSecret   []byte // sealed; nil until they add an authenticator app
	totpLastStep int64
}

// TwoStep reports whether the account signs in with an authenticator
// app's code as well.
func (a *Account) TwoStep() bool { return len(a.totpSecret) > 0 }

// Store holds trainees' accounts and sign-in links.
type Store struct {
	DB     *store.DB
	Sealer *seal.Sealer
	Cases  *cases.Store
	// Appointments, when set, gives the next appointment on the home page.
	Appointments *appointments.Store
	// Plans gives the issued summaries.
	Plans *plans.Store
	// Sharing holds the trainee's shares of their summary.
	Sharing *sharing.Store
	// Applications takes the documents a trainee adds.
	Applications *application.Store
	Outbox       *mail.Outbox
	// BaseURL starts the links in e-mails.
	BaseURL string
	now     func() time.Time
}

func (s *Store) clock() time.Time {
	if s.now != nil {
		return s.now().UTC()
	}
	return store.Now()
}

func (s *Store) blind(email string) string { return referral.BlindEmail(s.Sealer, email) }

// Account reads account id.
func (s *Store) Account(ctx context.Context, q store.Querier, id string) (*Account, error) {
	var a Account
	var last store.Time
	if err := store.Scan(q.QueryRowContext(ctx, `SELECT id, case_id, password_hash, created_at, last_sign_in_at, totp_secret, totp_last_step
		FROM portal_accounts WHERE id = ?`, id),
		&a.ID, &a.CaseID, &a.PasswordHash, &a.CreatedAt, &last, &a.totpSecret, &a.totpLastStep); err != nil {
		return nil, err
	}
	a.LastSignIn = last.Time
	return &a, nil
}

// accountFor finds or makes the account of the trainee whose application
// gave email, pointed at their newest case. ErrNotFound: no application
// with that address.
func (s *Store) accountFor(ctx context.Context, tx *store.Tx, email string) (*Account, *cases.Case, error) {
	c, err := s.Cases.ForTrainee(ctx, tx, email)
	if err != nil {
		return nil, nil, err
	}
	now := s.clock()
	id := store.NewID()
	if _, err := tx.ExecContext(ctx, `INSERT INTO portal_accounts (id, email_blind, case_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (email_blind) DO UPDATE SET case_id = excluded.case_id`, id, s.blind(email), c.ID, now); err != nil {
		return nil, nil, fmt.Errorf("portal: account: %w", err)
	}
	var aid string
	if err := store.Scan(tx.QueryRowContext(ctx, `SELECT id FROM portal_accounts WHERE email_blind = ?`, s.blind(email)), &aid); err != nil {
		return nil, nil, err
	}
	a, err := s.Account(ctx, tx, aid)
	return a, c, err
}

// SendLink e-mails a single-use sign-in link to email if it is the address
// of an application; it says nothing either way (the page shows the same
// answer), so the form cannot tell anyone who has applied.
func (s *Store) SendLink(ctx context.Context, email string) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		a, _, err := s.accountFor(ctx, tx, email)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		tok, err := s.newLink(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		unit, err := settings.UnitName(ctx, tx)
		if err != nil {
			return err
		}
		base := strings.TrimRight(s.BaseURL, "/")
		_, err = s.Outbox.Enqueue(ctx, tx, mail.Message{
			Kind:    "portal.sign_in",
			To:      email,
			CaseID:  a.CaseID,
			Subject: "Your link to sign in to the " + unit,
			Text: "You asked for a link to sign in to your page with the Individual Support Team of the " + unit + ".\n\n" +
				"Open this link to sign in on this device or another:\n\n" + base + "/portal/sign-in/" + tok + "\n\n" +
				"The link works once, for 30 minutes. For a new one, go to " + base + "/portal/sign-in\n\n" +
				"If you did not ask for it, you can ignore this e-mail: nobody can sign in without opening it.\n",
		})
		return err
	})
}

func (s *Store) newLink(ctx context.Context, tx *store.Tx, accountID string) (string, error) {
	tok := seal.NewToken()
	now := s.clock()
	if _, err := tx.ExecContext(ctx, `INSERT INTO portal_links (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		seal.TokenHash(tok), accountID, now, now.Add(LinkLife)); err != nil {
		return "", fmt.Errorf("portal: link: %w", err)
	}
	return tok, nil
}

// CheckLink says whether tok would sign someone in, without spending it.
func (s *Store) CheckLink(ctx context.Context, tok string) error {
	var expires, used store.Time
	if err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT expires_at, used_at FROM portal_links WHERE token_hash = ?`, seal.TokenHash(tok)),
		&expires, &used); err != nil {
		return err
	}
	switch {
	case used.Valid:
		return ErrLinkUsed
	case !s.clock().Before(expires.Time):
		return ErrLinkExpired
	}
	return nil
}

// UseLink spends tok and returns the account it signs in. A link is
// spent once: a second use, even at the same moment, is ErrLinkUsed.
func (s *Store) UseLink(ctx context.Context, tok string) (*Account, error) {
	var a *Account
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		var accountID string
		var expires, used store.Time
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT account_id, expires_at, used_at FROM portal_links WHERE token_hash = ?`, seal.TokenHash(tok)),
			&accountID, &expires, &used); err != nil {
			return err
		}
		now := s.clock()
		switch {
		case used.Valid:
			return ErrLinkUsed
		case !now.Before(expires.Time):
			return ErrLinkExpired
		}
		res, err := tx.ExecContext(ctx, `UPDATE portal_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, now, seal.TokenHash(tok))
		if err != nil {
			return fmt.Errorf("portal: use link: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrLinkUsed
		}
		a, err = s.Account(ctx, tx, accountID)
		return err
	})
	return a, err
}

// SetPassword sets the password the trainee chose (hash already made).
func (s *Store) SetPassword(ctx context.Context, tx *store.Tx, accountID, hash string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE portal_accounts SET password_hash = ? WHERE id = ?`, hash, accountID); err != nil {
		return fmt.Errorf("portal: password: %w", err)
	}
	return nil
}

// AccountByEmail finds the account for email, if one was made.
func (s *Store) AccountByEmail(ctx context.Context, q store.Querier, email string) (*Account, error) {
	var id string
	if err := store.Scan(q.QueryRowContext(ctx, `SELECT id FROM portal_accounts WHERE email_blind = ?`, s.blind(email)), &id); err != nil {
		return nil, err
	}
	return s.Account(ctx, q, id)
}

// SeedAccount makes, inside tx, the portal account of the trainee whose
// application gave email, with a password already hashed: psu demo's
// trainees sign in with it.
func (s *Store) SeedAccount(ctx context.Context, tx *store.Tx, email, hash string) error {
	a, _, err := s.accountFor(ctx, tx, email)
	if err != nil {
		return err
	}
	return s.SetPassword(ctx, tx, a.ID, hash)
}
