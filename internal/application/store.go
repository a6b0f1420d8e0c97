package application

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
)

// Errors the store returns besides store.ErrNotFound.
var (
	ErrTooManyFiles = errors.New("application: the draft already holds the most files allowed")
	ErrLinkUsed     = errors.New("application: link already used")
	ErrLinkExpired  = errors.New("application: link expired")
	ErrSubmitted    = errors.New("application: already submitted")
)

// Store reads and writes drafts, files, links and applications, sealing
// everything a person typed.
type Store struct {
	DB     *store.DB
	Sealer *seal.Sealer
	Outbox *mail.Outbox
	// Intake, when set, receives each application inside the transaction
	// that submits it (case work opens or joins a case there) and may set
	// its FirstResponseDue, which the confirmation e-mail quotes.
	Intake Intake
}

// Intake hands a just-submitted application to case work.
type Intake func(ctx context.Context, tx *store.Tx, a *Application) error

// normaliseEmail must match how referrals compute trainee_email_blind, so an
// application finds the referrals made for the same address.
func normaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// EmailBlind is the keyed hash of an address that drafts, applications and
// referrals share.
func (s *Store) EmailBlind(email string) string {
	return s.Sealer.Blind(normaliseEmail(email), "email")
}

func (s *Store) sealDraft(d *Draft) ([]byte, error) {
	b, err := json.Marshal(draftBody{V: 1, Eligibility: d.Eligibility, Decision: d.Decision, Email: d.Email, Pages: d.Pages, Done: d.Done})
	if err != nil {
		return nil, fmt.Errorf("application: encode draft: %w", err)
	}
	return s.Sealer.Seal(b, "application_drafts.answers:"+d.ID), nil
}

func (s *Store) openDraft(d *Draft, sealed []byte) error {
	b, err := s.Sealer.Open(sealed, "application_drafts.answers:"+d.ID)
	if err != nil {
		return fmt.Errorf("application: draft %s: %w", d.ID, err)
	}
	var body draftBody
	if err := json.Unmarshal(b, &body); err != nil {
		return fmt.Errorf("application: draft %s: %w", d.ID, err)
	}
	d.Eligibility, d.Decision, d.Email, d.Pages, d.Done = body.Eligibility, body.Decision, body.Email, body.Pages, body.Done
	return nil
}

func (s *Store) emailBlindOrNil(d *Draft) any {
	if d.Email == "" {
		return nil
	}
	return s.EmailBlind(d.Email)
}

// CreateDraft stores a new draft and fills in its id and times.
func (s *Store) CreateDraft(ctx context.Context, d *Draft) error {
	now := store.Now()
	d.ID, d.CreatedAt, d.UpdatedAt, d.ExpiresAt = store.NewID(), now, now, now.Add(DraftLifetime)
	sealed, err := s.sealDraft(d)
	if err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, `INSERT INTO application_drafts (id, answers, email_blind, created_at, updated_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, d.ID, sealed, s.emailBlindOrNil(d), d.CreatedAt, d.UpdatedAt, d.ExpiresAt)
	if err != nil {
		return fmt.Errorf("application: create draft: %w", err)
	}
	return nil
}

// Draft reads a live draft; an expired or submitted one is store.ErrNotFound.
func (s *Store) Draft(ctx context.Context, q store.Querier, id string) (*Draft, error) {
	d := &Draft{ID: id}
	var sealed []byte
	var verified store.Time
	var verifier sql.NullString
	err := store.Scan(q.QueryRowContext(ctx, `SELECT answers, email_verified_at, email_verifier, created_at, updated_at, expires_at
		FROM application_drafts WHERE id = ? AND expires_at > ?`, id, store.Now()),
		&sealed, &verified, &verifier, &d.CreatedAt, &d.UpdatedAt, &d.ExpiresAt)
	if err != nil {
		return nil, fmt.Errorf("application: draft: %w", err)
	}
	d.EmailVerified, d.emailVerifier = verified.Valid, verifier.String
	d.CreatedAt, d.UpdatedAt, d.ExpiresAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC(), d.ExpiresAt.UTC()
	if err := s.openDraft(d, sealed); err != nil {
		return nil, err
	}
	return d, nil
}

// DraftLive reports whether id is a draft that has neither expired nor been
// submitted. It runs on every request of a session holding a draft.
func (s *Store) DraftLive(ctx context.Context, id string) (bool, error) {
	var n int
	err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_drafts WHERE id = ? AND expires_at > ?`, id, store.Now()), &n)
	if err != nil {
		return false, fmt.Errorf("application: draft live: %w", err)
	}
	return n > 0, nil
}

