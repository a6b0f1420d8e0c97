package sharing

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
)

// ValidDays reports whether days is one of the lives a trainee may give a
// share link.
func ValidDays(days int) bool {
	for _, d := range LinkDays {
		if d == days {
			return true
		}
	}
	return false
}

// LinkDays are how long a trainee may let a share link work.
var LinkDays = []int{DefaultDays, 14, 30}

// How a share behaves.
const (
	// DefaultDays is how long a share link works unless the trainee
	// chooses longer; LinkDays are the choices.
	DefaultDays = 7
	CodeLife    = 15 * time.Minute // a one-time code works this long
	CodeTries   = 5                // wrong codes before a new one is needed
	// Document is the consent ledger's name for the written summary.
	Document = "summary"
)

// Errors of sharing, each answered in plain words by the pages.
var (
	// ErrShareGone: the link is unknown, has expired, or the trainee
	// withdrew their consent. The recipient is told only that it is no
	// longer available.
	ErrShareGone = errors.New("sharing: the share is no longer available")
	// ErrCodeWrong: the code typed is not the one sent (tries left).
	ErrCodeWrong = errors.New("sharing: the code is not right")
	// ErrCodeSpent: the code has expired or was tried too often.
	ErrCodeSpent = errors.New("sharing: the code has expired")
)

// Recipient is the person a trainee shares their summary with.
type Recipient struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Email string `json:"email"`
}

// Share is one share link as the trainee sees it.
type Share struct {
	ID        string
	ConsentID string
	Version   int
	Recipient Recipient
	Created   time.Time
	Expires   time.Time
	Ended     time.Time // when the trainee withdrew; zero while in force
	Opens     []ShareOpen
}

// ShareOpen is one time the recipient opened or downloaded the summary.
type ShareOpen struct {
	At   time.Time
	What string // "opened" or "downloaded"
}

// Live reports whether the link still works at now.
func (sh *Share) Live(now time.Time) bool { return sh.Ended.IsZero() && now.Before(sh.Expires) }

func RecipientContext(caseID, blind string) string {
	return "consents.recipient:" + caseID + ":" + blind
}

// Share records the trainee's consent to let r read version n of c's
// summary, makes the link and e-mails it to r through the consent ledger,
// all in one transaction. It returns the link's id.
func (s *Store) Share(ctx context.Context, c *cases.Case, n int, r Recipient, days int) (string, error) {
	if !ValidDays(days) {
		return "", fmt.Errorf("sharing: %d days is not one of the choices", days)
	}
	life := time.Duration(days) * 24 * time.Hour
	r.Email = strings.ToLower(strings.TrimSpace(r.Email))
	name, err := s.Cases.Name(c)
	if err != nil {
		return "", err
	}
	if name == "" {
		name = "A trainee"
	}
	blind, sealed, err := s.SealRecipient(c, r)
	if err != nil {
		return "", err
	}
	id, tok := store.NewID(), seal.NewToken()
	now := s.clock()
	err = s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := s.writeShare(ctx, tx, c, n, blind, sealed, id, tok, now, life); err != nil {
			return err
		}
		unit, err := settings.UnitName(ctx, tx)
		if err != nil {
			return err
		}
		base := strings.TrimRight(s.BaseURL, "/")
		need := consent.Need{CaseID: c.ID, Purpose: consent.ShareSummary, Document: Document, Version: n, Recipient: blind}
		sent, err := consent.Mail(ctx, tx, s.Outbox, need, mail.Message{
			Kind: "share.link",
			To:   r.Email,
			// A subject is not sealed in the outbox: it names nobody.
			Subject: "A summary has been shared with you through the " + unit,
			Text: "Dear " + r.Name + ",\n\n" +
				name + " has chosen to let you read the written summary and action plan from their meeting with the Individual Support Team of the " + unit + ".\n\n" +
				"Open it here:\n\n" + base + "/shared/" + tok + "\n\n" +
				"The link works until " + londonAt(now.Add(life)) + ". Each time you open it, we will send a one-time code to this address.\n\n" +
				"The summary is confidential. Please do not pass it on. " + name + " can see when it is opened and can stop sharing it at any time.\n\n" +
				"If you were not expecting this, you can ignore this e-mail.\n",
		})
		if err != nil {
			return err
		}
		if !sent {
			return errors.New("sharing: the share's consent was not found in its own transaction")
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "trainee", Action: "portal.summary_shared", TargetType: "share",
			TargetID: id, CaseID: c.ID, Detail: "version " + strconv.Itoa(n)})
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// writeShare gives the consent and makes the link, in tx.
func (s *Store) writeShare(ctx context.Context, tx *store.Tx, c *cases.Case, n int, blind string, sealed []byte, id, tok string, now time.Time, life time.Duration) error {
	var one int
	if err := store.Scan(tx.QueryRowContext(ctx, `SELECT 1 FROM summaries WHERE case_id = ? AND version = ?`, c.ID, n), &one); err != nil {
		return err
	}
	cid, err := consent.Give(ctx, tx, consent.Grant{CaseID: c.ID, Purpose: consent.ShareSummary, RecipientBlind: blind,
		RecipientSealed: sealed, Document: Document, Version: n, Wording: consent.WordingShareSummary, Channel: consent.ChannelPortal, At: now})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO share_links (id, consent_id, case_id, version, token_hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, cid, c.ID, n, seal.TokenHash(tok), now, now.Add(life)); err != nil {
		return fmt.Errorf("sharing: share: %w", err)
	}
	return nil
}

