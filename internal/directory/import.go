package directory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
)

// InvalidError is a file that import refuses: every problem found, each
// naming the record, the field and what is wrong. Nothing was changed.
type InvalidError struct{ Problems []string }

func (e *InvalidError) Error() string {
	n := "1 problem"
	if len(e.Problems) != 1 {
		n = fmt.Sprintf("%d problems", len(e.Problems))
	}
	return "the directory file has " + n + " and nothing was changed:\n" + strings.Join(e.Problems, "\n")
}

// ReadDataset parses a directory file (the shape export writes) and applies
// every check import makes: the HSDS 3.0 schemas, the directory's rules
// (hsds.Validate) and ours (ids in canonical lower-case form). Problems come
// back as an *InvalidError.
func ReadDataset(r io.Reader) (*hsds.Dataset, error) {
	d, err := hsds.ParseDataset(r)
	if err != nil {
		return nil, &InvalidError{Problems: []string{strings.TrimPrefix(err.Error(), "hsds: ")}}
	}
	if err := CheckDataset(d); err != nil {
		return nil, err
	}
	return d, nil
}

// CheckDataset applies import's checks to d; see ReadDataset.
func CheckDataset(d *hsds.Dataset) error {
	var problems []string
	if err := d.Validate(); err != nil {
		var v hsds.ValidationErrors
		if !errors.As(err, &v) {
			return err
		}
		for _, fe := range v {
			problems = append(problems, fe.Error())
		}
	}
	problems = append(problems, idCaseProblems(d)...)
	problems = append(problems, nulProblems(reflect.ValueOf(d).Elem(), "")...)
	if len(problems) == 0 {
		// Schema messages repeat what the rules already said about a broken
		// record, so they are only worth reading when the rules pass.
		if err := d.ValidateSchema(); err != nil {
			problems = append(problems, strings.Split(err.Error(), "\n")...)
		}
	}
	if len(problems) > 0 {
		return &InvalidError{Problems: problems}
	}
	return nil
}

// idCaseProblems asks for ids in the canonical lower-case form, since the
// directory looks records up by id exactly (hsds.Validate already checked
// they are UUIDs).
func idCaseProblems(d *hsds.Dataset) []string {
	var out []string
	check := func(kind, name, field, id string) {
		if id != "" && hsds.IsUUID(id) && id != strings.ToLower(id) {
			out = append(out, fmt.Sprintf("%s '%s': %s '%s' must be written in lower case", kind, name, field, id))
		}
	}
	for _, t := range d.Taxonomies {
		check("taxonomy", t.Name, "id", t.ID)
	}
	for _, t := range d.TaxonomyTerms {
		check("taxonomy term", t.Name, "id", t.ID)
		check("taxonomy term", t.Name, "taxonomy_id", t.TaxonomyID)
		check("taxonomy term", t.Name, "parent_id", t.ParentID)
	}
	for _, o := range d.Organizations {
		check("organization", o.Name, "id", o.ID)
		for _, s := range o.Services {
			check("service", s.Name, "id", s.ID)
			check("service", s.Name, "organization_id", s.OrganizationID)
			for i, a := range s.Attributes {
				check("service", s.Name, fmt.Sprintf("attributes[%d].taxonomy_term_id", i), a.TaxonomyTermID)
			}
		}
	}
	for _, r := range d.Resources {
		check("resource", r.Name, "id", r.ID)
		check("resource", r.Name, "organization_id", r.OrganizationID)
	}
	return out
}

// nulProblems finds text holding U+0000, which JSON can spell ("\u0000")
// and PostgreSQL refuses to store: left to the database, the import would
// fail on it with the database's words rather than ours. Paths are the
// file's own, such as organizations[0].services[2].name.
func nulProblems(v reflect.Value, path string) []string {
	var out []string
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			out = nulProblems(v.Elem(), path)
		}
	case reflect.String:
		if strings.ContainsRune(v.String(), 0) {
			out = append(out, path+": holds a NUL character (U+0000), which cannot be stored; remove it")
		}
	case reflect.Slice:
		for i := range v.Len() {
			out = append(out, nulProblems(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			if path != "" {
				name = path + "." + name
			}
			out = append(out, nulProblems(v.Field(i), name)...)
		}
	}
	return out
}

