package app_test

import (
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// tcpProxy forwards connections to the database server until Close; then
// its port refuses them, as a stopped or unreachable server's does.
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

func (p *tcpProxy) Close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// With its database out of reach, psu answers the pages and the API that
// need it with a calm 503 and Retry-After, never 500, and /readyz says 503:
// PostgreSQL stopped (its port refuses connections), or the SQLite file
// held locked by another process.
func TestDatabaseOutageIs503NotAFault(t *testing.T) {
	eachEngine(t, func(t *testing.T, e store.Engine) {
		var in *apptest.Instance
		var breakIt func()
		if e == store.Postgres {
			u, err := url.Parse(storetest.URL(t, e))
			if err != nil {
				t.Fatal(err)
			}
			proxy := startProxy(t, u.Host)
			u.Host = proxy.ln.Addr().String()
			in = apptest.StartOn(t, u.String())
			breakIt = proxy.Close
		} else {
			u := storetest.URL(t, e)
			in = apptest.StartOn(t, u)
			// The writer is one long-lived connection: a short busy
			// timeout on it keeps the test quick.
			if _, err := in.App.DB.ExecContext(t.Context(), "PRAGMA busy_timeout = 100"); err != nil {
				t.Fatal(err)
			}
			breakIt = func() {
				other, err := sql.Open("sqlite", strings.TrimPrefix(u, "sqlite://"))
				if err != nil {
					t.Fatal(err)
				}
				conn, err := other.Conn(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				if _, err := conn.ExecContext(context.Background(), "BEGIN EXCLUSIVE"); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { conn.ExecContext(context.Background(), "ROLLBACK"); conn.Close(); other.Close() })
			}
		}
		c := in.Client(t)
		api := func() apptest.Response {
			req, _ := http.NewRequest(http.MethodPost, in.URL+"/api/v1/eligibility", strings.NewReader(`{"region":"london","profession":"doctor","programme":"core","training_number":true}`))
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return apptest.Response{Response: res, Body: string(b)}
		}
		if res := api(); res.StatusCode != 200 {
			t.Fatalf("API before: %d %s", res.StatusCode, res.Body)
		}

		breakIt()
		checks := []struct {
			what string
			res  apptest.Response
			json bool
		}{
			{"start an application", c.Post("/apply/start", url.Values{}), false},
			{"eligibility API", api(), true},
		}
		if e == store.Postgres { // SQLite's readers carry on while a writer holds the lock
			checks = append(checks, struct {
				what string
				res  apptest.Response
				json bool
			}{"search", c.Get("/services?q=burnout"), false})
		}
		for _, ck := range checks {
			if ck.res.StatusCode != http.StatusServiceUnavailable || ck.res.Header.Get("Retry-After") == "" {
				t.Errorf("%s: %d, Retry-After %q", ck.what, ck.res.StatusCode, ck.res.Header.Get("Retry-After"))
			}
			if ck.json {
				if !strings.HasPrefix(ck.res.Header.Get("Content-Type"), "application/json") {
					t.Errorf("%s: %s", ck.what, ck.res.Header.Get("Content-Type"))
				}
			} else if !strings.Contains(ck.res.Body, "Sorry, the service is unavailable") {
				t.Errorf("%s: not the calm 503 page", ck.what)
			}
		}
		if e == store.Postgres {
			if res := c.Get("/readyz"); res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("readyz: %d", res.StatusCode)
			}
		}
	})
}
