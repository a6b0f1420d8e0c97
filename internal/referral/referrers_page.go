package referral

import (
	"net/http"

	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/web"
)

// referrersPage explains, for supervisors and employers, how recommending
// the service works.
func (s *Service) referrersPage(w http.ResponseWriter, r *http.Request) {
	phone, err := settings.UnitPhone(r.Context(), s.srv.DB)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "referral/referrers.html", web.Page{
		Title: "Recommending the service to someone you work with",
		Data:  phone,
	})
}

// guidanceRedirect: the guidance for referrers is the referrers' page; one
// page is easier to keep right than two.
func (s *Service) guidanceRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/referrers", http.StatusMovedPermanently)
}