// Change counts what an import did to one kind of record.
type Change struct{ Added, Updated, Removed, Unchanged int }

// ImportResult says what an import changed.
type ImportResult struct {
	Services, Organizations, Taxonomies, Resources Change
	// Overwritten names the entries changed in the editor since the last
	// import that this (forced) import replaced.
	Overwritten []string
}

// EditedError refuses an import that would overwrite what editors
// published since the last import. Nothing was changed.
type EditedError struct {
	Names []string  // the entries it would overwrite, by name
	Since time.Time // the last import; zero if there was none
}

func (e *EditedError) Error() string {
	since := ""
	if !e.Since.IsZero() {
		since = " (" + e.Since.In(ukTime).Format("2 January 2006 at 15:04") + ")"
	}
	n := "1 entry was"
	if len(e.Names) != 1 {
		n = fmt.Sprintf("%d entries were", len(e.Names))
	}
	return n + " changed in the directory editor since the last import" + since + ", and this file would overwrite " +
		"what was published there: " + strings.Join(e.Names, "; ") + ". Nothing was changed. To keep those changes, export the " +
		"directory and make your edits to that file; to replace them with this file, import it again with --force."
}

// Import makes the directory exactly d, in one transaction: records are
// matched by id and updated in place, new ones added, and ones missing from
// d removed. Importing the same file twice changes nothing the second time
// (last_modified included). d must have passed CheckDataset. source names
// the file for the import log; progress, when not nil, is called as
// services are written.
//
// Every record the import changes gets a new version. An import that would
// change an entry published in the editor since the last import is refused
// with an *EditedError, and nothing changes; see ImportWith to overwrite
// such edits on purpose.
func Import(ctx context.Context, db *store.DB, d *hsds.Dataset, source string, progress func(done, total int)) (ImportResult, error) {
	return ImportWith(ctx, db, d, source, ImportOptions{Progress: progress})
}

// ImportOptions adjust ImportWith.
type ImportOptions struct {
	// Progress, when not nil, is called as services are written.
	Progress func(done, total int)
	// Force overwrites entries changed in the editor since the last
	// import, rather than refusing; the result names them.
	Force bool
}

// ImportWith is Import with options.
func ImportWith(ctx context.Context, db *store.DB, d *hsds.Dataset, source string, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	err := db.Tx(ctx, func(tx *store.Tx) error {
		im, err := newImporter(ctx, tx, store.Now())
		if err != nil {
			return err
		}
		im.progress, im.force = opts.Progress, opts.Force
		if err := im.run(d); err != nil {
			return err
		}
		if err := im.log(source); err != nil {
			return err
		}
		res = im.res
		return nil
	})
	var edited *EditedError
	if errors.As(err, &edited) {
		return ImportResult{}, edited
	}
	if err != nil {
		return ImportResult{}, fmt.Errorf("directory: import: %w", err)
	}
	if err := analyze(ctx, db); err != nil {
		return res, fmt.Errorf("directory: import: %w", err)
	}
	return res, nil
}

// analyze refreshes PostgreSQL's statistics on the directory after an
// import, so that searches are planned for what is there now rather than
// when autovacuum next looks. SQLite plans without them.
func analyze(ctx context.Context, db *store.DB) error {
	if db.Engine() != store.Postgres {
		return nil
	}
	_, err := db.ExecContext(ctx, `ANALYZE dir_services, dir_service_docs, dir_service_terms, dir_service_hours, dir_synonyms`)
	return err
}

// importLock serialises imports (and the first-start seed load) across
// every psu on one PostgreSQL database; SQLite has one writer anyway.
const importLock = 727070303

type termInfo struct {
	id, code, name, taxonomy string
	doc                      []byte
}

type existing struct {
	rid      int64
	hash     string
	position int
}

