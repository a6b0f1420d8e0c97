package audit

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/psu-project/psu/internal/store"
)

// Two psu instances (two pools on one database), each with several
// transactions appending at once, leave one unbroken chain: no place taken
// twice, none skipped, and no append refused.
func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, url string) {
		instances := []*store.DB{db, open(t, url)}
		const workers, each = 4, 15
		var wg sync.WaitGroup
		errs := make(chan error, len(instances)*workers*each)
		for i, inst := range instances {
			for w := range workers {
				wg.Go(func() {
					for n := range each {
						e := Event{ActorRole: "system", Action: "test.append", Detail: fmt.Sprintf("instance %d worker %d entry %d", i, w, n)}
						var err error
						if n%2 == 0 {
							err = Record(ctx, inst, e) // a transaction of its own
						} else {
							// A transaction that read the log before
							// appending still appends after the newest entry.
							err = inst.Tx(ctx, func(tx *store.Tx) error {
								var n int
								if err := store.Scan(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`), &n); err != nil {
									return err
								}
								return Record(ctx, tx, e)
							})
						}
						if err != nil {
							errs <- err
						}
					}
				})
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("append failed: %v", err)
		}
		want := len(instances) * workers * each
		rep := verify(t, db)
		if !rep.OK() || rep.Checked != want || rep.Newest.Seq != int64(want) {
			t.Fatalf("after %d concurrent appends: %+v, problem %v", want, rep, rep.Problem)
		}
	})
}

func TestRecord(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, url string) {
		staff := store.NewID()
		if err := Record(ctx, db, Event{ActorID: staff, ActorRole: "adviser", Action: "case.viewed", TargetType: "case", TargetID: "c1", CaseID: "c1", Source: "192.0.2.7", Detail: "summary"}); err != nil {
			t.Fatal(err)
		}
		// A visitor's address is never kept, even when a caller passes it.
		if err := Record(ctx, db, Event{Action: "application.submitted", TargetType: "application", TargetID: "a1", Source: "198.51.100.9"}); err != nil {
			t.Fatal(err)
		}
		// An entry rolled back with its transaction leaves no gap.
		boom := errors.New("boom")
		err := db.Tx(ctx, func(tx *store.Tx) error {
			if err := Record(ctx, tx, Event{ActorRole: "system", Action: "test.rolled_back"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if err := Record(ctx, db, Event{ActorRole: "system", Action: "test.after", Source: "cli"}); err != nil {
			t.Fatal(err)
		}
		if err := Record(ctx, db, Event{ActorRole: "system"}); err == nil {
			t.Error("an entry without an action was written")
		}

		p, err := List(ctx, db, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Entries) != 3 || !p.Next.IsZero() {
			t.Fatalf("entries: %+v", p)
		}
		got := map[string]Entry{}
		for _, e := range p.Entries {
			got[e.Action] = e
		}
		if e := got["case.viewed"]; e.Seq != 1 || e.ActorID != staff || e.CaseID != "c1" || e.Source != "192.0.2.7" || e.Detail != "summary" || e.At.IsZero() {
			t.Errorf("staff entry read back as %+v", e)
		}
		if e := got["application.submitted"]; e.Seq != 2 || e.ActorRole != "visitor" || e.ActorID != "" || e.Source != "" {
			t.Errorf("visitor entry read back as %+v", e)
		}
		if e := got["test.after"]; e.Seq != 3 || e.Source != "cli" {
			t.Errorf("entry after a rollback read back as %+v", e)
		}
		if rep := verify(t, db); !rep.OK() || rep.Checked != 3 {
			t.Errorf("verify: %+v %v", rep, rep.Problem)
		}
	})
}

func TestForCase(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, url string) {
		for i := range 5 {
			for _, c := range []string{"case-a", "case-b", ""} {
				if err := Record(ctx, db, Event{ActorID: store.NewID(), ActorRole: "adviser", Action: "case.viewed", CaseID: c, Detail: fmt.Sprint(i)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		es, err := ForCase(ctx, db, "case-a", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 5 {
			t.Fatalf("%d entries for case-a, want 5", len(es))
		}
		for i, e := range es {
			if e.CaseID != "case-a" || e.Detail != fmt.Sprint(4-i) || (i > 0 && e.Seq >= es[i-1].Seq) {
				t.Errorf("entry %d: %+v (want newest first, case-a only)", i, e)
			}
		}
		if es, _ := ForCase(ctx, db, "case-b", 2); len(es) != 2 || es[0].Detail != "4" {
			t.Errorf("limit 2: %+v", es)
		}
		if es, err := ForCase(ctx, db, "case-none", 10); err != nil || len(es) != 0 {
			t.Errorf("a case without entries: %+v, %v", es, err)
		}
		if _, err := ForCase(ctx, db, "", 10); err == nil {
			t.Error("ForCase without a case id listed entries")
		}
	})
}

func TestList(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, url string) {
		alice, bob := store.NewID(), store.NewID()
		add := func(actor, action string) {
			t.Helper()
			if err := Record(ctx, db, Event{ActorID: actor, ActorRole: "administrator", Action: action}); err != nil {
				t.Fatal(err)
			}
		}
		add(alice, "auth.sign_in")
		add(bob, "auth.sign_in")
		add(alice, "auth.sign_out")
		mid := store.Now()
		for store.Now().Equal(mid) { // the next entries are strictly later
		}
		add(alice, "case.viewed")
		add(bob, "case.closed")
		add(alice, "auth.sign_in_failed")
		add(alice, "authority.changed")

		actions := func(f Filter) []string {
			t.Helper()
			p, err := List(ctx, db, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range p.Entries {
				out = append(out, e.Action)
			}
			return out
		}
		for _, c := range []struct {
			name string
			f    Filter
			want string
		}{
			{"all, newest first", Filter{}, "[authority.changed auth.sign_in_failed case.closed case.viewed auth.sign_out auth.sign_in auth.sign_in]"},
			{"by actor", Filter{ActorID: bob}, "[case.closed auth.sign_in]"},
			{"action prefix", Filter{ActionPrefix: "auth."}, "[auth.sign_in_failed auth.sign_out auth.sign_in auth.sign_in]"},
			{"action prefix is case-sensitive", Filter{ActionPrefix: "AUTH."}, "[]"},
			{"action prefix holding LIKE wildcards", Filter{ActionPrefix: "auth_"}, "[]"},
			{"actor and prefix", Filter{ActorID: alice, ActionPrefix: "auth.sign_in"}, "[auth.sign_in_failed auth.sign_in]"},
			{"since", Filter{Since: mid}, "[authority.changed auth.sign_in_failed case.closed case.viewed]"},
			{"until", Filter{Until: mid}, "[auth.sign_out auth.sign_in auth.sign_in]"},
			{"since and actor", Filter{Since: mid, ActorID: bob}, "[case.closed]"},
		} {
			if got := fmt.Sprint(actions(c.f)); got != c.want {
				t.Errorf("%s: %s, want %s", c.name, got, c.want)
			}
		}

		// Pages of 3 cover every entry once, newest first, through the
		// cursor's text form as a link would carry it.
		all, err := List(ctx, db, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var paged []Entry
		f := Filter{Limit: 3}
		for range 10 {
			p, err := List(ctx, db, f)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Entries) > 3 {
				t.Fatalf("a page of %d entries, limit 3", len(p.Entries))
			}
			paged = append(paged, p.Entries...)
			if p.Next.IsZero() {
				break
			}
			f.After = ParseCursor(p.Next.String())
			if f.After != p.Next {
				t.Fatalf("cursor %+v read back as %+v", p.Next, f.After)
			}
			// An entry added meanwhile does not shift the later pages.
			add(bob, "late.entry")
		}
		if fmt.Sprint(paged) != fmt.Sprint(all.Entries) {
			t.Errorf("pages gave\n%v\nwant\n%v", paged, all.Entries)
		}
		if c := ParseCursor("not a cursor"); !c.IsZero() {
			t.Errorf("a mangled cursor read as %+v", c)
		}
	})
}
