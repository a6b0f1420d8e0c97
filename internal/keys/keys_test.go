package keys_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/keys"
	"github.com/psu-project/psu/internal/keys/keystest"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

var ctx = context.Background()

// newKeyFile writes a one-key file as psu first makes it, and returns its
// path and a Sealer of that key alone.
func newKeyFile(t *testing.T) (string, *seal.Sealer) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "psu.key")
	k, created, err := seal.LoadKey(path, true)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	s, err := seal.New(k)
	if err != nil {
		t.Fatal(err)
	}
	return path, s
}

func usageOf(t *testing.T, db *store.DB) map[uint32]int {
	t.Helper()
	us, err := keys.Count(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	out := map[uint32]int{}
	for _, u := range us {
		out[u.Key] = u.Values
	}
	return out
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(seal.ReloadEvery + 5*time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The whole rotation on a running psu: a new key, a rotation stopped part
// way (the app reads everything meanwhile, and key 1 cannot be retired),
// resumed to the end, key 1 retired; then every sealed value opens with
// the new key alone, the old key opens none, and a psu started with the new
// key file alone reads applications, cases (names, notes, documents),
// referrers' notices, drafts, reports and mail, and still matches e-mail
// addresses through blind indexes made before the rotation.
func TestRotateAndRetireOnARunningPSU(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			keyPath, old := newKeyFile(t)
			dbURL := storetest.URL(t, e)
			in := apptest.StartOn(t, dbURL, "PSU_KEY_FILE="+keyPath)
			f := keystest.Fill(t, in, 6)
			if u := usageOf(t, in.App.DB); len(u) != 1 || u[1] == 0 {
				t.Fatalf("before rotating: %v", u)
			}

			kf, step, err := keys.Begin(keyPath)
			if err != nil || step != keys.Added || kf.Current().ID != 2 {
				t.Fatalf("begin: %v %v %d", step, err, kf.Current().ID)
			}
			waitFor(t, "the running psu to read the new key file", func() bool { return in.App.Sealer().Current() == 2 })
			s, err := seal.FromKeyFile(kf)
			if err != nil {
				t.Fatal(err)
			}

			// Stop part way through the documents (4 to a batch).
			stopped, stop := context.WithCancel(ctx)
			var seen []keys.Progress
			_, err = keys.Rotate(stopped, in.App.DB, s, func(p keys.Progress) {
				seen = append(seen, p)
				if p.Column == "application_file_contents.content" && p.Done > 0 && p.Done < p.Total {
					stop()
				}
			})
			stop()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted rotation: %v (progress %v)", err, seen)
			}
			if u := usageOf(t, in.App.DB); u[1] == 0 || u[2] == 0 {
				t.Fatalf("after the interruption both keys should be in use: %v", u)
			}
			f.CheckReadable(t, in)
			if _, err := keys.Retire(ctx, in.App.DB, keyPath, 1); !errors.Is(err, keys.ErrInUse) || !strings.Contains(err.Error(), "still sealed under key 1") {
				t.Fatalf("retiring a key still in use: %v", err)
			}

			kf, step, err = keys.Begin(keyPath)
			if err != nil || step != keys.Resumed || kf.Current().ID != 2 {
				t.Fatalf("begin again: %v %v", step, err)
			}
			var last keys.Progress
			rep, err := keys.Rotate(ctx, in.App.DB, s, func(p keys.Progress) { last = p })
			if err != nil || rep.Left != 0 || rep.Resealed == 0 || rep.Key != 2 {
				t.Fatalf("resumed rotation: %+v %v", rep, err)
			}
			if last.Done != last.Total {
				t.Errorf("last progress %+v", last)
			}
			if u := usageOf(t, in.App.DB); len(u) != 1 || u[2] == 0 {
				t.Fatalf("after the rotation: %v", u)
			}
			if _, err := keys.Retire(ctx, in.App.DB, keyPath, 2); !errors.Is(err, keys.ErrInUse) {
				t.Errorf("retiring the key in use: %v", err)
			}
			if _, err := keys.Retire(ctx, in.App.DB, keyPath, 7); err == nil || !strings.Contains(err.Error(), "holds no key 7") {
				t.Errorf("retiring a key the file lacks: %v", err)
			}
			kf, err = keys.Retire(ctx, in.App.DB, keyPath, 1)
			if err != nil || len(kf.Keys) != 1 || kf.Keys[0].ID != 2 {
				t.Fatalf("retire: %v %+v", err, kf.Keys)
			}
			newOnly, err := seal.FromKeyFile(kf)
			if err != nil {
				t.Fatal(err)
			}
			keystest.OpensOnlyWith(t, in.App.DB, newOnly, old)

			if err := in.Stop(); err != nil {
				t.Fatal(err)
			}
			after := apptest.StartOn(t, dbURL, "PSU_KEY_FILE="+keyPath)
			if after.App.Sealer().Holds(1) {
				t.Fatal("the new psu holds the retired key")
			}
			f.CheckReadable(t, after)
		})
	}
}

