package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// runWith runs the command line with exactly the environment env.
func runWith(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), Env{Args: args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errOut.String()
}

// newKeyFile makes a key file as psu first writes one.
func newKeyFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "psu.key")
	if _, _, err := seal.LoadKey(path, true); err != nil {
		t.Fatal(err)
	}
	return path
}

// pages are answers every application page accepts.
var pages = map[string]url.Values{
	"email":         {"email": {"backup.applicant@example.com"}},
	"about-you":     {"name": {"Bittern Backup"}, "preferred_name": {"Bit"}, "pronouns": {"they/them"}, "phone": {"07700 900123"}},
	"registration":  {"registered": {"yes"}, "registration_number": {"7193846"}},
	"training":      {"grade": {"CT2"}, "specialty": {"Psychiatry"}, "employer": {"A London trust"}, "training_number": {"LDN/123/456/C"}, "post_start-day": {"5"}, "post_start-month": {"8"}, "post_start-year": {"2026"}},
	"concerns":      {"concern": {"exams"}},
	"in-your-words": {"situation": {"Backup situation"}, "hopes": {"Backup hopes"}},
	"exams":         {"exam_name": {"MRCPsych"}, "exam_part": {"Paper A"}, "exam_attempts": {"2"}},
	"arcp":          {"arcp_outcome": {"none"}},
	"complaints":    {"proceedings": {"none"}},
	"health":        {"health": {"no"}},
	"documents":     {},
	"meeting":       {"meeting_way": {"phone"}, "meeting_times": {"Tuesday afternoons"}},
	"consent":       {"consent_case_email": {"yes"}, "consent_follow_up": {"no"}, "confidentiality": {"read"}},
}

// submitter submits applications over HTTP, one after another, as
// browsers do: each starts at /apply/start, its pages are filled through
// the store, and POST /apply/submit is acknowledged with 303 to /apply/sent.
// It records each acknowledged draft after its acknowledgement arrived.
type submitter struct {
	in *apptest.Instance
	mu sync.Mutex
	ok []string // draft ids, in the order acknowledged
}

func (s *submitter) acknowledged() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ok...)
}

func (s *submitter) submitOne(t *testing.T, n int) error {
	ctx := context.Background()
	c := s.in.Client(t)
	c.Headers.Set("X-Forwarded-For", fmt.Sprintf("10.9.%d.%d", byte(n>>8), byte(n)))
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/apply/start", nil)
	req.Header.Set("X-Forwarded-For", c.Headers.Get("X-Forwarded-For"))
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("start: %d", res.StatusCode)
	}
	// Only this goroutine starts drafts: the newest is this browser's.
	var id string
	if err := store.Scan(s.in.App.DB.QueryRowContext(ctx, `SELECT id FROM application_drafts ORDER BY created_at DESC, id DESC LIMIT 1`), &id); err != nil {
		return err
	}
	st := &application.Store{DB: s.in.App.DB, Sealer: s.in.App.Sealer(), Outbox: s.in.App.Outbox}
	yes := true
	if _, err := st.UpdateDraft(ctx, id, func(_ *store.Tx, d *application.Draft) error {
		d.Eligibility = eligibility.Answers{Region: "london", Profession: "doctor", Programme: "core", TrainingNumber: &yes}
		d.Decision = &application.Decision{RuleID: "training-number-holder", RuleVersion: 1, Eligible: true, Route: "ist"}
		d.Email = "backup.applicant@example.com"
		d.Pages, d.Done = map[string]url.Values{}, map[string]bool{}
		for slug, v := range pages {
			d.Pages[slug], d.Done[slug] = v, true
		}
		return nil
	}); err != nil {
		return err
	}
	if _, err := s.in.App.DB.ExecContext(ctx, `UPDATE application_drafts SET email_verified_at = ? WHERE id = ?`, store.Now(), id); err != nil {
		return err
	}
	req, _ = http.NewRequest(http.MethodPost, c.Base+"/apply/submit", strings.NewReader(""))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", c.Headers.Get("X-Forwarded-For"))
	res, err = c.Do(req)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/apply/sent" {
		return fmt.Errorf("submit: %d → %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
	}
	s.mu.Lock()
	s.ok = append(s.ok, id)
	s.mu.Unlock()
	return nil
}

