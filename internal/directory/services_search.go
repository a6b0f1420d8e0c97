package directory

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/psu-project/psu/internal/web"
)

// pageSize is how many results one page of /services shows.
const pageSize = 20

// maxQuery is the longest search the box takes.
const maxQuery = 200

// maxReadingShown is how many guides and reports a search shows beneath
// the services; the reading page has them all.
const maxReadingShown = 3

// option is one choice in a filter.
type option struct {
	Value, Label string
	Selected     bool
}

// searchPage is what /services shows.
type searchPage struct {
	Q           string
	Needs       []option
	Who         []option
	Where       []option
	How         []option
	Open        []option
	Membership  []option
	Group       string
	GroupName   string
	Filtering   bool // any filter is set: the filters start open
	Searched    bool // text or a filter was given
	Results     []cardView
	Total       int
	Page, Pages int
	PrevURL     string
	NextURL     string
	PrevPage    int
	NextPage    int
	ClearURL    string
	FirstURL    string
	Corrected   string
	ReadAs      []string // the names of the needs the text was read as
	BrowseNeeds []option // links to each need, when nothing was searched
	Lines24h    []cardView
	Reading     []readingView // guides and reports about what was asked for
	MoreReading int           // how many more there are than Reading shows
	Flash       string
	Back        string
	// Crisis is set when the text reads as crisis: the urgent care card
	// comes before any result.
	Crisis    bool
	ListCount int
}

// searchParams is a /services address read and checked.
type searchParams struct {
	q          string
	needs      []string
	who        string
	where      string
	how        []string
	openNow    bool
	open24h    bool
	membership string // "", "none" or "needed"
	group      string
	page       int
}

func (p searchParams) filtering() bool {
	return len(p.needs) > 0 || p.who != "" || p.where != "" || len(p.how) > 0 || p.openNow || p.open24h || p.membership != "" || p.group != ""
}

// values is the address of p, at page (1 leaves page out).
func (p searchParams) values(page int) url.Values {
	v := url.Values{}
	if p.q != "" {
		v.Set("q", p.q)
	}
	v["need"] = p.needs
	if p.who != "" {
		v.Set("who", p.who)
	}
	if p.where != "" {
		v.Set("where", p.where)
	}
	v["how"] = p.how
	if p.openNow {
		v.Add("open", "now")
	}
	if p.open24h {
		v.Add("open", "24h")
	}
	if p.membership != "" {
		v.Set("membership", p.membership)
	}
	if p.group != "" {
		v.Set("group", p.group)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	for k, vs := range v {
		if len(vs) == 0 {
			delete(v, k)
		}
	}
	return v
}

func servicesURL(v url.Values) string {
	if len(v) == 0 {
		return "/services"
	}
	return "/services?" + v.Encode()
}

// parseSearch reads the address. Every value must be one the page offers;
// anything else is reported on the field it belongs to.
func parseSearch(v url.Values, vocab *vocabulary, f *web.Form) searchParams {
	p := searchParams{q: strings.TrimSpace(v.Get("q")), page: 1}
	if len([]rune(p.q)) > maxQuery {
		f.Fail("q", fmt.Sprintf("Search for %d characters or fewer. Try the few words that matter most.", maxQuery))
	}
	code := func(field, taxonomy, value, msg string) bool {
		t := vocab.byCode[value]
		if t == nil || t.TaxonomyName != taxonomy {
			f.Fail(field, msg)
			return false
		}
		return true
	}
	for _, n := range v["need"] {
		if code("need", TaxNeeds, n, "Choose what you need help with from the list, or leave it blank") && !slices.Contains(p.needs, n) {
			p.needs = append(p.needs, n)
		}
	}
	if w := v.Get("who"); w != "" && code("who", TaxProfessions, w, "Choose who the support is for from the list") {
		p.who = w
	}
	if w := v.Get("where"); w != "" && code("where", TaxRegions, w, "Choose where you are from the list") {
		p.where = w
	}
	for _, a := range v["how"] {
		if code("how", TaxAccess, a, "Choose how you want to get help from the list") && !slices.Contains(p.how, a) {
			p.how = append(p.how, a)
		}
	}
	for _, o := range v["open"] {
		switch o {
		case "now":
			p.openNow = true
		case "24h":
			p.open24h = true
		default:
			f.Fail("open", "Choose open now, open 24 hours, or neither")
		}
	}
	switch m := v.Get("membership"); m {
	case "", "none", "needed":
		p.membership = m
	default:
		f.Fail("membership", "Choose whether you need to be a member of an organisation")
	}
	if g := v.Get("group"); g != "" && code("address", TaxServiceGroup, g, "The group of services in the address does not exist") {
		p.group = g
	}
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			f.Fail("address", "The page number in the address must be a whole number from 1 upwards")
		} else {
			p.page = n
		}
	}
	return p
}

