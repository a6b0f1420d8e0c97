package directory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// FuzzReadDataset feeds the importer's gate (psu directory import) any
// file. It must never panic; a refusal is an *InvalidError listing every
// problem; an accepted file holds only text both databases can store, is
// written out by export and read back the same, and everything import
// derives from it (search text, opening hours) can be worked out.
//
//	go test ./internal/directory -run '^$' -fuzz '^FuzzReadDataset$' -fuzztime 10m
func FuzzReadDataset(f *testing.F) {
	f.Add([]byte(`{"hsds_version":"3.0","taxonomies":[],"taxonomy_terms":[],
 "organizations":[{"id":"30000000-0000-4000-8000-000000000001","name":"Org","description":"d",
   "services":[{"id":"40000000-0000-4000-8000-000000000001","organization_id":"30000000-0000-4000-8000-000000000001",
     "name":"Svc","status":"active","phones":[{"id":"50000000-0000-4000-8000-000000000001","number":"020 7245 0412"}]}]}],
 "resources":[]}`))
	f.Add([]byte(`{"hsds_version":"3.0","taxonomies":[],"taxonomy_terms":[],"organizations":[],"resources":[]}`))
	f.Add([]byte(`{"hsds_version":"3.0","hsds_version":"3.0"}`))
	// Once accepted, then refused by PostgreSQL part-way through the import
	// with the database's own words.
	f.Add([]byte(`{"hsds_version":"3.0","taxonomies":[],"taxonomy_terms":[],
 "organizations":[{"id":"30000000-0000-4000-8000-000000000001","name":"Org\u0000","description":"d",
   "services":[{"id":"40000000-0000-4000-8000-000000000001","organization_id":"30000000-0000-4000-8000-000000000001",
     "name":"Svc","status":"active","phones":[{"id":"50000000-0000-4000-8000-000000000001","number":"020\u0000"}]}]}],
 "resources":[]}`))
	for _, s := range seedSlices(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		d, err := ReadDataset(bytes.NewReader(doc))
		if err != nil {
			var inv *InvalidError
			if d != nil || !errors.As(err, &inv) || len(inv.Problems) == 0 {
				t.Fatalf("refusal %v is not an *InvalidError listing problems", err)
			}
			for _, p := range inv.Problems {
				if strings.TrimSpace(p) == "" {
					t.Fatal("an empty problem in the list")
				}
			}
			return
		}
		walkStrings(reflect.ValueOf(d), "dataset", func(path, s string) {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("accepted %s = %q, which PostgreSQL cannot store", path, s)
			}
		})
		var out bytes.Buffer
		if err := hsds.WriteDataset(&out, d); err != nil {
			t.Fatal(err)
		}
		exported := bytes.Clone(out.Bytes())
		again, err := ReadDataset(&out)
		if err != nil {
			t.Fatalf("export of an accepted file is refused: %v", err)
		}
		var out2 bytes.Buffer
		if err := hsds.WriteDataset(&out2, again); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(exported, out2.Bytes()) {
			t.Fatalf("export, import and export again changed the directory:\n%s\n%s", exported, out2.Bytes())
		}
		for i := range d.Organizations {
			o := &d.Organizations[i]
			for j := range o.Services {
				s := &o.Services[j]
				searchText(o, s, nil)
				for _, sp := range weeklySpans(s.Schedules) {
					if sp.day < 0 || sp.day > 6 || sp.opens < 0 || sp.closes > 1440 || sp.opens >= sp.closes {
						t.Fatalf("service %s: opening span %+v", s.ID, sp)
					}
				}
			}
		}
	})
}

// seedSlices cuts the embedded directory into small files, one
// organisation each with the taxonomy terms it uses, so the fuzzer starts
// from real records without mutating a quarter of a megabyte.
func seedSlices(f *testing.F) [][]byte {
	full, err := hsds.ParseDataset(bytes.NewReader(seed.Directory))
	if err != nil {
		f.Fatal(err)
	}
	terms := map[string]hsds.TaxonomyTerm{}
	for _, t := range full.TaxonomyTerms {
		terms[t.ID] = t
	}
	var out [][]byte
	for _, i := range []int{0, len(full.Organizations) / 2, len(full.Organizations) - 1} {
		o := full.Organizations[i]
		used := map[string]bool{}
		var add func(id string)
		add = func(id string) {
			if t, ok := terms[id]; ok && !used[id] {
				used[id] = true
				add(t.ParentID)
			}
		}
		for _, s := range o.Services {
			for _, a := range s.Attributes {
				add(a.TaxonomyTermID)
			}
		}
		for _, a := range o.Attributes {
			add(a.TaxonomyTermID)
		}
		part := hsds.Dataset{Organizations: []hsds.Organization{o}}
		taxes := map[string]bool{}
		for _, t := range full.TaxonomyTerms {
			if used[t.ID] {
				part.TaxonomyTerms = append(part.TaxonomyTerms, t)
				taxes[t.TaxonomyID] = true
			}
		}
		for _, t := range full.Taxonomies {
			if taxes[t.ID] {
				part.Taxonomies = append(part.Taxonomies, t)
			}
		}
		if i == 0 && len(full.Resources) > 0 && full.Resources[0].OrganizationID == "" {
			part.Resources = full.Resources[:1]
		}
		var b bytes.Buffer
		if err := hsds.WriteDataset(&b, &part); err != nil {
			f.Fatal(err)
		}
		out = append(out, b.Bytes())
	}
	return out
}

