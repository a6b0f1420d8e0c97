package editor

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Problems with a listing, as the public chose them.
var problemLabels = map[string]string{
	directory.ProblemPhoneWrong: "A phone number is wrong",
	directory.ProblemClosed:     "The service has closed",
	directory.ProblemOther:      "Something else is wrong",
}

// reportRow is one problem report in a list.
type reportRow struct {
	ID, Service, ServiceID, Problem string
	Reported, Closed                string
	Outcome                         string
	HearBack                        bool
}

func outcomeLabel(status string) string {
	switch status {
	case directory.ReportResolved:
		return "Done"
	case directory.ReportDismissed:
		return "Declined"
	}
	return "Open"
}

func reportRowOf(r directory.Report) reportRow {
	return reportRow{ID: r.ID, Service: r.ServiceName, ServiceID: r.ServiceID, Problem: problemLabels[r.Problem],
		Reported: datetime(r.CreatedAt), Closed: datetime(r.ClosedAt), Outcome: outcomeLabel(r.Status), HearBack: r.HasContact}
}

// reportsPage is the queue of problem reports.
type reportsPage struct {
	Flash  string
	Open   []reportRow
	Closed []reportRow
}

// closedShown is how many closed reports the queue shows beneath the open
// ones.
const closedShown = 20

// reports is GET /admin/directory/reports: the open reports, oldest first,
// then the most recently closed.
func (h *handlers) reports(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	open, err := directory.Reports(ctx, h.db, h.sealer, directory.ReportOpen)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	closed, err := directory.RecentlyClosedReports(ctx, h.db, h.sealer, closedShown)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	p := reportsPage{Flash: h.popFlash(r)}
	for _, rep := range open {
		p.Open = append(p.Open, reportRowOf(rep))
	}
	for _, rep := range closed {
		p.Closed = append(p.Closed, reportRowOf(rep))
	}
	h.srv.Render(w, r, http.StatusOK, "editor/reports.html", web.Page{Title: "Problems reported by the public", Data: p})
}

// reportPage is one report and the form that closes it.
type reportPage struct {
	Flash    string
	Row      reportRow
	Details  string
	Note     string
	Status   string
	Open     bool
	Entry    *directory.Entry // the listing, when it is in the editor
	Draft    bool             // the listing has a draft waiting
	Outcomes []option
}

func (h *handlers) renderReport(w http.ResponseWriter, r *http.Request, status int, f *web.Form, rep directory.Report) {
	ctx := r.Context()
	p := reportPage{Row: reportRowOf(rep), Details: rep.Details, Note: rep.Note, Status: rep.Status, Open: rep.Status == directory.ReportOpen}
	if status == http.StatusOK {
		p.Flash = h.popFlash(r)
	}
	e, err := directory.LoadEntry(ctx, h.db, rep.ServiceID)
	switch {
	case err == nil:
		p.Entry = &e
		if _, err := loadDraft(ctx, h.db, e.ID); err == nil {
			p.Draft = true
		} else if !errors.Is(err, errNoDraft) {
			h.srv.ServerError(w, r, err)
			return
		}
	case !errors.Is(err, directory.ErrEntryNotFound):
		h.srv.ServerError(w, r, err)
		return
	}
	outcome := f.Get("outcome")
	p.Outcomes = []option{
		{Value: directory.ReportResolved, Label: "Done: the listing is right now", Hint: "You corrected it, or found it was right already.", Selected: outcome == directory.ReportResolved},
		{Value: directory.ReportDismissed, Label: "Declined: the listing stays as it is", Hint: "Say why below.", Selected: outcome == directory.ReportDismissed},
	}
	h.srv.Render(w, r, status, "editor/report.html", web.Page{Title: "Problem report: " + rep.ServiceName, Form: f, Data: p})
}

// loadReport reads the report in the address, answering 404 itself when
// there is none.
func (h *handlers) loadReport(w http.ResponseWriter, r *http.Request) (directory.Report, bool) {
	id := r.PathValue("id")
	if !store.ValidID(id) {
		h.srv.Error(w, r, http.StatusNotFound)
		return directory.Report{}, false
	}
	rep, err := directory.LoadReport(r.Context(), h.db, h.sealer, id)
	switch {
	case errors.Is(err, directory.ErrReportNotFound):
		h.srv.Error(w, r, http.StatusNotFound)
		return rep, false
	case err != nil:
		h.srv.ServerError(w, r, err)
		return rep, false
	}
	return rep, true
}

