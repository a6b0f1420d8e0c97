package directory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/testenv"
)

// schemas compiles the HSDS 3.0 schemas kept in testdata (copies of
// ../shared/hsds-3.0/schema) under JSON Schema 2020-12, formats asserted.
func schemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	files := []string{"compiled/service.json", "compiled/service_list.json", "compiled/organization.json",
		"compiled/organization_list.json", "taxonomy.json", "taxonomy_term.json", "metadata.json"}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join("testdata", "hsds-3.0", f))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := c.AddResource("https://schemas.test/hsds/"+f, doc); err != nil {
			t.Fatal(err)
		}
	}
	out := map[string]*jsonschema.Schema{}
	for _, f := range files {
		s, err := c.Compile("https://schemas.test/hsds/" + f)
		if err != nil {
			t.Fatalf("compile %s: %v", f, err)
		}
		out[f] = s
	}
	return out
}

// TestTestdataSchemasAreTheSharedOnes keeps the copies honest.
func TestTestdataSchemasAreTheSharedOnes(t *testing.T) {
	shared := filepath.Join(testenv.RepoRoot(t), "..", "shared", "hsds-3.0", "schema")
	if _, err := os.Stat(shared); err != nil {
		t.Skip("the project's shared HSDS copy is not beside the repository")
	}
	for _, f := range []string{"compiled/service.json", "compiled/service_list.json", "compiled/organization.json",
		"compiled/organization_list.json", "taxonomy.json", "taxonomy_term.json", "metadata.json"} {
		a, err1 := os.ReadFile(filepath.Join("testdata", "hsds-3.0", f))
		b, err2 := os.ReadFile(filepath.Join(shared, f))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("testdata/hsds-3.0/%s differs from the shared schema (%v, %v)", f, err1, err2)
		}
	}
}

func validate(t *testing.T, s *jsonschema.Schema, what string, doc []byte) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Errorf("%s: not JSON: %v", what, err)
		return
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s does not match the HSDS schema: %v", what, err)
	}
}

// hsdsPage is the HSDS page envelope, decoded strictly.
type hsdsPage struct {
	TotalItems *int              `json:"total_items"`
	TotalPages *int              `json:"total_pages"`
	PageNumber *int              `json:"page_number"`
	Size       *int              `json:"size"`
	FirstPage  *bool             `json:"first_page"`
	LastPage   *bool             `json:"last_page"`
	Empty      *bool             `json:"empty"`
	Contents   []json.RawMessage `json:"contents"`
}

type client struct {
	t *testing.T
	c *apptest.Client
}

// get fetches an API path and checks what every API answer must have.
func (c client) get(path string, status int) apptest.Response {
	c.t.Helper()
	res := c.c.Get(path)
	if res.StatusCode != status {
		c.t.Fatalf("GET %s: %d, want %d\n%s", path, res.StatusCode, status, res.Body)
	}
	if got := res.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		c.t.Errorf("GET %s: Access-Control-Allow-Origin %q, want *", path, got)
	}
	return res
}