// SeedShare writes, for psu demo, what a share of version n of c's summary
// with r would have written at at, opened once an hour later, without
// sending anything (the demo's recipients do not exist).
func (s *Store) SeedShare(ctx context.Context, tx *store.Tx, c *cases.Case, n int, r Recipient, at time.Time) error {
	blind, sealed, err := s.SealRecipient(c, r)
	if err != nil {
		return err
	}
	id := store.NewID()
	if err := s.writeShare(ctx, tx, c, n, blind, sealed, id, seal.NewToken(), at, DefaultDays*24*time.Hour); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO share_opens (id, link_id, at, what) VALUES (?, ?, ?, 'opened')`, store.NewID(), id, at.Add(time.Hour))
	return err
}

const shareColumns = `l.id, l.consent_id, l.version, l.created_at, l.expires_at, l.ended_at, c.recipient_blind, c.recipient_sealed`

func (s *Store) scanShare(c *cases.Case, sc interface{ Scan(...any) error }) (*Share, error) {
	var sh Share
	var ended store.Time
	var blind string
	var sealed []byte
	if err := sc.Scan(&sh.ID, &sh.ConsentID, &sh.Version, &sh.Created, &sh.Expires, &ended, &blind, &sealed); err != nil {
		return nil, err
	}
	sh.Ended = ended.Time
	raw, err := s.Cases.OpenFor(c, sealed, RecipientContext(c.ID, blind))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(raw), &sh.Recipient); err != nil {
		return nil, fmt.Errorf("sharing: share recipient: %w", err)
	}
	return &sh, nil
}

// Shares lists every share of c's summary, newest first, each with every
// time it was opened.
func (s *Store) Shares(ctx context.Context, c *cases.Case) ([]*Share, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT `+shareColumns+` FROM share_links l JOIN consents c ON c.id = l.consent_id
		WHERE l.case_id = ? ORDER BY l.created_at DESC, l.id DESC`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("sharing: shares: %w", err)
	}
	var out []*Share
	byID := map[string]*Share{}
	for rows.Next() {
		sh, err := s.scanShare(c, rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, sh)
		byID[sh.ID] = sh
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	opens, err := s.DB.QueryContext(ctx, `SELECT o.link_id, o.at, o.what FROM share_opens o JOIN share_links l ON l.id = o.link_id
		WHERE l.case_id = ? ORDER BY o.at DESC, o.id DESC`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("sharing: share opens: %w", err)
	}
	defer opens.Close()
	for opens.Next() {
		var id string
		var o ShareOpen
		if err := opens.Scan(&id, &o.At, &o.What); err != nil {
			return nil, err
		}
		if sh := byID[id]; sh != nil {
			sh.Opens = append(sh.Opens, o)
		}
	}
	return out, opens.Err()
}

