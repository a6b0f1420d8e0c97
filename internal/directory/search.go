package directory

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
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

	Offset, Limit int

	// exhaustive ranks every candidate the slow, simple way; tests use it
	// to check the fast way gives the same.
	exhaustive bool
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
}

// maxSearchWords bounds the words a search reads; a pasted paragraph does
// not make a better query.
const maxSearchWords = 12

// Search runs q. Results are ranked, best first:
//
//  1. when the text names a need marked priority_24h (crisis), services
//     with that need that are open 24 hours;
//  2. services whose name has every word searched for (as the start of
//     one of its words);
//  3. services with more of the needs the text names, then those for
//     which a named need comes earlier among their needs (the directory
//     lists a service's main need first), then those whose need was named
//     earlier in the text;
//  4. full-text relevance (names weigh most, then tags and organisation,
//     then descriptions) on the words no synonym took;
//  5. name.
//
// A word is corrected first when the directory does not know it and knows
// one a letter or two away. Full-text matching needs every word unless no
// service has them all; words most services use are left out of it.
//
// Without text, services are listed by name.
func Search(ctx context.Context, q store.Querier, query Query) (Results, error) {
	var res Results
	ws := words(fold(query.Text))
	if len(ws) > maxSearchWords {
		ws = ws[:maxSearchWords]
	}
	known, services, err := wordStats(ctx, q, ws)
	if err != nil {
		return res, fmt.Errorf("directory: search: %w", err)
	}
	var changed bool
	if ws, changed, err = correct(ctx, q, ws, known); err != nil {
		return res, fmt.Errorf("directory: search: %w", err)
	}
	if changed {
		res.Corrected = strings.Join(ws, " ")
	}
	needs, used, err := matchNeeds(ctx, q, ws)
	if err != nil {
		return res, fmt.Errorf("directory: search: %w", err)
	}
	var needIDs, prioIDs []string
	for _, n := range needs {
		res.Needs = append(res.Needs, n.code)
		needIDs = append(needIDs, n.termID)
		if n.priority24h {
			prioIDs = append(prioIDs, n.termID)
		}
	}
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
	switch {
	case len(text) == 0 && len(needIDs) == 0:
		err = browse(ctx, q, query, &res)
	case len(needIDs) > 0:
		// The needs stand for the words their phrases took; the other
		// words, any of them, and a name with every word, order the
		// services and add those that match them.
		s := searchWords{names: text, match: matchWords(rest, known, services, false), anyWord: true}
		err = ranked(ctx, q, query, s, needIDs, prioIDs, &res)
	default:
		// Every word must match, unless no service has them all.
		s := searchWords{names: text, match: matchWords(text, known, services, true)}
		err = ranked(ctx, q, query, s, nil, nil, &res)
		if err == nil && res.Total == 0 && len(s.match) > 1 {
			s.anyWord = true
			err = ranked(ctx, q, query, s, nil, nil, &res)
		}
	}
	if err != nil {
		return res, fmt.Errorf("directory: search: %w", err)
	}
	return res, nil
}

// commonShare is the share of services above which a word is too common
// to narrow a full-text match ("support", "doctors" in a directory of
// support for doctors): matching it costs much and says little.
const commonShare = 0.1

// matchWords chooses the words the full-text match requires: all but the
// common ones, or, when every word is common and keepOne is set, the
// rarest. Names are still compared on every word.
func matchWords(text []string, known map[string]int, services int, keepOne bool) []string {
	var out []string
	rarest := ""
	for _, w := range text {
		n, ok := known[w]
		if !ok || float64(n) <= commonShare*float64(services) {
			out = append(out, w)
		}
		if rarest == "" || known[w] < known[rarest] {
			rarest = w
		}
	}
	if len(out) == 0 && rarest != "" && keepOne {
		out = []string{rarest}
	}
	return out
}

// sqlBuilder collects query text and its arguments side by side.
type sqlBuilder struct {
	engine store.Engine
	b      strings.Builder
	args   []any
}

func (sb *sqlBuilder) add(sql string, args ...any) {
	sb.b.WriteString(sql)
	sb.args = append(sb.args, args...)
}

