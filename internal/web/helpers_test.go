package web

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/store"
)

// logRecord is one line a test server logged.
type logRecord struct {
	Level slog.Level
	Msg   string
	Attrs map[string]string
}

// recordingHandler keeps every record, at every level, for tests to read.
type recordingHandler struct {
	mu      *sync.Mutex
	records *[]logRecord
	attrs   []slog.Attr
}

func (h recordingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h recordingHandler) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Level: r.Level, Msg: r.Message, Attrs: map[string]string{}}
	for _, a := range h.attrs {
		rec.Attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs[a.Key] = a.Value.String()
		return true
	})
	h.mu.Lock()
	*h.records = append(*h.records, rec)
	h.mu.Unlock()
	return nil
}

func (h recordingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	h.attrs = append(append([]slog.Attr(nil), h.attrs...), as...)
	return h
}

func (h recordingHandler) WithGroup(string) slog.Handler { return h }

// testServer is a Server on db whose log the test can read.
type testServer struct {
	*Server
	mu      sync.Mutex
	records []logRecord
}

func newTestServer(t testing.TB, db *store.DB, env ...string) *testServer {
	t.Helper()
	vars := map[string]string{"PSU_DATA_DIR": t.TempDir()}
	for i := 0; i+1 < len(env); i += 2 {
		vars[env[i]] = env[i+1]
	}
	cfg, err := config.Load(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{}
	log := slog.New(recordingHandler{mu: &ts.mu, records: &ts.records})
	if ts.Server, err = New(cfg, db, log); err != nil {
		t.Fatal(err)
	}
	return ts
}

// logged returns a copy of what the server has logged so far.
func (ts *testServer) logged() []logRecord {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]logRecord(nil), ts.records...)
}

// start serves ts over a real connection until the test ends.
func (ts *testServer) start(t *testing.T) *httptest.Server {
	t.Helper()
	hs := httptest.NewServer(ts.Handler())
	t.Cleanup(hs.Close)
	return hs
}