// A psu that has not read the new key file yet keeps saving a draft under
// the old key while the rotation runs. Re-sealing replaces a value only if
// it is still the one it read, so no save is lost; once that psu stops,
// one more run leaves nothing under the old key.
func TestRotateLosesNoWriteMadeMeanwhile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k1 := []byte(strings.Repeat("k", 32))
		k2, _ := seal.NewKey(2)
		both, err := seal.FromKeyFile(seal.KeyFile{Blind: seal.BlindKeyOf(k1), Keys: []seal.Key{k2, {ID: 1, Secret: k1}}})
		if err != nil {
			t.Fatal(err)
		}
		// The stale psu holds key 2 (it opens what the rotation wrote) but
		// seals under key 1, as a psu does with a prepared key file.
		k2next := k2
		k2next.Next = true
		lagging, err := seal.FromKeyFile(seal.KeyFile{Blind: seal.BlindKeyOf(k1), Keys: []seal.Key{k2next, {ID: 1, Secret: k1}}})
		if err != nil {
			t.Fatal(err)
		}
		stale := &application.Store{DB: db, Sealer: lagging}
		var ids []string
		for range 3 {
			d := &application.Draft{}
			if err := stale.CreateDraft(ctx, d); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, d.ID)
		}
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		var saves atomic.Int64
		go func() {
			defer wg.Done()
			for i := 1; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				for _, id := range ids {
					_, err := stale.UpdateDraft(ctx, id, func(_ *store.Tx, d *application.Draft) error {
						if got := d.Pages["about-you"].Get("n"); got != strconv.Itoa(i-1) && i > 1 {
							return fmt.Errorf("draft %s holds save %q, want %d: a save was lost", id, got, i-1)
						}
						d.Pages = map[string]url.Values{"about-you": {"n": {strconv.Itoa(i)}}}
						return nil
					})
					if err != nil {
						t.Error(err)
						return
					}
				}
				saves.Store(int64(i))
			}
		}()
		// At least 15 rotations, and on until the saves have had five rounds
		// beside them (a busy machine may starve the saver at first).
		for r := 0; r < 15 || (saves.Load() < 5 && r < 2000); r++ {
			if _, err := keys.Rotate(ctx, db, both, nil); err != nil {
				t.Fatal(err)
			}
		}
		close(done)
		wg.Wait()
		if n := saves.Load(); n < 5 {
			t.Fatalf("only %d rounds of saves ran beside the rotation", n)
		}
		rep, err := keys.Rotate(ctx, db, both, nil)
		if err != nil || rep.Left != 0 {
			t.Fatalf("final run: %+v %v", rep, err)
		}
		fresh := &application.Store{DB: db, Sealer: both}
		for _, id := range ids {
			d, err := fresh.Draft(ctx, db, id)
			if err != nil || d.Pages["about-you"].Get("n") != strconv.Itoa(int(saves.Load())) {
				t.Errorf("draft %s after the rotation: %v %v, want save %d", id, d, err, saves.Load())
			}
		}
		if u := usageOf(t, db); u[1] != 0 {
			t.Errorf("values left under key 1: %v", u)
		}
	})
}