// importer writes one dataset inside one transaction. The editor's
// publishing uses its writers too, for one record at a time (see
// publish.go), with versioning turned off: it records its own.
type importer struct {
	ctx      context.Context
	tx       *store.Tx
	now      time.Time
	progress func(done, total int)
	res      ImportResult
	force    bool

	// entries are every entry's state before the import; versions, what
	// the import is making of them. noVersions is set when the editor
	// publishes through the importer's writers.
	entries    map[string]Entry
	versions   []newVersion
	noVersions bool

	terms    map[string]termInfo
	orgs     map[string]existing
	services map[string]existing
	seenOrgs map[string]bool
	seenSvcs map[string]bool
	done     int
	total    int
}

func newImporter(ctx context.Context, tx *store.Tx, now time.Time) (*importer, error) {
	if tx.Engine() == store.Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, importLock); err != nil {
			return nil, err
		}
	}
	im := &importer{ctx: ctx, tx: tx, now: now, terms: map[string]termInfo{},
		seenOrgs: map[string]bool{}, seenSvcs: map[string]bool{}}
	var err error
	if im.orgs, err = im.existing(`SELECT id, 0, content_hash, position FROM dir_organizations`); err != nil {
		return nil, err
	}
	if im.services, err = im.existing(`SELECT id, rid, content_hash, position FROM dir_services`); err != nil {
		return nil, err
	}
	if im.entries, err = entryStates(ctx, tx); err != nil {
		return nil, err
	}
	return im, nil
}

// record notes a new version of an entry, made by the import.
func (im *importer) record(kind, id, name, org, state, checkedOn string, doc []byte) {
	if im.noVersions {
		return
	}
	prev := im.entries[id]
	if prev.Edited {
		im.res.Overwritten = append(im.res.Overwritten, prev.Name)
	}
	e := Entry{ID: id, Kind: kind, Name: name, OrganizationID: org, State: state, Version: prev.Version + 1, CheckedOn: checkedOn}
	im.entries[id] = e
	im.versions = append(im.versions, newVersion{entry: e, doc: doc, action: ActionImport, at: im.now})
}

// recordGone notes that the import removed an entry, keeping its last
// record in the version.
func (im *importer) recordGone(id string, doc []byte) {
	prev, ok := im.entries[id]
	if !ok || im.noVersions {
		return
	}
	e := prev
	e.State, e.Version, e.Edited = StateDeleted, prev.Version+1, false
	if prev.Edited {
		im.res.Overwritten = append(im.res.Overwritten, prev.Name)
	}
	im.entries[id] = e
	im.versions = append(im.versions, newVersion{entry: e, doc: doc, action: ActionImport, at: im.now})
}

func (im *importer) existing(query string) (map[string]existing, error) {
	rows, err := im.tx.QueryContext(im.ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]existing{}
	for rows.Next() {
		var id string
		var e existing
		if err := rows.Scan(&id, &e.rid, &e.hash, &e.position); err != nil {
			return nil, err
		}
		out[id] = e
	}
	return out, rows.Err()
}

func (im *importer) run(d *hsds.Dataset) error {
	if err := im.taxonomies(d.Taxonomies, d.TaxonomyTerms); err != nil {
		return err
	}
	for _, o := range d.Organizations {
		im.total += len(o.Services)
	}
	for i := range d.Organizations {
		if err := im.organization(&d.Organizations[i], i); err != nil {
			return err
		}
	}
	if err := im.removeUnseen(); err != nil {
		return err
	}
	if err := im.resources(d.Resources); err != nil {
		return err
	}
	return im.removeUnseenTaxonomies(d)
}

func hashOf(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // HSDS types hold only strings, numbers and slices
	}
	return b
}

