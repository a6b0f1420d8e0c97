package eligibility

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// rulesPage is what rules_admin.html shows.
type rulesPage struct {
	Current  Published
	Summary  []SummaryItem
	Versions []Published
	Next     int
	Problems []Problem
	Flash    string
}

// rulesAdmin shows the rules in use, what they mean in plain English, every
// earlier version, and a box holding the current rules as the next version,
// ready to edit and publish.
func (s *Service) rulesAdmin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rs, err := s.rules.Current(ctx)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	var doc bytes.Buffer
	enc := json.NewEncoder(&doc)
	enc.SetEscapeHTML(false) // "&" in a service name stays readable
	enc.SetIndent("", "  ")
	next := documentOut{Version: rs.Version + 1, Description: rs.description, Rules: rs.rules, Default: rs.fallback}
	if err := enc.Encode(next); err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	f := web.NewForm(url.Values{"document": {doc.String()}})
	s.renderRules(w, r, http.StatusOK, f, nil, s.srv.Sessions.PopString(ctx, keyFlash))
}

func (s *Service) renderRules(w http.ResponseWriter, r *http.Request, status int, f *web.Form, problems []Problem, flash string) {
	ctx := r.Context()
	cur, err := LoadCurrent(ctx, s.srv.DB)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	rs, err := s.rules.Version(ctx, cur.Version)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	versions, err := Versions(ctx, s.srv.DB)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, status, "eligibility/rules_admin.html", web.Page{
		Title: "Eligibility rules",
		Form:  f,
		Data: rulesPage{Current: cur, Summary: rs.Summary(), Versions: versions, Next: cur.Version + 1,
			Problems: problems, Flash: flash},
	})
}

// publishRules checks the pasted document and, if it is sound, makes it the
// rules in use. On any problem the page comes back with the document as
// pasted and every problem listed.
func (s *Service) publishRules(w http.ResponseWriter, r *http.Request) {
	if !s.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	p := web.PrincipalFrom(r)
	f := web.NewForm(r.PostForm)
	doc := f.Get("document")
	if doc == "" {
		f.Fail("document", "Paste the rules document into the box, then publish")
		s.renderRules(w, r, http.StatusUnprocessableEntity, f, nil, "")
		return
	}
	var published *RuleSet
	err := s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		var err error
		if published, err = Publish(ctx, tx, []byte(doc), SourceWeb, p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorRole: p.Roles.String(), Action: "eligibility.rules_published",
			TargetType: "eligibility_rule_set", TargetID: strconv.Itoa(published.Version)})
	})
	var rse *RuleSetError
	var ve *VersionError
	switch {
	case errors.As(err, &rse):
		n := len(rse.Problems)
		msg := "The rules have a problem, listed below the box. Fix it and publish again"
		if n > 1 {
			msg = fmt.Sprintf("The rules have %d problems, listed below the box. Fix them and publish again", n)
		}
		f.Fail("document", msg)
		s.renderRules(w, r, http.StatusUnprocessableEntity, f, rse.Problems, "")
		return
	case errors.As(err, &ve):
		f.Fail("document", strings.TrimSuffix(ve.Error(), "."))
		s.renderRules(w, r, http.StatusUnprocessableEntity, f, nil, "")
		return
	case err != nil:
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Log.Info("eligibility rules published", "version", published.Version, "user_id", p.UserID)
	s.srv.Sessions.Put(ctx, keyFlash, fmt.Sprintf("Version %d of the rules is now in use. Every decision from now on records version %d.", published.Version, published.Version))
	http.Redirect(w, r, "/admin/eligibility", http.StatusSeeOther)
}

// versionPage is what rules_version.html shows.
type versionPage struct {
	Published
	Summary []SummaryItem
}

// rulesVersion shows one published version exactly as it was published.
func (s *Service) rulesVersion(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 || strconv.Itoa(v) != r.PathValue("version") {
		s.srv.Error(w, r, http.StatusNotFound)
		return
	}
	p, err := LoadPublished(ctx, s.srv.DB, v)
	if errors.Is(err, store.ErrNotFound) {
		s.srv.Error(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	rs, err := s.rules.Version(ctx, v)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "eligibility/rules_version.html", web.Page{
		Title: fmt.Sprintf("Eligibility rules, version %d", v),
		Data:  versionPage{Published: p, Summary: rs.Summary()},
	})
}