// page fetches one page and checks its arithmetic.
func (c client) page(path string, pageNo, perPage int) hsdsPage {
	c.t.Helper()
	res := c.get(path, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		c.t.Errorf("GET %s: Content-Type %q", path, ct)
	}
	dec := json.NewDecoder(strings.NewReader(res.Body))
	dec.DisallowUnknownFields()
	var p hsdsPage
	if err := dec.Decode(&p); err != nil {
		c.t.Fatalf("GET %s: not an HSDS page: %v", path, err)
	}
	if p.TotalItems == nil || p.TotalPages == nil || p.PageNumber == nil || p.Size == nil || p.FirstPage == nil ||
		p.LastPage == nil || p.Empty == nil || p.Contents == nil {
		c.t.Fatalf("GET %s: page lacks a member: %s", path, res.Body)
	}
	wantPages := max(1, (*p.TotalItems+perPage-1)/perPage)
	switch {
	case *p.TotalPages != wantPages:
		c.t.Errorf("GET %s: total_pages %d, want %d for %d items at %d a page", path, *p.TotalPages, wantPages, *p.TotalItems, perPage)
	case *p.PageNumber != pageNo:
		c.t.Errorf("GET %s: page_number %d, want %d", path, *p.PageNumber, pageNo)
	case *p.Size != len(p.Contents):
		c.t.Errorf("GET %s: size %d but %d items", path, *p.Size, len(p.Contents))
	case *p.FirstPage != (pageNo == 1):
		c.t.Errorf("GET %s: first_page %v on page %d", path, *p.FirstPage, pageNo)
	case *p.LastPage != (pageNo >= *p.TotalPages):
		c.t.Errorf("GET %s: last_page %v on page %d of %d", path, *p.LastPage, pageNo, *p.TotalPages)
	case *p.Empty != (len(p.Contents) == 0):
		c.t.Errorf("GET %s: empty %v with %d items", path, *p.Empty, len(p.Contents))
	case pageNo < *p.TotalPages && len(p.Contents) != perPage:
		c.t.Errorf("GET %s: %d items on a page that is not the last, want %d", path, len(p.Contents), perPage)
	case pageNo == *p.TotalPages && len(p.Contents) != *p.TotalItems-(pageNo-1)*perPage:
		c.t.Errorf("GET %s: %d items on the last page, want %d", path, len(p.Contents), *p.TotalItems-(pageNo-1)*perPage)
	}
	return p
}

// walk fetches every page of path (which has no page or per_page yet) and
// returns every item, checking that each page agrees on the total.
func (c client) walk(path string, perPage int, item *jsonschema.Schema, what string) []json.RawMessage {
	c.t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var all []json.RawMessage
	total, pages := -1, 1
	for n := 1; n <= pages; n++ {
		p := c.page(path+sep+"per_page="+itoa(perPage)+"&page="+itoa(n), n, perPage)
		if total >= 0 && *p.TotalItems != total {
			c.t.Errorf("%s: total_items changed from %d to %d between pages", path, total, *p.TotalItems)
		}
		total, pages = *p.TotalItems, *p.TotalPages
		for i, raw := range p.Contents {
			if item != nil {
				validate(c.t, item, what+" page "+itoa(n)+" item "+itoa(i), raw)
			}
			all = append(all, raw)
		}
	}
	if len(all) != total {
		c.t.Errorf("%s: walked %d items, total_items says %d", path, len(all), total)
	}
	return all
}

func itoa(n int) string { return strconv.Itoa(n) }

