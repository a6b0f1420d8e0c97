package directory

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// Query is one search of the directory: what was typed and the filters.
// Every filter narrows (they combine with AND). The zero Query lists every
// service by name.
type Query struct {
	// Text is what the person typed. It is matched by need (through the
	// synonym map) and by full text, with misspelt words corrected.
	Text string
	// TermSets must each be met: a service meets a set when at least one
	// of the set's term ids is attached to it (a region and the areas
	// around it; "any healthcare professional" for a profession).
	TermSets [][]string
	// TaxonomyID, when set, keeps services with any term of that taxonomy.
	TaxonomyID     string
	OrganizationID string
	// ModifiedAfter, when not zero, keeps services changed at or after it.
	ModifiedAfter time.Time
	// OpenNow keeps services whose weekly hours include Now (UK time).
	OpenNow bool
	Now     time.Time
	Open24h bool
	// Usable keeps only services someone can use today: active or
	// temporarily closed (the page says which).
	Usable bool

	// Home is where the unit works (region term codes: "london",
	// "kent-surrey-and-sussex"). When set, services for it, the areas
	// around it (England, the United Kingdom) and inside it, or with no
	// region, come first; services only for somewhere else (another
	// nation) come after them, unless the text names that place.
	Home []string
	// Own is the unit's own service and OwnFor what it exists for (needs
	// term codes and phrases): a search naming one puts Own first.
	Own    string
	OwnFor []string

	Offset, Limit int

	// exhaustive sorts every candidate rather than keeping only the best
	// Offset+Limit as they come; tests use it to check the two agree.
	exhaustive bool

	// Worked out by placeRank from Home, Own and the text.
	local []bool
	own   int32
}

// pageOffset is where page (from 1) of size results starts; a page too far
// on for an int to count starts past any directory's end.
func pageOffset(page, size int) int {
	if page <= 1 {
		return 0
	}
	if page-1 > math.MaxInt/size {
		return math.MaxInt
	}
	return (page - 1) * size
}

// Results is one page of a search.
type Results struct {
	IDs   []string
	Total int
	// Corrected is the text searched for when a misspelt word was replaced
	// (for "Showing results for …"); empty when nothing was corrected.
	Corrected string
	// Needs are the needs terms the text was read as, by code.
	Needs []string
	// Reading are the resources (guides and reports, to read rather than
	// contact) about the needs named, by text or filter, or with every
	// other word: ids, most relevant first. Every one, whatever the page.
	Reading []string
	// Away are the services on this page only for somewhere other than
	// the unit's area (Query.Home): their cards say where.
	Away map[string]bool
}

// maxSearchWords bounds the words a search reads; a pasted paragraph does
// not make a better query.
const maxSearchWords = 12

