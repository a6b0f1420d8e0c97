package editor

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

// The editor's forms: a record becomes form values (what the fields show),
// and form values become the record again, checked field by field, with a
// message beside each field that is wrong. Fields the forms do not show
// (HSDS members the directory carries but nobody edits here) pass through
// from the record the edit started from.

// Limits on what a field holds, in characters.
const (
	maxName        = 200
	maxDescription = 2000
	maxText        = 1000
	maxShort       = 300
	maxAddress     = 254
	maxURL         = 500
	// maxRows bounds the phone numbers and opening hours of one record.
	maxRows = 20
	// blankRows is how many empty rows of phone numbers and of opening
	// hours the form offers beyond those filled: room to add without
	// JavaScript, one save at a time.
	blankRows = 2
)

// choices is what the forms offer and the pages name: the taxonomies and
// their terms, and the organisations.
type choices struct {
	Taxonomies []directory.Taxonomy
	Orgs       []directory.Entry // shown or hidden, by name: what a listing may name
	termByID   map[string]directory.Term
	termByCode map[string]directory.Term
	orgName    map[string]string // every organisation ever published, by id
}

func loadChoices(ctx context.Context, q store.Querier) (*choices, error) {
	taxes, err := directory.Taxonomies(ctx, q)
	if err != nil {
		return nil, err
	}
	ch := &choices{Taxonomies: taxes, termByID: map[string]directory.Term{}, termByCode: map[string]directory.Term{}, orgName: map[string]string{}}
	for _, t := range taxes {
		for _, term := range t.Terms {
			ch.termByID[term.ID] = term
			ch.termByCode[term.Code] = term
		}
	}
	for _, state := range []string{directory.StateShown, directory.StateHidden, directory.StateDeleted} {
		orgs, err := directory.FindEntries(ctx, q, directory.EntryFilter{Kind: directory.EntryOrganization, State: state, Limit: 100000})
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			ch.orgName[o.ID] = o.Name
		}
		if state != directory.StateDeleted {
			ch.Orgs = append(ch.Orgs, orgs...)
		}
	}
	slices.SortStableFunc(ch.Orgs, func(a, b directory.Entry) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return ch, nil
}

// taxonomy returns the taxonomy named name, or nil.
func (ch *choices) taxonomy(name string) *directory.Taxonomy {
	for i := range ch.Taxonomies {
		if ch.Taxonomies[i].Name == name {
			return &ch.Taxonomies[i]
		}
	}
	return nil
}

// Labels of the taxonomies, as the forms and the differences name them.
var taxonomyLabels = map[string]string{
	directory.TaxNeeds:        "What it helps with",
	directory.TaxProfessions:  "Professions and people it is for",
	directory.TaxRegions:      "Regions and nations",
	directory.TaxMembership:   "Membership needed",
	directory.TaxAccess:       "How people get help",
	directory.TaxServiceGroup: "Groups of services",
}

// taxonomyHints say what each group of boxes is for.
var taxonomyHints = map[string]string{
	directory.TaxNeeds:        "Tick every need it helps with. Keep the main one first: a need already ticked keeps its place.",
	directory.TaxProfessions:  "Tick who can use it.",
	directory.TaxRegions:      "Tick the widest area it serves: a service for all of England is found by someone in London too.",
	directory.TaxMembership:   "Tick any membership someone needs to use it.",
	directory.TaxAccess:       "Tick how people reach it: for example self-referral, a phone line, face to face.",
	directory.TaxServiceGroup: "Tick a group to list it there too.",
}

// requiredTaxonomies must have at least one term ticked on a service.
var requiredTaxonomies = map[string]string{
	directory.TaxNeeds:       "Tick at least one need it helps with",
	directory.TaxProfessions: "Tick at least one group of people it is for",
	directory.TaxRegions:     "Tick at least one region or nation it serves",
}

func taxonomyLabel(t hsds.Taxonomy) string {
	if l, ok := taxonomyLabels[t.Name]; ok {
		return l
	}
	return t.Name
}

// Service statuses as people read them.
var statusLabels = []struct{ Value, Label, Hint string }{
	{hsds.StatusActive, "Running", "People can use it."},
	{hsds.StatusTemporarilyClosed, "Temporarily closed", "The listing says so; it is still found by searches."},
	{hsds.StatusInactive, "Not running at the moment", "Its page says it is not running; searches leave it out."},
	{hsds.StatusDefunct, "Closed for good", "Its page stays so that links to it still work."},
}

func statusLabel(s string) string {
	for _, l := range statusLabels {
		if l.Value == s {
			return l.Label
		}
	}
	return s
}

