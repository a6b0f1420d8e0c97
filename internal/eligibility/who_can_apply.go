package eligibility

import (
	"net/http"

	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/web"
)

type whoPage struct {
	Groups []SummaryItem
	Phone  string
}

// whoCanApply lists who can refer themselves, written from the rules in use.
func (s *Service) whoCanApply(w http.ResponseWriter, r *http.Request) {
	rs, err := s.rules.Current(r.Context())
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	phone, err := settings.UnitPhone(r.Context(), s.srv.DB)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "eligibility/who_can_apply.html", web.Page{
		Title: "Who can apply",
		Data:  whoPage{Groups: rs.Summary(), Phone: phone},
	})
}
