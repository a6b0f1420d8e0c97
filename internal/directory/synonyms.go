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

// ReplaceSynonyms makes the synonym map exactly f, inside tx, and
// rebuilds the vocabulary that typo correction uses. Two phrases that read
// the same once folded ("can't cope", "cant cope") must name the same need.
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
	w, err := serviceWords(ctx, tx)
	if err != nil {
		return err
	}
	return rebuildVocab(ctx, tx, w)
}

// needMatch is a needs term that a search's words name through the
// synonym map.
type needMatch struct {
	code, termID string
	priority24h  bool
	phrase       string // the folded phrase that matched
}

// maxPhraseWords bounds the phrases looked up: no synonym is longer.
const maxPhraseWords = 5

// matchNeeds finds the synonym phrases in ws (folded words), longest
// first: words taken by a longer phrase ("hearing loss") are not matched
// again by a shorter one ("hearing"). Each need is returned once, in the
// order first matched; used marks the words a phrase took.
func matchNeeds(ctx context.Context, q store.Querier, ws []string) (needs []needMatch, used []bool, err error) {
	used = make([]bool, len(ws))
	var grams []string
	for i := range ws {
		for n := 1; n <= maxPhraseWords && i+n <= len(ws); n++ {
			grams = append(grams, strings.Join(ws[i:i+n], " "))
		}
	}
	if len(grams) == 0 {
		return nil, used, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT s.norm, n.code, n.priority_24h, t.id
		FROM dir_synonyms s JOIN dir_synonym_needs n ON n.code = s.code JOIN dir_terms t ON t.code = n.code
		WHERE s.norm IN `+inJSON(q.Engine()), jsonParam(grams))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	found := map[string]needMatch{}
	for rows.Next() {
		var m needMatch
		if err := rows.Scan(&m.phrase, &m.code, &m.priority24h, &m.termID); err != nil {
			return nil, nil, err
		}
		found[m.phrase] = m
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for i := 0; i < len(ws); {
		step := 1
		for n := min(maxPhraseWords, len(ws)-i); n >= 1; n-- {
			if m, ok := found[strings.Join(ws[i:i+n], " ")]; ok {
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
	return needs, used, nil
}