// filters writes the WHERE conditions on s (dir_services) that q asks for.
func (sb *sqlBuilder) filters(q Query) {
	sb.add(" WHERE 1 = 1")
	in := inJSON(sb.engine)
	for _, set := range q.TermSets {
		sb.add(` AND EXISTS (SELECT 1 FROM dir_service_terms st WHERE st.service_rid = s.rid AND st.term_id IN `+in+`)`, jsonParam(orEmpty(set)))
	}
	if q.TaxonomyID != "" {
		sb.add(` AND EXISTS (SELECT 1 FROM dir_service_terms st JOIN dir_terms t ON t.id = st.term_id
			WHERE st.service_rid = s.rid AND t.taxonomy_id = ?)`, q.TaxonomyID)
	}
	if q.OrganizationID != "" {
		sb.add(` AND s.organization_id = ?`, q.OrganizationID)
	}
	if !q.ModifiedAfter.IsZero() {
		sb.add(` AND s.last_modified >= ?`, q.ModifiedAfter)
	}
	if q.Open24h {
		sb.add(` AND s.open_24h = TRUE`)
	}
	if q.OpenNow {
		now := q.Now
		if now.IsZero() {
			now = time.Now()
		}
		day, minute, date := ukNow(now)
		sb.add(` AND EXISTS (SELECT 1 FROM dir_service_hours h WHERE h.service_rid = s.rid AND h.day = ?
			AND h.opens_min <= ? AND h.closes_min > ? AND (h.valid_from = '' OR h.valid_from <= ?) AND (h.valid_to = '' OR h.valid_to >= ?))`,
			day, minute, minute, date, date)
	}
	if q.Usable {
		sb.add(` AND s.status IN (?, ?)`, hsds.StatusActive, hsds.StatusTemporarilyClosed)
	}
}

// browse lists services by name, for a query with no text.
func browse(ctx context.Context, q store.Querier, query Query, res *Results) error {
	count := &sqlBuilder{engine: q.Engine()}
	count.add(`SELECT COUNT(*) FROM dir_services s`)
	count.filters(query)
	if err := store.Scan(q.QueryRowContext(ctx, count.b.String(), count.args...), &res.Total); err != nil {
		return err
	}
	if res.Total <= query.Offset {
		return nil
	}
	list := &sqlBuilder{engine: q.Engine()}
	list.add(`SELECT s.id FROM dir_services s`)
	list.filters(query)
	list.add(` ORDER BY s.sort_name, s.id LIMIT ? OFFSET ?`, query.Limit, query.Offset)
	rows, err := q.QueryContext(ctx, list.b.String(), list.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		res.IDs = append(res.IDs, id)
	}
	return rows.Err()
}

// narrowed reports whether q has filters beyond Usable, which ranking
// must check against each candidate's row in dir_services.
func (q Query) narrowed() bool {
	return len(q.TermSets) > 0 || q.TaxonomyID != "" || q.OrganizationID != "" || !q.ModifiedAfter.IsZero() || q.OpenNow || q.Open24h
}

// Ranking, best first (see Search): c.p24, the name tier, c.n, c.first,
// c.qpos, c.rank, c.sort_name, c.rid, over candidates c with those columns
// and hit (1 for a full-text match). The name tier needs the LIKE
// arguments that nameTier returns, after every other argument but LIMIT
// and OFFSET.
const rankOrder = ` ORDER BY c.p24 DESC, %s DESC, c.n DESC, c.first ASC, c.qpos ASC, c.rank DESC, c.sort_name, c.rid`

// nameTier is 1 for a full-text match whose name has every word as the
// start of one of its words ("doctor" finds "Sick Doctors Trust"). Names
// are stored folded, so LIKE is exact.
func nameTier(text []string) (string, []any) {
	if len(text) == 0 {
		return "0", nil
	}
	like := []string{"c.hit = 1"}
	var args []any
	for _, w := range text {
		like = append(like, `(' ' || c.sort_name) LIKE ?`)
		args = append(args, "% "+w+"%")
	}
	return `CASE WHEN ` + strings.Join(like, " AND ") + ` THEN 1 ELSE 0 END`, args
}

// searchWords are the words a ranked search uses: names, every word of
// which a name must start a word with for the name tier (and, with a need
// named, for a full-text match on names); and match, the words the
// full-text match requires (all of them, or any with anyWord).
type searchWords struct {
	names, match []string
	anyWord      bool
}