// report is GET /admin/directory/reports/{id}.
func (h *handlers) report(w http.ResponseWriter, r *http.Request) {
	rep, ok := h.loadReport(w, r)
	if !ok {
		return
	}
	h.renderReport(w, r, http.StatusOK, web.NewForm(nil), rep)
}

// closeReport is POST /admin/directory/reports/{id}: done or declined,
// with a note; a reporter who asked to hear back is e-mailed, in the same
// transaction, and their address is erased.
func (h *handlers) closeReport(w http.ResponseWriter, r *http.Request) {
	rep, ok := h.loadReport(w, r)
	if !ok || !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := web.NewForm(r.PostForm)
	outcome := f.Get("outcome")
	if outcome != directory.ReportResolved && outcome != directory.ReportDismissed {
		f.Fail("outcome", "Choose whether the report is done or declined")
	}
	note := text(f, "note", directory.MaxReportNote, "")
	if outcome == directory.ReportDismissed && note == "" {
		f.Fail("note", "Say why the listing stays as it is")
	}
	if rep.Status != directory.ReportOpen {
		f.Fail("outcome", "This report is already closed, as "+strings.ToLower(outcomeLabel(rep.Status)))
	}
	if !f.Valid() {
		status := http.StatusUnprocessableEntity
		if rep.Status != directory.ReportOpen {
			status = http.StatusConflict
		}
		h.renderReport(w, r, status, f, rep)
		return
	}
	who := web.PrincipalFrom(r)
	told := false
	err := h.db.Tx(ctx, func(tx *store.Tx) error {
		closed, err := directory.CloseReport(ctx, tx, h.sealer, rep.ID, outcome, who.UserID, note)
		if err != nil {
			return err
		}
		if closed.Contact != "" {
			shown := false
			if e, err := directory.LoadEntry(ctx, tx, rep.ServiceID); err == nil {
				shown = e.State == directory.StateShown
			} else if !errors.Is(err, directory.ErrEntryNotFound) {
				return err
			}
			unit, err := settings.UnitName(ctx, tx)
			if err != nil {
				return err
			}
			msg := mail.Message{Kind: "directory.report_closed", To: closed.Contact, Subject: "Your report about a listing in the support directory",
				Text: h.reportMail(closed, shown, unit)}
			if _, err := h.outbox.Enqueue(ctx, tx, msg); err != nil {
				return err
			}
			told = true
		}
		return audit.Record(ctx, tx, h.event(r, "directory.report_closed", "dir_report", rep.ID, outcome))
	})
	if errors.Is(err, directory.ErrReportClosed) {
		fresh, lerr := directory.LoadReport(ctx, h.db, h.sealer, rep.ID)
		if lerr != nil {
			h.srv.ServerError(w, r, lerr)
			return
		}
		f.Fail("outcome", "Someone else closed this report while you were reading it, as "+strings.ToLower(outcomeLabel(fresh.Status)))
		h.renderReport(w, r, http.StatusConflict, f, fresh)
		return
	}
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	msg := "The report about " + rep.ServiceName + " is closed as " + strings.ToLower(outcomeLabel(outcome)) + "."
	if told {
		msg += " The person who reported it is being told by e-mail, and their address has been deleted."
	}
	h.flash(r, msg)
	http.Redirect(w, r, Base+"/reports", http.StatusSeeOther)
}

// reportMail tells the reporter what happened. It names the listing (public
// information) and carries the editor's note; nothing about the reporter.
// It is signed with the unit's name (unit) as its settings give it.
func (h *handlers) reportMail(rep directory.Report, shown bool, unit string) string {
	site := h.srv.Config.BaseURL.String()
	var b strings.Builder
	fmt.Fprintf(&b, "Thank you for telling us about a problem with the listing for %s in the support directory.\n\n", rep.ServiceName)
	if rep.Status == directory.ReportResolved {
		b.WriteString("We have looked into it, and the listing is now right.\n")
		if rep.Note != "" {
			fmt.Fprintf(&b, "\nWhat we did: %s\n", rep.Note)
		}
	} else {
		b.WriteString("We have looked into it and decided to leave the listing as it is.\n")
		fmt.Fprintf(&b, "\nWhy: %s\n", rep.Note)
	}
	if shown {
		fmt.Fprintf(&b, "\nThe listing: %s/services/%s\n", site, rep.ServiceID)
	}
	fmt.Fprintf(&b, "\nYou gave us this e-mail address so that we could tell you this. We have now deleted it.\n\n"+
		"If someone else used your address to report a problem, you can ignore this e-mail.\n\n%s\n%s/services\n", unit, site)
	return b.String()
}
