package directory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
)

// Publication is one entry to publish: its whole record and whether it is
// shown. The editor makes one from a draft; marking an entry checked makes
// one from the version published now.
type Publication struct {
	Kind  string // EntryService, EntryOrganization or EntryResource
	ID    string
	Doc   []byte // hsds.Service, hsds.Organization (without services) or hsds.Resource, as JSON
	State string // StateShown, StateHidden or StateDeleted
	// Base is the version the change was made from, 0 for a new entry.
	// Publishing refuses with ErrChangedMeanwhile when the entry has moved
	// on since, so nobody overwrites what they have not seen.
	Base    int
	Action  string // ActionPublish, ActionRestore or ActionChecked
	Note    string
	ActorID string
}

// ProblemsError is a change the directory cannot take, each problem in
// words for the person who made it. Nothing was changed.
type ProblemsError struct{ Problems []string }

func (e *ProblemsError) Error() string {
	return "directory: the change cannot be published: " + strings.Join(e.Problems, "; ")
}

// Record is one entry's record, parsed: exactly one of its fields is set.
type Record struct {
	Service      *hsds.Service
	Organization *hsds.Organization
	Resource     *hsds.Resource
}

// Name is the record's name.
func (r Record) Name() string {
	switch {
	case r.Service != nil:
		return r.Service.Name
	case r.Organization != nil:
		return r.Organization.Name
	case r.Resource != nil:
		return r.Resource.Name
	}
	return ""
}

// ParseRecord reads a record of the given kind strictly, as import reads
// the directory file.
func ParseRecord(kind string, doc []byte) (Record, error) {
	var r Record
	var v any
	switch kind {
	case EntryService:
		r.Service = &hsds.Service{}
		v = r.Service
	case EntryOrganization:
		r.Organization = &hsds.Organization{}
		v = r.Organization
	case EntryResource:
		r.Resource = &hsds.Resource{}
		v = r.Resource
	default:
		return r, fmt.Errorf("directory: unknown kind of entry %q", kind)
	}
	if err := jsonv2.UnmarshalRead(bytes.NewReader(doc), v, jsonv2.RejectUnknownMembers(true), jsonv2.MatchCaseInsensitiveNames(false)); err != nil {
		return r, fmt.Errorf("directory: read %s: %w", kind, err)
	}
	return r, nil
}

// stored is the record as the live table and the versions keep it.
func (r Record) stored() []byte {
	switch {
	case r.Service != nil:
		s := *r.Service
		s.LastModified = "" // psu's own, from the live table
		return marshal(s)
	case r.Organization != nil:
		o := *r.Organization
		o.Services = nil
		return marshal(o)
	}
	return marshal(*r.Resource)
}

// Publish makes c the published state of its entry, inside tx: the live
// tables show it (or no longer do), a new version records it, search
// indexes rebuild once tx commits, and the next import may not overwrite
// it unawares. It returns the entry as it now stands: when c is what is
// published already, nothing is written and its version is c.Base.
func Publish(ctx context.Context, tx *store.Tx, c Publication) (Entry, error) {
	im, err := newImporter(ctx, tx, store.Now()) // takes the import lock: imports and publishing take turns
	if err != nil {
		return Entry{}, err
	}
	im.noVersions = true
	prev, existed := im.entries[c.ID]
	switch {
	case existed && prev.Version != c.Base, !existed && c.Base != 0:
		return Entry{}, ErrChangedMeanwhile
	case !existed && c.State == StateDeleted:
		return Entry{}, &ProblemsError{[]string{"A listing that was never published cannot be deleted: discard the draft instead"}}
	case existed && prev.Kind != c.Kind:
		return Entry{}, fmt.Errorf("directory: entry %s is a %s, not a %s", c.ID, prev.Kind, c.Kind)
	}
	rec, err := ParseRecord(c.Kind, c.Doc)
	if err != nil {
		return Entry{}, err
	}
	problems, err := CheckRecord(ctx, tx, c.ID, rec, c.State)
	if err != nil {
		return Entry{}, err
	}
	if len(problems) > 0 {
		return Entry{}, &ProblemsError{problems}
	}
	if existed {
		// Publishing what is published already makes no version: the
		// history shows only changes.
		cur, err := LoadVersion(ctx, tx, c.ID, prev.Version)
		if err != nil {
			return Entry{}, err
		}
		if cur.State == c.State && bytes.Equal(cur.Doc, rec.stored()) {
			return prev, nil
		}
	}
	if err := im.loadTerms(); err != nil {
		return Entry{}, err
	}
	e := Entry{ID: c.ID, Kind: c.Kind, Name: rec.Name(), State: c.State, Version: prev.Version + 1, Edited: true, UpdatedAt: im.now}
	switch {
	case rec.Service != nil:
		e.OrganizationID, e.CheckedOn = rec.Service.OrganizationID, rec.Service.AssuredDate
		err = im.publishService(rec.Service, c.State)
	case rec.Organization != nil:
		err = im.publishOrganization(rec.Organization, c.State)
	default:
		e.OrganizationID = rec.Resource.OrganizationID
		err = im.publishResource(rec.Resource, c.State)
	}
	if err != nil {
		return Entry{}, err
	}
	err = writeVersions(ctx, tx, []newVersion{{entry: e, doc: rec.stored(), action: c.Action, note: c.Note, actorID: c.ActorID, at: im.now}})
	if err != nil {
		return Entry{}, err
	}
	return e, touch(ctx, tx)
}