// walkStrings calls fn with every string reachable from v.
func walkStrings(v reflect.Value, path string, fn func(path, s string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), path, fn)
		}
	case reflect.String:
		fn(path, v.String())
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				walkStrings(v.Field(i), path+"."+v.Type().Field(i).Name, fn)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkStrings(v.Index(i), fmt.Sprintf("%s[%d]", path, i), fn)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walkStrings(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k), fn)
		}
	}
}

// FuzzSearch asks the real directory (the embedded seed, indexed once) any
// /services address and any /api/hsds/services query. Nothing may panic;
// a /services address is either refused with messages on its own fields
// or answered with at most a page of distinct, real services, the same as
// a full sort would give, and its next and previous links read back to the
// same search; an API query is refused with a message or answered with at
// most per_page services.
//
//	go test ./internal/directory -run '^$' -fuzz '^FuzzSearch$' -fuzztime 10m
func FuzzSearch(f *testing.F) {
	for _, s := range []string{
		"q=burnout", "q=can%27t+cope&open=24h", "q=sucidal", "need=exams&who=doctor&where=london&page=2",
		"q=money+worries&how=phone&membership=none", "q=GMC+investigation&page=1", "q=&need=nothing",
		"q=%E2%80%8Bmrcp", "page=0", "page=3", "open=later", "q=" + strings.Repeat("doctor+", 30),
		"search=burnout&per_page=5&page=2", "search=gambling&taxonomy_term_id=not-a-uuid",
		"search=&modified_after=2026-01-01&minimal=true", "format=ndjson&full=1",
		// Page numbers whose first result's place overflows an int: once a
		// panic (500) on /services and /api/hsds/services.
		"q=burnout&page=461168601842738791", "q=burnout&page=9223372036854775807",
		"search=burnout&page=9223372036854775807&per_page=100",
	} {
		f.Add(s)
	}
	ctx := context.Background()
	db := storetest.Open(f, store.SQLite)
	if _, err := LoadSeed(ctx, db); err != nil {
		f.Fatal(err)
	}
	snap, err := NewIndex().current(ctx, db)
	if err != nil {
		f.Fatal(err)
	}
	vocab := snap.vocabulary
	known := map[string]bool{}
	for _, d := range snap.docs {
		known[d.id] = true
	}
	fields := []string{"q", "need", "who", "where", "how", "open", "membership", "address"}
	now := time.Date(2026, 11, 24, 14, 30, 0, 0, time.UTC) // a Tuesday afternoon
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw) // as r.URL.Query() reads it

		form := web.NewForm(v)
		p := parseSearch(v, vocab, form)
		if !form.Valid() {
			for _, fe := range form.Summary() {
				if !slices.Contains(fields, fe.Field) || fe.Message == "" {
					t.Fatalf("message %q on %q, which /services does not have", fe.Message, fe.Field)
				}
			}
		} else {
			q := p.query(vocab)
			q.Now = now
			res := snap.search(q)
			checkPage(t, known, res, pageSize)
			q.exhaustive = true
			if full := snap.search(q); !reflect.DeepEqual(full.IDs, res.IDs) || full.Total != res.Total {
				t.Fatalf("%q: the best %d as they come are %v of %d, a full sort gives %v of %d", raw, pageSize, res.IDs, res.Total, full.IDs, full.Total)
			}
			for _, page := range []int{p.page - 1, p.page + 1} {
				if page < 1 {
					continue
				}
				link, err := url.ParseQuery(strings.TrimPrefix(strings.TrimPrefix(servicesURL(p.values(page)), "/services"), "?"))
				if err != nil {
					t.Fatalf("link to page %d: %v", page, err)
				}
				lf := web.NewForm(link)
				back := parseSearch(link, vocab, lf)
				want := p
				want.page = page
				if !lf.Valid() || !reflect.DeepEqual(back, want) {
					t.Fatalf("%q: the link to page %d reads as %+v (%v), want %+v", raw, page, back, lf.Summary(), want)
				}
			}
		}

		sr, err := parseServiceRequest(params{v})
		if err != nil {
			var pe *paramError
			if !errors.As(err, &pe) || pe.msg == "" {
				t.Fatalf("API refusal %v is not a parameter error with a message", err)
			}
			return
		}
		q := sr.query
		q.Offset, q.Limit = sr.paging.offset(), sr.paging.perPage
		q.Now = now
		checkPage(t, known, snap.search(q), sr.paging.perPage)
	})
}

// checkPage: at most limit results, each a real service, none twice, and
// never more than the total.
func checkPage(t *testing.T, known map[string]bool, res Results, limit int) {
	t.Helper()
	if len(res.IDs) > limit || len(res.IDs) > res.Total || res.Total < 0 {
		t.Fatalf("%d results on a page of %d, of %d in all", len(res.IDs), limit, res.Total)
	}
	seen := map[string]bool{}
	for _, id := range res.IDs {
		if !known[id] || seen[id] {
			t.Fatalf("result %q is not a service, or comes twice: %v", id, res.IDs)
		}
		seen[id] = true
	}
}
