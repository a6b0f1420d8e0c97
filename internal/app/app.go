// Package app assembles psu from its parts: it opens the database, loads the
// key, builds the web server, registers every domain's routes and runs the
// background worker. psu serve and the end-to-end tests both start here.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/psu-project/psu/internal/application"
	"github.com/psu-project/psu/internal/appointments"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/cases"
	"github.com/psu-project/psu/internal/config"
	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/editor"
	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/feedback"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/pages"
	"github.com/psu-project/psu/internal/plans"
	"github.com/psu-project/psu/internal/portal"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/referral"
	"github.com/psu-project/psu/internal/reports"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/sharing"
	"github.com/psu-project/psu/internal/staff"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Options are the knobs tests turn; production uses the zero value.
type Options struct {
	Argon2 auth.Argon2 // zero: auth.DefaultArgon2
}

// App is a running psu.
type App struct {
	Config config.Config
	DB     *store.DB
	Web    *web.Server
	Outbox *mail.Outbox
	Worker *mail.Worker
	Log    *slog.Logger
	Cases  *cases.Store
	// Appointments books and reminds of the one-to-ones.
	Appointments *appointments.Store

	limiter *ratelimit.Limiter
	plans   *plans.Store
	sealer  *seal.Sealer
}

// Sealer is the data-encryption sealer, for tools and tests that write
// sealed values directly.
func (a *App) Sealer() *seal.Sealer { return a.sealer }