// loadTerms reads the taxonomy terms for writing services, as an import
// has them from its file.
func (im *importer) loadTerms() error {
	rows, err := im.tx.QueryContext(im.ctx, `SELECT t.id, t.code, t.name, x.name, t.doc FROM dir_terms t JOIN dir_taxonomies x ON x.id = t.taxonomy_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var t termInfo
		var doc string
		if err := rows.Scan(&t.id, &t.code, &t.name, &t.taxonomy, &doc); err != nil {
			return err
		}
		t.doc = []byte(doc)
		im.terms[t.id] = t
	}
	return rows.Err()
}

// nextPosition is the place after the last in table (of one organisation's
// services, when org is set): a new record goes at the end of the export.
func (im *importer) nextPosition(table, org string) (int, error) {
	q := `SELECT COALESCE(MAX(position) + 1, 0) FROM ` + table
	var args []any
	if org != "" {
		q += ` WHERE organization_id = ?`
		args = append(args, org)
	}
	var n int
	err := store.Scan(im.tx.QueryRowContext(im.ctx, q, args...), &n)
	return n, err
}

func (im *importer) publishService(s *hsds.Service, state string) error {
	if state != StateShown {
		_, err := im.tx.ExecContext(im.ctx, `DELETE FROM dir_services WHERE id = ?`, s.ID)
		return err
	}
	var o hsds.Organization
	var doc, orgHash string
	if err := store.Scan(im.tx.QueryRowContext(im.ctx, `SELECT doc, content_hash FROM dir_organizations WHERE id = ?`, s.OrganizationID), &doc, &orgHash); err != nil {
		return fmt.Errorf("directory: the organisation of service %s: %w", s.ID, err)
	}
	if err := jsonv2.Unmarshal([]byte(doc), &o); err != nil {
		return err
	}
	var pos int
	var org string
	err := store.Scan(im.tx.QueryRowContext(im.ctx, `SELECT position, organization_id FROM dir_services WHERE id = ?`, s.ID), &pos, &org)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && org != s.OrganizationID):
		if pos, err = im.nextPosition("dir_services", s.OrganizationID); err != nil {
			return err
		}
	case err != nil:
		return err
	}
	return im.service(&o, s, pos, orgHash)
}

func (im *importer) publishOrganization(o *hsds.Organization, state string) error {
	if state != StateShown {
		_, err := im.tx.ExecContext(im.ctx, `DELETE FROM dir_organizations WHERE id = ?`, o.ID)
		return err
	}
	pos, ok := 0, false
	if prev, found := im.orgs[o.ID]; found {
		pos, ok = prev.position, true
	}
	if !ok {
		var err error
		if pos, err = im.nextPosition("dir_organizations", ""); err != nil {
			return err
		}
	}
	// Its services carry its name in their search text and its record in
	// their hash: they are written again beside it, as an import would.
	rows, err := im.tx.QueryContext(im.ctx, `SELECT d.doc, s.position FROM dir_services s JOIN dir_service_docs d ON d.service_rid = s.rid
		WHERE s.organization_id = ? ORDER BY s.position`, o.ID)
	if err != nil {
		return err
	}
	bare := *o
	bare.Services = nil
	var positions []int
	for rows.Next() {
		var doc string
		var p int
		var s hsds.Service
		if err := rows.Scan(&doc, &p); err != nil {
			rows.Close()
			return err
		}
		if err := jsonv2.Unmarshal([]byte(doc), &s); err != nil {
			rows.Close()
			return err
		}
		bare.Services = append(bare.Services, s)
		positions = append(positions, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// organization writes the services at their index; keep their places.
	services := bare.Services
	bare.Services = nil
	if err := im.organization(&bare, pos); err != nil {
		return err
	}
	orgHash := hashOf(marshal(bare))
	for i := range services {
		if err := im.service(&bare, &services[i], positions[i], orgHash); err != nil {
			return err
		}
	}
	return nil
}

func (im *importer) publishResource(r *hsds.Resource, state string) error {
	if state != StateShown {
		_, err := im.tx.ExecContext(im.ctx, `DELETE FROM dir_resources WHERE id = ?`, r.ID)
		return err
	}
	var pos int
	err := store.Scan(im.tx.QueryRowContext(im.ctx, `SELECT position FROM dir_resources WHERE id = ?`, r.ID), &pos)
	if errors.Is(err, store.ErrNotFound) {
		pos, err = im.nextPosition("dir_resources", "")
	}
	if err != nil {
		return err
	}
	var org any
	if r.OrganizationID != "" {
		org = r.OrganizationID
	}
	_, err = im.tx.ExecContext(im.ctx, `INSERT INTO dir_resources (id, organization_id, name, kind, position, doc)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET organization_id = excluded.organization_id, name = excluded.name, kind = excluded.kind,
			position = excluded.position, doc = excluded.doc`, r.ID, org, r.Name, r.Kind, pos, string(marshal(*r)))
	return err
}

// CheckRecord applies import's checks to one record, as it would stand
// among the others once published in state: the directory's rules and the
// HSDS schemas (on the record, with the organisations it names), names
// unique among the entries of its kind, and what the export needs to be
// importable again (a shown service or resource names a shown
// organisation; an organisation is not hidden or deleted while listings
// that are shown, or kept, name it). Each problem is a sentence for the
// person publishing. Its cost does not grow with the directory.
func CheckRecord(ctx context.Context, q store.Querier, id string, rec Record, state string) ([]string, error) {
	var problems []string
	if !slices.Contains([]string{StateShown, StateHidden, StateDeleted}, state) {
		return nil, fmt.Errorf("directory: unknown state %q", state)
	}
	if rec.Name() == "" {
		problems = append(problems, "Give it a name")
	}
	d := &hsds.Dataset{HSDSVersion: hsds.Version}
	v, err := loadVocabulary(ctx, q)
	if err != nil {
		return nil, err
	}
	d.Taxonomies = v.taxonomies
	for _, t := range v.terms {
		d.TaxonomyTerms = append(d.TaxonomyTerms, t.TaxonomyTerm)
	}
	// org reads an organisation another record names, as its latest
	// version holds it, with its state; nil when it is deleted or unknown.
	org := func(orgID string) (*hsds.Organization, string, error) {
		if orgID == "" || orgID == id {
			return nil, "", nil
		}
		var st, doc string
		err := store.Scan(q.QueryRowContext(ctx, `SELECT e.state, v.doc FROM dir_entries e
			JOIN dir_versions v ON v.entry_id = e.id AND v.version = e.version
			WHERE e.id = ? AND e.kind = ? AND e.state <> ?`, orgID, EntryOrganization, StateDeleted), &st, &doc)
		if errors.Is(err, store.ErrNotFound) {
			return nil, "", nil
		}
		if err != nil {
			return nil, "", err
		}
		var o hsds.Organization
		if err := jsonv2.Unmarshal([]byte(doc), &o); err != nil {
			return nil, "", err
		}
		// Its own parent is its business, checked when it was published.
		o.ParentOrganizationID = ""
		return &o, st, nil
	}
	// needsShown asks for the organisation a shown record names to be
	// shown too, so that the export names only what it holds.
	needsShown := func(o *hsds.Organization, st, what string) {
		if o != nil && state == StateShown && st != StateShown {
			problems = append(problems, what+", "+o.Name+", is hidden: show it first, or choose another")
		}
	}
	var named []string // another entry has the name
	switch {
	case rec.Service != nil:
		s := *rec.Service
		s.LastModified = ""
		if s.ID != id {
			return nil, fmt.Errorf("directory: service id %s is not the entry's (%s)", s.ID, id)
		}
		o, st, err := org(s.OrganizationID)
		if err != nil {
			return nil, err
		}
		if o == nil {
			problems = append(problems, "Choose the organisation that runs it")
		} else {
			needsShown(o, st, "Its organisation")
			o.Services = []hsds.Service{s}
			d.Organizations = append(d.Organizations, *o)
		}
		named = sameName(ctx, q, EntryService, id, s.Name, "service")
	case rec.Organization != nil:
		o := *rec.Organization
		o.Services = nil
		if o.ID != id {
			return nil, fmt.Errorf("directory: organisation id %s is not the entry's (%s)", o.ID, id)
		}
		d.Organizations = append(d.Organizations, o)
		if parent, _, err := org(o.ParentOrganizationID); err != nil {
			return nil, err
		} else if parent != nil {
			d.Organizations = append(d.Organizations, *parent)
		}
		named = sameName(ctx, q, EntryOrganization, id, o.Name, "organisation")
		if state != StateShown {
			names, err := listingsOf(ctx, q, id, state)
			if err != nil {
				return nil, err
			}
			if len(names) > 0 {
				verb := "hidden"
				if state == StateDeleted {
					verb = "deleted"
				}
				problems = append(problems, fmt.Sprintf("It cannot be %s while these listings name it: %s. Move, hide or delete them first",
					verb, strings.Join(names, "; ")))
			}
		}
	default:
		r := *rec.Resource
		if r.ID != id {
			return nil, fmt.Errorf("directory: resource id %s is not the entry's (%s)", r.ID, id)
		}
		o, st, err := org(r.OrganizationID)
		if err != nil {
			return nil, err
		}
		if r.OrganizationID != "" && o == nil {
			problems = append(problems, "Its publisher is not in the directory: choose another, or none")
		}
		if o != nil {
			needsShown(o, st, "Its publisher")
			d.Organizations = append(d.Organizations, *o)
		}
		d.Resources = append(d.Resources, r)
		named = sameName(ctx, q, EntryResource, id, r.Name, "guide or report")
	}
	problems = append(problems, named...)
	if err := CheckDataset(d); err != nil {
		var inv *InvalidError
		if !errors.As(err, &inv) {
			return nil, err
		}
		problems = append(problems, inv.Problems...)
	}
	return problems, nil
}

// sameName reports another entry of kind, shown or hidden, with the name
// name: the directory file allows one of each name.
func sameName(ctx context.Context, q store.Querier, kind, id, name, what string) []string {
	es, err := queryEntries(ctx, q, `SELECT `+entryColumns+` FROM dir_entries WHERE kind = ? AND state <> ? AND id <> ?`, kind, StateDeleted, id)
	if err != nil {
		return []string{err.Error()}
	}
	k := strings.ToLower(strings.TrimSpace(name))
	for _, e := range es {
		if strings.ToLower(strings.TrimSpace(e.Name)) == k {
			state := ""
			if e.State == StateHidden {
				state = " (hidden)"
			}
			return []string{fmt.Sprintf("Another %s%s already has the name %s: give this one a name of its own", what, state, e.Name)}
		}
	}
	return nil
}

// listingsOf names the services and resources that name organisation id
// and would stop it being hidden (those shown) or deleted (those kept).
func listingsOf(ctx context.Context, q store.Querier, id, state string) ([]string, error) {
	query := `SELECT name FROM dir_entries WHERE organization_id = ? AND kind IN (?, ?) AND state `
	args := []any{id, EntryService, EntryResource}
	if state == StateDeleted {
		query += `<> ?`
		args = append(args, StateDeleted)
	} else {
		query += `= ?`
		args = append(args, StateShown)
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY sort_name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