// Days of the week as HSDS names them and people read them.
var weekdays = []struct{ Code, Label string }{
	{"MO", "Monday"}, {"TU", "Tuesday"}, {"WE", "Wednesday"}, {"TH", "Thursday"}, {"FR", "Friday"}, {"SA", "Saturday"}, {"SU", "Sunday"},
}

// stateLabel is an entry state as people read it.
func stateLabel(state string) string {
	switch state {
	case directory.StateShown:
		return "Shown"
	case directory.StateHidden:
		return "Hidden"
	case directory.StateDeleted:
		return "Deleted"
	}
	return state
}

// --- Record to form values ---

func shownValue(state string) string {
	if state == directory.StateHidden {
		return "no"
	}
	return "yes"
}

func serviceValues(s hsds.Service, state string) url.Values {
	v := url.Values{
		"name": {s.Name}, "organization": {s.OrganizationID}, "description": {s.Description},
		"eligibility": {s.EligibilityDescription}, "application_process": {s.ApplicationProcess},
		"fees": {s.FeesDescription}, "wait_time": {s.WaitTime}, "alert": {s.Alert}, "status": {s.Status},
		"email": {s.Email}, "url": {s.URL}, "shown": {shownValue(state)},
	}
	for _, a := range s.Attributes {
		v.Add("term", a.TaxonomyTermID)
	}
	phoneValues(v, s.Phones)
	v.Set("hours", strconv.Itoa(min(len(s.Schedules)+blankRows, maxRows)))
	for i, sc := range s.Schedules {
		p := fmt.Sprintf("hours%d-", i)
		v.Set(p+"id", sc.ID)
		v.Set(p+"description", sc.Description)
		v.Set(p+"opens", hhmm(sc.OpensAt))
		v.Set(p+"closes", hhmm(sc.ClosesAt))
		for _, d := range strings.Split(sc.ByDay, ",") {
			if d != "" {
				v.Add(p+"day", d)
			}
		}
	}
	return v
}

// hhmm is an HSDS time as the form shows it: HH:MM.
func hhmm(t string) string {
	if len(t) >= 5 && t[2] == ':' {
		return t[:5]
	}
	return t
}

func phoneValues(v url.Values, phones []hsds.Phone) {
	v.Set("phones", strconv.Itoa(min(len(phones)+blankRows, maxRows)))
	for i, p := range phones {
		pre := fmt.Sprintf("phone%d-", i)
		v.Set(pre+"id", p.ID)
		v.Set(pre+"number", p.Number)
		v.Set(pre+"description", p.Description)
	}
}

func organizationValues(o hsds.Organization, state string) url.Values {
	v := url.Values{"name": {o.Name}, "description": {o.Description}, "email": {o.Email}, "website": {o.Website}, "shown": {shownValue(state)}}
	phoneValues(v, o.Phones)
	return v
}

func resourceValues(r hsds.Resource, state string) url.Values {
	v := url.Values{"name": {r.Name}, "description": {r.Description}, "kind": {r.Kind}, "publisher": {r.OrganizationID},
		"url": {r.URL}, "shown": {shownValue(state)}}
	v["topic"] = slices.Clone(r.Topics)
	return v
}

// --- Form values to record, checked ---

// text reads a field, failing it when it is longer than limit or, when
// required names what to ask for, empty.
func text(f *web.Form, field string, limit int, required string) string {
	s := f.Get(field)
	n := len([]rune(s))
	switch {
	case !storable(s):
		f.Fail(field, "Remove the character that cannot be stored (a control character, perhaps pasted in by accident)")
	case n == 0 && required != "":
		f.Fail(field, required)
	case n > limit:
		f.Fail(field, fmt.Sprintf("Use %d characters or fewer (there are %d)", limit, n))
	}
	return s
}

// storable reports whether both databases can store s as text: UTF-8,
// and no NUL, which PostgreSQL refuses.
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// email reads an optional e-mail address.
func email(f *web.Form, field string) string {
	s := f.Get(field)
	if s != "" && (len(s) > maxAddress || !storable(s) || !mail.ValidAddress(s)) {
		f.Fail(field, "Enter an e-mail address in the right format, like name@example.org.uk, or leave it blank")
	}
	return s
}

// webAddress reads an optional https address.
func webAddress(f *web.Form, field string) string {
	s := f.Get(field)
	switch {
	case s == "":
	case len(s) > maxURL:
		f.Fail(field, fmt.Sprintf("Use a web address of %d characters or fewer", maxURL))
	case strings.HasPrefix(strings.ToLower(s), "http://"):
		f.Fail(field, "Use the secure address, starting https:// (the directory links only to secure websites)")
	case !hsds.IsHTTPS(s):
		f.Fail(field, "Enter a full web address starting https://, like https://www.example.org.uk/support")
	}
	return s
}

