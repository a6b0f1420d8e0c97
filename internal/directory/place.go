package directory

import (
	"context"
	"slices"
	"strings"

	"github.com/psu-project/psu/internal/settings"
)

// Where a trainee is, and what the unit is for, order results: a trainee
// in London or Kent, Surrey and Sussex can use services for their region
// and for all of England or the United Kingdom, not one for doctors in
// Wales (unless they ask for Wales); and the unit's own service comes
// first for what it exists for.

// nationWords are words that name a region without being its name.
var nationWords = map[string]string{
	"welsh":    "wales",
	"cymru":    "wales",
	"scottish": "scotland",
	"irish":    "ireland",
	"ni":       "northern-ireland",
}

// placeRank works out q.local (the region terms that count as the unit's
// area, with any region the text names) and q.own from q.Home, q.Own and
// q.OwnFor.
func (s *snapshot) placeRank(q *Query, ws []string, needs []needMatch) {
	q.own = -1
	if q.Own != "" {
		named := s.needCodes(q.TermSets)
		for _, n := range needs {
			named = append(named, n.code, n.phrase)
		}
		if slices.ContainsFunc(named, func(c string) bool { return slices.Contains(q.OwnFor, c) }) {
			q.own = s.docByID(q.Own)
		}
	}
	if len(q.Home) == 0 {
		return
	}
	v := s.vocabulary
	q.local = make([]bool, len(v.terms))
	add := func(t *Term) {
		if t == nil {
			return
		}
		for _, id := range v.ancestors(t) {
			q.local[s.termNo[id]] = true
		}
		// and every area inside it
		for _, r := range v.in(TaxRegions) {
			if slices.Contains(v.ancestors(&r), t.ID) {
				q.local[s.termNo[r.ID]] = true
			}
		}
	}
	for _, code := range q.Home {
		add(v.byCode[code])
	}
	text := " " + strings.Join(ws, " ") + " "
	for _, r := range v.in(TaxRegions) {
		if name := strings.Join(words(fold(r.Name)), " "); name != "" && strings.Contains(text, " "+name+" ") {
			add(v.byCode[r.Code])
		}
	}
	for _, w := range ws {
		if code, ok := nationWords[w]; ok {
			add(v.byCode[code])
		}
	}
}

// docByID is the doc number of the service with id, or -1. The answer for
// the last id asked is kept: it is always the unit's own service.
func (s *snapshot) docByID(id string) int32 {
	if c := s.ownDoc.Load(); c != nil && c.id == id {
		return c.doc
	}
	doc := int32(-1)
	for i := range s.docs {
		if s.docs[i].id == id {
			doc = int32(i)
			break
		}
	}
	s.ownDoc.Store(&docOf{id, doc})
	return doc
}

type docOf struct {
	id  string
	doc int32
}

// markRegions keeps each service's region terms apart, so that deciding
// whether it is for somewhere else reads one or two numbers.
func (s *snapshot) markRegions() {
	s.regions = make([][]int32, len(s.docs))
	for doc := range s.docs {
		for _, t := range s.docs[doc].terms {
			if s.vocabulary.terms[t].TaxonomyName == TaxRegions {
				s.regions[doc] = append(s.regions[doc], t)
			}
		}
	}
}

// away reports whether doc serves only places outside the unit's area: it
// names regions, and none of them counts as local.
func (f *filter) away(s *snapshot, doc int32) bool {
	if f.local == nil {
		return false
	}
	rs := s.regions[doc]
	for _, t := range rs {
		if f.local[t] {
			return false
		}
	}
	return len(rs) > 0
}

// Settings a unit sets for itself (in the settings table, read through
// internal/settings): where it works, and its own service.
const (
	// KeyUnitRegions is the unit's regions, region term codes separated
	// by commas.
	KeyUnitRegions = "unit.regions"
	// KeyOwnService is the id of the unit's own service in the directory.
	KeyOwnService = "unit.own_service"
)

// Defaults: the London and Kent, Surrey and Sussex unit and its
// Individual Support Team.
const (
	DefaultUnitRegions = "london,kent-surrey-and-sussex"
	DefaultOwnService  = "01a2011f-88d1-7ebd-bd56-5f92402c5f59"
)

// OwnFor is what the unit's own service exists for: the needs (and the
// phrases for burnout, which the directory files under mental health)
// for which it ranks first.
var OwnFor = []string{"exams", "progression-in-training", "careers", "relationships-at-work",
	"neurodiversity-and-dyslexia", "return-to-training", "burnout", "burnt out", "burned out", "burn out", "burnt-out"}

// place sets q's Home and Own from the unit's settings; a region the
// person chose (where) stands in for the unit's own.
func (h *handlers) place(ctx context.Context, q *Query, where string) error {
	regions, err := settings.Get(ctx, h.db, KeyUnitRegions, DefaultUnitRegions)
	if err != nil {
		return err
	}
	own, err := settings.Get(ctx, h.db, KeyOwnService, DefaultOwnService)
	if err != nil {
		return err
	}
	q.Home = nil
	for _, r := range strings.Split(regions, ",") {
		if r = strings.TrimSpace(r); r != "" {
			q.Home = append(q.Home, r)
		}
	}
	if where != "" {
		q.Home = []string{where}
	}
	q.Own, q.OwnFor = own, OwnFor
	return nil
}