type idModified struct {
	ID           string `json:"id"`
	LastModified string `json:"last_modified"`
	Organization *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"organization"`
}

func ids(t *testing.T, items []json.RawMessage) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	for _, raw := range items {
		var x idModified
		if err := json.Unmarshal(raw, &x); err != nil {
			t.Fatal(err)
		}
		if seen[x.ID] {
			t.Errorf("id %s appears twice", x.ID)
		}
		seen[x.ID] = true
		out = append(out, x.ID)
	}
	return out
}

func TestHSDSConformance(t *testing.T) {
	sch := schemas(t)
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			c := client{t, in.Client(t)}

			// The root says which HSDS this is and where the API is described.
			var root map[string]string
			if err := json.Unmarshal([]byte(c.get("/api/hsds/", 200).Body), &root); err != nil {
				t.Fatal(err)
			}
			if root["version"] != "3.0" {
				t.Errorf("version %q", root["version"])
			}
			for _, k := range []string{"openapi_url", "profile"} {
				u, err := url.Parse(root[k])
				if err != nil || !u.IsAbs() || !strings.HasPrefix(root[k], in.URL) {
					t.Fatalf("%s %q is not an absolute address on this server", k, root[k])
				}
				c.get(u.Path, 200)
			}
			var oapi struct {
				OpenAPI string                    `json:"openapi"`
				Paths   map[string]map[string]any `json:"paths"`
			}
			if err := json.Unmarshal([]byte(c.get("/api/hsds/openapi.json", 200).Body), &oapi); err != nil || oapi.OpenAPI != "3.1.0" {
				t.Fatalf("openapi.json: %v %q", err, oapi.OpenAPI)
			}
			for p := range oapi.Paths {
				if !strings.Contains(p, "{id}") {
					c.get("/api/hsds"+p, 200)
				}
			}

			// Level 1: every page of /services, then every service.
			list := c.walk("/api/hsds/services", 7, sch["compiled/service_list.json"], "/services")
			serviceIDs := ids(t, list)
			if len(serviceIDs) != 67 {
				t.Errorf("%d services, want the seed's 67", len(serviceIDs))
			}
			for _, id := range serviceIDs {
				res := c.get("/api/hsds/services/"+id, 200)
				validate(t, sch["compiled/service.json"], "/services/"+id, []byte(res.Body))
				var s idModified
				json.Unmarshal([]byte(res.Body), &s)
				if s.ID != id || s.Organization == nil || s.Organization.Name == "" || s.LastModified == "" {
					t.Errorf("/services/%s: id %q, organization %+v, last_modified %q", id, s.ID, s.Organization, s.LastModified)
				}
			}
			// The default page size is 50 and 500 is allowed.
			if p := c.page("/api/hsds/services", 1, 50); len(p.Contents) != 50 {
				t.Errorf("default page has %d items, want 50", len(p.Contents))
			}
			c.page("/api/hsds/services?per_page=500", 1, 500)
			// A page past the end is empty but still counts.
			if p := c.page("/api/hsds/services?per_page=10&page=99", 99, 10); *p.TotalItems != 67 || !*p.Empty {
				t.Errorf("page past the end: %+v", p)
			}
			for _, raw := range c.walk("/api/hsds/services?full=true", 25, sch["compiled/service.json"], "/services?full=true") {
				if !bytes.Contains(raw, []byte(`"phones"`)) && !bytes.Contains(raw, []byte(`"attributes"`)) {
					t.Errorf("full=true item is not nested: %.80s", raw)
				}
			}
			for _, raw := range c.walk("/api/hsds/services?minimal=true", 30, sch["compiled/service_list.json"], "/services?minimal=true") {
				var m map[string]any
				json.Unmarshal(raw, &m)
				if len(m) != 4 || m["last_modified"] == nil {
					t.Errorf("minimal item has %d members: %s", len(m), raw)
				}
			}

			// Organizations, taxonomies and terms, listed and one by one.
			for _, tc := range []struct{ path, list, one string }{
				{"/api/hsds/organizations", "compiled/organization_list.json", "compiled/organization.json"},
				{"/api/hsds/taxonomies", "taxonomy.json", "taxonomy.json"},
				{"/api/hsds/taxonomy_terms", "taxonomy_term.json", "taxonomy_term.json"},
			} {
				for _, id := range ids(t, c.walk(tc.path, 9, sch[tc.list], tc.path)) {
					validate(t, sch[tc.one], tc.path+"/"+id, []byte(c.get(tc.path+"/"+id, 200).Body))
				}
			}
			org := c.get("/api/hsds/organizations/01a2011f-88d1-7ecf-9aec-7951c928cc04?full_service=true", 200)
			validate(t, sch["compiled/organization.json"], "organization with full services", []byte(org.Body))
			if !strings.Contains(org.Body, `"Individual Support Team"`) || !strings.Contains(org.Body, `"phones"`) {
				t.Error("the PSU London organization does not nest its services in full")
			}
			var regions struct{ Contents []struct{ ID, Name string } }
			json.Unmarshal([]byte(c.get("/api/hsds/taxonomies?search=regions", 200).Body), &regions)
			if len(regions.Contents) != 1 {
				t.Fatalf("taxonomies?search=regions: %+v", regions)
			}
			top := ids(t, c.walk("/api/hsds/taxonomy_terms?top_only=true&taxonomy_id="+regions.Contents[0].ID, 50, sch["taxonomy_term.json"], "top regions"))
			if len(top) != 2 { // United Kingdom and Ireland
				t.Errorf("top-level regions: %d, want 2", len(top))
			}

			// Level 2: filters combine with AND.
			termID := func(code string) string {
				var p struct {
					Contents []struct{ ID, Code string }
				}
				json.Unmarshal([]byte(c.get("/api/hsds/taxonomy_terms?per_page=500&search="+code, 200).Body), &p)
				for _, x := range p.Contents {
					if x.Code == code {
						return x.ID
					}
				}
				t.Fatalf("no term %s", code)
				return ""
			}
			set := func(q string) []string {
				got := ids(t, c.walk("/api/hsds/services?"+q, 500, nil, q))
				sort.Strings(got)
				return got
			}
			gambling, phone, london := termID("gambling"), termID("phone-line"), termID("london")
			a, b := set("taxonomy_term_id="+gambling), set("taxonomy_term_id="+phone)
			both := set("taxonomy_term_id=" + gambling + "&taxonomy_term_id=" + phone)
			comma := set("taxonomy_term_id=" + gambling + "," + phone)
			var inter []string
			for _, id := range a {
				if slices.Contains(b, id) {
					inter = append(inter, id)
				}
			}
			if len(a) == 0 || len(b) == 0 || len(inter) == 0 || !slices.Equal(both, inter) || !slices.Equal(comma, inter) {
				t.Errorf("AND of two terms = %v (comma form %v), want the intersection %v of %v and %v", both, comma, inter, a, b)
			}
			withOrg := set("taxonomy_term_id=" + london + "&organization_id=01a2011f-88d1-7ecf-9aec-7951c928cc04")
			onlyOrg := set("organization_id=01a2011f-88d1-7ecf-9aec-7951c928cc04")
			for _, id := range withOrg {
				if !slices.Contains(onlyOrg, id) || !slices.Contains(set("taxonomy_term_id="+london), id) {
					t.Errorf("%s is in the AND but not in each filter", id)
				}
			}
			if len(withOrg) == 0 || len(withOrg) > len(onlyOrg) {
				t.Errorf("london + PSU London organization: %d services (organization alone %d)", len(withOrg), len(onlyOrg))
			}
			if got := set("search=gambling&taxonomy_term_id=" + phone); !slices.Equal(got, intersect(set("search=gambling"), b)) {
				t.Errorf("search AND term = %v", got)
			}
			if got := set("taxonomy_term_id=" + gambling + "&taxonomy_term_id=" + store.NewID()); len(got) != 0 {
				t.Errorf("an unknown term still matched %v", got)
			}

			// modified_after: nothing after the latest change; then change one
			// service and only it comes back.
			time.Sleep(5 * time.Millisecond)
			cut := time.Now().UTC()
			if got := set("modified_after=" + url.QueryEscape(cut.Format(time.RFC3339Nano))); len(got) != 0 {
				t.Errorf("modified_after now: %v", got)
			}
			if got := set("modified_after=2000-01-01"); len(got) != 67 {
				t.Errorf("modified_after 2000: %d services", len(got))
			}
			d, err := directory.ReadDataset(bytes.NewReader(seed.Directory))
			if err != nil {
				t.Fatal(err)
			}
			var changed string
			for i := range d.Organizations {
				for j := range d.Organizations[i].Services {
					if s := &d.Organizations[i].Services[j]; s.Name == "Gamblers Anonymous" {
						s.Description += " Meetings are free."
						changed = s.ID
					}
				}
			}
			if _, err := directory.Import(context.Background(), in.App.DB, d, "test", nil); err != nil {
				t.Fatal(err)
			}
			if got := set("modified_after=" + url.QueryEscape(cut.Format(time.RFC3339Nano))); !slices.Equal(got, []string{changed}) {
				t.Errorf("modified_after the change = %v, want only %s", got, changed)
			}

			// NDJSON: every result, one valid service a line, no page.
			for _, q := range []string{"format=ndjson", "format=ndjson&full=true", "format=ndjson&per_page=3&page=2"} {
				res := c.get("/api/hsds/services?"+q, 200)
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-ndjson") {
					t.Errorf("%s: Content-Type %q", q, ct)
				}
				schema := sch["compiled/service_list.json"]
				if strings.Contains(q, "full") {
					schema = sch["compiled/service.json"]
				}
				var lines []json.RawMessage
				for i, l := range strings.Split(strings.TrimSuffix(res.Body, "\n"), "\n") {
					validate(t, schema, q+" line "+itoa(i+1), []byte(l))
					lines = append(lines, json.RawMessage(l))
				}
				got := ids(t, lines)
				sort.Strings(got)
				all := slices.Clone(serviceIDs)
				sort.Strings(all)
				if !slices.Equal(got, all) {
					t.Errorf("%s: %d lines, want every one of the %d services", q, len(got), len(all))
				}
			}
			if res := c.get("/api/hsds/taxonomy_terms?format=ndjson", 200); strings.Count(res.Body, "\n") != 62-6 {
				t.Errorf("terms as ndjson: %d lines", strings.Count(res.Body, "\n"))
			}

			// search ranks as the search page does.
			web := c.c.Get("/services?q=" + url.QueryEscape("can't cope"))
			var onPage []string
			for _, m := range regexp.MustCompile(`id="service-([0-9a-f-]{36})"`).FindAllStringSubmatch(web.Body, -1) {
				onPage = append(onPage, m[1])
			}
			var api hsdsPage
			json.Unmarshal([]byte(c.get("/api/hsds/services?search="+url.QueryEscape("can't cope"), 200).Body), &api)
			if got := ids(t, api.Contents); len(onPage) == 0 || !slices.Equal(got, onPage) {
				t.Errorf("API ranks %v, the search page %v", got, onPage)
			}

			// Bad parameters: 400 naming the parameter; unknown ids: 404.
			for _, tc := range []struct{ path, param string }{
				{"/api/hsds/services?per_page=0", "per_page"},
				{"/api/hsds/services?per_page=501", "per_page"},
				{"/api/hsds/services?page=-1", "page"},
				{"/api/hsds/services?page=two", "page"},
				{"/api/hsds/services?format=xml", "format"},
				{"/api/hsds/services?taxonomy_term_id=gambling", "taxonomy_term_id"},
				{"/api/hsds/services?organization_id=42", "organization_id"},
				{"/api/hsds/services?modified_after=yesterday", "modified_after"},
				{"/api/hsds/services?full=perhaps", "full"},
				{"/api/hsds/services?minimal=true&full=true", "minimal"},
				{"/api/hsds/services/not-a-uuid", "id"},
				{"/api/hsds/organizations?per_page=0", "per_page"},
				{"/api/hsds/taxonomy_terms?parent_id=x", "parent_id"},
				{"/api/hsds/taxonomy_terms?top_only=maybe", "top_only"},
				{"/api/hsds/taxonomies/ABC", "id"},
			} {
				var body struct{ Error, Parameter string }
				res := c.get(tc.path, http.StatusBadRequest)
				if err := json.Unmarshal([]byte(res.Body), &body); err != nil || body.Parameter != tc.param || body.Error == "" {
					t.Errorf("%s: %s, want an error naming %s", tc.path, res.Body, tc.param)
				}
			}
			for _, p := range []string{"services", "organizations", "taxonomies", "taxonomy_terms"} {
				var body struct{ Error string }
				res := c.get("/api/hsds/"+p+"/"+store.NewID(), http.StatusNotFound)
				if err := json.Unmarshal([]byte(res.Body), &body); err != nil || body.Error == "" {
					t.Errorf("%s unknown id: %s", p, res.Body)
				}
			}
			c.get("/api/hsds/service_at_locations", http.StatusNotFound)

			// CORS preflight.
			req, _ := http.NewRequest(http.MethodOptions, in.URL+"/api/hsds/services", nil)
			req.Header.Set("Origin", "https://validator.example")
			req.Header.Set("Access-Control-Request-Method", "GET")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), "GET") {
				t.Errorf("preflight: %d %v", res.StatusCode, res.Header)
			}
		})
	}
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