// endShares ends, at once, the links of a share consent being withdrawn.
// It runs in the withdrawal's transaction (the ledger's hook).
func (s *Store) endShares(ctx context.Context, tx *store.Tx, k *consent.Consent) error {
	if k.Purpose != consent.ShareSummary {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE share_links SET ended_at = ?, code_hash = '' WHERE consent_id = ? AND ended_at IS NULL`, s.clock(), k.ID)
	return err
}

// sharedLink is a live link as the recipient's pages need it.
type sharedLink struct {
	ID      string
	Case    *cases.Case
	Share   *Share
	Blind   string
	codeH   string
	codeExp time.Time
	tries   int
}

// liveLink reads the link whose token hashes to tokHash (or, with byID, the
// link id) and checks, in q's transaction, that it has not expired, has not
// been ended, and that the ledger still holds a current consent covering
// it. Anything else is ErrShareGone.
func (s *Store) liveLink(ctx context.Context, q store.Querier, where, arg string) (*sharedLink, error) {
	var l sharedLink
	var caseID string
	var codeExp store.Time
	err := store.Scan(q.QueryRowContext(ctx, `SELECT l.id, l.case_id, l.code_hash, l.code_expires_at, l.code_tries FROM share_links l
		WHERE l.`+where+` = ? AND l.ended_at IS NULL AND l.expires_at > ?`, arg, s.clock()), &l.ID, &caseID, &l.codeH, &codeExp, &l.tries)
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrShareGone
	}
	if err != nil {
		return nil, err
	}
	l.codeExp = codeExp.Time
	if l.Case, err = s.Cases.Get(ctx, q, caseID); err != nil {
		return nil, err
	}
	if l.Share, err = s.scanShare(l.Case, q.QueryRowContext(ctx, `SELECT `+shareColumns+` FROM share_links l JOIN consents c ON c.id = l.consent_id
		WHERE l.id = ?`, l.ID)); err != nil {
		return nil, err
	}
	l.Blind = s.blind(l.Share.Recipient.Email)
	need := consent.Need{CaseID: l.Case.ID, Purpose: consent.ShareSummary, Document: Document, Version: l.Share.Version, Recipient: l.Blind}
	if _, err := consent.Check(ctx, q, need); errors.Is(err, consent.ErrRefused) {
		return nil, ErrShareGone
	} else if err != nil {
		return nil, err
	}
	return &l, nil
}

// CheckShare says whether the link with token tok still works.
func (s *Store) CheckShare(ctx context.Context, tok string) error {
	_, err := s.liveLink(ctx, s.DB, "token_hash", seal.TokenHash(tok))
	return err
}

// SendCode makes a new one-time code for the link with token tok and
// e-mails it to the recipient, through the ledger.
func (s *Store) SendCode(ctx context.Context, tok string) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		l, err := s.liveLink(ctx, tx, "token_hash", seal.TokenHash(tok))
		if err != nil {
			return err
		}
		n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
		if err != nil {
			return err
		}
		code := fmt.Sprintf("%06d", n.Int64())
		if _, err := tx.ExecContext(ctx, `UPDATE share_links SET code_hash = ?, code_expires_at = ?, code_tries = 0 WHERE id = ?`,
			seal.TokenHash(l.ID+":"+code), s.clock().Add(CodeLife), l.ID); err != nil {
			return fmt.Errorf("sharing: share code: %w", err)
		}
		need := consent.Need{CaseID: l.Case.ID, Purpose: consent.ShareSummary, Document: Document, Version: l.Share.Version, Recipient: l.Blind}
		sent, err := consent.Mail(ctx, tx, s.Outbox, need, mail.Message{
			Kind:    "share.code",
			To:      l.Share.Recipient.Email,
			Subject: "Your code to open a shared summary: " + code,
			Text: "Your one-time code is " + code + "\n\n" +
				"Type it on the page that asked for it. It works once, for 15 minutes.\n\n" +
				"If you did not ask for a code, you can ignore this e-mail: nobody can open the summary without it.\n",
		})
		if err == nil && !sent {
			err = ErrShareGone
		}
		return err
	})
}

// OpenShare checks code for the link with token tok. The right code is
// spent, the opening recorded for the trainee to see and audited, and the
// link's id returned; a wrong one counts against CodeTries.
func (s *Store) OpenShare(ctx context.Context, tok, code string) (string, error) {
	var id string
	var wrong bool
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		l, err := s.liveLink(ctx, tx, "token_hash", seal.TokenHash(tok))
		if err != nil {
			return err
		}
		if l.codeH == "" || !s.clock().Before(l.codeExp) || l.tries >= CodeTries {
			return ErrCodeSpent
		}
		if subtle.ConstantTimeCompare([]byte(seal.TokenHash(l.ID+":"+code)), []byte(l.codeH)) != 1 {
			wrong = true
			_, err := tx.ExecContext(ctx, `UPDATE share_links SET code_tries = code_tries + 1 WHERE id = ?`, l.ID)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE share_links SET code_hash = '', code_tries = 0 WHERE id = ?`, l.ID); err != nil {
			return err
		}
		id = l.ID
		return s.recordOpen(ctx, tx, l, "opened")
	})
	if err == nil && wrong {
		return "", ErrCodeWrong
	}
	return id, err
}

