package eligibility

import (
	"net/http"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/web"
)

// resultPage is what eligible.html and not_eligible.html show.
type resultPage struct {
	Decision Decision
	Cards    []directory.Card
	Phone    string
	Change   string
}

// result shows the decision kept in the session. It is decided again from
// the same rules version, so the page always matches what was recorded.
func (s *Service) result(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := s.progress(ctx)
	if next := NextQuestion(a); next != "" {
		http.Redirect(w, r, questionPath(next), http.StatusSeeOther)
		return
	}
	var d Decision
	if _, sd, ok := FromSession(ctx, s.srv.Sessions); ok {
		rs, err := s.rules.Version(ctx, sd.RuleVersion)
		if err != nil {
			s.srv.ServerError(w, r, err)
			return
		}
		d = rs.Decide(a)
	} else {
		// Complete answers without a kept decision: a session from before
		// the last answer was saved. Decide now.
		var err error
		if d, err = s.decideAndKeep(r, a); err != nil {
			s.srv.ServerError(w, r, err)
			return
		}
	}
	phone, err := settings.UnitPhone(ctx, s.srv.DB)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	data := resultPage{Decision: d, Phone: phone, Change: questionPath(QuestionRegion)}
	if d.Eligible {
		s.srv.Render(w, r, http.StatusOK, "eligibility/eligible.html", web.Page{Title: "You can apply to the Individual Support Team", Data: data})
		return
	}
	cards, err := s.cards(ctx, d.Signposts)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	data.Cards = cards
	s.srv.Render(w, r, http.StatusOK, "eligibility/not_eligible.html", web.Page{Title: "This service is not the right one for you", Data: data})
}
