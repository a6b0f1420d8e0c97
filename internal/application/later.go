package application

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/upload"
)

// Documents a trainee adds after applying (from their portal) join their
// application's own: read and checked as the application's upload page
// reads and checks them, sealed the same way, and shown to staff with the
// others on the case.

// MaxLaterFiles is how many documents a trainee may add after applying.
const MaxLaterFiles = 10

// ErrTooManyLaterFiles refuses a document past MaxLaterFiles.
var ErrTooManyLaterFiles = errors.New("application: the most documents have been added")

// DocumentKind is one kind of document the forms ask about.
type DocumentKind struct{ Value, Label string }

// DocumentKinds lists the kinds of document, as the application asks.
func DocumentKinds() []DocumentKind {
	out := make([]DocumentKind, len(documentKinds))
	for i, o := range documentKinds {
		out[i] = DocumentKind{o.Value, o.Label}
	}
	return out
}

// DocumentKindLabel is kind as the forms word it, and ok says whether it
// is one of DocumentKinds.
func DocumentKindLabel(kind string) (label string, ok bool) {
	for _, o := range documentKinds {
		if o.Value == kind {
			return o.Label, true
		}
	}
	return kind, false
}

// Upload is a document posted as multipart form data (fields "kind" and
// "file"), read as it streams and checked by internal/upload.
type Upload struct {
	Kind    string
	Chosen  bool // a file was chosen
	File    upload.Checked
	Problem string        // why the file cannot be accepted, for the person
	Reason  upload.Reason // the same, for logs (never the file's name)
}

// ReadUpload reads the document posted in r, as the application's upload
// page does. An error is the request's (cut short, too large), not the
// file's: that is Problem.
func ReadUpload(r *http.Request) (Upload, error) {
	p, err := readUpload(r)
	return Upload{Kind: p.kind, Chosen: p.chosen, File: p.file, Problem: p.problem, Reason: p.reason}, err
}

// AddLaterFile stores, inside tx, doc with its content on application
// applicationID, sealed as the application's own documents are.
func (s *Store) AddLaterFile(ctx context.Context, tx *store.Tx, applicationID string, doc Document, content []byte) (Document, error) {
	var n int
	if err := store.Scan(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM application_files f JOIN applications a ON a.id = f.application_id
		WHERE f.application_id = ? AND f.created_at > a.submitted_at`, applicationID), &n); err != nil {
		return doc, fmt.Errorf("application: count files: %w", err)
	}
	if n >= MaxLaterFiles {
		return doc, ErrTooManyLaterFiles
	}
	doc.ID, doc.Size, doc.CreatedAt = store.NewID(), int64(len(content)), store.Now()
	meta, err := json.Marshal(fileMeta{Name: doc.Name, Kind: doc.Kind})
	if err != nil {
		return doc, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO application_files (id, application_id, meta, content_type, size, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		doc.ID, applicationID, s.Sealer.Seal(meta, "application_files.meta:"+doc.ID), doc.ContentType, doc.Size, doc.CreatedAt); err != nil {
		return doc, fmt.Errorf("application: add file: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO application_file_contents (file_id, content) VALUES (?, ?)`,
		doc.ID, s.Sealer.Seal(content, "application_file_contents.content:"+doc.ID)); err != nil {
		return doc, fmt.Errorf("application: add file: %w", err)
	}
	return doc, nil
}

// ApplicationFiles lists the documents of application applicationID,
// oldest first.
func (s *Store) ApplicationFiles(ctx context.Context, q store.Querier, applicationID string) ([]Document, error) {
	return s.files(ctx, q, "application_id", applicationID)
}
