package web

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// tcpProxy forwards connections to a database server until Close, after
// which its port refuses connections: the database as psu sees it when the
// server is stopped or unreachable.
type tcpProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(p.Close)
	return p
}

// Close stops listening and cuts every connection.
func (p *tcpProxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// brokenDB is a migrated database on engine e and a function that makes it
// unavailable the way it fails in production: PostgreSQL stops answering
// (its port refuses connections); an SQLite file stays locked by another
// process past the busy timeout.
func brokenDB(t *testing.T, e store.Engine) (db *store.DB, breakIt func()) {
	t.Helper()
	ctx := context.Background()
	u := storetest.URL(t, e)
	first, err := store.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := first.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if e == store.SQLite {
		// The writer is one long-lived connection: a short busy timeout on
		// it keeps the test quick.
		if _, err := first.ExecContext(ctx, "PRAGMA busy_timeout = 100"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { first.Close() })
		return first, func() {
			other, err := sql.Open("sqlite", strings.TrimPrefix(u, "sqlite://"))
			if err != nil {
				t.Fatal(err)
			}
			conn, err := other.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := conn.ExecContext(ctx, "BEGIN EXCLUSIVE"); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { conn.ExecContext(ctx, "ROLLBACK"); conn.Close(); other.Close() })
		}
	}
	first.Close()
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	proxy := startProxy(t, pu.Host)
	pu.Host = proxy.ln.Addr().String()
	if db, err = store.Open(ctx, pu.String()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, proxy.Close
}

// A page whose database cannot be reached gets the calm 503 page with
// Retry-After (JSON under /api/), /readyz says 503, and the log says the
// database is unavailable rather than reporting a fault in psu.
func TestDatabaseUnavailableIs503WithRetryAfter(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			db, breakIt := brokenDB(t, e)
			ts := newTestServer(t, db)
			write := func(w http.ResponseWriter, r *http.Request) {
				err := db.Tx(r.Context(), func(tx *store.Tx) error {
					_, err := tx.ExecContext(r.Context(), `INSERT INTO rate_limits (bucket, window_start, hits) VALUES (?, ?, 1)`, store.NewID(), store.Now())
					return err
				})
				if err != nil {
					ts.ServerError(w, r, err)
					return
				}
				w.Write([]byte("saved"))
			}
			ts.Router.Handle("POST /test/save", Public, write)
			ts.Router.Handle("POST /api/test/save", Public, write)
			hs := ts.start(t)
			post := func(path string) (*http.Response, string) {
				req, _ := http.NewRequest(http.MethodPost, hs.URL+path, nil)
				res, err := hs.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				b, _ := io.ReadAll(res.Body)
				return res, string(b)
			}
			if res, body := post("/test/save"); res.StatusCode != 200 {
				t.Fatalf("before: %d %s", res.StatusCode, body)
			}
			if res, _ := hs.Client().Get(hs.URL + "/readyz"); res.StatusCode != 200 {
				t.Fatalf("readyz before: %d", res.StatusCode)
			}

			breakIt()
			res, body := post("/test/save")
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "30" {
				t.Errorf("page: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
			}
			if !strings.Contains(body, "Sorry, the service is unavailable") || !strings.Contains(body, "Try again in a few minutes") {
				t.Errorf("503 page: %s", body)
			}
			res, body = post("/api/test/save")
			if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") != "30" ||
				!strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				t.Errorf("API: %d, Retry-After %q, %s %s", res.StatusCode, res.Header.Get("Retry-After"), res.Header.Get("Content-Type"), body)
			}
			if e == store.Postgres { // SQLite readers still read while a writer holds the lock
				res, err := hs.Client().Get(hs.URL + "/readyz")
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
					t.Errorf("readyz: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
				}
			}
			unavailable := 0
			for _, rec := range ts.logged() {
				if rec.Msg == "server error" {
					t.Errorf("logged as a fault in psu: %+v", rec)
				}
				if rec.Msg == "database unavailable" {
					unavailable++
				}
			}
			if unavailable != 2 {
				t.Errorf("%d \"database unavailable\" lines, want 2", unavailable)
			}
		})
	}
}

// A client that goes away while its request waits on the database is noted
// at debug level: no 500, nothing at warning level or above.
func TestCanceledRequestIsNotLoggedAsAnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ts := newTestServer(t, db)
		started, finished := make(chan struct{}), make(chan struct{})
		ts.Router.Handle("GET /test/wait", Public, func(w http.ResponseWriter, r *http.Request) {
			defer close(finished)
			close(started)
			<-r.Context().Done()
			var n int
			if err := store.Scan(db.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM rate_limits`), &n); err != nil {
				ts.ServerError(w, r, err)
				return
			}
			w.Write([]byte("done"))
		})
		hs := ts.start(t)
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, hs.URL+"/test/wait", nil)
		go func() { <-started; cancel() }()
		if res, err := hs.Client().Do(req); err == nil {
			res.Body.Close()
			t.Fatalf("request finished with %d", res.StatusCode)
		}
		select {
		case <-finished:
		case <-time.After(10 * time.Second):
			t.Fatal("the handler never saw the client go away")
		}
		var request *logRecord
		for deadline := time.Now().Add(5 * time.Second); request == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			for _, rec := range ts.logged() {
				if rec.Msg == "request" {
					request = &rec
				}
			}
		}
		if request == nil {
			t.Fatal("no request line logged")
		}
		if request.Attrs["status"] == "500" || request.Level >= slog.LevelWarn {
			t.Errorf("request line %+v", *request)
		}
		wentAway := false
		for _, rec := range ts.logged() {
			if rec.Level >= slog.LevelWarn {
				t.Errorf("logged at %s: %+v", rec.Level, rec)
			}
			wentAway = wentAway || (rec.Msg == "client went away" && rec.Level == slog.LevelDebug)
		}
		if !wentAway {
			t.Errorf("no debug line for the client that went away: %+v", ts.logged())
		}
	})
}
