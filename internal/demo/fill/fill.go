// Package fill fills an empty psu database with obviously made-up data, for
// people to try the back office and for benchmarks to have volume (psu
// demo): staff accounts that can sign in, and cases of every status and
// every state of the first-response clock, arriving over the last twelve
// months, with their applications, documents, referrers' notices, notes,
// conflicts of interest and restrictions; and, in the shipped directory,
// problem reports from the public and services due for review. Everything is written by the
// same code real use writes with (internal/cases and internal/application
// seeding), sealed as real data is, so the queue, case pages, search and
// downloads work on it; and the database is marked a demo (internal/demo).
package fill

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/demo"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

// MinCases is the fewest cases a demo has: enough for every status and
// every state of the clock to appear.
const MinCases = 25

// Options say how much to make and how the site is named.
type Options struct {
	Cases int
	// Issuer names psu in authenticator apps, as the sign-in pages do
	// ("PSU " and the site's host).
	Issuer string
	// Host is the site's host name, which no password may be built from.
	Host   string
	Argon2 auth.Argon2 // zero: auth.DefaultArgon2
	// Now is the moment the made-up history leads up to; zero: now.
	Now time.Time
	// Batch is how many cases go in one transaction; zero: 1000.
	Batch int
	// Progress, if set, hears how many cases are written after each batch.
	Progress func(done, total int)
}

// Account is a made-up member of staff, with what they sign in with.
type Account struct {
	Role     web.Role
	Name     string
	Email    string
	Password string
	TOTPURI  string // otpauth:// URI of their authenticator secret
}

// Result is what Run made.
type Result struct {
	Staff []Account
	// Trainees have portal accounts, one at each stage of support.
	Trainees []Trainee
	Cases    int
}

// Refusals: Run fills only a database nobody has used.
var (
	ErrAlreadyDemo = errors.New("this database already holds psu demo's made-up data")
	ErrNotEmpty    = errors.New("this database already holds staff accounts, applications, referrers' notices or cases, so psu demo will not add made-up data to it")
)

// staffPlan is the demo's staff; the administrator also keeps the
// directory (RoleDirectoryEditor), as most units' administrators do.
var staffPlan = []struct {
	role        web.Role
	name, email string
	also        []web.Role
}{
	{web.RoleAdministrator, "Demo Administrator Idris Pellow", "demo.administrator@example.org", []web.Role{web.RoleDirectoryEditor}},
	{web.RoleTriageLead, "Demo Triage Lead Saoirse Vane", "demo.lead@example.org", nil},
	{web.RoleAdviser, "Demo Adviser Tamsin Rook", "demo.adviser1@example.org", nil},
	{web.RoleAdviser, "Demo Adviser Olumide Brennan", "demo.adviser2@example.org", nil},
	{web.RoleAdviser, "Demo Adviser Priya Castellan", "demo.adviser3@example.org", nil},
}

