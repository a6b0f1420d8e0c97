package editor

import (
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/hsds"
)

// A record as a person reads it: each field a label and its value in
// lines. Two versions are compared field by field on these, so what a
// person sees as the difference is exactly what the pages would show
// differently.

// field is one field of a record as people read it.
type field struct {
	Label string
	Lines []string // empty when the field is empty
}

func (f field) text() string { return strings.Join(f.Lines, "\n") }

// change is one field that differs between two versions.
type change struct {
	Label         string
	Before, After []string
}

func one(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return []string{s}
}

// longDate is a HSDS date as people read it.
func longDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("2 January 2006")
}

// fields is a record and its state as people read them.
func fields(kind string, rec directory.Record, state string, ch *choices) []field {
	shown := field{"Shown in the directory", []string{stateLabel(state)}}
	switch {
	case rec.Service != nil:
		s := rec.Service
		out := []field{
			{"Name", one(s.Name)},
			{"Organisation", one(ch.orgLabel(s.OrganizationID))},
			shown,
			{"Running", one(statusLabel(s.Status))},
			{"Description", one(s.Description)},
			{"Who can use it", one(s.EligibilityDescription)},
		}
		for _, tax := range ch.Taxonomies {
			var names []string
			for _, a := range s.Attributes {
				if t, ok := ch.termByID[a.TaxonomyTermID]; ok && t.TaxonomyID == tax.ID {
					names = append(names, t.Name)
				}
			}
			out = append(out, field{taxonomyLabel(tax.Taxonomy), one(strings.Join(names, ", "))})
		}
		var phones, hours []string
		for _, p := range s.Phones {
			phones = append(phones, phoneLine(p))
		}
		for _, sc := range s.Schedules {
			hours = append(hours, hoursLine(sc))
		}
		return append(out,
			field{"How to get help", one(s.ApplicationProcess)},
			field{"Cost", one(s.FeesDescription)},
			field{"Waiting time", one(s.WaitTime)},
			field{"Notice at the top of its page", one(s.Alert)},
			field{"Phone numbers", phones},
			field{"E-mail address", one(s.Email)},
			field{"Website", one(s.URL)},
			field{"Opening hours", hours},
			field{"Last checked", one(longDate(s.AssuredDate))},
		)
	case rec.Organization != nil:
		o := rec.Organization
		var phones []string
		for _, p := range o.Phones {
			phones = append(phones, phoneLine(p))
		}
		return []field{
			{"Name", one(o.Name)},
			shown,
			{"Description", one(o.Description)},
			{"Phone numbers", phones},
			{"E-mail address", one(o.Email)},
			{"Website", one(o.Website)},
		}
	case rec.Resource != nil:
		r := rec.Resource
		var topics []string
		for _, code := range r.Topics {
			if t, ok := ch.termByCode[code]; ok {
				topics = append(topics, t.Name)
			} else {
				topics = append(topics, code)
			}
		}
		return []field{
			{"Title", one(r.Name)},
			shown,
			{"Kind", one(directory.KindLabel(r.Kind))},
			{"Publisher", one(ch.orgLabel(r.OrganizationID))},
			{"Description", one(r.Description)},
			{"Web address", one(r.URL)},
			{"Topics", one(strings.Join(topics, ", "))},
		}
	}
	return nil
}

// orgLabel names an organisation, saying so when it is no longer shown.
func (ch *choices) orgLabel(id string) string {
	if id == "" {
		return ""
	}
	if n, ok := ch.orgName[id]; ok {
		return n
	}
	return "An organisation no longer in the directory"
}

func phoneLine(p hsds.Phone) string {
	if p.Description == "" {
		return p.Number
	}
	return p.Number + " (" + p.Description + ")"
}

func hoursLine(s hsds.Schedule) string {
	var days []string
	for _, d := range strings.Split(s.ByDay, ",") {
		for _, w := range weekdays {
			if w.Code == d {
				days = append(days, w.Label[:3])
			}
		}
	}
	when := ""
	if len(days) > 0 && s.OpensAt != "" {
		when = fmt.Sprintf(" [%s, %s to %s]", strings.Join(days, " "), hhmm(s.OpensAt), hhmm(s.ClosesAt))
	}
	return strings.TrimSpace(s.Description + when)
}

// diff is the fields that differ from before to after, in the record's
// order; with before nil (a new entry), every field that has a value.
func diff(before, after []field) []change {
	prev := map[string]field{}
	for _, f := range before {
		prev[f.Label] = f
	}
	var out []change
	seen := map[string]bool{}
	for _, f := range after {
		seen[f.Label] = true
		b := prev[f.Label]
		if b.text() != f.text() {
			out = append(out, change{Label: f.Label, Before: b.Lines, After: f.Lines})
		}
	}
	for _, f := range before {
		if !seen[f.Label] && len(f.Lines) > 0 {
			out = append(out, change{Label: f.Label, Before: f.Lines})
		}
	}
	return out
}