// New opens the database (migrating it unless told not to), loads the key and
// wires every part. Close releases the database.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opts Options) (*App, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	a, err := build(ctx, cfg, db, log, opts)
	if err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func build(ctx context.Context, cfg config.Config, db *store.DB, log *slog.Logger, opts Options) (*App, error) {
	if cfg.MigrateOnStart {
		applied, err := db.Migrate(ctx)
		if err != nil {
			return nil, err
		}
		for _, m := range applied {
			log.Info("migration applied", "version", m.Version, "name", m.Name)
		}
	}
	if err := db.CheckSchema(ctx); err != nil {
		return nil, err
	}

	keyPath := cfg.KeyFile
	if keyPath == "" {
		keyPath = filepath.Join(cfg.DataDir, "psu.key")
	}
	// The sealer follows the key file, so psu key rotate and retire need no
	// restart.
	sealer, created, err := seal.Load(keyPath, cfg.KeyFile == "")
	if err != nil {
		return nil, fmt.Errorf("PSU_KEY_FILE: %w", err)
	}
	if created {
		log.Warn("generated a new data-encryption key: back it up, since without it encrypted data cannot be read", "path", keyPath)
	}

	srv, err := web.New(cfg, db, log)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, DB: db, Web: srv, Log: log, limiter: ratelimit.New(db, sealer), sealer: sealer}
	a.Outbox = mail.NewOutbox(db, sealer)
	var sender mail.Sender = mail.DirSender{Dir: cfg.SMTP.MailDir}
	if cfg.SMTP.Host != "" {
		sender = mail.NewSMTPSender(cfg.SMTP)
	}
	a.Worker = &mail.Worker{Outbox: a.Outbox, Sender: sender, From: cfg.SMTP.From, Log: log}
	srv.Metrics.MustRegister(outboxCollector{a.Outbox})

	argon := opts.Argon2
	if argon == (auth.Argon2{}) {
		argon = auth.DefaultArgon2
	}
	authSvc, err := auth.New(srv, sealer, a.limiter, a.Outbox, argon)
	if err != nil {
		return nil, err
	}
	authSvc.Routes()
	if err := staff.Register(srv, authSvc, a.Outbox, argon); err != nil {
		return nil, err
	}
	if err := pages.Register(srv); err != nil {
		return nil, err
	}
	if err := directory.Register(ctx, srv, a.Outbox, a.limiter, sealer); err != nil {
		return nil, err
	}
	if err := editor.Register(srv, a.Outbox, sealer); err != nil {
		return nil, err
	}
	if err := eligibility.Register(ctx, srv, a.limiter); err != nil {
		return nil, err
	}
	a.Cases = &cases.Store{DB: db, Sealer: sealer, Outbox: a.Outbox}
	if err := referral.Register(srv, sealer, a.Outbox, a.limiter, a.Cases.IntakeReferral); err != nil {
		return nil, err
	}
	if err := application.Register(ctx, srv, sealer, a.Outbox, a.limiter, a.Cases.IntakeApplication); err != nil {
		return nil, err
	}
	apps := &application.Store{DB: db, Sealer: sealer, Outbox: a.Outbox}
	signposts := func(ctx context.Context) ([]string, error) { return eligibility.AllSignposts(ctx, db) }
	gate, err := cases.Register(ctx, srv, a.Cases, apps, signposts)
	if err != nil {
		return nil, err
	}
	a.Cases.OutcomesFunc, a.Cases.CloseVia = plans.Outcomes, "close"
	if a.plans, err = plans.Register(ctx, srv, gate, a.Cases, a.Outbox); err != nil {
		return nil, err
	}
	a.Appointments = &appointments.Store{DB: db, Cases: a.Cases, Outbox: a.Outbox, From: cfg.SMTP.From, BaseURL: cfg.BaseURL.String()}
	a.Cases.OnEnd = append(a.Cases.OnEnd, a.Appointments.EndCase)
	if err := appointments.Register(srv, gate, a.Appointments); err != nil {
		return nil, err
	}
	// The consent ledger: withdrawing the consent to be e-mailed later
	// cancels a feedback request not yet sent.
	ledger := &consent.Ledger{OnWithdraw: []func(context.Context, *store.Tx, *consent.Consent) error{
		func(ctx context.Context, tx *store.Tx, k *consent.Consent) error {
			if k.Purpose != consent.FollowUp {
				return nil
			}
			_, err := plans.CancelFeedback(ctx, tx, k.CaseID)
			return err
		}}}
	shares := &sharing.Store{DB: db, Sealer: sealer, Cases: a.Cases, Plans: a.plans, Outbox: a.Outbox, BaseURL: cfg.BaseURL.String()}
	if err := sharing.Register(srv, shares, ledger, a.limiter); err != nil {
		return nil, err
	}
	feedbackStore := &feedback.Store{DB: db, Sealer: sealer}
	if err := feedback.Register(srv, feedbackStore, a.limiter); err != nil {
		return nil, err
	}
	portalStore := &portal.Store{DB: db, Sealer: sealer, Cases: a.Cases, Appointments: a.Appointments, Plans: a.plans, Sharing: shares,
		Applications: &application.Store{DB: db, Sealer: sealer}, Outbox: a.Outbox, BaseURL: cfg.BaseURL.String()}
	if err := portal.Register(srv, gate, portalStore, ledger, a.limiter, argon); err != nil {
		return nil, err
	}
	if err := settings.Register(srv, a.Cases.RecomputeTargets); err != nil {
		return nil, err
	}
	if err := reports.Register(srv, feedbackStore); err != nil {
		return nil, err
	}
	demo, err := settings.Get(ctx, db, "demo", "")
	if err != nil {
		return nil, err
	}
	srv.SetDemo(demo == "true")
	return a, nil
}

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }

// Handler is the whole web application.
func (a *App) Handler() http.Handler { return a.Web.Handler() }

// Run serves HTTP on ln and runs the background work until ctx ends; then it
// stops accepting, lets in-flight requests finish (up to the shutdown
// timeout) and stops the worker.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	workCtx, stopWork := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); a.Worker.Run(workCtx) }()
	go func() { defer wg.Done(); a.housekeeping(workCtx) }()
	go func() { defer wg.Done(); a.caseAlerts(workCtx) }()
	// Appointment reminders: every instance runs them; each is claimed once.
	wg.Add(1)
	go func() { defer wg.Done(); a.Appointments.RunReminders(workCtx, a.Log) }()
	wg.Add(1)
	go func() { defer wg.Done(); a.feedbackRequests(workCtx) }()
	wg.Add(1)
	go func() { defer wg.Done(); a.retention(workCtx) }()

	hs := a.Web.HTTPServer()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
		err = hs.Shutdown(sctx)
		cancel()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	stopWork()
	wg.Wait()
	return err
}