// Run fills db, which must hold no staff, applications, notices or cases,
// with made-up data sealed under sealer, and marks it a demo.
func Run(ctx context.Context, db *store.DB, sealer *seal.Sealer, opts Options) (Result, error) {
	if opts.Cases < MinCases {
		return Result{}, fmt.Errorf("a demo needs at least %d cases, so that every status appears", MinCases)
	}
	if opts.Argon2 == (auth.Argon2{}) {
		opts.Argon2 = auth.DefaultArgon2
	}
	if opts.Now.IsZero() {
		opts.Now = store.Now()
	}
	if opts.Batch <= 0 {
		opts.Batch = 1000
	}
	if err := eligibility.SeedDefault(ctx, db); err != nil {
		return Result{}, err
	}
	rs, err := eligibility.NewRules(db).Current(ctx)
	if err != nil {
		return Result{}, err
	}
	profiles, err := eligibleProfiles(rs)
	if err != nil {
		return Result{}, err
	}
	res := Result{}
	var ids, rooms []string
	cstore := &cases.Store{DB: db, Sealer: sealer, OutcomesFunc: plans.Outcomes}
	appts := &appointments.Store{DB: db, Cases: cstore}
	err = db.Tx(ctx, func(tx *store.Tx) error {
		if err := refuseUsed(ctx, tx); err != nil {
			return err
		}
		res.Staff, ids, err = createStaff(ctx, tx, sealer, opts)
		if err != nil {
			return err
		}
		// Outcomes the unit typed as a spreadsheet would run them, one common
		// and one too rare to show: reports and their exports must keep both
		// harmless.
		for _, o := range []string{FormulaOutcome, RareOutcome} {
			if err := plans.AddOutcome(ctx, tx, o); err != nil {
				return fmt.Errorf("demo: outcome %q: %w", o, err)
			}
		}
		if rooms, err = seedUnit(ctx, tx, appts, ids[2:], opts.Now); err != nil {
			return err
		}
		if err := publishBios(ctx, tx, ids[0], ids[2:]); err != nil {
			return err
		}
		return settings.Set(ctx, tx, demo.Key, "true", "")
	})
	if err != nil {
		return Result{}, err
	}
	if err := fillDirectory(ctx, db, sealer, opts.Now); err != nil {
		return Result{}, err
	}

	clock, cset, err := settings.WorkClock(ctx, db)
	if err != nil {
		return Result{}, err
	}
	holidays, err := settings.Holidays(ctx, db)
	if err != nil {
		return Result{}, err
	}
	g := &gen{r: rand.New(rand.NewPCG(2026, 12)), now: opts.Now, clock: clock, days: cset.Days,
		office: workdays.NewClock(workdays.Working, holidays), lead: ids[1], advisers: ids[2:], profiles: profiles, refs: map[string]bool{}}
	services, err := demoServices()
	if err != nil {
		return Result{}, err
	}
	w := &writer{services: services, cases: cstore, apps: &application.Store{DB: db, Sealer: sealer}, sealer: sealer,
		plans: &plans.Store{DB: db, Cases: cstore}, appts: appts, rooms: rooms, now: opts.Now}
	core := g.corePlans()
	var pending []story
	made := 0
	flush := func() error {
		if err := db.Tx(ctx, func(tx *store.Tx) error { return w.write(ctx, tx, pending) }); err != nil {
			return err
		}
		pending = pending[:0]
		if opts.Progress != nil {
			opts.Progress(made, opts.Cases)
		}
		return nil
	}
	for made < opts.Cases {
		var p plan
		if len(core) > 0 {
			p, core = core[0], core[1:]
		} else {
			p = g.randomPlan(opts.Cases - made)
		}
		s, err := g.tell(p)
		if err != nil {
			return Result{}, fmt.Errorf("making up a case (%s): %w", p.describe(), err)
		}
		pending = append(pending, s)
		made += len(s.cases)
		if countCases(pending) >= opts.Batch {
			if err := flush(); err != nil {
				return Result{}, err
			}
		}
	}
	if len(pending) > 0 {
		if err := flush(); err != nil {
			return Result{}, err
		}
	}
	res.Cases = made
	if res.Trainees, err = makeTrainees(ctx, db, sealer, cstore, opts); err != nil {
		return Result{}, err
	}
	// The tables went from empty to full: let the planner know at once.
	if err := db.Optimize(ctx); err != nil {
		return Result{}, err
	}
	return res, nil
}

func countCases(ss []story) int {
	n := 0
	for _, s := range ss {
		n += len(s.cases)
	}
	return n
}