// hitsCTE defines hits(rid, rank): the full-text matches, a higher rank
// better. With nameHits, services whose names have every word of
// s.names match too. It is the dialect branch of the search.
func hitsCTE(e store.Engine, s searchWords, nameHits bool) ([]string, []any) {
	if e == store.Postgres {
		var parts []string
		var args []any
		if nameHits {
			parts = append(parts, `to_tsquery('english', ?)`)
			args = append(args, pgNameQuery(s.names))
		}
		if len(s.match) > 0 {
			join := " "
			if s.anyWord {
				join = " or "
			}
			parts = append(parts, `websearch_to_tsquery('english', ?)`)
			args = append(args, strings.Join(s.match, join))
		}
		return []string{`q AS MATERIALIZED (SELECT ` + strings.Join(parts, " || ") + ` AS tq)`,
			`hits AS MATERIALIZED (SELECT d.service_rid AS rid, ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', d.tsv, q.tq) AS rank
				FROM dir_service_docs d, q WHERE d.tsv @@ q.tq)`}, args
	}
	var parts []string
	if nameHits {
		parts = append(parts, sqliteName(s.names))
	}
	if len(s.match) > 0 {
		parts = append(parts, "("+sqliteMatch(s.match, s.anyWord)+")")
	}
	return []string{`hits AS MATERIALIZED (SELECT rowid AS rid, -bm25(dir_services_fts, 10.0, 4.0, 1.0) AS rank
		FROM dir_services_fts WHERE dir_services_fts MATCH ?)`}, []any{strings.Join(parts, " OR ")}
}

// sqliteName is an FTS5 expression matching services whose name column
// has every word.
func sqliteName(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = `search_name : "` + w + `"`
	}
	return "(" + strings.Join(q, " AND ") + ")"
}

// pgNameQuery is a tsquery matching every word among the A-weighted (name)
// lexemes. Words are folded letters and digits only, so quoting each is
// enough to keep them literal.
func pgNameQuery(ws []string) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = "'" + w + "':A"
	}
	return strings.Join(q, " & ")
}

// ranked runs a search with text or needs. match are the words the
// full-text match requires (all of them, or any with anyWord); text are
// all the words, which names are compared with.
func ranked(ctx context.Context, q store.Querier, query Query, sw searchWords, needIDs, prioIDs []string, res *Results) error {
	*res = Results{Corrected: res.Corrected, Needs: res.Needs}
	var rids []int64
	var err error
	if !query.narrowed() && len(needIDs) <= 1 && !query.exhaustive {
		rids, err = rankedOneNeed(ctx, q, query, sw, needIDs, len(prioIDs) > 0, res)
	} else {
		rids, err = rankedAll(ctx, q, query, sw, needIDs, prioIDs, res)
	}
	if err != nil || len(rids) == 0 {
		return err
	}
	res.IDs, err = idsOf(ctx, q, rids)
	return err
}

