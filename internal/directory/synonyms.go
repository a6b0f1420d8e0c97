package directory

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/psu-project/psu/internal/store"
)

// SynonymFile is the shape of seed/synonyms.json: for each needs term code,
// the words and phrases people type that mean it.
type SynonymFile struct {
	Version int         `json:"version"`
	Needs   []NeedWords `json:"needs"`
}

// NeedWords maps phrases to one needs term. Priority24h puts services open
// 24 hours first when the need is matched (crisis).
type NeedWords struct {
	Code        string   `json:"code"`
	Phrases     []string `json:"phrases"`
	Priority24h bool     `json:"priority_24h,omitempty"`
}

// ParseSynonyms reads a synonyms file strictly.
func ParseSynonyms(b []byte) (*SynonymFile, error) {
	var f SynonymFile
	if err := jsonv2.UnmarshalRead(bytes.NewReader(b), &f, jsonv2.RejectUnknownMembers(true)); err != nil {
		return nil, fmt.Errorf("directory: synonyms: %w", err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("directory: synonyms: version %d, want 1", f.Version)
	}
	return &f, nil
}

// ReplaceSynonyms makes the synonym map exactly f, inside tx; search
// indexes rebuild once tx commits. Two phrases that read the same once
// folded ("can't cope", "cant cope") must name the same need.
func ReplaceSynonyms(ctx context.Context, tx *store.Tx, f *SynonymFile) error {
	norms := map[string]string{}
	for _, n := range f.Needs {
		for _, p := range n.Phrases {
			k := fold(p)
			if k == "" {
				return fmt.Errorf("directory: synonyms: %s: phrase %q has no words", n.Code, p)
			}
			if other, ok := norms[k]; ok && other != n.Code {
				return fmt.Errorf("directory: synonyms: phrase %q means both %s and %s", p, other, n.Code)
			}
			norms[k] = n.Code
		}
	}
	for _, q := range []string{`DELETE FROM dir_synonyms`, `DELETE FROM dir_synonym_needs`} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	var needs, phrases [][]any
	for i, n := range f.Needs {
		needs = append(needs, []any{n.Code, n.Priority24h, i})
		for _, p := range n.Phrases {
			phrases = append(phrases, []any{strings.TrimSpace(p), fold(p), n.Code})
		}
	}
	if err := insertRows(ctx, tx, "dir_synonym_needs", []column{{"code", "text"}, {"priority_24h", "boolean"}, {"position", "integer"}}, needs); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, "dir_synonyms", []column{{"phrase", "text"}, {"norm", "text"}, {"code", "text"}}, phrases); err != nil {
		return err
	}
	return touch(ctx, tx)
}

// needMatch is a needs term that a search's words name through the
// synonym map.
type needMatch struct {
	code        string
	term        int32 // its term number in the index
	priority24h bool
	phrase      string // the folded phrase that matched
}

// maxPhraseWords bounds the phrases looked up: no synonym is longer.
const maxPhraseWords = 5

// matchNeeds finds the synonym phrases in ws (folded words), longest
// first: words taken by a longer phrase ("hearing loss") are not matched
// again by a shorter one ("hearing"). Each need is returned once, in the
// order first matched; used marks the words a phrase took.
func (s *snapshot) matchNeeds(ws []string) (needs []needMatch, used []bool) {
	used = make([]bool, len(ws))
	seen := map[string]bool{}
	for i := 0; i < len(ws); {
		step := 1
		for n := min(maxPhraseWords, len(ws)-i); n >= 1; n-- {
			if m, ok := s.synonyms[strings.Join(ws[i:i+n], " ")]; ok {
				if !seen[m.code] {
					seen[m.code] = true
					needs = append(needs, m)
				}
				for k := i; k < i+n; k++ {
					used[k] = true
				}
				step = n
				break
			}
		}
		i += step
	}
	return needs, used
}
