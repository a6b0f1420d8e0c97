package directory

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Guides and reading: the directory's resources (reports, frameworks,
// guidance, strategies) are things to read, not services to contact. They
// have a page of their own, grouped by topic, and a search shows the ones
// about what was asked for beneath the services, marked as reading.

// readingDoc is one resource as the index holds it.
type readingDoc struct {
	res       hsds.Resource
	publisher string
	stems     map[string]bool // of its name, description, publisher and topics
}

// readReading reads every shown resource, in the directory's order.
func (s *snapshot) readReading(ctx context.Context, q store.Querier) error {
	rows, err := q.QueryContext(ctx, `SELECT r.doc, COALESCE(o.name, '') FROM dir_resources r
		LEFT JOIN dir_organizations o ON o.id = r.organization_id ORDER BY r.position, r.id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	st := stemmer{}
	for rows.Next() {
		var doc string
		var d readingDoc
		if err := rows.Scan(&doc, &d.publisher); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(doc), &d.res); err != nil {
			return err
		}
		text := []string{d.res.Name, d.res.Description, d.publisher}
		for _, code := range d.res.Topics {
			if t := s.vocabulary.byCode[code]; t != nil {
				text = append(text, t.Name)
			}
		}
		d.stems = map[string]bool{}
		for _, w := range words(fold(strings.Join(text, " "))) {
			if !stopwords[w] {
				d.stems[st.stem(w)] = true
			}
		}
		s.reading = append(s.reading, d)
	}
	return rows.Err()
}

// matchReading returns the ids of the resources about one of the needs
// (by code), or whose text has every one of the words, those about a need
// first (a resource's main topic before its others), then in the
// directory's order.
func (s *snapshot) matchReading(needs []string, ws []string) []string {
	st := stemmer{}
	var stems []string
	for _, w := range ws {
		if !stopwords[w] {
			stems = append(stems, st.stem(w))
		}
	}
	if len(needs) == 0 && len(stems) == 0 {
		return nil
	}
	type hit struct {
		id   string
		rank int // place of the first named need among its topics; len(topics) for a word match
		pos  int
	}
	var hits []hit
	for i, d := range s.reading {
		rank := -1
		for k, code := range d.res.Topics {
			if slices.Contains(needs, code) {
				rank = k
				break
			}
		}
		if rank < 0 && len(stems) > 0 && !slices.ContainsFunc(stems, func(x string) bool { return !d.stems[x] }) {
			rank = len(d.res.Topics) + 1
		}
		if rank >= 0 {
			hits = append(hits, hit{d.res.ID, rank, i})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return a.pos - b.pos
	})
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.id
	}
	return out
}

// needCodes are the codes of the needs terms among a query's term sets (a
// need chosen from the filters).
func (s *snapshot) needCodes(sets [][]string) []string {
	var out []string
	for _, set := range sets {
		for _, id := range set {
			if t := s.vocabulary.byID[id]; t != nil && t.TaxonomyName == TaxNeeds && !slices.Contains(out, t.Code) {
				out = append(out, t.Code)
			}
		}
	}
	return out
}

// readingView is a resource as the pages show it.
type readingView struct {
	ID, Name, Description string
	Kind                  string // "Report", "Guidance", …
	Publisher             string
	URL                   string
	Topics                []string // names
}

var kindLabels = map[string]string{
	hsds.KindReport:    "Report",
	hsds.KindFramework: "Framework",
	hsds.KindGuidance:  "Guidance",
	hsds.KindStrategy:  "Strategy",
}

// KindLabel is a resource kind as people read it.
func KindLabel(kind string) string {
	if l, ok := kindLabels[kind]; ok {
		return l
	}
	return kind
}

func (s *snapshot) readingView(d readingDoc) readingView {
	v := readingView{ID: d.res.ID, Name: d.res.Name, Description: d.res.Description, Kind: KindLabel(d.res.Kind),
		Publisher: d.publisher, URL: d.res.URL}
	for _, code := range d.res.Topics {
		if t := s.vocabulary.byCode[code]; t != nil {
			v.Topics = append(v.Topics, t.Name)
		}
	}
	return v
}

// readingByID returns the resources with the given ids, in that order.
func (s *snapshot) readingByID(ids []string) []readingView {
	out := make([]readingView, 0, len(ids))
	for _, id := range ids {
		for _, d := range s.reading {
			if d.res.ID == id {
				out = append(out, s.readingView(d))
				break
			}
		}
	}
	return out
}

// readingGroup is the resources whose main topic is one need.
type readingGroup struct {
	ID    string // for the page's own links: "topic-" + the need's code
	Topic string
	Items []readingView
}

// readingGroups groups every resource under its main topic, in the order
// of the needs; those with no topic come last.
func (s *snapshot) readingGroups() []readingGroup {
	var groups []readingGroup
	for _, t := range s.vocabulary.in(TaxNeeds) {
		g := readingGroup{ID: "topic-" + t.Code, Topic: t.Name}
		for _, d := range s.reading {
			if len(d.res.Topics) > 0 && d.res.Topics[0] == t.Code {
				g.Items = append(g.Items, s.readingView(d))
			}
		}
		if len(g.Items) > 0 {
			groups = append(groups, g)
		}
	}
	other := readingGroup{ID: "topic-other", Topic: "Other reading"}
	for _, d := range s.reading {
		if len(d.res.Topics) == 0 || s.vocabulary.byCode[d.res.Topics[0]] == nil {
			other.Items = append(other.Items, s.readingView(d))
		}
	}
	if len(other.Items) > 0 {
		groups = append(groups, other)
	}
	return groups
}

// readingPage is what /reading shows.
type readingPage struct {
	Groups []readingGroup
	Count  int
}

// reading is GET /reading: every guide and report, grouped by topic.
func (h *handlers) reading(w http.ResponseWriter, r *http.Request) {
	snap, err := h.index.current(r.Context(), h.db)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	p := readingPage{Groups: snap.readingGroups(), Count: len(snap.reading)}
	h.srv.Render(w, r, http.StatusOK, "directory/reading.html", web.Page{Title: "Guides and reading", Data: p})
}
