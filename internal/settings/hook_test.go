package settings_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

// hookServer is a web server with only the settings page, its hook under
// the test's control, and every request made by one administrator.
type hookServer struct {
	db     *store.DB
	client *apptest.Client
	// fail makes the hook fail; seen is what each call found in its
	// transaction.
	fail bool
	seen []string
}

func startHookServer(t *testing.T, e store.Engine) *hookServer {
	t.Helper()
	ctx := context.Background()
	hs := &hookServer{db: storetest.Open(t, e)}
	cfg, err := config.Load(func(k string) string { return map[string]string{"PSU_DATA_DIR": t.TempDir()}[k] })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(cfg, hs.db, slog.New(slog.NewTextHandler(testLog{t}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	u, err := auth.CreateUser(ctx, hs.db, apptest.CheapArgon2, "admin@example.nhs.uk", "Test Administrator", []web.Role{web.RoleAdministrator}, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	srv.SetIdentify(func(*http.Request) (web.Principal, error) {
		return web.Principal{UserID: u.ID, Name: u.Name, Roles: u.Roles}, nil
	})
	err = settings.Register(srv, func(ctx context.Context, tx *store.Tx) error {
		cs, err := settings.Clock(ctx, tx)
		if err != nil {
			return err
		}
		hs2, err := settings.Holidays(ctx, tx)
		if err != nil {
			return err
		}
		hs.seen = append(hs.seen, fmt.Sprintf("%d %s, %d holidays", cs.Days, cs.Mode, len(hs2)))
		if hs.fail {
			return errors.New("the hook failed")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	hs.client = apptest.NewClient(t, ts.URL)
	return hs
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) { l.t.Log(string(p)); return len(p), nil }

// The hook runs inside the transaction that changes the settings: it sees
// the new values, and when it fails nothing changes and nothing is audited.
func TestClockChangeHookRunsInTheSameTransaction(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			hs := startHookServer(t, e)
			c := hs.client
			shipped := len(workdays.Shipped())
			next := fmt.Sprintf("%d-05-03", time.Now().Year()+1)
			file := govUK(t, []workdays.Holiday{{Date: next, Title: "Early May bank holiday"}})

			if res := c.Post("/admin/settings/clock", url.Values{"days": {"9"}, "mode": {"working"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("clock: %d\n%s", res.StatusCode, res.Body)
			}
			if res := upload(t, c, file); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("upload: %d\n%s", res.StatusCode, res.Body)
			}
			if res := c.Post("/admin/settings/bank-holidays/shipped", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("go back: %d\n%s", res.StatusCode, res.Body)
			}
			want := []string{"9 working, " + fmt.Sprint(shipped) + " holidays", "9 working, 1 holidays", "9 working, " + fmt.Sprint(shipped) + " holidays"}
			if fmt.Sprint(hs.seen) != fmt.Sprint(want) {
				t.Errorf("the hook saw %q, want %q", hs.seen, want)
			}
			// A refused form never reaches the hook.
			if res := c.Post("/admin/settings/clock", url.Values{"days": {"99"}, "mode": {"working"}}); res.StatusCode != http.StatusUnprocessableEntity || len(hs.seen) != 3 {
				t.Errorf("refused form: %d, hook calls %d", res.StatusCode, len(hs.seen))
			}

			hs.fail = true
			audited := len(auditEntries(t, hs.db, "settings."))
			if res := c.Post("/admin/settings/clock", url.Values{"days": {"20"}, "mode": {"calendar"}}); res.StatusCode != http.StatusInternalServerError {
				t.Errorf("clock with a failing hook: %d", res.StatusCode)
			}
			if res := upload(t, c, file); res.StatusCode != http.StatusInternalServerError {
				t.Errorf("upload with a failing hook: %d", res.StatusCode)
			}
			if len(hs.seen) != 5 || hs.seen[3] != "20 calendar, "+fmt.Sprint(shipped)+" holidays" || hs.seen[4] != "9 working, 1 holidays" {
				t.Errorf("the failing hook saw %q", hs.seen)
			}
			if got := clockNow(t, hs.db); got != (settings.ClockSettings{Days: 9, Mode: workdays.Working}) {
				t.Errorf("a failed change left the clock at %+v", got)
			}
			if got := holidaysNow(t, hs.db); len(got) != shipped {
				t.Errorf("a failed upload left %d holidays in use", len(got))
			}
			if n := len(auditEntries(t, hs.db, "settings.")); n != audited {
				t.Errorf("failed changes were audited: %d entries, want %d", n, audited)
			}
		})
	}
}
