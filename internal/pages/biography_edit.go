package pages

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/upload"
	"github.com/psu-project/psu/internal/web"
)

// Biography field limits, in characters, and the largest photo taken.
const (
	maxBioRole       = 200
	maxBioBackground = 3000
	maxBioHelpsWith  = 1500
	maxBioLanguages  = 200
	// MaxPhotoSize is the largest photo an adviser may upload.
	MaxPhotoSize = 5 << 20
	// maxBioField caps what is read of any one text field of the form, well
	// above the longest field's limit in UTF-8.
	maxBioField = 16 << 10
)

const keyBioFlash = "pages.biography.flash"

// bioPage is what biography_form.html shows.
type bioPage struct {
	Draft, Published Bio // zero ID when there is none
	Meetings         []struct{ Value, Label string }
	Flash            string
	Max              map[string]int
	PhotoChosen      bool // the form came back after a photo was chosen
}

func (p pages) renderBioForm(w http.ResponseWriter, r *http.Request, status int, f *web.Form, chosen bool) {
	ctx, who := r.Context(), web.PrincipalFrom(r)
	var d bioPage
	for _, state := range []string{StateDraft, StatePublished} {
		b, err := BioOf(ctx, p.srv.DB, who.UserID, state)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			p.srv.ServerError(w, r, err)
			return
		}
		if state == StateDraft {
			d.Draft = b
		} else {
			d.Published = b
		}
	}
	if f == nil {
		shown := d.Draft
		if shown.ID == "" {
			shown = d.Published
		}
		f = web.NewForm(url.Values{"role": {shown.Role}, "background": {shown.Background}, "helps_with": {shown.HelpsWith},
			"languages": {shown.Languages}, "meets": shown.Meets})
	}
	d.Meetings = Meetings
	d.Flash = p.srv.Sessions.PopString(ctx, keyBioFlash)
	d.PhotoChosen = chosen
	d.Max = map[string]int{"background": maxBioBackground, "helps_with": maxBioHelpsWith}
	p.srv.Render(w, r, status, "pages/biography_form.html", web.Page{Title: "Your biography", Form: f, Data: d})
}

// biographyForm is GET /account/biography: the signed-in adviser's own
// biography, as they last saved it.
func (p pages) biographyForm(w http.ResponseWriter, r *http.Request) {
	p.renderBioForm(w, r, http.StatusOK, nil, false)
}

// bioPost is what the biography form sent.
type bioPost struct {
	values  url.Values
	chosen  bool // a photo was chosen
	photo   upload.Checked
	problem string        // why the photo cannot be taken, for the person
	reason  upload.Reason // the same, for the log
}

// readBioForm streams the multipart body: the text fields (each capped),
// and the photo through upload.CheckPhoto, which decodes every pixel and
// re-encodes it without metadata.
func readBioForm(r *http.Request) (bioPost, error) {
	u := bioPost{values: url.Values{}}
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		if err := r.ParseForm(); err != nil {
			return u, err
		}
		u.values = r.PostForm
		return u, nil
	}
	if err != nil {
		return u, err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return u, nil
		}
		if err != nil {
			return u, err
		}
		switch name := part.FormName(); name {
		case "role", "background", "helps_with", "languages", "meets", "remove_photo":
			b, err := io.ReadAll(io.LimitReader(part, maxBioField))
			if err != nil {
				return u, err
			}
			u.values.Add(name, string(b))
		case "photo":
			if part.FileName() == "" {
				break
			}
			u.chosen = true
			c, err := upload.CheckPhoto(part, part.FileName(), MaxPhotoSize)
			var refused *upload.Error
			switch {
			case errors.As(err, &refused):
				u.problem, u.reason = refused.Message(), refused.Reason
			case err != nil:
				return u, err
			default:
				u.photo = c
			}
		}
		if _, err := io.Copy(io.Discard, part); err != nil {
			return u, err
		}
	}
}

// validateBio checks the form and returns the biography it describes.
func validateBio(f *web.Form) Bio {
	check := func(field, missing, what string, max int) string {
		v := f.Get(field)
		switch n := utf8.RuneCountInString(v); {
		case v == "" && missing != "":
			f.Fail(field, missing)
		case n > max:
			f.Fail(field, fmt.Sprintf("%s must be %d characters or fewer; it has %d", what, max, n))
		}
		return v
	}
	b := Bio{
		Role:       check("role", "Enter your role, for example Associate Dean", "Your role", maxBioRole),
		Background: check("background", "Enter a short background about yourself", "Your background", maxBioBackground),
		HelpsWith:  check("helps_with", "", "What you help with", maxBioHelpsWith),
		Languages:  check("languages", "", "Languages", maxBioLanguages),
	}
	for _, m := range Meetings {
		for _, v := range f.Values["meets"] {
			if v == m.Value {
				b.Meets = append(b.Meets, m.Value)
				break
			}
		}
	}
	for _, v := range f.Values["meets"] {
		if _, ok := meetingLabel(v); !ok {
			f.Fail("meets", "Select the ways you meet trainees from the list")
		}
	}
	return b
}

// saveBiography is POST /account/biography: the adviser's changes become
// their draft, which an administrator publishes.
func (p pages) saveBiography(w http.ResponseWriter, r *http.Request) {
	ctx, who := r.Context(), web.PrincipalFrom(r)
	u, err := readBioForm(r)
	if err != nil {
		p.srv.BodyError(w, r, err)
		return
	}
	f := web.NewForm(u.values)
	b := validateBio(f)
	if u.problem != "" {
		// The reason, never the name: a file's name can be personal.
		p.srv.Log.InfoContext(ctx, "upload refused", "reason", u.reason)
		f.Fail("photo", u.problem)
	}
	if !f.Valid() {
		p.renderBioForm(w, r, http.StatusUnprocessableEntity, f, u.chosen && u.problem == "")
		return
	}
	var change PhotoChange
	if u.chosen {
		ph, err := fitPhoto(u.photo)
		if err != nil {
			p.srv.ServerError(w, r, err)
			return
		}
		change.New = &ph
	} else {
		change.Remove = f.Get("remove_photo") == "yes"
	}
	err = p.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		id, err := SaveDraft(ctx, tx, who.UserID, b, change)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "pages.biography_saved",
			TargetType: "adviser_bio", TargetID: id, Source: p.source(r)})
	})
	if err != nil {
		p.srv.ServerError(w, r, err)
		return
	}
	p.srv.Sessions.Put(ctx, keyBioFlash, "Your biography has been saved. An administrator will publish it on the advisers page.")
	http.Redirect(w, r, "/account/biography", http.StatusSeeOther)
}

// ownPhoto is GET /account/biography/photo: the photo of the signed-in
// adviser's draft, or of their published biography when no draft waits.
func (p pages) ownPhoto(w http.ResponseWriter, r *http.Request) {
	who := web.PrincipalFrom(r)
	ph, err := photoOf(r.Context(), p.srv.DB, `b.user_id = ? ORDER BY b.state LIMIT 1`, who.UserID)
	p.servePhoto(w, r, ph, err, "no-store")
}

// source is where a member of staff acted from, for the audit trail.
func (p pages) source(r *http.Request) string {
	return web.ClientIP(r, p.srv.Config.TrustedProxies).String()
}