// search runs query. Results are ranked, best first:
//
//  0. with Query.Home, services that serve the unit's area (or anywhere)
//     before those only for somewhere else not named in the text; then
//     the unit's own service (Query.Own) when the text names something it
//     exists for (Query.OwnFor);
//  1. when the text names a need marked priority_24h (crisis), services
//     with that need that are open 24 hours;
//  2. full-text matches whose name has every word searched for (as the
//     start of one of its words);
//  3. services with more of the needs the text names, then those for
//     which a named need comes earlier among their needs (the directory
//     lists a service's main need first), then those a person can contact
//     before pages of online information, then those whose need was named
//     earlier in the text;
//  4. full-text relevance (bm25: names weigh most, then tags and
//     organisation, then descriptions) on the words no synonym took;
//  5. name.
//
// A word is corrected first when the directory does not know it and knows
// one a letter or two away. Full-text matching needs every word unless no
// service has them all; words most services use are left out of it.
//
// Without text, services are listed by name.
func (s *snapshot) search(query Query) Results {
	var res Results
	ws := words(fold(query.Text))
	if len(ws) > maxSearchWords {
		ws = ws[:maxSearchWords]
	}
	ws, changed := s.correct(ws)
	if changed {
		res.Corrected = strings.Join(ws, " ")
	}
	needs, used := s.matchNeeds(ws)
	for _, n := range needs {
		res.Needs = append(res.Needs, n.code)
	}
	s.placeRank(&query, ws, needs)
	// text is every word that means something; rest, those no synonym
	// phrase took.
	var text, rest []string
	seen := map[string]bool{}
	for i, w := range ws {
		if !stopwords[w] && !seen[w] {
			seen[w] = true
			text = append(text, w)
			if !used[i] {
				rest = append(rest, w)
			}
		}
	}
	if query.Limit <= 0 {
		query.Limit = 20
	}
	// A page number can be anything an address holds: the place past the
	// page must not wrap around, or the best-so-far heap reads as empty.
	query.Offset = max(query.Offset, 0)
	query.Limit = min(query.Limit, math.MaxInt-query.Offset)
	f := s.filter(query)
	switch {
	case len(text) == 0 && len(needs) == 0:
		s.browse(query, f, &res)
	case len(needs) > 0:
		// The needs stand for the words their phrases took; the other
		// words, any of them, and a name with every word, order the
		// services and add those that match them.
		sw := searchWords{names: text, match: s.matchWords(rest, false), anyWord: true}
		s.ranked(query, f, sw, needs, &res)
	default:
		// Every word must match, unless no service has them all.
		sw := searchWords{names: text, match: s.matchWords(text, true)}
		s.ranked(query, f, sw, nil, &res)
		if res.Total == 0 && len(sw.match) > 1 {
			sw.anyWord = true
			s.ranked(query, f, sw, nil, &res)
		}
	}
	codes := slices.Clone(res.Needs)
	for _, c := range s.needCodes(query.TermSets) {
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	res.Reading = s.matchReading(codes, rest)
	return res
}

// commonShare is the share of services above which a word is too common
// to narrow a full-text match ("support", "doctors" in a directory of
// support for doctors): matching it costs much and says little.
const commonShare = 0.1

// matchWords chooses the words the full-text match requires: all but the
// common ones, or, when every word is common and keepOne is set, the
// rarest. Names are still compared on every word.
func (s *snapshot) matchWords(text []string, keepOne bool) []string {
	var out []string
	rarest := ""
	for _, w := range text {
		n, ok := s.words[w]
		if !ok || float64(n) <= commonShare*float64(len(s.docs)) {
			out = append(out, w)
		}
		if rarest == "" || s.words[w] < s.words[rarest] {
			rarest = w
		}
	}
	if len(out) == 0 && rarest != "" && keepOne {
		out = []string{rarest}
	}
	return out
}

// searchWords are the words a ranked search uses: names, every word of
// which a name must start a word with for the name tier (and, with a need
// named, for a match on names alone); and match, the words the full-text
// match requires (all of them, or any with anyWord).
type searchWords struct {
	names, match []string
	anyWord      bool
}

// filter is a Query's filters, resolved against the snapshot.
type filter struct {
	local    []bool    // by term number: the region terms that count as the unit's area; nil ranks by no place
	own      int32     // the unit's own service to put first, or -1
	flags    uint8     // flags a service must have
	narrow   bool      // any filter below is set
	sets     [][]int32 // each must be met by one of its terms
	nothing  bool      // a set names no term the directory has
	taxonomy string
	org      string
	after    time.Time
	openNow  bool
	day, min int
	date     string
}

func (s *snapshot) filter(q Query) *filter {
	f := &filter{local: q.local, own: q.own, taxonomy: q.TaxonomyID, org: q.OrganizationID, after: q.ModifiedAfter, openNow: q.OpenNow}
	if q.Usable {
		f.flags |= flagUsable
	}
	if q.Open24h {
		f.flags |= flagOpen24h
	}
	for _, set := range q.TermSets {
		var nos []int32
		for _, id := range set {
			if t, ok := s.termNo[id]; ok {
				nos = append(nos, t)
			}
		}
		if len(nos) == 0 {
			f.nothing = true
		}
		f.sets = append(f.sets, nos)
	}
	if q.OpenNow {
		now := q.Now
		if now.IsZero() {
			now = time.Now()
		}
		f.day, f.min, f.date = ukNow(now)
	}
	f.narrow = len(f.sets) > 0 || f.taxonomy != "" || f.org != "" || !f.after.IsZero() || f.openNow
	return f
}

// keep reports whether service doc passes every filter.
func (f *filter) keep(s *snapshot, doc int32) bool {
	if f.nothing || s.flags[doc]&f.flags != f.flags {
		return false
	}
	if !f.narrow {
		return true
	}
	d := &s.docs[doc]
	switch {
	case f.org != "" && d.org != f.org,
		!f.after.IsZero() && d.modified.Before(f.after):
		return false
	}
	for _, set := range f.sets {
		if !slices.ContainsFunc(set, func(t int32) bool { _, ok := slices.BinarySearch(d.terms, t); return ok }) {
			return false
		}
	}
	if f.taxonomy != "" && !slices.ContainsFunc(d.terms, func(t int32) bool { return s.vocabulary.terms[t].TaxonomyID == f.taxonomy }) {
		return false
	}
	if f.openNow && !slices.ContainsFunc(d.hours, func(h span) bool {
		return h.day == f.day && h.opens <= f.min && h.closes > f.min &&
			(h.validFrom == "" || h.validFrom <= f.date) && (h.upTo == "" || h.upTo >= f.date)
	}) {
		return false
	}
	return true
}

// browse lists services by name, for a query with no text. With term
// filters, only the services of the smallest set are read.
//
// With a place to rank by (Query.Home), the unit's own service comes
// first when a need it exists for is chosen, then the services for the
// unit's area, then those only for somewhere else, each by name.
func (s *snapshot) browse(q Query, f *filter, res *Results) {
	// The unit's own service, when a need it exists for is chosen, is
	// first; services for somewhere else are kept aside for the end.
	page := func(doc int32, away bool) {
		if res.Total >= q.Offset && res.Total < q.Offset+q.Limit {
			res.IDs = append(res.IDs, s.docs[doc].id)
			if away {
				res.markAway(s.docs[doc].id)
			}
		}
		res.Total++
	}
	if f.own >= 0 && f.keep(s, f.own) {
		page(f.own, false)
	}
	var away []int32
	visit := func(doc int32) {
		if doc == f.own || !f.keep(s, doc) {
			return
		}
		if f.away(s, doc) {
			away = append(away, doc)
			return
		}
		page(doc, false)
	}
	defer func() {
		for _, doc := range away {
			page(doc, true)
		}
	}()
	if f.nothing {
		return
	}
	if len(f.sets) == 0 {
		for doc := range s.docs {
			visit(int32(doc))
		}
		return
	}
	smallest, size := f.sets[0], math.MaxInt
	for _, set := range f.sets {
		n := 0
		for _, t := range set {
			n += len(s.byTerm[t])
		}
		if n < size {
			smallest, size = set, n
		}
	}
	lists := make([][]int32, len(smallest))
	for i, t := range smallest {
		for _, p := range s.byTerm[t] {
			lists[i] = append(lists[i], p.doc)
		}
	}
	for _, doc := range union(lists) {
		visit(doc)
	}
}

// candidate is one service a ranked search found, with what ranking reads.
type candidate struct {
	doc   int32
	away  bool  // only for somewhere other than the unit's area
	own   bool  // the unit's own service, for what it exists for
	read  bool  // only online information, nobody to contact
	p24   bool  // a 24-hour line for a need that puts those first
	tier  bool  // a full-text match whose name has every word
	n     int8  // how many of the named needs it has
	first int16 // the earliest place among its needs of a named need
	qpos  int16 // how early in the text its first named need was
	rank  float64
}

// before reports whether a ranks above b.
func (a *candidate) before(b *candidate) bool {
	switch {
	case a.away != b.away:
		return b.away
	case a.own != b.own:
		return a.own
	case a.p24 != b.p24:
		return a.p24
	case a.tier != b.tier:
		return a.tier
	case a.n != b.n:
		return a.n > b.n
	case a.first != b.first:
		return a.first < b.first
	case a.read != b.read:
		return b.read
	case a.qpos != b.qpos:
		return a.qpos < b.qpos
	case a.rank != b.rank:
		return a.rank > b.rank
	}
	return a.doc < b.doc
}

// notNeeded is first and qpos for a candidate with no named need.
const notNeeded = 1000

// ranked finds, counts and ranks the services that the words and needs
// match, and fills res with the page query asks for.
func (s *snapshot) ranked(q Query, f *filter, sw searchWords, needs []needMatch, res *Results) {
	*res = Results{Corrected: res.Corrected, Needs: res.Needs}
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	hits := s.hits(sc, sw, len(needs) > 0 && len(sw.names) > 0)
	agg := s.needed(sc, needs)
	tier := s.namesWithEvery(sw.names)
	top := newSelector(q.Offset+q.Limit, q.exhaustive)
	t := 0
	consider := func(c candidate, isHit bool) {
		if !f.keep(s, c.doc) {
			return
		}
		if isHit {
			for t < len(tier) && tier[t] < c.doc {
				t++
			}
			c.tier = t < len(tier) && tier[t] == c.doc
		}
		c.away = f.away(s, c.doc)
		c.own = c.doc == f.own
		c.read = s.flags[c.doc]&flagReadOnly != 0
		res.Total++
		top.add(c)
	}
	// Both lists, and the name tier, are in doc order: merge them.
	i, j := 0, 0
	for i < len(hits) || j < len(agg) {
		switch {
		case j == len(agg) || (i < len(hits) && hits[i].doc < agg[j].doc):
			consider(candidate{doc: hits[i].doc, rank: hits[i].rank, first: notNeeded, qpos: notNeeded}, true)
			i++
		case i == len(hits) || agg[j].doc < hits[i].doc:
			consider(agg[j], false)
			j++
		default:
			c := agg[j]
			c.rank = hits[i].rank
			consider(c, true)
			i++
			j++
		}
	}
	for _, c := range top.best(q.Offset) {
		res.IDs = append(res.IDs, s.docs[c.doc].id)
		if c.away {
			res.markAway(s.docs[c.doc].id)
		}
	}
}

// namesWithEvery returns, in doc order, the services whose name has, for
// each of ws, a word that starts with it ("doctor" finds "Sick Doctors
// Trust").
func (s *snapshot) namesWithEvery(ws []string) []int32 {
	var out []int32
	for i, w := range ws {
		var lists [][]int32
		for k, _ := slices.BinarySearch(s.nameWords, w); k < len(s.nameWords) && strings.HasPrefix(s.nameWords[k], w); k++ {
			lists = append(lists, s.nameDocs[k])
		}
		docs := union(lists)
		if i == 0 {
			out = docs
			continue
		}
		out = intersectDocs(out, docs)
		if len(out) == 0 {
			return nil
		}
	}
	return out
}

// intersectDocs is the docs in both a and b, in doc order.
func intersectDocs(a, b []int32) []int32 {
	var out []int32
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case b[j] < a[i]:
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// scratch is the working memory of one ranked search, reused so that the
// thousands of candidates a common need brings allocate nothing new.
type scratch struct {
	match, names, all []int32
	hits              []hit
	agg               []candidate
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// needed gathers, in doc order, the services with any of the named needs
// and what ranking reads of them.
func (s *snapshot) needed(sc *scratch, needs []needMatch) []candidate {
	if len(needs) == 0 {
		return nil
	}
	out := sc.agg[:0]
	defer func() { sc.agg = out[:0] }()
	if len(needs) == 1 {
		l := s.byTerm[needs[0].term]
		out = slices.Grow(out, len(l))[:len(l)]
		for i, p := range l {
			out[i] = candidate{doc: p.doc, n: 1, first: p.pos, p24: needs[0].priority24h && s.flags[p.doc]&flagOpen24h != 0}
		}
		return out
	}
	at := make([]int, len(needs))
	for {
		doc := int32(math.MaxInt32)
		for k, n := range needs {
			if l := s.byTerm[n.term]; at[k] < len(l) && l[at[k]].doc < doc {
				doc = l[at[k]].doc
			}
		}
		if doc == math.MaxInt32 {
			return out
		}
		c := candidate{doc: doc, first: notNeeded, qpos: notNeeded}
		for k, n := range needs {
			l := s.byTerm[n.term]
			if at[k] == len(l) || l[at[k]].doc != doc {
				continue
			}
			c.n++
			c.first = min(c.first, l[at[k]].pos)
			c.qpos = min(c.qpos, int16(k))
			c.p24 = c.p24 || (n.priority24h && s.flags[doc]&flagOpen24h != 0)
			at[k]++
		}
		out = append(out, c)
	}
}

// hit is a full-text match and its bm25 relevance, higher better.
type hit struct {
	doc  int32
	rank float64
}

// hits finds, in doc order, the services whose text has every word of
// sw.match (any with anyWord), and with nameHits those whose names have
// every word of sw.names, scored by bm25 over those words.
func (s *snapshot) hits(sc *scratch, sw searchWords, nameHits bool) []hit {
	st := stemmer{}
	stems := func(ws []string) []string {
		var out []string
		for _, w := range ws {
			if stem := st.stem(w); !slices.Contains(out, stem) {
				out = append(out, stem)
			}
		}
		return out
	}
	var sets [][]int32
	// The stems ranked: those matched, and with nameHits the names'
	// words, which count only where they are in a name.
	type scored struct {
		stem     string
		nameOnly bool
	}
	var score []scored
	if match := stems(sw.match); len(match) > 0 {
		lists := make([][]post, len(match))
		for i, m := range match {
			lists[i] = s.postings[m]
			score = append(score, scored{m, false})
		}
		if sw.anyWord {
			sc.match = unionPosts(lists, sc.match[:0])
		} else {
			sc.match = intersect(lists, false, sc.match[:0])
		}
		sets = append(sets, sc.match)
	}
	if names := stems(sw.names); nameHits && len(names) > 0 {
		lists := make([][]post, len(names))
		for i, m := range names {
			lists[i] = s.postings[m]
			if !slices.ContainsFunc(score, func(x scored) bool { return x.stem == m }) {
				score = append(score, scored{m, true})
			}
		}
		sc.names = intersect(lists, true, sc.names[:0])
		sets = append(sets, sc.names)
	}
	sc.all = unionInto(sets, sc.all[:0])
	docs := sc.all
	if len(docs) == 0 {
		return nil
	}
	out := slices.Grow(sc.hits[:0], len(docs))[:len(docs)]
	sc.hits = out
	for i, d := range docs {
		out[i] = hit{doc: d}
	}
	n := float64(len(s.docs))
	for _, w := range score {
		l := s.postings[w.stem]
		idf := math.Log((n - float64(len(l)) + 0.5) / (float64(len(l)) + 0.5))
		if idf <= 0 {
			idf = 1e-6
		}
		at := 0
		for i := range out {
			p, ok := seek(l, &at, out[i].doc)
			if !ok {
				continue
			}
			tf := weightName * float64(p.name)
			if !w.nameOnly {
				tf += weightTags*float64(p.tags) + weightBody*float64(p.body)
			}
			if tf == 0 {
				continue
			}
			norm := bm25K1 * (1 - bm25B + bm25B*float64(s.docLen[p.doc])/s.avgLen)
			out[i].rank += idf * tf * (bm25K1 + 1) / (tf + norm)
		}
	}
	return out
}

// seek finds doc in l, a list in doc order, starting at *at and leaving
// *at at the first post not before doc: galloping, so that walking a
// list in order costs little more than its length.
func seek(l []post, at *int, doc int32) (post, bool) {
	lo, step := *at, 1
	for lo+step < len(l) && l[lo+step].doc < doc {
		lo += step
		step *= 2
	}
	hi := min(lo+step+1, len(l))
	i, _ := slices.BinarySearchFunc(l[lo:hi], doc, func(p post, d int32) int { return int(p.doc - d) })
	*at = lo + i
	if *at < len(l) && l[*at].doc == doc {
		return l[*at], true
	}
	return post{}, false
}

// intersect appends to out the docs in every list (in the name column,
// with names), in doc order.
func intersect(lists [][]post, names bool, out []int32) []int32 {
	if len(lists) == 0 {
		return out
	}
	short := 0
	for i, l := range lists {
		if len(l) < len(lists[short]) {
			short = i
		}
	}
	at := make([]int, len(lists))
next:
	for _, p := range lists[short] {
		if names && p.name == 0 {
			continue
		}
		for i, l := range lists {
			if i == short {
				continue
			}
			q, ok := seek(l, &at[i], p.doc)
			if !ok || (names && q.name == 0) {
				continue next
			}
		}
		out = append(out, p.doc)
	}
	return out
}

// unionPosts appends to out the docs in any of lists, in doc order. It is
// unionInto's merge over posts: a single generic merge taking a function
// that reads an item's doc ran 2.4 times slower on this hot path.
func unionPosts(lists [][]post, out []int32) []int32 {
	at := make([]int, len(lists))
	for {
		doc := int32(math.MaxInt32)
		for k, l := range lists {
			if at[k] < len(l) && l[at[k]].doc < doc {
				doc = l[at[k]].doc
			}
		}
		if doc == math.MaxInt32 {
			return out
		}
		out = append(out, doc)
		for k, l := range lists {
			if at[k] < len(l) && l[at[k]].doc == doc {
				at[k]++
			}
		}
	}
}

// union merges lists in doc order into one without repeats.
func union(lists [][]int32) []int32 { return unionInto(lists, nil) }

// unionInto is union appending to out.
func unionInto(lists [][]int32, out []int32) []int32 {
	var nonEmpty [][]int32
	for _, l := range lists {
		if len(l) > 0 {
			nonEmpty = append(nonEmpty, l)
		}
	}
	switch len(nonEmpty) {
	case 0:
		return out
	case 1:
		return append(out, nonEmpty[0]...)
	}
	at := make([]int, len(nonEmpty))
	for {
		doc := int32(math.MaxInt32)
		for k, l := range nonEmpty {
			if at[k] < len(l) && l[at[k]] < doc {
				doc = l[at[k]]
			}
		}
		if doc == math.MaxInt32 {
			return out
		}
		out = append(out, doc)
		for k, l := range nonEmpty {
			if at[k] < len(l) && l[at[k]] == doc {
				at[k]++
			}
		}
	}
}

// selector keeps the best k candidates seen: a heap whose root is the
// worst kept, so each candidate costs a comparison and, rarely, log k
// moves. Exhaustive keeps all and sorts them at the end.
type selector struct {
	k          int
	exhaustive bool
	heap       []candidate
}

func newSelector(k int, exhaustive bool) *selector {
	return &selector{k: k, exhaustive: exhaustive}
}

func (s *selector) add(c candidate) {
	if s.exhaustive {
		s.heap = append(s.heap, c)
		return
	}
	if len(s.heap) < s.k {
		s.heap = append(s.heap, c)
		for i := len(s.heap) - 1; i > 0; {
			p := (i - 1) / 2
			if !s.heap[p].before(&s.heap[i]) {
				break
			}
			s.heap[p], s.heap[i] = s.heap[i], s.heap[p]
			i = p
		}
		return
	}
	if s.k == 0 || !c.before(&s.heap[0]) {
		return
	}
	s.heap[0] = c
	for i := 0; ; {
		l, r, worst := 2*i+1, 2*i+2, i
		if l < len(s.heap) && s.heap[worst].before(&s.heap[l]) {
			worst = l
		}
		if r < len(s.heap) && s.heap[worst].before(&s.heap[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		s.heap[i], s.heap[worst] = s.heap[worst], s.heap[i]
		i = worst
	}
}

// best returns the kept candidates from place offset on, best first.
func (s *selector) best(offset int) []candidate {
	slices.SortFunc(s.heap, func(a, b candidate) int {
		if a.before(&b) {
			return -1
		}
		return 1
	})
	if offset >= len(s.heap) {
		return nil
	}
	end := len(s.heap)
	if s.exhaustive {
		end = min(end, s.k)
	}
	return s.heap[offset:end]
}

func (r *Results) markAway(id string) {
	if r.Away == nil {
		r.Away = map[string]bool{}
	}
	r.Away[id] = true
}