// rankedOneNeed ranks a search with at most one need and no filter beyond
// Usable, the common case, without reading every service the need has:
// the full-text hits are scored, and the need's other services are read
// in ranking order from the front of an index, only as far as the page
// reaches. The count comes from the same sets. Results are exactly those
// of rankedAll.
func rankedOneNeed(ctx context.Context, q store.Querier, query Query, sw searchWords, needIDs []string, prio bool, res *Results) ([]int64, error) {
	e := q.Engine()
	var ctes, parts, counts []string
	var args, countArgs []any
	usableS, usableT := "", ""
	if query.Usable {
		usableS = ` AND s.status IN ('` + hsds.StatusActive + `', '` + hsds.StatusTemporarilyClosed + `')`
		usableT = ` AND st.usable = TRUE`
	}
	p24, p24Order := "0", ""
	if prio {
		p24, p24Order = "CASE WHEN st.open_24h = TRUE THEN 1 ELSE 0 END", "st.open_24h DESC, "
	}
	nameHits := len(needIDs) > 0 && len(sw.names) > 0
	hasHits, hasNeed := len(sw.match) > 0 || nameHits, len(needIDs) == 1
	if hasHits {
		hc, ha := hitsCTE(e, sw, nameHits)
		ctes = append(ctes, hc...)
		args = append(args, ha...)
		if hasNeed {
			ctes = append(ctes, `scored AS MATERIALIZED (SELECT h.rid, `+p24+` AS p24, CASE WHEN st.service_rid IS NULL THEN 0 ELSE 1 END AS n,
				COALESCE(st.position, 1000) AS first, CASE WHEN st.service_rid IS NULL THEN 1000 ELSE 0 END AS qpos, 1 AS hit, h.rank, s.sort_name
				FROM hits h JOIN dir_services s ON s.rid = h.rid LEFT JOIN dir_service_terms st ON st.term_id = ? AND st.service_rid = h.rid
				WHERE 1 = 1`+usableS+`)`)
			args = append(args, needIDs[0])
			counts = append(counts, `(SELECT COUNT(*) FROM scored WHERE n = 0)`)
		} else {
			ctes = append(ctes, `scored AS MATERIALIZED (SELECT h.rid, 0 AS p24, 0 AS n, 1000 AS first, 1000 AS qpos, 1 AS hit, h.rank, s.sort_name
				FROM hits h JOIN dir_services s ON s.rid = h.rid WHERE 1 = 1`+usableS+`)`)
			counts = append(counts, `(SELECT COUNT(*) FROM scored)`)
		}
		parts = append(parts, `SELECT rid, p24, n, first, qpos, hit, rank, sort_name FROM scored`)
	}
	if hasNeed {
		notHit := ""
		if hasHits {
			// Hits are scored above, with their rank.
			notHit = ` AND st.service_rid NOT IN (SELECT rid FROM hits)`
		}
		ctes = append(ctes, `needtop AS (SELECT st.service_rid AS rid, `+p24+` AS p24, 1 AS n, st.position AS first, 0 AS qpos, 0 AS hit, 0 AS rank, st.sort_name
			FROM dir_service_terms st WHERE st.term_id = ?`+usableT+notHit+`
			ORDER BY `+p24Order+`st.position, st.sort_name, st.service_rid LIMIT ?)`)
		args = append(args, needIDs[0], query.Offset+query.Limit)
		parts = append(parts, `SELECT rid, p24, n, first, qpos, hit, rank, sort_name FROM needtop`)
		counts = append(counts, `(SELECT COUNT(*) FROM dir_service_terms st WHERE st.term_id = ?`+usableT+`)`)
		countArgs = append(countArgs, needIDs[0])
	}
	with := `WITH ` + strings.Join(ctes, ", ")
	tier, tierArgs := nameTier(sw.names)
	countSQL := strings.Join(counts, " + ")
	all := append(append(append(append([]any{}, args...), countArgs...), tierArgs...), query.Limit, query.Offset)
	rows, err := q.QueryContext(ctx, with+` SELECT c.rid, `+countSQL+` FROM (`+strings.Join(parts, " UNION ALL ")+`) c`+
		fmt.Sprintf(rankOrder, tier)+` LIMIT ? OFFSET ?`, all...)
	if err != nil {
		return nil, err
	}
	rids, err := scanRanked(rows, res)
	if err != nil || len(rids) > 0 || query.Offset == 0 {
		return rids, err
	}
	// A page past the end has no rows to carry the total: count alone.
	return nil, store.Scan(q.QueryRowContext(ctx, with+` SELECT `+countSQL, append(append([]any{}, args...), countArgs...)...), &res.Total)
}