// lockDraft claims the draft row for the rest of tx (a row lock on
// PostgreSQL; SQLite's write transaction already excludes other writers),
// so two tabs saving at once cannot overwrite each other's pages. It also
// slides the expiry: a draft lives for DraftLifetime after its last save.
func lockDraft(ctx context.Context, tx *store.Tx, id string) error {
	now := store.Now()
	res, err := tx.ExecContext(ctx, `UPDATE application_drafts SET updated_at = ?, expires_at = ? WHERE id = ? AND expires_at > ?`,
		now, now.Add(DraftLifetime), id, now)
	if err != nil {
		return fmt.Errorf("application: lock draft: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("application: lock draft: %w", err)
	} else if n == 0 {
		return fmt.Errorf("application: draft %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// UpdateDraft reads the draft, lets fn change it and writes it back, in one
// transaction that holds the draft for its duration. fn may queue mail in
// tx. Changing the e-mail address clears its verification (and who
// verified it) and retires the links sent to the old address.
func (s *Store) UpdateDraft(ctx context.Context, id string, fn func(tx *store.Tx, d *Draft) error) (*Draft, error) {
	var d *Draft
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := lockDraft(ctx, tx, id); err != nil {
			return err
		}
		var err error
		if d, err = s.Draft(ctx, tx, id); err != nil {
			return err
		}
		if err := fn(tx, d); err != nil {
			return err
		}
		sealed, err := s.sealDraft(d)
		if err != nil {
			return err
		}
		blind := s.emailBlindOrNil(d)
		if _, err := tx.ExecContext(ctx, `UPDATE application_drafts SET answers = ?,
			email_verified_at = CASE WHEN email_blind = ? THEN email_verified_at ELSE NULL END,
			email_verifier = CASE WHEN email_blind = ? THEN email_verifier ELSE NULL END,
			email_blind = ? WHERE id = ?`, sealed, blind, blind, blind, id); err != nil {
			return fmt.Errorf("application: save draft: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM application_links WHERE draft_id = ? AND email_blind <> COALESCE(?, '')`, id, blind); err != nil {
			return fmt.Errorf("application: retire links: %w", err)
		}
		var verified store.Time
		var verifier sql.NullString
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT email_verified_at, email_verifier FROM application_drafts WHERE id = ?`, id), &verified, &verifier); err != nil {
			return fmt.Errorf("application: save draft: %w", err)
		}
		d.EmailVerified, d.emailVerifier = verified.Valid, verifier.String
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DeleteExpiredDrafts removes drafts nobody has saved for DraftLifetime,
// with their files and links.
func (s *Store) DeleteExpiredDrafts(ctx context.Context) (int64, error) {
	res, err := s.DB.ExecContext(ctx, `DELETE FROM application_drafts WHERE expires_at <= ?`, store.Now())
	if err != nil {
		return 0, fmt.Errorf("application: delete expired drafts: %w", err)
	}
	return res.RowsAffected()
}

// LatestDraftFor returns the most recently saved live draft whose confirmed
// address is email, for someone asking for a new link. A draft whose address
// was never confirmed is not found: a link goes only to an address that has
// proved it belongs to the person who wrote the draft.
func (s *Store) LatestDraftFor(ctx context.Context, email string) (string, error) {
	var id string
	err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT id FROM application_drafts
		WHERE email_blind = ? AND email_verified_at IS NOT NULL AND expires_at > ?
		ORDER BY updated_at DESC LIMIT 1`, s.EmailBlind(email), store.Now()), &id)
	if err != nil {
		return "", fmt.Errorf("application: draft for address: %w", err)
	}
	return id, nil
}

func hashToken(tok string) string {
	h := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(h[:])
}

// NewLink makes a one-time link token for draft d, sent to d's address.
func (s *Store) NewLink(ctx context.Context, tx *store.Tx, d *Draft) (string, error) {
	if d.Email == "" {
		return "", errors.New("application: a link needs an e-mail address")
	}
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	now := store.Now()
	_, err := tx.ExecContext(ctx, `INSERT INTO application_links (token_hash, draft_id, email_blind, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, hashToken(tok), d.ID, s.EmailBlind(d.Email), now, now.Add(LinkLifetime))
	if err != nil {
		return "", fmt.Errorf("application: new link: %w", err)
	}
	return tok, nil
}

// CheckLink reports whether tok can still be used, without using it:
// nil, ErrLinkUsed, ErrLinkExpired, ErrSubmitted or store.ErrNotFound.
func (s *Store) CheckLink(ctx context.Context, tok string) error {
	_, err := s.link(ctx, s.DB, tok)
	return err
}

type link struct {
	draftID, emailBlind string
}

func (s *Store) link(ctx context.Context, q store.Querier, tok string) (link, error) {
	var l link
	var expires time.Time
	var used store.Time
	err := store.Scan(q.QueryRowContext(ctx, `SELECT draft_id, email_blind, expires_at, used_at FROM application_links WHERE token_hash = ?`,
		hashToken(tok)), &l.draftID, &l.emailBlind, &expires, &used)
	if errors.Is(err, store.ErrNotFound) {
		// The draft may have been submitted (its links go with it).
		return l, fmt.Errorf("application: link: %w", err)
	}
	if err != nil {
		return l, fmt.Errorf("application: link: %w", err)
	}
	switch {
	case used.Valid:
		return l, ErrLinkUsed
	case !expires.After(store.Now()):
		return l, ErrLinkExpired
	}
	return l, nil
}

// UseLink spends tok: it confirms the address the link was sent to, records
// verifier (the SHA-256 of a value the using session holds) as the one
// session that may change that address, and returns the draft the link
// resumes.
func (s *Store) UseLink(ctx context.Context, tok, verifier string) (string, error) {
	var id string
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		l, err := s.link(ctx, tx, tok)
		if err != nil {
			return err
		}
		now := store.Now()
		res, err := tx.ExecContext(ctx, `UPDATE application_links SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`, now, hashToken(tok))
		if err != nil {
			return fmt.Errorf("application: use link: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrLinkUsed
		}
		if err := lockDraft(ctx, tx, l.draftID); err != nil {
			return ErrLinkExpired
		}
		if _, err := tx.ExecContext(ctx, `UPDATE application_drafts SET email_verified_at = COALESCE(email_verified_at, ?),
			email_verifier = ? WHERE id = ? AND email_blind = ?`, now, verifier, l.draftID, l.emailBlind); err != nil {
			return fmt.Errorf("application: confirm address: %w", err)
		}
		id = l.draftID
		return nil
	})
	return id, err
}

// fileMeta is the sealed part of a file's row.
type fileMeta struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// AddFile stores an uploaded file, sealed, with draft draftID. It refuses
// an eleventh file with ErrTooManyFiles.
func (s *Store) AddFile(ctx context.Context, draftID string, doc Document, content []byte) (Document, error) {
	err := s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := lockDraft(ctx, tx, draftID); err != nil {
			return err
		}
		var n int
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_files WHERE draft_id = ?`, draftID), &n); err != nil {
			return fmt.Errorf("application: count files: %w", err)
		}
		if n >= MaxFiles {
			return ErrTooManyFiles
		}
		doc.ID, doc.Size, doc.CreatedAt = store.NewID(), int64(len(content)), store.Now()
		meta, err := json.Marshal(fileMeta{Name: doc.Name, Kind: doc.Kind})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO application_files (id, draft_id, meta, content_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			doc.ID, draftID, s.Sealer.Seal(meta, "application_files.meta:"+doc.ID), doc.ContentType, doc.Size, doc.CreatedAt); err != nil {
			return fmt.Errorf("application: add file: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO application_file_contents (file_id, content) VALUES (?, ?)`,
			doc.ID, s.Sealer.Seal(content, "application_file_contents.content:"+doc.ID)); err != nil {
			return fmt.Errorf("application: add file: %w", err)
		}
		return nil
	})
	return doc, err
}

// Files lists the files of a draft (owner "draft_id") or of an application
// (owner "application_id"), oldest first.
func (s *Store) files(ctx context.Context, q store.Querier, ownerColumn, id string) ([]Document, error) {
	query := `SELECT id, meta, content_type, size, created_at FROM application_files WHERE draft_id = ? ORDER BY created_at, id`
	if ownerColumn == "application_id" {
		query = `SELECT id, meta, content_type, size, created_at FROM application_files WHERE application_id = ? ORDER BY created_at, id`
	}
	rows, err := q.QueryContext(ctx, query, id)
	if err != nil {
		return nil, fmt.Errorf("application: list files: %w", err)
	}
	defer rows.Close()
	out := []Document{}
	for rows.Next() {
		var d Document
		var sealed []byte
		if err := rows.Scan(&d.ID, &sealed, &d.ContentType, &d.Size, &d.CreatedAt); err != nil {
			return nil, fmt.Errorf("application: list files: %w", err)
		}
		b, err := s.Sealer.Open(sealed, "application_files.meta:"+d.ID)
		if err != nil {
			return nil, fmt.Errorf("application: file %s: %w", d.ID, err)
		}
		var m fileMeta
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("application: file %s: %w", d.ID, err)
		}
		d.Name, d.Kind, d.CreatedAt = m.Name, m.Kind, d.CreatedAt.UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("application: list files: %w", err)
	}
	return out, nil
}

