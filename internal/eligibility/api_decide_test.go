package eligibility_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

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

// jsonFiller is a JSON-looking body of n bytes: an object whose one string
// never ends.
func jsonFiller(n int64) *countingBody {
	return &countingBody{r: io.MultiReader(strings.NewReader(`{"region":"`), io.LimitReader(repeat('x'), n-11))}
}

type repeat byte

func (c repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// A body far larger than any answer is refused with 413 as JSON: by its
// declared length before any of it is read (whatever its Content-Type), and
// after at most the route's limit when its length is not declared. Nothing
// is decided or recorded.
func TestAPIRefusesLargeBodiesWithoutHoldingThem(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			h := in.App.Handler()
			const big = 100 << 20
			for _, tc := range []struct {
				name, contentType string
				chunked           bool
				maxRead           int64
			}{
				{"declared, multipart", "multipart/form-data; boundary=x", false, 0},
				{"declared, JSON", "application/json", false, 0},
				{"chunked, JSON", "application/json", true, web.DefaultMaxBody + 1},
				{"chunked, multipart", "multipart/form-data; boundary=x", true, web.DefaultMaxBody + 1},
			} {
				body := jsonFiller(big)
				r := httptest.NewRequest(http.MethodPost, "/api/v1/eligibility", body)
				r.Header.Set("Content-Type", tc.contentType)
				r.ContentLength = big
				if tc.chunked {
					r.ContentLength = -1
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				var got map[string]string
				if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got["error"] == "" {
					t.Errorf("%s: body %q is not a JSON error: %v", tc.name, w.Body, err)
				}
				if w.Code != http.StatusRequestEntityTooLarge || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
					t.Errorf("%s: %d %s", tc.name, w.Code, w.Header().Get("Content-Type"))
				}
				if body.n > tc.maxRead {
					t.Errorf("%s: psu read %d bytes, want at most %d", tc.name, body.n, tc.maxRead)
				}
			}
			var n int
			store.Scan(in.App.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM eligibility_decisions`), &n)
			if n != 0 {
				t.Errorf("%d decisions recorded", n)
			}
			res := postJSON(t, in.Client(t), []byte(`{"region":"london","profession":"doctor","programme":"core","training_number":true}`))
			if res.StatusCode != http.StatusOK {
				t.Errorf("a small request after them: %d %s", res.StatusCode, res.Body)
			}
		})
	}
}
