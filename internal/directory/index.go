package directory

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kljensen/snowball/english"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
)

// Searching reads an index held in memory: at 100,000 services the
// engines' own full-text queries take tens of milliseconds to rank what
// a common need matches, and the page must answer in a few. The database
// stays the only source of truth. Every transaction that changes what
// search reads (an import, the seed, the synonym map) writes a new random
// generation into dir_stats; each search reads that one row and, when it
// differs from the index's, rebuilds the index from the database before
// answering. So every psu sharing a database answers from the same data,
// and a rolled-back change, whose generation no commit ever shows, cannot
// leave an index built from what was never committed.

// Index is the search index of one psu process, safe for concurrent use.
type Index struct {
	mu   sync.Mutex // one rebuild at a time; searches wait for it
	snap atomic.Pointer[snapshot]
}

// NewIndex returns an empty index; the first search builds it.
func NewIndex() *Index { return &Index{} }

// bm25 parameters, as SQLite's FTS5 uses them, and the weight of a word
// found in each column: names count most, then tags and the organisation,
// then descriptions.
const (
	bm25K1, bm25B = 1.2, 0.75
	weightName    = 10.0
	weightTags    = 4.0
	weightBody    = 1.0
)

// post is one service's use of one word stem: how often in each column.
type post struct {
	doc              int32
	name, tags, body uint16
}

// termPost is one service with one taxonomy term, at its place among the
// service's terms of that taxonomy (the directory lists a main need first).
type termPost struct {
	doc int32
	pos int16
}

// indexed is what search reads of one service. Services are numbered
// (doc) in the order a list by name shows them: sort_name, then id.
type indexed struct {
	id       string
	org      string
	modified time.Time
	terms    []int32 // term numbers, ascending
	hours    []span
}

// Flags of a service, kept apart from the rest so that checking them for
// the thousands of services a need matches reads one compact array.
const (
	flagUsable   uint8 = 1 << iota // active or temporarily closed
	flagOpen24h                    // open every minute of every day
	flagReadOnly                   // reached only as online information: nobody to contact
)

// snapshot is the index at one generation. It never changes once built.
type snapshot struct {
	gen   int64
	docs  []indexed
	flags []uint8 // by doc
	// nameWords are the distinct words of every name (sort_name), in
	// order, and nameDocs the services each is in: the name tier looks
	// up the names with a word starting with what was typed.
	nameWords []string
	nameDocs  [][]int32
	docLen    []uint32 // words in all columns, as bm25 counts length
	avgLen    float64
	postings  map[string][]post // by stem, each in doc order
	// words is how many services use each folded word (numbers left
	// out), for leaving common words out of matching and for typo
	// correction; synonym words no service uses are there with 0.
	words      map[string]int
	vocab      []string           // the words, for deletes to point into
	deletes    map[string][]int32 // spellings a letter or two shorter → vocab
	synonyms   map[string]needMatch
	byTerm     [][]termPost     // services with each term (by term number), in doc order
	termNo     map[string]int32 // term number by id: its place in vocabulary.terms
	vocabulary *vocabulary
	reading    []readingDoc // the resources, in the directory's order
	regions    [][]int32    // by doc: its region terms
	ownDoc     atomic.Pointer[docOf]

	// shown holds the listings result cards have shown at this
	// generation, parsed, so that a page of results for a common need
	// reads no JSON (see listings).
	mu    sync.Mutex
	shown map[string]listing
}

// maxShown bounds the listings a snapshot keeps parsed: every service of
// a real directory, and the most shown of a large one.
const maxShown = 4096