// recordOpen writes one opening of l, for the trainee, and to the audit.
func (s *Store) recordOpen(ctx context.Context, tx *store.Tx, l *sharedLink, what string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO share_opens (id, link_id, at, what) VALUES (?, ?, ?, ?)`,
		store.NewID(), l.ID, s.clock(), what); err != nil {
		return fmt.Errorf("sharing: share open: %w", err)
	}
	return audit.Record(ctx, tx, audit.Event{ActorRole: "recipient", Action: "share." + what, TargetType: "share",
		TargetID: l.ID, CaseID: l.Case.ID, Detail: "version " + strconv.Itoa(l.Share.Version)})
}

// SharedSummary is what the recipient's page shows of an opened link.
type SharedSummary struct {
	Link    *Share
	Trainee string // the trainee's name; "" when not known
	Issued  time.Time
}

// Shared reads the opened link id for its recipient's page, checking again
// that it still works.
func (s *Store) Shared(ctx context.Context, id string) (*SharedSummary, error) {
	l, err := s.liveLink(ctx, s.DB, "id", id)
	if err != nil {
		return nil, err
	}
	name, err := s.Cases.Name(l.Case)
	if err != nil {
		return nil, err
	}
	out := &SharedSummary{Link: l.Share, Trainee: name}
	if err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT issued_at FROM summaries WHERE case_id = ? AND version = ?`, l.Case.ID, l.Share.Version),
		&out.Issued); err != nil {
		return nil, err
	}
	return out, nil
}

// SharedPDF is the summary's PDF for the recipient of the opened link id:
// the consent is checked and the download recorded in one transaction, so
// a withdrawal committed first wins.
func (s *Store) SharedPDF(ctx context.Context, id string) (int, []byte, error) {
	var l *sharedLink
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if l, err = s.liveLink(ctx, tx, "id", id); err != nil {
			return err
		}
		return s.recordOpen(ctx, tx, l, "downloaded")
	})
	if err != nil {
		return 0, nil, err
	}
	_, pdf, err := s.Plans.Summary(ctx, l.Case, l.Share.Version)
	return l.Share.Version, pdf, err
}