// refuseUsed refuses a database someone has used or psu demo has filled.
func refuseUsed(ctx context.Context, tx *store.Tx) error {
	if is, err := demo.IsDemo(ctx, tx); err != nil || is {
		if err == nil {
			err = ErrAlreadyDemo
		}
		return err
	}
	var n int
	if err := store.Scan(tx.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM applications)
		+ (SELECT COUNT(*) FROM referrals) + (SELECT COUNT(*) FROM cases)`), &n); err != nil {
		return fmt.Errorf("demo: is the database empty: %w", err)
	}
	if n > 0 {
		return ErrNotEmpty
	}
	return nil
}

// createStaff makes the staff accounts through auth, each with a random
// password that passes the password policy and an authenticator secret.
func createStaff(ctx context.Context, tx *store.Tx, sealer *seal.Sealer, opts Options) ([]Account, []string, error) {
	var out []Account
	var ids []string
	for _, sp := range staffPlan {
		pw, err := password(sp.name, sp.email, opts.Host)
		if err != nil {
			return nil, nil, err
		}
		key, err := totp.Generate(totp.GenerateOpts{Issuer: opts.Issuer, AccountName: sp.email, Period: 30})
		if err != nil {
			return nil, nil, err
		}
		u, err := auth.CreateUser(ctx, tx, opts.Argon2, sp.email, sp.name, append([]web.Role{sp.role}, sp.also...), pw)
		if err != nil {
			return nil, nil, err
		}
		if err := auth.SetTOTPSecret(ctx, tx, sealer, u.ID, key.Secret()); err != nil {
			return nil, nil, err
		}
		if err := audit.Record(ctx, tx, audit.Event{ActorRole: "system", Action: "auth.user_added", TargetType: "user", TargetID: u.ID, Detail: "demo"}); err != nil {
			return nil, nil, err
		}
		out = append(out, Account{Role: sp.role, Name: sp.name, Email: u.Email, Password: pw, TOTPURI: key.URL()})
		ids = append(ids, u.ID)
	}
	return out, ids, nil
}

// password draws four random words and two digits, until the password
// policy takes them (it always has, but the policy decides).
func password(personal ...string) (string, error) {
	for range 100 {
		var parts []string
		for range 4 {
			n, err := crand.Int(crand.Reader, big.NewInt(int64(len(passwordWords))))
			if err != nil {
				return "", err
			}
			parts = append(parts, passwordWords[n.Int64()])
		}
		d, err := crand.Int(crand.Reader, big.NewInt(90))
		if err != nil {
			return "", err
		}
		pw := strings.Join(parts, "-") + fmt.Sprint(10+d.Int64())
		if auth.CheckPassword(pw, personal...) == nil {
			return pw, nil
		}
	}
	return "", errors.New("demo: could not make a password the policy accepts")
}

// writer writes batches of stories.
type writer struct {
	cases  *cases.Store
	apps   *application.Store
	plans  *plans.Store
	appts  *appointments.Store
	sealer *seal.Sealer
	now    time.Time
	rooms  []string // the unit's rooms, for appointments face to face
	// services are directory services a plan may signpost.
	services []string
	// summaries is how many written summaries have been issued so far.
	summaries int
	counts    map[string]int // cases of each kind seen so far (nth)
}

func (w *writer) write(ctx context.Context, tx *store.Tx, stories []story) error {
	var seeds []cases.SeedCase
	offsets := make([]int, len(stories))
	for i, s := range stories {
		offsets[i] = len(seeds)
		seeds = append(seeds, s.cases...)
	}
	for i, s := range stories {
		for _, n := range s.notices {
			r := n.r
			if err := referral.Create(ctx, tx, w.sealer, &r); err != nil {
				return err
			}
			// Create stamps a notice now; this one came at n.at.
			if _, err := tx.ExecContext(ctx, `UPDATE referrals SET created_at = ? WHERE id = ?`, n.at, r.ID); err != nil {
				return fmt.Errorf("demo: date a notice: %w", err)
			}
			sc := &seeds[offsets[i]+n.caseAt]
			sc.Notices = append(sc.Notices, cases.SeedNotice{ReferralID: r.ID, At: n.at, Email: r.TraineeEmail, Name: r.TraineeName})
		}
	}
	cs, err := w.cases.SeedAll(ctx, tx, seeds)
	if err != nil {
		return err
	}
	var apps []application.Seed
	for i, s := range stories {
		for _, p := range s.apps {
			c := cs[offsets[i]+p.caseAt]
			caseID := c.ID
			if c.MergedInto != "" {
				caseID = c.MergedInto
			}
			apps = append(apps, application.Seed{Application: p.a, CaseID: caseID, Files: p.files})
		}
	}
	if err := w.apps.SeedAll(ctx, tx, apps); err != nil {
		return err
	}
	if err := w.writeAppointments(ctx, tx, cs); err != nil {
		return err
	}
	if err := w.writeFeedback(ctx, tx, cs); err != nil {
		return err
	}
	return w.writePlans(ctx, tx, cs)
}