// query turns checked parameters into a Query.
func (p searchParams) query(vocab *vocabulary) Query {
	q := Query{Text: p.q, OpenNow: p.openNow, Open24h: p.open24h, Usable: true,
		Offset: pageOffset(p.page, pageSize), Limit: pageSize}
	for _, n := range p.needs {
		q.TermSets = append(q.TermSets, []string{vocab.byCode[n].ID})
	}
	if p.who != "" {
		set := []string{vocab.byCode[p.who].ID}
		if anyone := vocab.byCode["any-healthcare-professional"]; anyone != nil && p.who != "family-and-friends" {
			set = append(set, anyone.ID)
		}
		q.TermSets = append(q.TermSets, set)
	}
	if p.where != "" {
		q.TermSets = append(q.TermSets, vocab.ancestors(vocab.byCode[p.where]))
	}
	for _, a := range p.how {
		q.TermSets = append(q.TermSets, []string{vocab.byCode[a].ID})
	}
	switch p.membership {
	case "none":
		if t := vocab.byCode["none-needed"]; t != nil {
			q.TermSets = append(q.TermSets, []string{t.ID})
		}
	case "needed":
		var set []string
		for _, t := range vocab.in(TaxMembership) {
			if t.Code != "none-needed" {
				set = append(set, t.ID)
			}
		}
		q.TermSets = append(q.TermSets, set)
	}
	if p.group != "" {
		q.TermSets = append(q.TermSets, []string{vocab.byCode[p.group].ID})
	}
	return q
}

func options(terms []Term, selected ...string) []option {
	out := make([]option, len(terms))
	for i, t := range terms {
		out[i] = option{Value: t.Code, Label: t.Name, Selected: slices.Contains(selected, t.Code)}
	}
	return out
}

// search is GET /services: the one box, the filters and the results.
func (h *handlers) search(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// One index answers the whole page, however the directory changes
	// meanwhile.
	snap, err := h.index.current(ctx, h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	vocab := snap.vocabulary
	form := web.NewForm(r.URL.Query())
	p := parseSearch(r.URL.Query(), vocab, form)
	page := searchPage{
		Q:          form.Values.Get("q"),
		Needs:      options(vocab.in(TaxNeeds), p.needs...),
		Who:        options(vocab.in(TaxProfessions), p.who),
		Where:      options(vocab.in(TaxRegions), p.where),
		How:        options(vocab.in(TaxAccess), p.how...),
		Membership: []option{{"", "It does not matter", p.membership == ""}, {"none", "No membership needed", p.membership == "none"}, {"needed", "Only services for members", p.membership == "needed"}},
		Open:       []option{{"now", "Open now", p.openNow}, {"24h", "Open 24 hours", p.open24h}},
		Group:      p.group,
		Filtering:  p.filtering(),
		Searched:   p.q != "" || p.filtering(),
		Flash:      h.popFlash(r),
		Back:       r.URL.RequestURI(),
		ClearURL:   servicesURL(searchParams{q: p.q}.values(1)),
		FirstURL:   servicesURL(p.values(1)),
		Page:       p.page,
	}
	if g := vocab.byCode[p.group]; g != nil {
		page.GroupName = g.Name
	}
	if !form.Valid() {
		h.srv.Render(w, r, http.StatusUnprocessableEntity, "directory/search.html", web.Page{Title: "Find support", Form: form, Data: page})
		return
	}
	if p.openNow {
		web.NoCache(r) // what is open changes by the minute
	}
	q := p.query(vocab)
	if err := h.place(ctx, &q, p.where); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	res := snap.search(q)
	page.Total = res.Total
	page.Pages = (res.Total + pageSize - 1) / pageSize
	if p.page > max(page.Pages, 1) {
		form.Fail("address", fmt.Sprintf("There is no page %d of these results: they fill %d", p.page, max(page.Pages, 1)))
		h.srv.Render(w, r, http.StatusUnprocessableEntity, "directory/search.html", web.Page{Title: "Find support", Form: form, Data: page})
		return
	}
	if p.page > 1 {
		page.PrevURL, page.PrevPage = servicesURL(p.values(p.page-1)), p.page-1
	}
	if p.page < page.Pages {
		page.NextURL, page.NextPage = servicesURL(p.values(p.page+1)), p.page+1
	}
	page.Corrected = res.Corrected
	page.Crisis = slices.Contains(res.Needs, "crisis")
	for _, c := range res.Needs {
		if t := vocab.byCode[c]; t != nil {
			page.ReadAs = append(page.ReadAs, t.Name)
		}
	}
	list := h.myList(r)
	page.ListCount = len(list)
	inList := setOf(list)
	if page.Results, err = h.cards(ctx, snap, res.IDs, inList); err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	for i := range page.Results {
		page.Results[i].Back = page.Back
		page.Results[i].Away = res.Away[page.Results[i].ID]
		page.Results[i].Own = page.Results[i].ID == q.Own
		page.Results[i].URL += "?from=" + url.QueryEscape(page.Back+"#service-"+page.Results[i].ID)
	}
	if !page.Searched {
		page.BrowseNeeds = options(vocab.in(TaxNeeds))
	}
	if p.page == 1 {
		shown := res.Reading[:min(len(res.Reading), maxReadingShown)]
		page.Reading = snap.readingByID(shown)
		page.MoreReading = len(res.Reading) - len(shown)
	}
	if res.Total == 0 {
		page.BrowseNeeds = options(vocab.in(TaxNeeds))
		lines := snap.search(Query{Open24h: true, Usable: true, Limit: 10})
		if page.Lines24h, err = h.cards(ctx, snap, lines.IDs, inList); err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
	}
	title := "Find support"
	if page.Searched {
		title = fmt.Sprintf("%d results – Find support", res.Total)
		if p.page > 1 {
			title = fmt.Sprintf("%d results, page %d of %d – Find support", res.Total, p.page, page.Pages)
		}
	}
	h.srv.Render(w, r, http.StatusOK, "directory/search.html", web.Page{Title: title, Form: form, Data: page})
}