// DraftFiles lists the files uploaded with a draft.
func (s *Store) DraftFiles(ctx context.Context, draftID string) ([]Document, error) {
	return s.files(ctx, s.DB, "draft_id", draftID)
}

// RemoveFile deletes one file of a draft; a file of another draft is
// store.ErrNotFound.
func (s *Store) RemoveFile(ctx context.Context, draftID, fileID string) error {
	return s.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := lockDraft(ctx, tx, draftID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM application_files WHERE id = ? AND draft_id = ?`, fileID, draftID)
		if err != nil {
			return fmt.Errorf("application: remove file: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("application: file %s: %w", fileID, store.ErrNotFound)
		}
		return nil
	})
}

// FileContent returns a file's content, opened.
func (s *Store) FileContent(ctx context.Context, fileID string) ([]byte, error) {
	var sealed []byte
	if err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT content FROM application_file_contents WHERE file_id = ?`, fileID), &sealed); err != nil {
		return nil, fmt.Errorf("application: file content: %w", err)
	}
	b, err := s.Sealer.Open(sealed, "application_file_contents.content:"+fileID)
	if err != nil {
		return nil, fmt.Errorf("application: file %s: %w", fileID, err)
	}
	return b, nil
}

// DraftHeld reports whether id is a live draft or one that has been
// submitted: what a session holding it may still reach.
func (s *Store) DraftHeld(ctx context.Context, id string) (bool, error) {
	var held bool
	err := store.Scan(s.DB.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM application_drafts WHERE id = ? AND expires_at > ?)
		OR EXISTS (SELECT 1 FROM applications WHERE draft_id = ?)`, id, store.Now(), id), &held)
	if err != nil {
		return false, fmt.Errorf("application: draft held: %w", err)
	}
	return held, nil
}