// A backup taken with psu backup while applications are being submitted
// over HTTP (and a draft saved over and over beside them), restored with
// psu restore into a fresh data folder, holds every application whose
// submission was acknowledged before the backup began, and psu serves it.
func TestBackupUnderLoadKeepsEveryAcknowledgedSubmission(t *testing.T) {
	keyFile := newKeyFile(t)
	dbURL := storetest.URL(t, store.SQLite)
	in := apptest.StartOn(t, dbURL, "PSU_KEY_FILE="+keyFile, "PSU_TRUSTED_PROXIES=127.0.0.0/8")
	sub := &submitter{in: in}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := sub.submitOne(t, n); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	saver := &application.Store{DB: in.App.DB, Sealer: in.App.Sealer()}
	busy := &application.Draft{}
	if err := saver.CreateDraft(context.Background(), busy); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := saver.UpdateDraft(context.Background(), busy.ID, func(_ *store.Tx, d *application.Draft) error {
				d.Pages = map[string]url.Values{"about-you": {"name": {fmt.Sprint("Saved ", i)}}}
				return nil
			}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for len(sub.acknowledged()) < 5 {
		if time.Now().After(deadline) || t.Failed() {
			close(stop)
			wg.Wait()
			t.Fatalf("only %d submissions in a minute", len(sub.acknowledged()))
		}
		time.Sleep(20 * time.Millisecond)
	}

	file := filepath.Join(t.TempDir(), "psu-backup.db")
	before := sub.acknowledged()
	code, out, errOut := runWith(t, map[string]string{"PSU_DATABASE_URL": dbURL, "PSU_KEY_FILE": keyFile}, "backup", file)
	if code != 0 || !strings.Contains(out, "checked") || !strings.Contains(out, "keep a copy of "+keyFile) {
		t.Fatalf("backup: %d %q %q", code, out, errOut)
	}
	// Let submissions carry on after the backup, then stop.
	for n := len(sub.acknowledged()); len(sub.acknowledged()) < n+2 && !t.Failed(); {
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	all := sub.acknowledged()
	t.Logf("%d submissions acknowledged before the backup began, %d in all", len(before), len(all))

	fresh := t.TempDir()
	env := map[string]string{"PSU_DATA_DIR": fresh, "PSU_KEY_FILE": keyFile}
	code, out, errOut = runWith(t, env, "restore", file)
	if code != 0 || !strings.Contains(out, "Restored") {
		t.Fatalf("restore: %d %q %q", code, out, errOut)
	}
	restored := "sqlite://" + filepath.Join(fresh, "psu.db")
	db, err := store.Open(context.Background(), restored)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range before {
		var n int
		if err := store.Scan(db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM applications WHERE draft_id = ?`, id), &n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("the submission of draft %s was acknowledged before the backup began, and is not in it", id)
		}
	}
	var total int
	store.Scan(db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM applications`), &total)
	if total < len(before) || total > len(all) {
		t.Errorf("the backup holds %d applications: %d were acknowledged before it began, %d in all", total, len(before), len(all))
	}
	db.Close()

	// psu serves the restored database with the same key file.
	again := apptest.StartOn(t, restored, "PSU_KEY_FILE="+keyFile)
	st := &application.Store{DB: again.App.DB, Sealer: again.App.Sealer()}
	a, err := st.ApplicationByDraft(context.Background(), before[len(before)-1])
	if err != nil || a.Name != "Bittern Backup" || a.Situation != "Backup situation" {
		t.Errorf("the restored application reads %q %q, %v", a.Name, a.Situation, err)
	}
}

// On PostgreSQL, psu backup and psu restore say how to use pg_dump and
// pg_restore, and that the key file is backed up separately.
func TestBackupOnPostgresExplainsPgDump(t *testing.T) {
	dbURL := storetest.URL(t, store.Postgres)
	for _, cmd := range []string{"backup", "restore"} {
		code, out, errOut := runWith(t, map[string]string{"PSU_DATABASE_URL": dbURL, "PSU_DATA_DIR": t.TempDir()}, cmd, "x.db")
		if code != 2 || out != "" {
			t.Errorf("%s: exit %d, %q", cmd, code, out)
		}
		for _, want := range []string{"pg_dump --format=custom", "pg_restore", "PSU_KEY_FILE", "back it up separately"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%s does not say %q:\n%s", cmd, want, errOut)
			}
		}
		if strings.Contains(errOut, "Usage:") {
			t.Errorf("%s prints the usage text", cmd)
		}
	}
}

// psu restore checks before it changes anything: it refuses while psu
// runs on the database, and refuses a backup that is damaged, made by a
// newer psu, not a psu database, or sealed under other keys.
func TestRestoreRefusesWhatItShouldNot(t *testing.T) {
	ctx := context.Background()
	keyFile := newKeyFile(t)
	dir := t.TempDir()
	dbURL := "sqlite://" + filepath.Join(dir, "psu.db")
	env := map[string]string{"PSU_DATABASE_URL": dbURL, "PSU_KEY_FILE": keyFile}
	in := apptest.StartOn(t, dbURL, "PSU_KEY_FILE="+keyFile)
	st := &application.Store{DB: in.App.DB, Sealer: in.App.Sealer()}
	if err := st.CreateDraft(ctx, &application.Draft{Email: "x@example.com"}); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "good.db")
	if code, _, errOut := runWith(t, env, "backup", good); code != 0 {
		t.Fatalf("backup: %s", errOut)
	}
	if code, _, errOut := runWith(t, env, "backup", good); code != 1 || !strings.Contains(errOut, "not written") {
		t.Errorf("a backup over an existing file: %d %q", code, errOut)
	}
	if code, _, errOut := runWith(t, map[string]string{"PSU_DATA_DIR": t.TempDir()}, "backup", filepath.Join(t.TempDir(), "x.db")); code != 1 || !strings.Contains(errOut, "no database to back up") {
		t.Errorf("a backup of no database: %d %q", code, errOut)
	}
	code, _, errOut := runWith(t, env, "restore", good)
	if code != 1 || !strings.Contains(errOut, "is in use: stop every psu serve") {
		t.Fatalf("restore while psu runs: %d %q", code, errOut)
	}
	if err := in.Stop(); err != nil {
		t.Fatal(err)
	}

	bad := func(name string, b []byte) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	content, _ := os.ReadFile(good)
	damaged := bytes.Clone(content)
	for i := len(damaged) / 3; i < len(damaged)/3+8192 && i < len(damaged); i++ {
		damaged[i] = 0x5a
	}
	newer := bad("newer.db", content)
	ndb, err := store.Open(ctx, "sqlite://"+newer)
	if err != nil {
		t.Fatal(err)
	}
	ndb.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', ?)`, store.Now())
	ndb.Close()
	empty := bad("empty.db", nil)
	edb, _ := store.Open(ctx, "sqlite://"+empty)
	edb.ExecContext(ctx, `CREATE TABLE t (x INTEGER)`)
	edb.Close()
	otherKey := newKeyFile(t)

	for _, c := range []struct {
		name, file, key, want string
	}{
		// Where the damage lands decides which check finds it first: the
		// integrity check cannot finish, or finishes and lists it.
		{"damaged", bad("damaged.db", damaged), keyFile, "damage"},
		{"text", bad("text.db", []byte("this is not a database")), keyFile, "not a SQLite database"},
		{"newer", newer, keyFile, "made by a newer psu (schema version 999"},
		{"no psu schema", empty, keyFile, "not a psu database"},
		{"another key", good, otherKey, "do not open with the keys in " + otherKey},
		{"missing", filepath.Join(dir, "nowhere.db"), keyFile, "cannot read it"},
	} {
		code, _, errOut := runWith(t, map[string]string{"PSU_DATABASE_URL": dbURL, "PSU_KEY_FILE": c.key}, "restore", c.file)
		if code != 1 || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "Nothing was changed") {
			t.Errorf("%s: %d %q", c.name, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "psu.db.before-restore")); err == nil {
		t.Fatal("a refused restore moved the database")
	}
	code, out, errOut := runWith(t, env, "restore", good)
	if code != 0 || !strings.Contains(out, "kept as "+filepath.Join(dir, "psu.db.before-restore")) {
		t.Fatalf("restore with psu stopped: %d %q %q", code, out, errOut)
	}
}
