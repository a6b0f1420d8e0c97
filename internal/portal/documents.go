package portal

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// EventDocumentAdded is the timeline entry of a document the trainee
// added from the portal.
const EventDocumentAdded = "document_added"

// UploadLimit bounds how many documents one trainee adds in an hour.
var UploadLimit = ratelimit.Limit{N: 20, Window: time.Hour}

// DocumentRow is one of the trainee's documents.
type DocumentRow struct{ Name, Kind, Added string }

// applicationOf is the id of c's newest application: the documents the
// trainee adds join it.
func (h *handlers) applicationOf(r *http.Request, c *cases.Case) (string, error) {
	var id string
	err := store.Scan(h.srv.DB.QueryRowContext(r.Context(), `SELECT id FROM applications WHERE case_id = ?
		ORDER BY submitted_at DESC, id DESC LIMIT 1`, c.ID), &id)
	return id, err
}

func (h *handlers) renderDocuments(w http.ResponseWriter, r *http.Request, status int, c *cases.Case, f *web.Form) {
	var docs []application.Document
	id, err := h.applicationOf(r, c)
	if err == nil {
		docs, err = h.store.Applications.ApplicationFiles(r.Context(), h.srv.DB, id)
	}
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		h.srv.ServerError(w, r, err)
		return
	}
	rows := make([]DocumentRow, 0, len(docs))
	for _, d := range docs {
		label, _ := application.DocumentKindLabel(d.Kind)
		rows = append(rows, DocumentRow{Name: d.Name, Kind: label, Added: day(d.CreatedAt)})
	}
	h.srv.Render(w, r, status, "portal/documents.html", web.Page{Title: "Your documents", Form: f, Data: struct {
		Rows  []DocumentRow
		Kinds []application.DocumentKind
		Open  bool
		Flash string
		Max   int
	}{rows, application.DocumentKinds(), c.Status.Open(), h.flash(r), application.MaxLaterFiles}})
}

// documents lists what the trainee has sent, with the form to add more.
func (h *handlers) documents(w http.ResponseWriter, r *http.Request) {
	if _, c, ok := h.trainee(w, r); ok {
		h.renderDocuments(w, r, http.StatusOK, c, web.NewForm(nil))
	}
}

// addDocument takes one more document, with the same checks as the
// application's: read as it streams, the type a real parser says it is,
// sealed; the adviser sees it on the case.
func (h *handlers) addDocument(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, c, ok := h.trainee(w, r)
	if !ok {
		return
	}
	f := web.NewForm(url.Values{})
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: "portal.upload:account:" + a.ID, Limit: UploadLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		io.Copy(io.Discard, r.Body)
		web.RetryAfter(w, retry)
		f.Fail("file", "You have added many documents in the last hour, so we have paused adding more for "+web.WaitWords(retry)+". The documents already added are safe.")
		h.renderDocuments(w, r, http.StatusTooManyRequests, c, f)
		return
	}
	u, err := application.ReadUpload(r)
	if err != nil {
		h.srv.BodyError(w, r, err)
		return
	}
	f.Values.Set("kind", u.Kind)
	if _, ok := application.DocumentKindLabel(u.Kind); !ok {
		f.Fail("kind", "Select what the document is")
	}
	switch {
	case !u.Chosen:
		f.Fail("file", "Select a document to add")
	case u.Problem != "":
		// The reason, never the name: a file's name can be personal.
		h.srv.Log.InfoContext(ctx, "upload refused", "reason", u.Reason)
		f.Fail("file", u.Problem)
	}
	if f.Valid() {
		appID, err := h.applicationOf(r, c)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		err = h.store.Cases.TraineeAct(ctx, c.ID, "portal.document_added", func(tx *store.Tx, c *cases.Case) (string, string, error) {
			d, err := h.store.Applications.AddLaterFile(ctx, tx, appID,
				application.Document{Name: u.File.Name, Kind: u.Kind, ContentType: u.File.ContentType}, u.File.Content)
			if err != nil {
				return "", "", err
			}
			return "document", d.ID, h.store.Cases.AddEvent(ctx, tx, c, cases.Event{Kind: EventDocumentAdded, At: store.Now(),
				Detail: "The trainee added a document"}, "")
		})
		switch {
		case errors.Is(err, cases.ErrCaseEnded):
			f.Fail("file", "Your support from the unit has ended, so documents can no longer be added here. Contact the unit if you need to send something.")
		case errors.Is(err, application.ErrTooManyLaterFiles):
			f.Fail("file", "You have already added 10 documents, the most we can take here. Send anything else to your adviser.")
		case err != nil:
			h.srv.ServerError(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.renderDocuments(w, r, http.StatusUnprocessableEntity, c, f)
		return
	}
	h.setFlash(r, "Your document has been added. Your adviser can see it.")
	http.Redirect(w, r, "/portal/documents", http.StatusSeeOther)
}
