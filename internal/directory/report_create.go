package directory

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// reportsPerClient stops the form being used to flood the review queue.
var reportsPerClient = ratelimit.Limit{N: 10, Window: time.Hour}

// reportPage is the "report a problem" form for one service.
type reportPage struct {
	ID, Name string
	Problems []option
}

var problemLabels = []option{
	{Value: ProblemPhoneWrong, Label: "A phone number is wrong"},
	{Value: ProblemClosed, Label: "The service has closed"},
	{Value: ProblemOther, Label: "Something else is wrong"},
}

// reportService loads the service a report is about, answering 404 itself
// when there is none.
func (h *handlers) reportService(w http.ResponseWriter, r *http.Request) (reportPage, bool) {
	id := r.PathValue("id")
	p := reportPage{ID: id}
	if !store.ValidID(id) {
		h.srv.Error(w, r, http.StatusNotFound)
		return p, false
	}
	err := store.Scan(h.db.QueryRowContext(r.Context(), `SELECT name FROM dir_services WHERE id = ?`, id), &p.Name)
	if err != nil {
		if errorsIsNotFound(err) {
			h.srv.Error(w, r, http.StatusNotFound)
		} else {
			h.srv.ServerError(w, r, err)
		}
		return p, false
	}
	return p, true
}

func (h *handlers) renderReport(w http.ResponseWriter, r *http.Request, status int, f *web.Form, p reportPage) {
	p.Problems = make([]option, len(problemLabels))
	for i, o := range problemLabels {
		o.Selected = f.Get("problem") == o.Value
		p.Problems[i] = o
	}
	h.srv.Render(w, r, status, "directory/report.html", web.Page{Title: "Report a problem with " + p.Name, Form: f, Data: p})
}

// reportForm is GET /services/{id}/report-a-problem.
func (h *handlers) reportForm(w http.ResponseWriter, r *http.Request) {
	p, ok := h.reportService(w, r)
	if !ok {
		return
	}
	h.renderReport(w, r, http.StatusOK, web.NewForm(nil), p)
}

// report is POST /services/{id}/report-a-problem: store the report in the
// review queue and thank the visitor.
func (h *handlers) report(w http.ResponseWriter, r *http.Request) {
	p, ok := h.reportService(w, r)
	if !ok || !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := web.NewForm(r.PostForm)
	problem, details, contact := f.Get("problem"), f.Get("details"), f.Get("email")
	switch problem {
	case ProblemPhoneWrong, ProblemClosed, ProblemOther:
	case "":
		f.Fail("problem", "Choose what is wrong with this listing")
	default:
		f.Fail("problem", "Choose one of the problems listed")
	}
	switch n := len([]rune(details)); {
	case n > maxDetails:
		f.Fail("details", fmt.Sprintf("Tell us in %d characters or fewer (you have %d)", maxDetails, n))
	case n == 0 && problem == ProblemOther:
		f.Fail("details", "Tell us what is wrong with this listing")
	}
	if contact != "" && (len(contact) > 254 || !mail.ValidAddress(contact)) {
		f.Fail("email", "Enter an e-mail address in the right format, like name@example.com, or leave it blank")
	}
	if !f.Valid() {
		h.renderReport(w, r, http.StatusUnprocessableEntity, f, p)
		return
	}
	allowed, wait, err := h.limiter.Allow(ctx, "directory.report:"+web.ClientIP(r, h.srv.Config.TrustedProxies).String(), reportsPerClient)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	if !allowed {
		web.RetryAfter(w, wait)
		f.Fail("problem", fmt.Sprintf("We have had a lot of reports from your connection in the last hour. Try again in %d minutes; what you wrote is still here", int(math.Ceil(wait.Minutes()))))
		h.renderReport(w, r, http.StatusTooManyRequests, f, p)
		return
	}
	err = h.db.Tx(ctx, func(tx *store.Tx) error {
		id, err := SubmitReport(ctx, tx, h.sealer, Report{ServiceID: p.ID, ServiceName: p.Name, Problem: problem, Details: details, Contact: contact})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "directory.report_submitted", TargetType: "dir_report", TargetID: id, Detail: problem})
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	msg := "Thank you. We will check this listing and put it right."
	if contact != "" {
		msg = "Thank you. We will check this listing and put it right, and e-mail you when we have."
	}
	h.flash(r, msg)
	http.Redirect(w, r, "/services/"+p.ID, http.StatusSeeOther)
}