// Check (used before a restore) opens samples with the key file, and
// names what it cannot open.
func TestCheckNamesValuesTheKeysCannotOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k1 := []byte(strings.Repeat("a", 32))
		old, _ := seal.New(k1)
		s := &application.Store{DB: db, Sealer: old}
		for range 3 {
			if err := s.CreateDraft(ctx, &application.Draft{}); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := keys.Check(ctx, db, old, 20); err != nil || n != 3 {
			t.Fatalf("check with the right key: %d %v", n, err)
		}
		k2, _ := seal.NewKey(2)
		other, _ := seal.FromKeyFile(seal.KeyFile{Blind: seal.BlindKeyOf(k1), Keys: []seal.Key{k2}})
		_, err := keys.Check(ctx, db, other, 20)
		if !errors.Is(err, keys.ErrUnreadable) || !strings.Contains(err.Error(), "under key 1, which the key file does not hold") || !strings.Contains(err.Error(), "application_drafts.answers 3") {
			t.Errorf("check without key 1: %v", err)
		}
		wrong, _ := seal.New([]byte(strings.Repeat("b", 32)))
		if _, err := keys.Check(ctx, db, wrong, 20); !errors.Is(err, keys.ErrUnreadable) || !strings.Contains(err.Error(), "application_drafts.answers, row") {
			t.Errorf("check with another key 1: %v", err)
		}
		// A value that cannot be opened stops a rotation, named.
		if _, err := keys.Rotate(ctx, db, wrong, nil); err != nil {
			t.Errorf("a rotation to the key already in use has nothing to do, but: %v", err)
		}
		if _, err := keys.Rotate(ctx, db, other, nil); !errors.Is(err, keys.ErrUnreadable) || !strings.Contains(err.Error(), "key 1, which the key file does not hold") {
			t.Errorf("rotating without the old key: %v", err)
		}
	})
}

// Every byte column in the schema is either re-sealed by a rotation,
// sealed under a case key (which the rotation re-wraps), or not sealed at
// all: a new sealed column must be added to keys.Sealed, or a rotation
// would leave it under the old key.
func TestEveryByteColumnIsAccountedFor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		cols, err := store.Columns(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		known := map[string]string{}
		for _, c := range keys.Sealed {
			known[c.String()] = "sealed"
		}
		for _, c := range keys.UnderCaseKeys {
			known[c] = "case key"
		}
		for _, c := range keys.NotSealed {
			known[c] = "not sealed"
		}
		var inSchema []string
		for _, c := range cols {
			name := c.Table + "." + c.Name
			inSchema = append(inSchema, name)
			if (c.Type == "bytea" || c.Type == "blob") && known[name] == "" {
				t.Errorf("%s holds bytes: list it in keys.Sealed (with its sealing context), keys.UnderCaseKeys or keys.NotSealed", name)
			}
		}
		for name := range known {
			if !slices.Contains(inSchema, name) {
				t.Errorf("%s is listed in package keys but is not in the schema", name)
			}
		}
	})
}

func TestPrepareThenBegin(t *testing.T) {
	path, _ := newKeyFile(t)
	k, err := keys.Prepare(path)
	if err != nil || k.ID != 2 || !k.Next {
		t.Fatalf("prepare: %+v %v", k, err)
	}
	loaded, _, err := seal.Load(path, false)
	if err != nil || loaded.Current() != 1 || !loaded.Holds(2) {
		t.Fatalf("a psu reading the prepared file: %v", err)
	}
	if _, err := keys.Prepare(path); err == nil || !strings.Contains(err.Error(), "already waiting") {
		t.Errorf("prepare twice: %v", err)
	}
	f, step, err := keys.Begin(path)
	if err != nil || step != keys.Promoted || f.Current().ID != 2 || len(f.Keys) != 2 {
		t.Fatalf("begin after prepare: %v %v", step, err)
	}
	if _, err := keys.Prepare(path); err == nil || !strings.Contains(err.Error(), "psu key retire 1") {
		t.Errorf("prepare with a rotation under way: %v", err)
	}
	if _, step, err := keys.Begin(path); err != nil || step != keys.Resumed {
		t.Errorf("begin with a rotation under way: %v %v", step, err)
	}
}