// listings returns the services with the given ids as loadListings does
// (with their tags), from those already parsed at this generation where
// it can. The listings are shared between requests: read them, never
// change them.
func (s *snapshot) listings(ctx context.Context, q store.Querier, ids []string) ([]listing, error) {
	found := make(map[string]listing, len(ids))
	var missing []string
	s.mu.Lock()
	for _, id := range ids {
		if l, ok := s.shown[id]; ok {
			found[id] = l
		} else {
			missing = append(missing, id)
		}
	}
	s.mu.Unlock()
	if len(missing) > 0 {
		ls, err := loadListings(ctx, q, s.vocabulary, missing)
		if err != nil {
			return nil, err
		}
		s.mu.Lock()
		if s.shown == nil || len(s.shown)+len(ls) > maxShown {
			s.shown = make(map[string]listing, len(ls)) // start afresh rather than track use
		}
		for _, l := range ls {
			s.shown[l.Service.ID] = l
			found[l.Service.ID] = l
		}
		s.mu.Unlock()
	}
	out := make([]listing, 0, len(ids))
	for _, id := range ids {
		if l, ok := found[id]; ok {
			out = append(out, l)
			delete(found, id) // each once, as loadListings gives them
		}
	}
	return out, nil
}

// current returns the index at the database's generation, rebuilding it
// first when the database has moved on.
func (ix *Index) current(ctx context.Context, q store.Querier) (*snapshot, error) {
	gen, err := readGeneration(ctx, q)
	if err != nil {
		return nil, err
	}
	if s := ix.snap.Load(); s != nil && s.gen == gen {
		return s, nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if s := ix.snap.Load(); s != nil && s.gen == gen {
		return s, nil // built while this search waited
	}
	// One read transaction: the generation and everything built from it
	// are the same committed state, whatever commits meanwhile.
	var s *snapshot
	err = q.ReadTx(ctx, func(tx *store.Tx) error {
		s, err = buildSnapshot(ctx, tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	ix.snap.Store(s)
	return s, nil
}

// vocabulary returns the taxonomies and terms at the current generation.
func (ix *Index) vocabulary(ctx context.Context, q store.Querier) (*vocabulary, error) {
	s, err := ix.current(ctx, q)
	if err != nil {
		return nil, err
	}
	return s.vocabulary, nil
}

// Search runs query on the directory in q (see search.go).
func (ix *Index) Search(ctx context.Context, q store.Querier, query Query) (Results, error) {
	s, err := ix.current(ctx, q)
	if err != nil {
		return Results{}, fmt.Errorf("directory: search: %w", err)
	}
	return s.search(query), nil
}

const generationKey = "generation"

func readGeneration(ctx context.Context, q store.Querier) (int64, error) {
	var gen int64
	err := store.Scan(q.QueryRowContext(ctx, `SELECT value FROM dir_stats WHERE name = ?`, generationKey), &gen)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	return gen, err
}

// touch gives the directory a new generation inside tx, so that every
// index rebuilds once tx commits.
func touch(ctx context.Context, tx *store.Tx) error {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	gen := int64(binary.LittleEndian.Uint64(b[:]) >> 1)
	_, err := tx.ExecContext(ctx, `INSERT INTO dir_stats (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, generationKey, gen)
	return err
}

// stemmer stems words, each distinct word once.
type stemmer map[string]string

func (st stemmer) stem(w string) string {
	if s, ok := st[w]; ok {
		return s
	}
	s := english.Stem(w, true)
	st[w] = s
	return s
}

// buildSnapshot reads the directory from q into a new snapshot.
func buildSnapshot(ctx context.Context, q store.Querier) (*snapshot, error) {
	gen, err := readGeneration(ctx, q)
	if err != nil {
		return nil, err
	}
	voc, err := loadVocabulary(ctx, q)
	if err != nil {
		return nil, err
	}
	s := &snapshot{gen: gen, vocabulary: voc, postings: map[string][]post{}, words: map[string]int{},
		synonyms: map[string]needMatch{}, termNo: make(map[string]int32, len(voc.terms))}
	for i, t := range voc.terms {
		s.termNo[t.ID] = int32(i)
	}
	s.byTerm = make([][]termPost, len(voc.terms))
	rids, err := s.readServices(ctx, q)
	if err != nil {
		return nil, err
	}
	if err := s.readTerms(ctx, q, rids); err != nil {
		return nil, err
	}
	s.markReadOnly()
	s.markRegions()
	if err := s.readHours(ctx, q, rids); err != nil {
		return nil, err
	}
	if err := s.readSynonyms(ctx, q); err != nil {
		return nil, err
	}
	if err := s.readReading(ctx, q); err != nil {
		return nil, err
	}
	s.buildDeletes()
	return s, nil
}

// readServices reads every service in name order, then the search text
// of each in storage order (sequential reads, however large the
// directory), counting words and stems as it goes. It returns the doc
// number of each rid.
func (s *snapshot) readServices(ctx context.Context, q store.Querier) (map[int64]int32, error) {
	order := ` ORDER BY sort_name, id`
	if q.Engine() == store.Postgres {
		order = ` ORDER BY sort_name COLLATE "C", id COLLATE "C"` // byte order, as SQLite and Go sort
	}
	rows, err := q.QueryContext(ctx, `SELECT rid, id, organization_id, sort_name, status, open_24h, last_modified FROM dir_services`+order)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	rids := map[int64]int32{}
	seen := map[string]bool{}
	nameDocs := map[string][]int32{}
	for rows.Next() {
		var rid int64
		var d indexed
		var sortName, status string
		var open24h bool
		var modified store.Time
		if err := rows.Scan(&rid, &d.id, &d.org, &sortName, &status, &open24h, &modified); err != nil {
			return nil, err
		}
		d.modified = modified.Time
		var flags uint8
		if status == hsds.StatusActive || status == hsds.StatusTemporarilyClosed {
			flags |= flagUsable
		}
		if open24h {
			flags |= flagOpen24h
		}
		doc := int32(len(s.docs))
		rids[rid] = doc
		s.docs = append(s.docs, d)
		s.flags = append(s.flags, flags)
		clear(seen)
		for _, w := range strings.Fields(sortName) {
			if !seen[w] {
				seen[w] = true
				nameDocs[w] = append(nameDocs[w], doc)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for w := range nameDocs {
		s.nameWords = append(s.nameWords, w)
	}
	slices.Sort(s.nameWords)
	s.nameDocs = make([][]int32, len(s.nameWords))
	for i, w := range s.nameWords {
		s.nameDocs[i] = nameDocs[w]
	}
	return rids, s.readText(ctx, q, rids)
}

// readText reads the search text of every service into postings.
func (s *snapshot) readText(ctx context.Context, q store.Querier, rids map[int64]int32) error {
	rows, err := q.QueryContext(ctx, `SELECT service_rid, search_name, search_tags, search_body FROM dir_service_docs`)
	if err != nil {
		return err
	}
	defer rows.Close()
	s.docLen = make([]uint32, len(s.docs))
	st := stemmer{}
	tf := map[string]*post{}
	seen := map[string]bool{}
	var total uint64
	for rows.Next() {
		var rid int64
		var cols [3]string
		if err := rows.Scan(&rid, &cols[0], &cols[1], &cols[2]); err != nil {
			return err
		}
		doc, ok := rids[rid]
		if !ok {
			continue // cannot be, in one state with foreign keys; never misfiled
		}
		clear(tf)
		clear(seen)
		var n uint32
		for c, text := range cols {
			for _, w := range strings.Fields(text) {
				n++
				if !seen[w] {
					seen[w] = true
					if !isNumber(w) {
						s.words[w]++
					}
				}
				if stopwords[w] {
					continue // never searched for
				}
				stem := st.stem(w)
				p := tf[stem]
				if p == nil {
					p = &post{doc: doc}
					tf[stem] = p
				}
				switch c {
				case 0:
					p.name = sat(p.name)
				case 1:
					p.tags = sat(p.tags)
				default:
					p.body = sat(p.body)
				}
			}
		}
		for stem, p := range tf {
			s.postings[stem] = append(s.postings[stem], *p)
		}
		s.docLen[doc] = n
		total += uint64(n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range s.postings {
		if !slices.IsSortedFunc(l, comparePosts) {
			slices.SortFunc(l, comparePosts)
		}
	}
	if len(s.docs) > 0 {
		s.avgLen = float64(total) / float64(len(s.docs))
	}
	return nil
}

func comparePosts(a, b post) int { return int(a.doc - b.doc) }

// sat adds one, stopping at the largest count a post holds: a word used
// 65,535 times in one column ranks as if used that often.
func sat(n uint16) uint16 {
	if n == ^uint16(0) {
		return n
	}
	return n + 1
}

func (s *snapshot) readTerms(ctx context.Context, q store.Querier, rids map[int64]int32) error {
	rows, err := q.QueryContext(ctx, `SELECT service_rid, term_id, position FROM dir_service_terms`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var term string
		var pos int
		if err := rows.Scan(&rid, &term, &pos); err != nil {
			return err
		}
		doc, ok1 := rids[rid]
		t, ok2 := s.termNo[term]
		if !ok1 || !ok2 {
			continue // an attachment to a term the vocabulary does not have
		}
		s.byTerm[t] = append(s.byTerm[t], termPost{doc: doc, pos: int16(min(pos, notNeeded))})
		s.docs[doc].terms = append(s.docs[doc].terms, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, l := range s.byTerm {
		slices.SortFunc(l, func(a, b termPost) int { return int(a.doc - b.doc) })
	}
	for i := range s.docs {
		slices.Sort(s.docs[i].terms)
	}
	return nil
}

func (s *snapshot) readHours(ctx context.Context, q store.Querier, rids map[int64]int32) error {
	rows, err := q.QueryContext(ctx, `SELECT service_rid, day, opens_min, closes_min, valid_from, valid_to FROM dir_service_hours`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var sp span
		if err := rows.Scan(&rid, &sp.day, &sp.opens, &sp.closes, &sp.validFrom, &sp.upTo); err != nil {
			return err
		}
		if doc, ok := rids[rid]; ok {
			s.docs[doc].hours = append(s.docs[doc].hours, sp)
		}
	}
	return rows.Err()
}

// readSynonyms reads the synonym map; its words join the vocabulary, so
// that "sucidal" is corrected even if no service says "suicidal".
func (s *snapshot) readSynonyms(ctx context.Context, q store.Querier) error {
	rows, err := q.QueryContext(ctx, `SELECT s.norm, n.code, n.priority_24h FROM dir_synonyms s JOIN dir_synonym_needs n ON n.code = s.code`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var m needMatch
		if err := rows.Scan(&m.phrase, &m.code, &m.priority24h); err != nil {
			return err
		}
		for _, w := range words(m.phrase) {
			if _, ok := s.words[w]; !ok && !isNumber(w) {
				s.words[w] = 0
			}
		}
		if t := s.vocabulary.byCode[m.code]; t != nil {
			m.term = s.termNo[t.ID]
			s.synonyms[m.phrase] = m
		}
	}
	return rows.Err()
}

// buildDeletes stores every vocabulary word under each spelling of it a
// letter (or, for long words, two) shorter: the SymSpell way of finding
// the words near a misspelling with a few lookups (see vocab.go).
func (s *snapshot) buildDeletes() {
	s.vocab = make([]string, 0, len(s.words))
	for w := range s.words {
		s.vocab = append(s.vocab, w)
	}
	slices.Sort(s.vocab)
	s.deletes = make(map[string][]int32, len(s.vocab)*4)
	for i, w := range s.vocab {
		n := len([]rune(w))
		if n < minCorrectable {
			// Never corrected itself, but a longer misspelling with one
			// letter too many can still reach it.
			s.deletes[w] = append(s.deletes[w], int32(i))
			continue
		}
		for _, d := range deletes(w, maxDistance(n)) {
			s.deletes[d] = append(s.deletes[d], int32(i))
		}
	}
}

// markReadOnly flags the services whose only way in is online information
// (a web page of resources): among services as relevant, those a person
// can contact rank first.
func (s *snapshot) markReadOnly() {
	for doc := range s.docs {
		online, other := false, false
		for _, t := range s.docs[doc].terms {
			term := &s.vocabulary.terms[t]
			if term.TaxonomyName != TaxAccess {
				continue
			}
			if term.Code == "online-information" {
				online = true
			} else {
				other = true
			}
		}
		if online && !other {
			s.flags[doc] |= flagReadOnly
		}
	}
}
