package eligibility

import (
	"net/http"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/web"
)

type whoPage struct {
	Groups []SummaryItem
	Phone  string
	Unit   string // the unit's name, as its settings give it
	// Contacts are the services the page sends the people the team cannot
	// support to, with how to reach each, from the directory.
	Contacts []directory.Contact
}

// elsewhere are the services who_can_apply.html names for the source's
// exclusions: SAS doctors and doctors after CCT (Londonwide Medical
// Committee, the BMA, NHS Practitioner Health) and KSS foundation trainees
// (the KSS Professional Support & Wellbeing Service).
var elsewhere = []Signpost{
	{ID: "01a2011f-88d1-7e13-91f2-48654848bbdd", Name: "Londonwide Medical Committee"},
	{ID: "01a2011f-88d1-7ea9-83ab-1850863fa274", Name: "British Medical Association"},
	{ID: "01a2011f-88d1-7eb1-af27-fe9ce86bdae6", Name: "NHS Practitioner Health"},
	{ID: "01a2011f-88d1-7eb6-9e27-9db58eb84fa8", Name: "KSS Professional Support & Wellbeing Service"},
}

// whoCanApply lists who can refer themselves, written from the rules in use.
func (s *Service) whoCanApply(w http.ResponseWriter, r *http.Request) {
	rs, err := s.rules.Current(r.Context())
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	unit, err := settings.UnitDetails(r.Context(), s.srv.DB)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	contacts, err := s.contacts(r.Context(), elsewhere)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "eligibility/who_can_apply.html", web.Page{
		Title: "Who can apply",
		Data:  whoPage{Groups: rs.Summary(), Phone: unit.Phone, Unit: unit.Name, Contacts: contacts},
	})
}