// normalisePhone reads a phone number as a UK number (or an international
// one, written with +) and returns it in the standard grouping: "020 7245
// 0412", "0370 444 5163"; false when it is not a real number.
func normalisePhone(s string) (string, bool) {
	p, err := phonenumbers.Parse(s, "GB")
	if err != nil || !phonenumbers.IsValidNumber(p) {
		return "", false
	}
	if phonenumbers.GetRegionCodeForNumber(p) == "GB" {
		return phonenumbers.Format(p, phonenumbers.NATIONAL), true
	}
	return phonenumbers.Format(p, phonenumbers.INTERNATIONAL), true
}

// phoneKey is a number in E.164 form, to tell two spellings of one number
// apart from two numbers.
func phoneKey(s string) (string, bool) {
	p, err := phonenumbers.Parse(s, "GB")
	if err != nil {
		return "", false
	}
	return phonenumbers.Format(p, phonenumbers.E164), true
}

// counter reads a version or revision number a form carries back: a
// whole number the database's integers hold, else 0 (which matches no
// version or revision, so the request is refused as out of date).
func counter(s string) int {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	if err != nil || n < 0 {
		return 0
	}
	return int(n)
}

// rowCount is how many rows of a repeating group the form has.
func rowCount(f *web.Form, field string) int {
	n, err := strconv.Atoi(f.Get(field))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, maxRows)
}

// readPhones reads the phone rows; base gives the phones the record had,
// whose ids rows carry so that a number keeps its id when edited.
func readPhones(f *web.Form, base []hsds.Phone, owner string, service bool) []hsds.Phone {
	old := map[string]hsds.Phone{}
	for _, p := range base {
		old[p.ID] = p
	}
	var out []hsds.Phone
	seen := map[string]string{}
	for i := range rowCount(f, "phones") {
		pre := fmt.Sprintf("phone%d-", i)
		number, desc := f.Get(pre+"number"), text(f, pre+"description", maxShort, "")
		if number == "" && desc == "" {
			continue
		}
		if number == "" {
			f.Fail(pre+"number", "Enter the phone number, or clear what it is for to remove the row")
			continue
		}
		p, kept := old[f.Get(pre+"id")]
		if !kept {
			p = hsds.Phone{ID: store.NewID(), Type: "voice"}
		}
		// A number left as it was stays exactly as the source wrote it
		// (the directory keeps its sources' numbers character for
		// character); one typed or changed is checked and written in the
		// standard grouping.
		n := number
		if !kept || number != p.Number {
			var ok bool
			if n, ok = normalisePhone(number); !ok {
				f.Fail(pre+"number", "Enter a real phone number, like 020 7946 0000 or 0300 123 4567 (with +44 or another country code for a number abroad)")
				continue
			}
		}
		key := n
		if e164, ok := phoneKey(n); ok {
			key = e164
		}
		if first, dup := seen[key]; dup {
			f.Fail(pre+"number", "This number is already listed above (as "+first+"): list each number once")
			continue
		}
		seen[key] = number
		p.Number, p.Description = n, desc
		if service {
			p.ServiceID, p.OrganizationID = owner, ""
		} else {
			p.OrganizationID, p.ServiceID = owner, ""
		}
		out = append(out, p)
	}
	return out
}

// readTime reads an opening time: "9:00", "09:00" or "17.30", as HH:MM.
func readTime(s string) (string, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ".", ":")
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(m) != 2 || len(h) < 1 || len(h) > 2 {
		return "", false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d", hh, mm), true
}

