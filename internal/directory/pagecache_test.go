package directory_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/seed"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// The search page is kept in each psu's page cache, and two psu on one
// database still show every change: an import through one, a change of
// the unit's settings, each seen by the very next search on the psu it
// was made through and by every search on the other from
// web.VersionFreshness later. A visitor with a list gets their own page,
// never the kept one.
func TestSearchPageCacheFollowsTheDatabase(t *testing.T) {
	eachEngine(t, func(t *testing.T, in *apptest.Instance) {
		ctx := context.Background()
		other := apptest.StartOn(t, in.DBURL)
		a, b := in.Client(t), other.Client(t)
		const stress, mental = "/services?q=stress", "/services?q=mental+health"

		first := a.Get(stress)
		expect(t, "first", first, 200)
		etag := first.Header.Get("ETag")
		again := a.Get(stress)
		if etag == "" || again.Header.Get("ETag") != etag || again.Body != first.Body {
			t.Fatalf("not kept: ETag %q then %q", etag, again.Header.Get("ETag"))
		}
		if res := b.Get(stress); res.Body != first.Body {
			t.Error("the other psu shows another page")
		}
		if strings.Contains(first.Body, "(renamed)") {
			t.Fatal("renamed before the import")
		}

		// An import through the other psu: it shows it at once, this psu
		// once its last read of the version is too old to stand.
		d, err := directory.ReadDataset(bytes.NewReader(seed.Directory))
		if err != nil {
			t.Fatal(err)
		}
		for i := range d.Organizations {
			for j := range d.Organizations[i].Services {
				d.Organizations[i].Services[j].Name += " (renamed)"
			}
		}
		if _, err := directory.Import(ctx, other.App.DB, d, "test", nil); err != nil {
			t.Fatal(err)
		}
		imported := func(name string, c *apptest.Client) {
			res := c.Get(stress)
			expect(t, name+" after the import", res, 200, "(renamed)")
			if res.Header.Get("ETag") == etag {
				t.Errorf("%s: the ETag did not change with the page", name)
			}
		}
		imported("the other psu", b)
		time.Sleep(web.VersionFreshness)
		imported("this psu", a)

		// The unit's regions, changed on the other psu: Canopi (Wales) is
		// marked as for Wales until Wales is the unit's region.
		for _, c := range []*apptest.Client{a, b} {
			expect(t, "before the settings change", c.Get(mental), 200, "Wales only")
		}
		err = other.App.DB.Tx(ctx, func(tx *store.Tx) error {
			return settings.Set(ctx, tx, directory.KeyUnitRegions, "wales", "")
		})
		if err != nil {
			t.Fatal(err)
		}
		regions := func(name string, c *apptest.Client) {
			if body := c.Get(mental).Body; strings.Contains(body, "Wales only") || !strings.Contains(body, "London only") {
				t.Errorf("%s: the settings change was not seen", name)
			}
		}
		regions("the other psu", b)
		time.Sleep(web.VersionFreshness)
		regions("this psu", a)

		// A visitor with a list: their page counts it and marks the card;
		// a visitor without one still gets the kept page, with no count.
		page := a.Get(stress)
		id := between(page.Body, `id="service-`, `"`)
		if id == "" {
			t.Fatal("no result card")
		}
		withList := in.Client(t)
		withList.Post("/my-list", url.Values{"id": {id}, "action": {"add"}, "back": {stress}})
		expect(t, "with a list", withList.Get(stress), 200, "My list (1)", "Remove from my list")
		mine := withList.Get(stress)
		if mine.Header.Get("ETag") != "" {
			t.Error("a page for a visitor with a list carries the cache's ETag")
		}
		anon := in.Client(t).Get(stress)
		if strings.Contains(anon.Body, "My list (") || anon.Body != page.Body {
			t.Error("a visitor without a list did not get the kept page")
		}
	})
}

func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, to)
	return v
}
