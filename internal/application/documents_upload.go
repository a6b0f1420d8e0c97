package application

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/upload"
	"github.com/psu-project/psu/internal/web"
)

// posted is one posted document, read without touching the disk (a
// temporary file would hold it unencrypted) and checked as it is read.
type posted struct {
	kind    string
	chosen  bool // a file was chosen
	file    upload.Checked
	problem string // why the file cannot be accepted, for the person
	reason  upload.Reason
}

// readUpload streams the multipart body: the kind, and the file through
// internal/upload, which reads at most one byte past the limit. The rest
// of an oversized file is read and dropped, so the browser gets our answer
// instead of a broken connection.
func readUpload(r *http.Request) (posted, error) {
	var u posted
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		return u, nil
	}
	if err != nil {
		return u, err
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return u, nil
		}
		if err != nil {
			return u, err
		}
		switch p.FormName() {
		case "kind":
			b, err := io.ReadAll(io.LimitReader(p, 64))
			if err != nil {
				return u, err
			}
			u.kind = strings.TrimSpace(string(b))
		case "file":
			if p.FileName() == "" {
				break // nothing chosen
			}
			u.chosen = true
			c, err := upload.Check(p, p.FileName(), MaxFileSize)
			var refused *upload.Error
			switch {
			case errors.As(err, &refused):
				u.problem, u.reason = refused.Message(), refused.Reason
			case err != nil:
				return u, err
			default:
				u.file = c
			}
		}
		if _, err := io.Copy(io.Discard, p); err != nil {
			return u, err
		}
	}
}

// upload checks a document by its content and stores it, sealed.
func (h *handlers) upload(w http.ResponseWriter, r *http.Request) {
	d, ok := h.draft(w, r)
	if !ok || !h.admitted(w, r, d) {
		return
	}
	ctx := r.Context()
	ret := r.URL.Query().Get("return") == "check"
	f := web.NewForm(nil)
	allowed, retry, err := h.limiter.AllowAll(ctx, ratelimit.Check{Bucket: uploadBucket(h.clientIP(r)), Limit: UploadLimit})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		io.Copy(io.Discard, r.Body)
		web.RetryAfter(w, retry)
		f.Fail("file", "Many documents have been uploaded from your internet connection in the last hour, so we have paused uploads for "+web.WaitWords(retry)+". Your answers and the documents already uploaded are saved. You can carry on without this document and add it later.")
		h.renderDocuments(w, r, http.StatusTooManyRequests, d, f, ret)
		return
	}
	u, err := readUpload(r)
	if err != nil {
		h.srv.BodyError(w, r, err)
		return
	}
	s := sectionBySlug("documents")
	f.Values.Set("kind", u.kind)
	reader{f: f}.choice(s.field("kind"), "Select what the document is")
	switch {
	case !u.chosen:
		f.Fail("file", "Select a document to upload")
	case u.problem != "":
		// The reason, never the name: a file's name can be personal.
		h.srv.Log.InfoContext(ctx, "upload refused", "reason", u.reason)
		f.Fail("file", u.problem)
	}
	if f.Valid() {
		_, err = h.store.AddFile(ctx, d.ID, Document{Name: u.file.Name, Kind: u.kind, ContentType: u.file.ContentType}, u.file.Content)
		if errors.Is(err, ErrTooManyFiles) {
			f.Fail("file", "You have already uploaded 10 documents, the most we can accept. Remove one to add this one.")
		} else if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
	}
	switch {
	case !f.Valid():
		h.renderDocuments(w, r, http.StatusUnprocessableEntity, d, f, ret)
	default:
		h.setFlash(ctx, flashUploaded, "")
		http.Redirect(w, r, h.withReturn("/apply/documents", ret), http.StatusSeeOther)
	}
}