// taxonomies upserts taxonomies and terms. Their counts are reported
// together as Taxonomies.
func (im *importer) taxonomies(taxes []hsds.Taxonomy, terms []hsds.TaxonomyTerm) error {
	old := map[string]string{} // id → doc + position
	rows, err := im.tx.QueryContext(im.ctx, `SELECT id, doc, position FROM dir_taxonomies
		UNION ALL SELECT id, doc, position FROM dir_terms`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, doc string
		var pos int
		if err := rows.Scan(&id, &doc, &pos); err != nil {
			rows.Close()
			return err
		}
		old[id] = fmt.Sprint(pos, doc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	taxName := map[string]string{}
	for i, t := range taxes {
		taxName[t.ID] = t.Name
		doc := marshal(t)
		if im.count(&im.res.Taxonomies, old, t.ID, fmt.Sprint(i, string(doc))) {
			if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO dir_taxonomies (id, name, position, doc) VALUES (?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET name = excluded.name, position = excluded.position, doc = excluded.doc`,
				t.ID, t.Name, i, string(doc)); err != nil {
				return fmt.Errorf("taxonomy '%s': %w", t.Name, err)
			}
		}
	}
	// Codes are unique: a term whose code moves to another id would clash
	// with the old row, so codes being taken over are parked first.
	for _, t := range terms {
		if _, err := im.tx.ExecContext(im.ctx, `UPDATE dir_terms SET code = id WHERE code = ? AND id <> ?`, t.Code, t.ID); err != nil {
			return err
		}
	}
	for i, t := range terms {
		doc := marshal(t)
		im.terms[t.ID] = termInfo{id: t.ID, code: t.Code, name: t.Name, taxonomy: taxName[t.TaxonomyID], doc: doc}
		if im.count(&im.res.Taxonomies, old, t.ID, fmt.Sprint(i, string(doc))) {
			var parent any
			if t.ParentID != "" {
				parent = t.ParentID
			}
			if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO dir_terms (id, taxonomy_id, code, name, parent_id, position, doc)
				VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (id) DO UPDATE SET taxonomy_id = excluded.taxonomy_id, code = excluded.code, name = excluded.name,
					parent_id = excluded.parent_id, position = excluded.position, doc = excluded.doc`,
				t.ID, t.TaxonomyID, t.Code, t.Name, parent, i, string(doc)); err != nil {
				return fmt.Errorf("taxonomy term '%s': %w", t.Name, err)
			}
		}
	}
	return nil
}

// count records a record as added, updated or unchanged by comparing its
// state with the old one, and reports whether it must be written.
func (im *importer) count(c *Change, old map[string]string, id, state string) bool {
	prev, ok := old[id]
	switch {
	case !ok:
		c.Added++
	case prev != state:
		c.Updated++
	default:
		c.Unchanged++
		return false
	}
	return true
}

func (im *importer) organization(o *hsds.Organization, pos int) error {
	im.seenOrgs[o.ID] = true
	bare := *o
	bare.Services = nil
	doc := marshal(bare)
	orgHash := hashOf(doc)
	prev, ok := im.orgs[o.ID]
	switch {
	case !ok || prev.hash != orgHash:
		if ok {
			im.res.Organizations.Updated++
		} else {
			im.res.Organizations.Added++
		}
		search := fold(strings.Join([]string{o.Name, o.AlternateName, o.Description}, " "))
		if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO dir_organizations
			(id, name, sort_name, search_text, position, doc, content_hash, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, sort_name = excluded.sort_name, search_text = excluded.search_text,
				position = excluded.position, doc = excluded.doc, content_hash = excluded.content_hash, last_modified = excluded.last_modified`,
			o.ID, o.Name, fold(o.Name), search, pos, string(doc), orgHash, im.now); err != nil {
			return fmt.Errorf("organization '%s': %w", o.Name, err)
		}
		im.record(EntryOrganization, o.ID, o.Name, "", StateShown, "", doc)
	case prev.position != pos:
		im.res.Organizations.Unchanged++
		if _, err := im.tx.ExecContext(im.ctx, `UPDATE dir_organizations SET position = ? WHERE id = ?`, pos, o.ID); err != nil {
			return err
		}
	default:
		im.res.Organizations.Unchanged++
	}
	for i := range o.Services {
		if err := im.service(o, &o.Services[i], i, orgHash); err != nil {
			return fmt.Errorf("service '%s': %w", o.Services[i].Name, err)
		}
		im.done++
		if im.progress != nil {
			im.progress(im.done, im.total)
		}
	}
	return nil
}

func (im *importer) service(o *hsds.Organization, s *hsds.Service, pos int, orgHash string) error {
	im.seenSvcs[s.ID] = true
	stored := *s
	stored.LastModified = "" // ours: set below when the content changes
	stored.OrganizationID = o.ID
	doc := marshal(stored)
	parts := [][]byte{doc, []byte(orgHash)}
	var termRows [][]any
	var tags []string
	seen := map[string]bool{}
	perTaxonomy := map[string]int{}
	for _, a := range s.Attributes {
		t := im.terms[a.TaxonomyTermID]
		if seen[t.id] {
			continue
		}
		seen[t.id] = true
		termRows = append(termRows, []any{t.id, perTaxonomy[t.taxonomy], 0})
		perTaxonomy[t.taxonomy]++
		tags = append(tags, t.name)
		parts = append(parts, t.doc)
	}
	hash := hashOf(parts...)

	name, tagText, body := searchText(o, s, tags)

	prev, ok := im.services[s.ID]
	switch {
	case ok && prev.hash == hash:
		im.res.Services.Unchanged++
		if prev.position != pos {
			_, err := im.tx.ExecContext(im.ctx, `UPDATE dir_services SET position = ? WHERE rid = ?`, pos, prev.rid)
			return err
		}
		return nil
	case ok:
		im.res.Services.Updated++
		// The hash also moves when only its organisation or a term
		// changed; the service's own record is what a version keeps.
		var old string
		if err := store.Scan(im.tx.QueryRowContext(im.ctx, `SELECT doc FROM dir_service_docs WHERE service_rid = ?`, prev.rid), &old); err != nil {
			return err
		}
		if old != string(doc) {
			im.record(EntryService, s.ID, s.Name, o.ID, StateShown, s.AssuredDate, doc)
		}
	default:
		im.res.Services.Added++
		im.record(EntryService, s.ID, s.Name, o.ID, StateShown, s.AssuredDate, doc)
	}
	spans := weeklySpans(s.Schedules)
	var rid int64
	err := store.Scan(im.tx.QueryRowContext(im.ctx, `INSERT INTO dir_services
		(id, organization_id, name, sort_name, status, open_24h, position, content_hash, last_modified)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name, sort_name = excluded.sort_name,
			status = excluded.status, open_24h = excluded.open_24h, position = excluded.position,
			content_hash = excluded.content_hash, last_modified = excluded.last_modified
		RETURNING rid`,
		s.ID, o.ID, s.Name, fold(s.Name), s.Status, open24h(spans), pos, hash, im.now), &rid)
	if err != nil {
		return err
	}
	if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO dir_service_docs (service_rid, doc, search_name, search_tags, search_body)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (service_rid) DO UPDATE SET doc = excluded.doc, search_name = excluded.search_name,
			search_tags = excluded.search_tags, search_body = excluded.search_body`,
		rid, string(doc), name, tagText, body); err != nil {
		return err
	}
	if ok {
		for _, q := range []string{`DELETE FROM dir_service_terms WHERE service_rid = ?`, `DELETE FROM dir_service_hours WHERE service_rid = ?`} {
			if _, err := im.tx.ExecContext(im.ctx, q, rid); err != nil {
				return err
			}
		}
	}
	for _, row := range termRows {
		row[2] = rid
	}
	if err := insertRows(im.ctx, im.tx, "dir_service_terms", []column{{"term_id", "text"}, {"position", "integer"}, {"service_rid", "bigint"}}, termRows); err != nil {
		return err
	}
	hourRows := make([][]any, len(spans))
	for i, sp := range spans {
		hourRows[i] = []any{rid, sp.day, sp.opens, sp.closes, sp.validFrom, sp.upTo}
	}
	return insertRows(im.ctx, im.tx, "dir_service_hours", []column{{"service_rid", "bigint"}, {"day", "integer"},
		{"opens_min", "integer"}, {"closes_min", "integer"}, {"valid_from", "text"}, {"valid_to", "text"}}, hourRows)
}

// searchText is what full-text search reads for a service, folded: its
// names; its organisation and the names of its taxonomy terms; and its
// descriptive text.
func searchText(o *hsds.Organization, s *hsds.Service, termNames []string) (name, tags, body string) {
	name = fold(s.Name + " " + s.AlternateName)
	tags = fold(o.Name + " " + o.AlternateName + " " + strings.Join(termNames, " "))
	parts := []string{s.Description, s.EligibilityDescription, s.ApplicationProcess, s.FeesDescription, s.WaitTime, s.Alert}
	for _, p := range s.Phones {
		parts = append(parts, p.Description)
	}
	for _, sc := range s.Schedules {
		parts = append(parts, sc.Description, sc.Notes)
	}
	for _, a := range s.ServiceAreas {
		parts = append(parts, a.Name, a.Description)
	}
	body = fold(strings.Join(parts, " "))
	return name, tags, body
}

// removeUnseen deletes services, then organisations, that the file no
// longer lists.
func (im *importer) removeUnseen() error {
	var gone []string
	for id := range im.services {
		if !im.seenSvcs[id] {
			gone = append(gone, id)
		}
	}
	im.res.Services.Removed = len(gone)
	if len(gone) > 0 {
		if err := im.recordRemoved(`SELECT s.id, d.doc FROM dir_services s JOIN dir_service_docs d ON d.service_rid = s.rid WHERE s.id IN `, gone); err != nil {
			return err
		}
		if _, err := im.tx.ExecContext(im.ctx, `DELETE FROM dir_services WHERE id IN `+inJSON(im.tx.Engine()), jsonParam(gone)); err != nil {
			return err
		}
	}
	gone = gone[:0]
	for id := range im.orgs {
		if !im.seenOrgs[id] {
			gone = append(gone, id)
		}
	}
	im.res.Organizations.Removed = len(gone)
	if len(gone) > 0 {
		if err := im.recordRemoved(`SELECT id, doc FROM dir_organizations WHERE id IN `, gone); err != nil {
			return err
		}
		if _, err := im.tx.ExecContext(im.ctx, `DELETE FROM dir_organizations WHERE id IN `+inJSON(im.tx.Engine()), jsonParam(gone)); err != nil {
			return err
		}
	}
	return nil
}

// recordRemoved records the removal of the records with the given ids;
// query (ending in IN) reads each one's id and stored record.
func (im *importer) recordRemoved(query string, ids []string) error {
	if im.noVersions {
		return nil
	}
	rows, err := im.tx.QueryContext(im.ctx, query+inJSON(im.tx.Engine()), jsonParam(ids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, doc string
		if err := rows.Scan(&id, &doc); err != nil {
			return err
		}
		im.recordGone(id, []byte(doc))
	}
	return rows.Err()
}

func (im *importer) resources(rs []hsds.Resource) error {
	old := map[string]string{}
	oldDocs := map[string]string{}
	rows, err := im.tx.QueryContext(im.ctx, `SELECT id, doc, position FROM dir_resources`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, doc string
		var pos int
		if err := rows.Scan(&id, &doc, &pos); err != nil {
			rows.Close()
			return err
		}
		old[id] = fmt.Sprint(pos, doc)
		oldDocs[id] = doc
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	keep := map[string]bool{}
	for i, r := range rs {
		keep[r.ID] = true
		doc := marshal(r)
		if !im.count(&im.res.Resources, old, r.ID, fmt.Sprint(i, string(doc))) {
			continue
		}
		var org any
		if r.OrganizationID != "" {
			org = r.OrganizationID
		}
		if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO dir_resources (id, organization_id, name, kind, position, doc)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name, kind = excluded.kind,
				position = excluded.position, doc = excluded.doc`, r.ID, org, r.Name, r.Kind, i, string(doc)); err != nil {
			return fmt.Errorf("resource '%s': %w", r.Name, err)
		}
		if oldDocs[r.ID] != string(doc) { // not a move alone
			im.record(EntryResource, r.ID, r.Name, r.OrganizationID, StateShown, "", doc)
		}
	}
	var gone []string
	for id := range old {
		if !keep[id] {
			gone = append(gone, id)
		}
	}
	im.res.Resources.Removed = len(gone)
	for _, id := range gone {
		im.recordGone(id, []byte(oldDocs[id]))
	}
	if len(gone) > 0 {
		_, err := im.tx.ExecContext(im.ctx, `DELETE FROM dir_resources WHERE id IN `+inJSON(im.tx.Engine()), jsonParam(gone))
		return err
	}
	return nil
}

func (im *importer) removeUnseenTaxonomies(d *hsds.Dataset) error {
	var terms, taxes []string
	for _, t := range d.TaxonomyTerms {
		terms = append(terms, t.ID)
	}
	for _, t := range d.Taxonomies {
		taxes = append(taxes, t.ID)
	}
	in := inJSON(im.tx.Engine())
	res, err := im.tx.ExecContext(im.ctx, `DELETE FROM dir_terms WHERE id NOT IN `+in, jsonParam(orEmpty(terms)))
	if err != nil {
		return err
	}
	n1, _ := res.RowsAffected()
	res, err = im.tx.ExecContext(im.ctx, `DELETE FROM dir_taxonomies WHERE id NOT IN `+in, jsonParam(orEmpty(taxes)))
	if err != nil {
		return err
	}
	n2, _ := res.RowsAffected()
	im.res.Taxonomies.Removed = int(n1 + n2)
	return nil
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// log records the import in dir_imports and the audit log, and gives the
// directory a new generation for search indexes to rebuild at.
func (im *importer) log(source string) error {
	im.res.Overwritten = sortedNames(im.res.Overwritten)
	if len(im.res.Overwritten) > 0 && !im.force {
		e := &EditedError{Names: im.res.Overwritten}
		var last store.Time
		if err := store.Scan(im.tx.QueryRowContext(im.ctx, `SELECT MAX(at) FROM dir_imports`), &last); err != nil {
			return err
		}
		e.Since = last.Time
		return e
	}
	for i := range im.versions {
		im.versions[i].note = source
	}
	if err := writeVersions(im.ctx, im.tx, im.versions); err != nil {
		return err
	}
	// What the editors published is now either in the file or replaced
	// by it: the next import starts afresh.
	if _, err := im.tx.ExecContext(im.ctx, `UPDATE dir_entries SET edited = ? WHERE edited`, false); err != nil {
		return err
	}
	if err := touch(im.ctx, im.tx); err != nil {
		return err
	}
	s := im.res.Services
	if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO dir_imports (id, at, source, added, updated, removed, unchanged)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, store.NewID(), im.now, source, s.Added, s.Updated, s.Removed, s.Unchanged); err != nil {
		return err
	}
	return audit.Record(im.ctx, im.tx, audit.Event{ActorRole: "system", Action: "directory.import", TargetType: "directory",
		Detail: fmt.Sprintf("%s: services added %d, updated %d, removed %d, unchanged %d", source, s.Added, s.Updated, s.Removed, s.Unchanged)})
}

// Summary is the import result in one line for a person.
func (r ImportResult) Summary() string {
	c := func(label string, c Change) string {
		return fmt.Sprintf("%s: %d added, %d updated, %d removed, %d unchanged", label, c.Added, c.Updated, c.Removed, c.Unchanged)
	}
	lines := []string{c("services", r.Services), c("organizations", r.Organizations),
		c("taxonomies and terms", r.Taxonomies), c("resources", r.Resources)}
	if len(r.Overwritten) > 0 {
		lines = append(lines, "replaced what was published in the directory editor for: "+strings.Join(r.Overwritten, "; "))
	}
	return strings.Join(lines, "\n")
}