// readHours reads the opening-hours rows of a service.
func readHours(f *web.Form, base []hsds.Schedule, serviceID string) []hsds.Schedule {
	old := map[string]hsds.Schedule{}
	for _, s := range base {
		old[s.ID] = s
	}
	var out []hsds.Schedule
	for i := range rowCount(f, "hours") {
		pre := fmt.Sprintf("hours%d-", i)
		desc := text(f, pre+"description", maxShort, "")
		var days []string
		for _, d := range weekdays {
			if slices.Contains(f.Values[pre+"day"], d.Code) {
				days = append(days, d.Code)
			}
		}
		for _, d := range f.Values[pre+"day"] {
			if !slices.ContainsFunc(weekdays, func(w struct{ Code, Label string }) bool { return w.Code == d }) {
				f.Fail(pre+"day", "Tick days of the week from the list")
			}
		}
		opens, closes := f.Get(pre+"opens"), f.Get(pre+"closes")
		if desc == "" && len(days) == 0 && opens == "" && closes == "" {
			continue
		}
		s, ok := old[f.Get(pre+"id")]
		if !ok {
			s = hsds.Schedule{ID: store.NewID()}
		}
		s.ServiceID, s.Description = serviceID, desc
		s.Freq, s.WKST, s.ByDay, s.OpensAt, s.ClosesAt = "", "", "", "", ""
		if len(days) == 0 && opens == "" && closes == "" {
			out = append(out, s) // words only, such as "By appointment"
			continue
		}
		o, okOpen := readTime(opens)
		c, okClose := readTime(closes)
		switch {
		case len(days) == 0:
			f.Fail(pre+"day", "Tick the days these hours are for")
		case opens == "":
			f.Fail(pre+"opens", "Enter the time it opens, like 09:00")
		case !okOpen:
			f.Fail(pre+"opens", "Enter the time it opens on the 24-hour clock, like 09:00")
		case closes == "":
			f.Fail(pre+"closes", "Enter the time it closes, like 17:00")
		case !okClose:
			f.Fail(pre+"closes", "Enter the time it closes on the 24-hour clock, like 17:30 (23:59 for the end of the day)")
		case o == c:
			f.Fail(pre+"closes", "The closing time must differ from the opening time; for all day, use 00:00 to 23:59")
		}
		s.Freq, s.WKST, s.ByDay, s.OpensAt, s.ClosesAt = "WEEKLY", "MO", strings.Join(days, ","), o, c
		if desc == "" {
			s.Description = describeHours(days, o, c)
		}
		out = append(out, s)
	}
	return out
}

// describeHours words a row of opening hours for the public page, when
// the editor gave no words of their own.
func describeHours(days []string, opens, closes string) string {
	var names []string
	for _, w := range weekdays {
		if slices.Contains(days, w.Code) {
			names = append(names, w.Label)
		}
	}
	if opens == "00:00" && closes == "23:59" {
		if len(days) == 7 {
			return "Open 24 hours a day, 7 days a week."
		}
		return "Open all day on " + listWords(names) + "."
	}
	return fmt.Sprintf("Open %s, %s to %s.", listWords(names), opens, closes)
}

func listWords(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	return strings.Join(ws[:len(ws)-1], ", ") + " and " + ws[len(ws)-1]
}

// readState reads the "shown" radios; deleting is an action of its own.
func readState(f *web.Form) string {
	switch f.Get("shown") {
	case "yes":
		return directory.StateShown
	case "no":
		return directory.StateHidden
	}
	f.Fail("shown", "Choose whether to show it in the directory")
	return directory.StateShown
}

// today is the date in London, as HSDS dates are written.
func today(now time.Time) string { return now.In(london).Format(time.DateOnly) }

// london is the unit's time zone.
var london = workdays.London

// readService reads the service form over base.
func readService(f *web.Form, base hsds.Service, ch *choices, now time.Time) (hsds.Service, string) {
	s := base
	s.Name = text(f, "name", maxName, "Enter the service's name")
	if org := f.Get("organization"); !slices.ContainsFunc(ch.Orgs, func(e directory.Entry) bool { return e.ID == org }) {
		f.Fail("organization", "Choose the organisation that runs it")
	} else {
		s.OrganizationID = org
	}
	s.Description = text(f, "description", maxDescription, "Say in a sentence or two what the service does")
	state := readState(f)
	s.Status = f.Get("status")
	if !slices.Contains(hsds.Statuses, s.Status) {
		f.Fail("status", "Choose whether it is running")
	}
	s.EligibilityDescription = text(f, "eligibility", maxText, "Say who can use it")
	s.Attributes, s.ServiceAreas = readTerms(f, base, ch)
	s.ApplicationProcess = text(f, "application_process", maxText, "Say how someone gets help from it")
	s.FeesDescription = text(f, "fees", maxShort, "")
	s.WaitTime = text(f, "wait_time", maxShort, "")
	s.Alert = text(f, "alert", maxShort, "")
	s.Phones = readPhones(f, base.Phones, s.ID, true)
	s.Email = email(f, "email")
	s.URL = webAddress(f, "url")
	s.Schedules = readHours(f, base.Schedules, s.ID)
	if f.Get("checked") == "yes" {
		s.AssuredDate = today(now)
	}
	return s, state
}

