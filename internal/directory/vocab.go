package directory

import (
	"sort"
	"unicode"
)

// Typo tolerance: a search word the directory has never seen is replaced
// by the nearest word it has (its own text and the synonyms), when one is
// close enough. Nearness is found the SymSpell way: the index keeps every
// vocabulary word under the spellings one (or, for long words, two)
// letters shorter, so the candidates for a misspelt word are a few map
// lookups of its own shorter spellings; the true edit distance then
// decides.

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

// correctable reports whether w is a word typo correction may change.
func correctable(w string) bool {
	return len([]rune(w)) >= minCorrectable && !isNumber(w) && !stopwords[w]
}

// correct replaces each word of ws that the vocabulary does not know
// with its nearest vocabulary word, if one is within maxDistance edits:
// the fewest edits, then the word more services use, then the first
// alphabetically. It returns the words and whether any changed.
func (s *snapshot) correct(ws []string) ([]string, bool) {
	out := append([]string(nil), ws...)
	changed := false
	for i, w := range out {
		if _, ok := s.words[w]; ok || !correctable(w) {
			continue
		}
		limit := maxDistance(len([]rune(w)))
		best, bestD, bestN := "", limit+1, -1
		tried := map[int32]bool{}
		for _, d := range deletes(w, limit) {
			for _, v := range s.deletes[d] {
				if tried[v] {
					continue
				}
				tried[v] = true
				c, n := s.vocab[v], s.words[s.vocab[v]]
				dist := editDistance(w, c)
				if dist < bestD || (dist == bestD && (n > bestN || (n == bestN && c < best))) {
					best, bestD, bestN = c, dist, n
				}
			}
		}
		if best != "" && bestD <= limit {
			out[i] = best
			changed = true
		}
	}
	return out, changed
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
