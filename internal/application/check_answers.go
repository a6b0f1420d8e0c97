package application

import (
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/web"
)

// incomplete is why a draft cannot be sent yet: one entry per page to
// finish, linking to its place on "check your answers".
type incomplete struct{ problems []web.FieldError }

func (e *incomplete) Error() string { return "application: incomplete" }

// build checks every page that applies, as it was saved, and assembles the
// application. Pages are checked again here (not trusted from when they
// were saved) because an earlier answer may have changed what a later page
// needs.
func (h *handlers) build(d *Draft, now time.Time) (Application, []web.FieldError) {
	var problems []web.FieldError
	a := Application{Eligibility: d.Eligibility, Email: d.Email}
	if d.Decision == nil || !d.Decision.Eligible {
		return a, []web.FieldError{{Field: "section-check", Message: "Finish the questions about your training"}}
	}
	a.RuleID, a.RuleVersion = d.Decision.RuleID, d.Decision.RuleVersion
	for _, s := range applicable(d) {
		f := web.NewForm(d.Page(s.Slug))
		s.read(s, reader{f: f, now: now}, d, &a)
		if !f.Valid() {
			problems = append(problems, web.FieldError{Field: "section-" + s.Slug, Message: "Finish the page \u2018" + s.Title + "\u2019"})
		}
	}
	if a.Email != "" && !d.EmailVerified {
		problems = append(problems, web.FieldError{Field: "email-status", Message: "Confirm your e-mail address: open the link we sent to " + d.Email})
	}
	return a, problems
}

type cyaRow struct {
	Key, Value, Href, Hidden string
	Lines                    []string
}

type cyaGroup struct {
	Slug, Title, Href string
	Complete          bool
	Rows              []cyaRow
}

type cyaView struct {
	Eligibility []cyaRow
	Groups      []cyaGroup
	Docs        []docView
	DocsHref    string
	Email       string
	Verified    bool
	Action      string
	ResendTo    string
	Back        string
	Flash       *flashMessage
}

func (h *handlers) renderCheckAnswers(w http.ResponseWriter, r *http.Request, status int, d *Draft, f *web.Form) {
	a, problems := h.build(d, time.Now())
	unfinished := map[string]bool{}
	for _, p := range problems {
		unfinished[p.Field] = true
	}
	v := cyaView{Email: d.Email, Verified: d.EmailVerified, Action: "/apply/submit",
		ResendTo: "/apply/saved", DocsHref: "/apply/documents?return=check", Flash: h.flash(r.Context(), d)}
	for _, q := range eligibility.QuestionsFor(d.Eligibility) {
		qq, _ := eligibility.QuestionByName(q)
		val := d.Eligibility.Value(q)
		if val == "" {
			continue // not asked: the rules had decided without it
		}
		for _, o := range d.Eligibility.Options(q) {
			if o.Value == val {
				val = o.Label
			}
		}
		v.Eligibility = append(v.Eligibility, cyaRow{Key: qq.Title, Value: val, Href: questionPath(q) + "?return=check", Hidden: "your answer to " + qq.Title})
	}
	ss := applicable(d)
	v.Back = sectionPath(ss[len(ss)-1].Slug)
	for _, s := range ss {
		if s.Slug == "documents" {
			continue
		}
		g := cyaGroup{Slug: s.Slug, Title: s.Title, Href: sectionPath(s.Slug) + "?return=check", Complete: !unfinished["section-"+s.Slug]}
		if g.Complete {
			for _, rw := range s.summary(s, &a) {
				href := g.Href
				if rw.Field != "" {
					href += "#" + rw.Field
				}
				g.Rows = append(g.Rows, cyaRow{Key: rw.Key, Value: rw.Value, Lines: rw.Lines, Href: href, Hidden: rw.Key})
			}
		}
		v.Groups = append(v.Groups, g)
	}
	files, err := h.store.DraftFiles(r.Context(), d.ID)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	kinds := sectionBySlug("documents").field("kind")
	for _, doc := range files {
		v.Docs = append(v.Docs, docView{doc, kinds.optionLabel(doc.Kind), sizeLabel(doc.Size)})
	}
	h.srv.Render(w, r, status, "application/check_answers.html", web.Page{Title: "Check your answers before sending your application", Form: f, Data: v})
}

// checkAnswers shows everything the application holds, page by page, with
// a link to change each answer, and the button that sends it.
func (h *handlers) checkAnswers(w http.ResponseWriter, r *http.Request) {
	d, ok := h.draft(w, r)
	if !ok || !h.admitted(w, r, d) {
		return
	}
	h.renderCheckAnswers(w, r, http.StatusOK, d, web.NewForm(nil))
}