// readTerms reads the ticked taxonomy terms into attributes (a term
// already attached keeps its place and its id, so a service's main need
// stays first) and the service areas its regions name.
func readTerms(f *web.Form, base hsds.Service, ch *choices) ([]hsds.Attribute, []hsds.ServiceArea) {
	ticked := map[string]bool{}
	for _, id := range f.Values["term"] {
		if _, ok := ch.termByID[id]; !ok {
			f.Fail("term-"+directory.TaxNeeds, "Tick terms from the lists")
			continue
		}
		ticked[id] = true
	}
	var attrs []hsds.Attribute
	have := map[string]bool{}
	for _, a := range base.Attributes {
		if ticked[a.TaxonomyTermID] && !have[a.TaxonomyTermID] {
			have[a.TaxonomyTermID] = true
			attrs = append(attrs, a)
		}
	}
	for _, tax := range ch.Taxonomies {
		for _, t := range tax.Terms {
			if ticked[t.ID] && !have[t.ID] {
				have[t.ID] = true
				attrs = append(attrs, hsds.Attribute{ID: store.NewID(), LinkID: base.ID, TaxonomyTermID: t.ID,
					LinkType: tax.Name, LinkEntity: hsds.LinkEntityService})
			}
		}
	}
	// The directory keeps a service's attributes grouped by taxonomy, in
	// the taxonomies' order, as the seed has them.
	order := map[string]int{}
	for i, tax := range ch.Taxonomies {
		order[tax.Name] = i
	}
	slices.SortStableFunc(attrs, func(a, b hsds.Attribute) int {
		return order[ch.termByID[a.TaxonomyTermID].TaxonomyName] - order[ch.termByID[b.TaxonomyTermID].TaxonomyName]
	})
	for name, msg := range requiredTaxonomies {
		if ch.taxonomy(name) != nil && !slices.ContainsFunc(attrs, func(a hsds.Attribute) bool { return ch.termByID[a.TaxonomyTermID].TaxonomyName == name }) {
			f.Fail("term-"+name, msg)
		}
	}
	// Each region ticked is a service area of the same name.
	oldAreas := map[string]hsds.ServiceArea{}
	for _, a := range base.ServiceAreas {
		oldAreas[a.Name] = a
	}
	var areas []hsds.ServiceArea
	for _, a := range attrs {
		t := ch.termByID[a.TaxonomyTermID]
		if t.TaxonomyName != directory.TaxRegions {
			continue
		}
		area, ok := oldAreas[t.Name]
		if !ok {
			area = hsds.ServiceArea{ID: store.NewID(), ServiceID: base.ID, Name: t.Name}
		}
		areas = append(areas, area)
	}
	return attrs, areas
}

// readOrganization reads the organisation form over base.
func readOrganization(f *web.Form, base hsds.Organization) (hsds.Organization, string) {
	o := base
	o.Services = nil
	o.Name = text(f, "name", maxName, "Enter the organisation's name")
	o.Description = text(f, "description", maxDescription, "Say in a sentence or two who they are")
	state := readState(f)
	o.Phones = readPhones(f, base.Phones, o.ID, false)
	o.Email = email(f, "email")
	o.Website = webAddress(f, "website")
	return o, state
}

// readResource reads the guide or report form over base.
func readResource(f *web.Form, base hsds.Resource, ch *choices) (hsds.Resource, string) {
	r := base
	r.Name = text(f, "name", maxName, "Enter its title")
	r.Description = text(f, "description", maxDescription, "Say in a sentence or two what it is about")
	r.Kind = f.Get("kind")
	if !slices.Contains(hsds.ResourceKinds, r.Kind) {
		f.Fail("kind", "Choose what kind of reading it is")
	}
	r.OrganizationID = ""
	if p := f.Get("publisher"); p != "" {
		if !slices.ContainsFunc(ch.Orgs, func(e directory.Entry) bool { return e.ID == p }) {
			f.Fail("publisher", "Choose its publisher from the list, or leave it blank")
		} else {
			r.OrganizationID = p
		}
	}
	r.URL = webAddress(f, "url")
	r.Topics = nil
	needs := ch.taxonomy(directory.TaxNeeds)
	for _, code := range f.Values["topic"] {
		t, ok := ch.termByCode[code]
		if !ok || needs == nil || t.TaxonomyID != needs.ID {
			f.Fail("topic", "Tick topics from the list")
			continue
		}
		if !slices.Contains(r.Topics, code) {
			r.Topics = append(r.Topics, code)
		}
	}
	// The first topic ticked stays first: it is the heading the reading
	// page lists it under.
	if len(base.Topics) > 0 && slices.Contains(r.Topics, base.Topics[0]) {
		r.Topics = append([]string{base.Topics[0]}, slices.DeleteFunc(r.Topics, func(c string) bool { return c == base.Topics[0] })...)
	}
	return r, readState(f)
}
