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
	// Contacts are the signposts with how to reach each, from the
	// directory.
	Contacts []directory.Contact
	Phone    string
	Unit     string // the unit's name, as its settings give it
	Change   string
	// NotSure: the person answered "I am not sure" to the training number
	// question, and the answer would have changed the decision.
	NotSure bool
	// Region is where the person works or trains, in words, and Listing
	// the directory's list of services there, for people outside London
	// and Kent, Surrey and Sussex.
	Region  string
	Listing string
}

// directoryRegion is the directory's regions code for each region outside
// London and Kent, Surrey and Sussex, and its name.
var directoryRegion = map[string]struct{ code, name string }{
	RegionEnglandOther:    {"england", "England"},
	RegionScotland:        {"scotland", "Scotland"},
	RegionWales:           {"wales", "Wales"},
	RegionNorthernIreland: {"northern-ireland", "Northern Ireland"},
}

// result shows the decision kept in the session. It is decided again from
// the same rules version, so the page always matches what was recorded.
func (s *Service) result(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := s.progress(ctx)
	var rs *RuleSet
	var err error
	if kept, sd, ok := FromSession(ctx, s.srv.Sessions); ok && kept.same(a) {
		rs, err = s.rules.Version(ctx, sd.RuleVersion)
	} else if NextQuestion(a) == "" {
		// Complete answers without a kept decision: a session from before
		// the last answer was saved. Decide now.
		if _, err = s.decideAndKeep(r, a); err == nil {
			rs, err = s.rules.Current(ctx)
		}
	} else {
		http.Redirect(w, r, questionPath(NextQuestion(a)), http.StatusSeeOther)
		return
	}
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	d, ok := rs.Settled(a)
	if !ok {
		http.Redirect(w, r, questionPath(NextQuestion(a)), http.StatusSeeOther)
		return
	}
	unit, err := settings.UnitDetails(ctx, s.srv.DB)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	data := resultPage{Decision: d, Phone: unit.Phone, Unit: unit.Name, Change: questionPath(QuestionRegion)}
	if a.TrainingNumberNotSure {
		yes, no := a, a
		t, f := true, false
		yes.TrainingNumber, no.TrainingNumber = &t, &f
		data.NotSure = rs.Decide(yes).RuleID != rs.Decide(no).RuleID
	}
	if d.Eligible {
		s.srv.Render(w, r, http.StatusOK, "eligibility/eligible.html", web.Page{Title: "You can apply to the Individual Support Team", Data: data})
		return
	}
	if r, ok := directoryRegion[a.Region]; ok {
		data.Region, data.Listing = r.name, directory.RegionListingURL(r.code)
	}
	if data.Contacts, err = s.contacts(ctx, d.Signposts); err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "eligibility/not_eligible.html", web.Page{Title: "This service is not the right one for you", Data: data})
}
