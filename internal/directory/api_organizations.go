package directory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
)

// orgRequest is what GET /api/hsds/organizations asks for.
type orgRequest struct {
	search            string
	paging            paging
	format            string
	full, fullService bool
}

func parseOrgRequest(p params) (or orgRequest, err error) {
	if or.search, err = p.str("search", maxQuery); err != nil {
		return or, err
	}
	if or.paging, err = p.paging(); err != nil {
		return or, err
	}
	if or.format, err = p.format(); err != nil {
		return or, err
	}
	if or.full, err = p.boolean("full"); err != nil {
		return or, err
	}
	or.fullService, err = p.boolean("full_service")
	return or, err
}

// findOrganizations returns the organisations whose name, other name or
// description hold every searched word, by name, with the total.
func findOrganizations(ctx context.Context, h *handlers, search string, offset, limit int) ([]hsds.Organization, int, error) {
	where, args := "", []any{}
	for _, w := range words(fold(search)) {
		where += " AND search_text LIKE ?"
		args = append(args, "%"+w+"%")
	}
	var total int
	row := h.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dir_organizations WHERE 1 = 1`+where, args...)
	if err := row.Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("directory: organizations: %w", err)
	}
	rows, err := h.db.QueryContext(ctx, `SELECT doc FROM dir_organizations WHERE 1 = 1`+where+` ORDER BY sort_name, id LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("directory: organizations: %w", err)
	}
	defer rows.Close()
	var out []hsds.Organization
	for rows.Next() {
		var doc string
		var o hsds.Organization
		if err := rows.Scan(&doc); err != nil {
			return nil, 0, fmt.Errorf("directory: organizations: %w", err)
		}
		if err := json.Unmarshal([]byte(doc), &o); err != nil {
			return nil, 0, fmt.Errorf("directory: organizations: %w", err)
		}
		out = append(out, o)
	}
	return out, total, rows.Err()
}

// withServices nests o's services: their one-to-one fields, or every
// detail with full.
func (h *handlers) withServices(ctx context.Context, o hsds.Organization, full bool, vocab *vocabulary) (apiOrganization, error) {
	out := apiOrganization{Organization: o}
	out.Services = nil
	rows, err := h.db.QueryContext(ctx, `SELECT id FROM dir_services WHERE organization_id = ? ORDER BY position`, o.ID)
	if err != nil {
		return out, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return out, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	ls, err := loadListings(ctx, h.db, vocab, ids)
	if err != nil {
		return out, err
	}
	out.NestedServices = make([]hsds.Service, 0, len(ls))
	for _, l := range ls {
		s := listService(l).Service
		if full {
			s = fullService(l, vocab).Service
		}
		out.NestedServices = append(out.NestedServices, s)
	}
	return out, nil
}

// apiOrganization is an organisation with its services nested
// (compiled/organization.json). NestedServices, being shallower, is the
// "services" encoding/json writes; it is never omitted.
type apiOrganization struct {
	hsds.Organization
	NestedServices []hsds.Service `json:"services"`
}

// listOrganization is an organisation's one-to-one fields
// (compiled/organization_list.json).
func listOrganization(o hsds.Organization) hsds.Organization {
	o.Services, o.Phones, o.Attributes, o.Metadata = nil, nil, nil, nil
	return o
}

// apiOrganizations is GET /api/hsds/organizations.
func (h *handlers) apiOrganizations(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	or, err := parseOrgRequest(params{r.URL.Query()})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	offset, limit := or.paging.offset(), or.paging.perPage
	if or.format == "ndjson" {
		offset, limit = 0, 1<<31-1
	}
	orgs, total, err := findOrganizations(ctx, h, or.search, offset, limit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var vocab *vocabulary
	if or.full && or.fullService {
		if vocab, err = h.index.vocabulary(ctx, h.db); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	items := make([]any, 0, len(orgs))
	for _, o := range orgs {
		if !or.full {
			items = append(items, listOrganization(o))
			continue
		}
		nested, err := h.withServices(ctx, o, or.fullService, vocab)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		items = append(items, nested)
	}
	if or.format == "ndjson" {
		writeNDJSON(w, items)
		return
	}
	writeJSON(w, http.StatusOK, newPage(or.paging, total, items))
}

// apiOrganization is GET /api/hsds/organizations/{id}: the organisation
// with its services (every detail of each with full_service=true).
func (h *handlers) apiOrganization(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	fullService, err := params{r.URL.Query()}.boolean("full_service")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var doc string
	err = store.Scan(h.db.QueryRowContext(ctx, `SELECT doc FROM dir_organizations WHERE id = ?`, id), &doc)
	if errors.Is(err, store.ErrNotFound) {
		notFound(w, "organization")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var o hsds.Organization
	if err := json.Unmarshal([]byte(doc), &o); err != nil {
		h.fail(w, r, err)
		return
	}
	var vocab *vocabulary
	if fullService {
		if vocab, err = h.index.vocabulary(ctx, h.db); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	nested, err := h.withServices(ctx, o, fullService, vocab)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, nested)
}
