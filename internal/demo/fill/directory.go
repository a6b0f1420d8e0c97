package fill

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
)

// demoSource names the demo's import in the directory's history.
const demoSource = "psu demo (some last-checked dates made older)"

// demoUnchecked are shipped services the demo says were last checked this
// many months before now, so the editor's "due for review" list has work in
// it.
var demoUnchecked = []struct {
	name   string
	months int
}{
	{"Cameron Fund", 14},
	{"Hope 4 Medics", 9},
	{"Doctors Support Group", 8},
	{"Gamcare", 7},
}

// demoReports are problems the public reported with shipped services:
// made up, naming nobody. One reporter asked to hear back, at an
// example.org address that reaches nobody.
var demoReports = []struct {
	service, problem, details, contact string
	daysAgo                            int
}{
	{"Sick Doctors Trust", directory.ProblemPhoneWrong,
		"I rang the number on this page last night and it said the number was not recognised. (Made-up demonstration report.)",
		"someone@example.org", 1},
	{"Gamblers Anonymous", directory.ProblemClosed,
		"The meeting near my hospital has stopped; the group's own site no longer lists it. (Made-up demonstration report.)", "", 3},
	{"BMA Counselling Service and Doctors Advisory Service", directory.ProblemOther,
		"It would help to say that you do not have to be a BMA member to call. (Made-up demonstration report.)", "", 6},
}

// fillDirectory loads the shipped directory (as psu serve does on first
// start), imports it again with a few services' last-checked dates made
// older, which the history records as an import, and files a few problem
// reports from the public, as the public pages would.
func fillDirectory(ctx context.Context, db *store.DB, sealer *seal.Sealer, now time.Time) error {
	if _, err := directory.LoadSeed(ctx, db); err != nil {
		return err
	}
	d, err := directory.ReadDataset(bytes.NewReader(seed.Directory))
	if err != nil {
		return err
	}
	ids := map[string]string{}
	for i := range d.Organizations {
		for j := range d.Organizations[i].Services {
			s := &d.Organizations[i].Services[j]
			ids[s.Name] = s.ID
			for _, u := range demoUnchecked {
				if s.Name == u.name {
					s.AssuredDate = now.AddDate(0, -u.months, 0).Format(time.DateOnly)
				}
			}
		}
	}
	for _, u := range demoUnchecked {
		if ids[u.name] == "" {
			return fmt.Errorf("demo: the shipped directory has no service %q", u.name)
		}
	}
	if _, err := directory.Import(ctx, db, d, demoSource, nil); err != nil {
		return fmt.Errorf("demo: directory: %w", err)
	}
	return db.Tx(ctx, func(tx *store.Tx) error {
		for _, r := range demoReports {
			if ids[r.service] == "" {
				return fmt.Errorf("demo: the shipped directory has no service %q", r.service)
			}
			id, err := directory.SubmitReport(ctx, tx, sealer, directory.Report{ServiceID: ids[r.service], ServiceName: r.service,
				Problem: r.problem, Details: r.details, Contact: r.contact})
			if err != nil {
				return err
			}
			// SubmitReport stamps a report now; this one came days ago.
			at := now.AddDate(0, 0, -r.daysAgo).UTC()
			if _, err := tx.ExecContext(ctx, `UPDATE dir_reports SET created_at = ? WHERE id = ?`, at, id); err != nil {
				return fmt.Errorf("demo: date a report: %w", err)
			}
			if err := audit.Record(ctx, tx, audit.Event{Action: "directory.report_submitted", TargetType: "dir_report", TargetID: id, Detail: r.problem}); err != nil {
				return err
			}
		}
		return nil
	})
}