// rankedAll ranks every candidate: the hits and every service with a
// named need, gathered with what ranking reads into one materialised set.
// It serves several needs (where services with more of them come first)
// and filters, which must be checked against each service.
func rankedAll(ctx context.Context, q store.Querier, query Query, sw searchWords, needIDs, prioIDs []string, res *Results) ([]int64, error) {
	e := q.Engine()
	in := inJSON(e)
	var ctes []string
	var args []any
	usableS, usableT := "", ""
	if query.Usable {
		usableS = ` AND s.status IN ('` + hsds.StatusActive + `', '` + hsds.StatusTemporarilyClosed + `')`
		usableT = ` AND usable = TRUE`
	}
	nameHits := len(needIDs) > 0 && len(sw.names) > 0
	hasHits := len(sw.match) > 0 || nameHits
	if hasHits {
		hc, ha := hitsCTE(e, sw, nameHits)
		ctes = append(ctes, hc...)
		args = append(args, ha...)
	}
	// needs: services with a named need, how many they have, how early
	// among their needs, and whether they are a 24-hour line for a need
	// that puts those first.
	if len(needIDs) > 0 {
		p24 := "0"
		if len(prioIDs) > 0 {
			p24 = `MAX(CASE WHEN open_24h = TRUE AND term_id IN ` + in + ` THEN 1 ELSE 0 END)`
			args = append(args, jsonParam(prioIDs))
		}
		// qpos: how early in what was typed the service's first need came.
		qpos := "CASE term_id"
		for i, id := range needIDs {
			qpos += fmt.Sprintf(" WHEN ? THEN %d", i)
			args = append(args, id)
		}
		ctes = append(ctes, `needs AS MATERIALIZED (SELECT service_rid AS rid, `+p24+` AS p24, COUNT(*) AS n, MIN(position) AS first,
			MIN(`+qpos+` END) AS qpos, MIN(sort_name) AS sort_name FROM dir_service_terms WHERE term_id IN `+in+usableT+` GROUP BY service_rid)`)
		args = append(args, jsonParam(needIDs))
	}
	switch {
	case hasHits && len(needIDs) > 0:
		ctes = append(ctes, `cand AS MATERIALIZED (
			SELECT n.rid, n.p24, n.n, n.first, n.qpos, CASE WHEN h.rid IS NULL THEN 0 ELSE 1 END AS hit, COALESCE(h.rank, 0) AS rank, n.sort_name
			FROM needs n LEFT JOIN hits h ON h.rid = n.rid
			UNION ALL
			SELECT h.rid, 0, 0, 1000, 1000, 1, h.rank, s.sort_name FROM hits h JOIN dir_services s ON s.rid = h.rid
			WHERE h.rid NOT IN (SELECT rid FROM needs)`+usableS+`)`)
	case len(needIDs) > 0:
		ctes = append(ctes, `cand AS MATERIALIZED (SELECT rid, p24, n, first, qpos, 0 AS hit, 0 AS rank, sort_name FROM needs)`)
	default:
		ctes = append(ctes, `cand AS MATERIALIZED (SELECT h.rid, 0 AS p24, 0 AS n, 1000 AS first, 1000 AS qpos, 1 AS hit, h.rank, s.sort_name
			FROM hits h JOIN dir_services s ON s.rid = h.rid WHERE 1 = 1`+usableS+`)`)
	}
	with := `WITH ` + strings.Join(ctes, ", ")
	tier, tierArgs := nameTier(sw.names)

	from := &sqlBuilder{engine: e}
	count := ` (SELECT COUNT(*) FROM cand)`
	if query.narrowed() {
		from.add(` FROM cand c JOIN dir_services s ON s.rid = c.rid`)
		from.filters(query)
		count = ` COUNT(*) OVER ()`
	} else {
		from.add(` FROM cand c`)
	}
	all := append(append([]any{}, args...), from.args...)
	rows, err := q.QueryContext(ctx, with+` SELECT c.rid,`+count+from.b.String()+fmt.Sprintf(rankOrder, tier)+` LIMIT ? OFFSET ?`,
		append(append(all, tierArgs...), query.Limit, query.Offset)...)
	if err != nil {
		return nil, err
	}
	rids, err := scanRanked(rows, res)
	if err != nil || len(rids) > 0 || query.Offset == 0 {
		return rids, err
	}
	return nil, store.Scan(q.QueryRowContext(ctx, with+` SELECT COUNT(*)`+from.b.String(), all...), &res.Total)
}

// scanRanked reads (rid, total) rows.
func scanRanked(rows *sql.Rows, res *Results) ([]int64, error) {
	defer rows.Close()
	var rids []int64
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid, &res.Total); err != nil {
			return nil, err
		}
		rids = append(rids, rid)
	}
	return rids, rows.Err()
}

// idsOf maps service rids to ids, keeping their order.
func idsOf(ctx context.Context, q store.Querier, rids []int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT rid, id FROM dir_services WHERE rid IN `+inJSONInt(q.Engine()), jsonParam(rids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byRID := make(map[int64]string, len(rids))
	for rows.Next() {
		var rid int64
		var id string
		if err := rows.Scan(&rid, &id); err != nil {
			return nil, err
		}
		byRID[rid] = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rids))
	for _, rid := range rids {
		if id, ok := byRID[rid]; ok {
			out = append(out, id)
		}
	}
	return out, nil
}

// sqliteMatch is an FTS5 query matching every word, or any with anyWord
// (each quoted, so no word is read as an operator).
func sqliteMatch(ws []string, anyWord bool) string {
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = `"` + w + `"`
	}
	if anyWord {
		return strings.Join(q, " OR ")
	}
	return strings.Join(q, " AND ")
}
