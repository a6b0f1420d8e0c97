package directory

import (
	"context"
	"sort"
	"strings"
	"unicode"

	"github.com/psu-project/psu/internal/store"
)

// Typo tolerance: a search word the directory has never seen is replaced
// by the nearest word it has (its own text and the synonyms), when one is
// close enough. Nearness is found the SymSpell way: every vocabulary word
// is stored with the spellings one (or, for long words, two) letters
// shorter, so the candidates for a misspelt word are one indexed lookup of
// its own shorter spellings; the true edit distance then decides.

// minCorrectable is the shortest word worth correcting: shorter ones are
// too often abbreviations (GMC, BMA, ARCP) or everyday words the
// directory happens not to use ("much" is not a misspelt "such").
const minCorrectable = 5

// maxDistance is how many edits a word of n letters may be corrected by.
func maxDistance(n int) int {
	if n >= 8 {
		return 2
	}
	return 1
}

// deletes returns s with every choice of up to depth letters removed,
// s itself included.
func deletes(s string, depth int) []string {
	seen := map[string]bool{s: true}
	frontier := []string{s}
	for d := 0; d < depth; d++ {
		var next []string
		for _, w := range frontier {
			r := []rune(w)
			if len(r) <= 1 {
				continue
			}
			for i := range r {
				v := string(r[:i]) + string(r[i+1:])
				if !seen[v] {
					seen[v] = true
					next = append(next, v)
				}
			}
		}
		frontier = next
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// rebuildVocab rewrites the vocabulary from service word counts plus the
// words of every synonym phrase.
func rebuildVocab(ctx context.Context, tx *store.Tx, serviceWords map[string]int) error {
	counts := make(map[string]int, len(serviceWords))
	for w, n := range serviceWords {
		counts[w] = n
	}
	rows, err := tx.QueryContext(ctx, `SELECT norm FROM dir_synonyms`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var phrase string
		if err := rows.Scan(&phrase); err != nil {
			rows.Close()
			return err
		}
		for _, w := range words(phrase) {
			counts[w] += 0 // known, though no service may use it
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM dir_vocab_deletes`, `DELETE FROM dir_vocab`, `DELETE FROM dir_stats`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO dir_stats (name, value) SELECT 'services', COUNT(*) FROM dir_services`); err != nil {
		return err
	}
	var vocab, dels [][]any
	for w, n := range counts {
		if isNumber(w) {
			continue
		}
		vocab = append(vocab, []any{w, n})
		if len([]rune(w)) < minCorrectable {
			// Short words are never corrected, but a longer misspelling
			// with one letter too many can still reach them.
			dels = append(dels, []any{w, w})
			continue
		}
		for _, d := range deletes(w, maxDistance(len([]rune(w)))) {
			dels = append(dels, []any{d, w})
		}
	}
	if err := insertRows(ctx, tx, "dir_vocab", []column{{"word", "text"}, {"n", "integer"}}, vocab); err != nil {
		return err
	}
	return insertRows(ctx, tx, "dir_vocab_deletes", []column{{"del", "text"}, {"word", "text"}}, dels)
}

// serviceWords counts the words of every service's search text, for a
// vocabulary rebuild that is not part of an import.
func serviceWords(ctx context.Context, q store.Querier) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT search_name, search_tags, search_body FROM dir_service_docs`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var a, b, c string
		if err := rows.Scan(&a, &b, &c); err != nil {
			return nil, err
		}
		countWords(counts, a, b, c)
	}
	return counts, rows.Err()
}

// countWords adds one to the count of each distinct word in one service's
// search text: counts are of services, not of uses.
func countWords(counts map[string]int, texts ...string) {
	seen := map[string]bool{}
	for _, t := range texts {
		for _, w := range strings.Fields(t) {
			if !seen[w] {
				seen[w] = true
				counts[w]++
			}
		}
	}
}

// wordStats returns, for each of ws the vocabulary knows, how many services
// use it, and how many services there are.
func wordStats(ctx context.Context, q store.Querier, ws []string) (map[string]int, int, error) {
	known := map[string]int{}
	total := 0
	rows, err := q.QueryContext(ctx, `SELECT word, n FROM dir_vocab WHERE word IN `+inJSON(q.Engine())+`
		UNION ALL SELECT '', value FROM dir_stats WHERE name = 'services'`, jsonParam(orEmpty(ws)))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var w string
		var n int
		if err := rows.Scan(&w, &n); err != nil {
			return nil, 0, err
		}
		if w == "" {
			total = n
		} else {
			known[w] = n
		}
	}
	return known, total, rows.Err()
}

// correctable reports whether w is a word typo correction may change.
func correctable(w string) bool {
	return len([]rune(w)) >= minCorrectable && !isNumber(w) && !stopwords[w]
}

// correct replaces each word of ws that the vocabulary does not know (see
// wordStats) with its nearest vocabulary word, if one is within
// maxDistance edits, and adds the replacements to known. It returns the
// words and whether any changed.
func correct(ctx context.Context, q store.Querier, ws []string, known map[string]int) ([]string, bool, error) {
	var probes []string
	for _, w := range ws {
		if _, ok := known[w]; !ok && correctable(w) {
			probes = append(probes, deletes(w, maxDistance(len([]rune(w))))...)
		}
	}
	if len(probes) == 0 {
		return ws, false, nil
	}
	type cand struct {
		word string
		n    int
	}
	var cands []cand
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT v.word, v.n FROM dir_vocab_deletes d JOIN dir_vocab v ON v.word = d.word
		WHERE d.del IN `+inJSON(q.Engine()), jsonParam(probes))
	if err != nil {
		return nil, false, err
	}
	for rows.Next() {
		var c cand
		if err := rows.Scan(&c.word, &c.n); err != nil {
			rows.Close()
			return nil, false, err
		}
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	out := append([]string(nil), ws...)
	changed := false
	for i, w := range out {
		if _, ok := known[w]; ok || !correctable(w) {
			continue
		}
		best, bestD, bestN := "", maxDistance(len([]rune(w)))+1, -1
		for _, c := range cands {
			d := editDistance(w, c.word)
			if d < bestD || (d == bestD && (c.n > bestN || (c.n == bestN && c.word < best))) {
				best, bestD, bestN = c.word, d, c.n
			}
		}
		if best != "" && bestD <= maxDistance(len([]rune(w))) {
			out[i] = best
			known[best] = bestN
			changed = true
		}
	}
	return out, changed, nil
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of neighbouring letters each cost one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