// housekeeping keeps the query planner's statistics current and removes
// expired sessions, old rate-limit windows and application drafts nobody
// has saved within their lifetime.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		if err := a.DB.Optimize(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("refresh the query planner's statistics", "err", err)
		}
		if _, err := web.DeleteExpiredSessions(ctx, a.DB); err != nil && ctx.Err() == nil {
			a.Log.Error("delete expired sessions", "err", err)
		}
		if _, err := a.limiter.DeleteExpired(ctx, 24*time.Hour); err != nil && ctx.Err() == nil {
			a.Log.Error("delete old rate limits", "err", err)
		}
		if _, err := (&application.Store{DB: a.DB}).DeleteExpiredDrafts(ctx); err != nil && ctx.Err() == nil {
			a.Log.Error("delete expired application drafts", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// caseAlerts tells triage leads, at most hourly each, that something new
// has arrived. Every instance runs it; each alert is claimed once.
func (a *App) caseAlerts(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if _, err := a.Cases.AlertLeads(ctx, a.Config.BaseURL.String(), store.Now()); err != nil && ctx.Err() == nil {
			a.Log.Error("alert triage leads", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// retention erases the cases that ended longer ago than the unit keeps
// them (cases.EraseExpired). Every instance runs it; Erase locks each case
// and passes over one already erased, so each is erased once. Hourly is
// plenty for a period counted in years.
func (a *App) retention(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := a.Cases.EraseExpired(ctx, store.Now()); err != nil && ctx.Err() == nil {
			a.Log.Error("erase cases past their retention period", "err", err)
		} else if n > 0 {
			a.Log.Info("erased cases past their retention period", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// feedbackRequests e-mails the feedback requests that have come due. Every
// instance runs it; each request is claimed once.
func (a *App) feedbackRequests(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if _, err := a.plans.SendDueFeedback(ctx, store.Now()); err != nil && ctx.Err() == nil {
			a.Log.Error("send feedback requests", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SignInHint returns what to tell a person starting psu: a one-time link to
// create the first administrator, or where to sign in.
func (a *App) SignInHint(ctx context.Context) (string, error) {
	base := a.Config.BaseURL.String()
	link, err := auth.FirstAdminLink(ctx, a.DB, base)
	if err != nil {
		return "", err
	}
	if link == "" {
		return "Sign in at " + base + "/sign-in", nil
	}
	return "No administrator account exists yet. Create the first administrator within 24 hours at:\n\n    " + link +
		"\n\nor on this machine: psu user add --role administrator --email you@example.nhs.uk --name \"Your Name\"", nil
}

var errNoOutbox = errors.New("outbox unavailable")

// outboxCollector reports the outbox at scrape time.
type outboxCollector struct{ ob *mail.Outbox }

var (
	outboxPending = prometheus.NewDesc("psu_outbox_pending", "Messages waiting to be sent.", nil, nil)
	outboxFailed  = prometheus.NewDesc("psu_outbox_failed", "Messages given up on after every retry.", nil, nil)
	outboxAge     = prometheus.NewDesc("psu_outbox_oldest_age_seconds", "Age of the oldest message waiting to be sent.", nil, nil)
)

func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- outboxPending
	ch <- outboxFailed
	ch <- outboxAge
}

func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := c.ob.Stats(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(outboxPending, errors.Join(errNoOutbox, err))
		return
	}
	age := 0.0
	if !st.OldestQueued.IsZero() {
		age = time.Since(st.OldestQueued).Seconds()
	}
	ch <- prometheus.MustNewConstMetric(outboxPending, prometheus.GaugeValue, float64(st.Pending))
	ch <- prometheus.MustNewConstMetric(outboxFailed, prometheus.GaugeValue, float64(st.Failed))
	ch <- prometheus.MustNewConstMetric(outboxAge, prometheus.GaugeValue, age)
}
