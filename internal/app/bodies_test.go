package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// documentRoutes are the routes that receive a document, and the most each
// may accept. Every other route takes web.DefaultMaxBody.
var documentRoutes = map[string]int64{"POST /apply/documents": 16 << 20, "POST /portal/documents": 16 << 20, "POST /admin/settings/bank-holidays": 1 << 20,
	"POST /account/biography": 8 << 20}

// takesBody reports whether a route's method carries a body.
func takesBody(pattern string) bool {
	m, _, _ := strings.Cut(pattern, " ")
	return m != http.MethodGet && m != http.MethodHead
}

// filler is n bytes shaped like what route expects (a document upload, JSON
// or a form) that never ends where a real one would.
func filler(pattern string, n int64) (r io.Reader, contentType string) {
	switch {
	case documentRoutes[pattern] > 0:
		head := "--b\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\narcp\r\n" +
			"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"outcome.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
		return io.MultiReader(strings.NewReader(head), io.LimitReader(repeat('0'), n-int64(len(head)))), "multipart/form-data; boundary=b"
	case strings.Contains(pattern, " /api/"):
		return io.MultiReader(strings.NewReader(`{"region":"`), io.LimitReader(repeat('x'), n-11)), "application/json"
	}
	return io.MultiReader(strings.NewReader("answer="), io.LimitReader(repeat('x'), n-7)), "application/x-www-form-urlencoded"
}

type repeat byte

func (c repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// countingBody is a request body that counts how much of it psu reads.
type countingBody struct {
	r io.Reader
	n int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

func (b *countingBody) Close() error { return nil }

// eligibleApplicant makes c hold an application draft that has passed the
// eligibility questions, so every /apply/ route reads what it is sent.
func eligibleApplicant(t *testing.T, c *apptest.Client) {
	t.Helper()
	if res := c.Post("/apply/start", nil); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start: %d", res.StatusCode)
	}
	for _, a := range [][2]string{{"region", "london"}, {"profession", "doctor"}, {"programme", "core"}, {"training-number", "true"}} {
		if res := c.Post("/apply/check/"+a[0], url.Values{"answer": {a[1]}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("answer %s: %d", a[0], res.StatusCode)
		}
	}
}

// bodyRoutes is the route table's routes that take a body, with the ones
// that change the session last.
func bodyRoutes(in *apptest.Instance) []web.Route {
	var out []web.Route
	for _, r := range in.App.Web.Router.Routes() {
		if takesBody(r.Pattern) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return !changesSession[out[i].Pattern] && changesSession[out[j].Pattern]
	})
	return out
}

// Every route that takes a body declares a small limit, except the routes
// that receive a document; and on every one of them, as a visitor and as an
// applicant whose draft reads what it is sent, a 100 MiB body is refused
// with 413 before a byte is read when its length is declared (whatever its
// Content-Type), and is read no further than the route's limit when it is
// not, without a 5xx.
func TestEveryRouteRefusesLargeBodiesBeforeReadingThem(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Engine) {
		in := apptest.Start(t, e)
		applicant := in.Client(t)
		eligibleApplicant(t, applicant)
		base, _ := url.Parse(in.URL)
		h := in.App.Handler()
		routes := bodyRoutes(in)
		if len(routes) < 10 {
			t.Fatalf("only %d routes take a body", len(routes))
		}
		const big = 100 << 20
		for _, rt := range routes {
			want := int64(web.DefaultMaxBody)
			if n, ok := documentRoutes[rt.Pattern]; ok {
				if rt.MaxBody <= web.DefaultMaxBody || rt.MaxBody > n {
					t.Errorf("%s takes documents but accepts %d bytes, want more than %d and at most %d", rt.Pattern, rt.MaxBody, web.DefaultMaxBody, n)
				}
				want = rt.MaxBody
			} else if rt.MaxBody != want {
				t.Errorf("%s accepts %d bytes, want %d", rt.Pattern, rt.MaxBody, want)
			}
			method, path := concrete(rt.Pattern)
			for _, who := range []string{"visitor", "applicant"} {
				for _, chunked := range []bool{false, true} {
					for _, multipart := range []bool{false, true} {
						r, ct := filler(rt.Pattern, big)
						if multipart {
							ct = "multipart/form-data; boundary=b"
						}
						body := &countingBody{r: r}
						req := httptest.NewRequest(method, path, body)
						req.Header.Set("Content-Type", ct)
						req.ContentLength = big
						if chunked {
							req.ContentLength = -1
						}
						if who == "applicant" {
							for _, ck := range applicant.Jar.Cookies(base) {
								req.AddCookie(ck)
							}
						}
						w := httptest.NewRecorder()
						h.ServeHTTP(w, req)
						what := rt.Pattern + " as " + who + ", " + ct
						switch {
						case !chunked && (w.Code != http.StatusRequestEntityTooLarge || body.n != 0):
							t.Errorf("%s, declared 100 MiB: %d after reading %d bytes, want 413 before reading", what, w.Code, body.n)
						case chunked && body.n > want+1:
							t.Errorf("%s, chunked 100 MiB: read %d bytes, limit %d", what, body.n, want)
						case w.Code >= 500:
							t.Errorf("%s: status %d", what, w.Code)
						}
					}
				}
			}
		}
	})
}
