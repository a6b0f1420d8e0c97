package auth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Failed sign-ins are throttled, never answered by locking an account: a
// lock-out any stranger can trigger is itself an attack (the NCSC's advice
// is to throttle and slow guessing without letting others deny the real
// user). Each failure is counted in leaky buckets, each with a burst and a
// rate at which failures are forgotten:
//
//   - pair: this account from this address (an IPv6 /64 counts as one
//     address): 5, one forgotten every 3 minutes. Someone mistyping their
//     own password meets this one, and waits minutes, not hours.
//   - source: this address, whatever the account: 30 per 15 minutes, against
//     one address trying many accounts (password spraying).
//   - account: this account, from everywhere: 50 per hour, against guessing
//     spread over many addresses. It counts every failure but holds back
//     only devices the account has not signed in on before.
//   - device: a device the account has fully signed in on (password and code)
//     carries a long-lived cookie naming it (device.go). From such a device
//     only its own bucket applies: 5, one forgotten every 3 minutes. The
//     source and account buckets do not hold it back, so however many
//     strangers guess, the owner still signs in from their usual browser.
//
// One address alone cannot fill the account bucket (its pair bucket lets
// through 20 an hour, fewer than the account bucket forgets), so a single
// stranger never stops the owner signing in even from a new device. Each
// attempt is counted before the password is checked, and taken back if it
// was right, so attempts made in parallel cannot slip past a limit; an
// attempt that a bucket refuses is not checked at all (no argon2 work for a
// flood) and is not counted. Unknown e-mail addresses are counted the same
// way as real accounts, so the answers do not tell which accounts exist.
//
// The owner is told by e-mail, through the outbox and at most once an hour,
// when failures against their account pile up (5 still counted). Every
// failure, and every time a bucket fills, goes into the audit log, which
// names the account only when it exists and never holds the typed address.
type bucketKind string

const (
	bucketPair    bucketKind = "pair"
	bucketSource  bucketKind = "source"
	bucketAccount bucketKind = "account"
	bucketDevice  bucketKind = "device"
)

type leak struct {
	burst float64       // failures counted before the bucket refuses
	per   time.Duration // time in which a whole burst is forgotten
}

var (
	pairLeak    = leak{5, 15 * time.Minute}
	sourceLeak  = leak{30, 15 * time.Minute}
	accountLeak = leak{50, time.Hour}
	deviceLeak  = leak{5, 15 * time.Minute}
)

const (
	alertAfter   = 5.0 // failures still counted against an account before its owner is told
	alertEvery   = time.Hour
	throttleKeep = 24 * time.Hour // rows untouched this long are empty and deleted
)

type bucket struct {
	kind  bucketKind
	key   string
	leak  leak
	holds bool // a full bucket refuses the attempt
}

// level is what remains of stored failures after leaking since then.
func (b bucket) level(stored float64, since time.Duration) float64 {
	return math.Max(0, stored-since.Seconds()*b.leak.burst/b.leak.per.Seconds())
}

// wait is how long until one more failure fits under the burst.
func (b bucket) wait(level float64) time.Duration {
	over := level - (b.leak.burst - 1)
	return time.Duration(math.Ceil(over * b.leak.per.Seconds() / b.leak.burst * float64(time.Second)))
}

// signInBuckets are the buckets an attempt on email from source counts in;
// device is the hash of the account's device token the request carries, or "".
func (s *Service) signInBuckets(email, source, device string) []bucket {
	account := bucket{bucketAccount, "account:" + s.sealer.Blind(email, "auth.throttle.account"), accountLeak, device == ""}
	if device != "" {
		return []bucket{{bucketDevice, "device:" + s.sealer.Blind(device, "auth.throttle.device"), deviceLeak, true}, account}
	}
	return []bucket{
		{bucketPair, "pair:" + s.sealer.Blind(email+"\x00"+source, "auth.throttle.pair"), pairLeak, true},
		{bucketSource, "source:" + s.sealer.Blind(source, "auth.throttle.source"), sourceLeak, true},
		account,
	}
}

// sourceOf is the address an attempt comes from, as counted: an IPv6 client
// gets a whole /64 and could otherwise change address with every attempt.
func sourceOf(r *http.Request, trusted []netip.Prefix) string {
	s := web.ClientIP(r, trusted).String()
	if a, err := netip.ParseAddr(s); err == nil && a.Is6() && !a.Is4In6() {
		if p, err := a.Prefix(64); err == nil {
			return p.String()
		}
	}
	return s
}

// refusal is an attempt refused before its password was checked.
type refusal struct {
	kind bucketKind
	wait time.Duration
}

var errRefused = errors.New("auth: sign-in attempt refused")

// lockBucket reads a bucket's row, creating it if need be, and holds it
// (a row lock on PostgreSQL; SQLite has one writer) until tx ends.
func lockBucket(ctx context.Context, tx *store.Tx, key string, now time.Time) (level float64, updated time.Time, alerted store.Time, err error) {
	var at store.Time
	err = tx.QueryRowContext(ctx, `INSERT INTO auth_throttle (key, level, updated_at) VALUES (?, 0, ?)
		ON CONFLICT (key) DO UPDATE SET key = excluded.key
		RETURNING level, updated_at, alerted_at`, key, now).Scan(&level, &at, &alerted)
	return level, at.Time, alerted, err
}

func setBucket(ctx context.Context, tx *store.Tx, key string, level float64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE auth_throttle SET level = ?, updated_at = ? WHERE key = ?`, level, now, key)
	return err
}

// reserve counts the attempt as a failure in every bucket, unless one that
// holds is full: then nothing is counted and the refusal says which bucket,
// and for how long. filled are the holding buckets this attempt fills, should
// it fail.
func (s *Service) reserve(ctx context.Context, bs []bucket) (filled []bucket, ref *refusal, err error) {
	// One order for every transaction, so two never wait on each other's rows.
	bs = slices.Clone(bs)
	slices.SortFunc(bs, func(a, b bucket) int { return strings.Compare(a.key, b.key) })
	err = s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		now := store.Now()
		levels := make([]float64, len(bs))
		for i, b := range bs {
			stored, updated, _, err := lockBucket(ctx, tx, b.key, now)
			if err != nil {
				return err
			}
			levels[i] = b.level(stored, now.Sub(updated))
			if b.holds && levels[i] > b.leak.burst-1 {
				if w := b.wait(levels[i]); ref == nil || w > ref.wait {
					ref = &refusal{b.kind, w}
				}
			}
		}
		if ref != nil {
			return errRefused
		}
		for i, b := range bs {
			if err := setBucket(ctx, tx, b.key, levels[i]+1, now); err != nil {
				return err
			}
			if b.holds && levels[i]+1 > b.leak.burst-1 {
				filled = append(filled, b)
			}
		}
		return nil
	})
	if errors.Is(err, errRefused) {
		return nil, ref, nil
	}
	return filled, nil, err
}

// release takes back an attempt whose password was right: the pair and
// device buckets, which only the person at this device fills, empty; the
// others forget the one failure counted in advance.
func (s *Service) release(ctx context.Context, bs []bucket) error {
	bs = slices.Clone(bs)
	slices.SortFunc(bs, func(a, b bucket) int { return strings.Compare(a.key, b.key) })
	return s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		now := store.Now()
		for _, b := range bs {
			stored, updated, _, err := lockBucket(ctx, tx, b.key, now)
			if err != nil {
				return err
			}
			level := 0.0
			if b.kind != bucketPair && b.kind != bucketDevice {
				level = math.Max(0, b.level(stored, now.Sub(updated))-1)
			}
			if err := setBucket(ctx, tx, b.key, level, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// failed records a failed attempt (reserve has already counted it): the
// owner told by e-mail if failures have piled up, and the audit log. u is
// the account, or a zero User when the address matches none.
func (s *Service) failed(ctx context.Context, u User, bs, filled []bucket, knownDevice bool) error {
	return s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		now := store.Now()
		if _, err := tx.ExecContext(ctx, `DELETE FROM auth_throttle WHERE updated_at < ?`, now.Add(-throttleKeep)); err != nil {
			return err
		}
		if u.ID != "" && !u.Disabled {
			if err := s.maybeAlert(ctx, tx, u, bs, knownDevice, now); err != nil {
				return err
			}
		}
		detail := "from a device not signed in on before"
		if knownDevice {
			detail = "from a device signed in on before"
		}
		if err := audit.Record(ctx, tx, audit.Event{Action: "auth.sign_in_failed", TargetType: "user", TargetID: u.ID, Detail: detail}); err != nil {
			return err
		}
		for _, b := range filled {
			if err := audit.Record(ctx, tx, audit.Event{Action: "auth.sign_in_throttled", TargetType: "user", TargetID: u.ID,
				Detail: throttledDetail[b.kind]}); err != nil {
				return err
			}
		}
		return nil
	})
}

// throttledDetail says in the audit log which limit an attempt reached.
var throttledDetail = map[bucketKind]string{
	bucketPair:    "limit reached: failures for this account from one address",
	bucketSource:  "limit reached: failures from one address across accounts",
	bucketAccount: "limit reached: failures for this account from devices not signed in on before",
	bucketDevice:  "limit reached: failures for this account from one device signed in on before",
}

// maybeAlert e-mails the owner of u when failures against the account have
// piled up and they have not been told within the hour.
func (s *Service) maybeAlert(ctx context.Context, tx *store.Tx, u User, bs []bucket, knownDevice bool, now time.Time) error {
	i := slices.IndexFunc(bs, func(b bucket) bool { return b.kind == bucketAccount })
	if i < 0 {
		return nil
	}
	b := bs[i]
	stored, updated, alerted, err := lockBucket(ctx, tx, b.key, now)
	if err != nil {
		return err
	}
	if b.level(stored, now.Sub(updated)) < alertAfter || (alerted.Valid && now.Sub(alerted.Time) < alertEvery) {
		return nil
	}
	from := "from an unknown device (one that has not been used to sign in to your account before)"
	if knownDevice {
		from = "from a device you have signed in on before"
	}
	base := s.srv.Config.BaseURL.String()
	if _, err := s.outbox.Enqueue(ctx, tx, mail.Message{
		Kind:    "auth.sign_in_failures",
		To:      u.Email,
		Subject: "Failed attempts to sign in to your account",
		Text: "Hello " + u.Name + ",\n\n" +
			"Someone has tried several times in the last hour to sign in to your staff account at " + base +
			" with a wrong password, " + from + ".\n\n" +
			"If this was you, you do not need to do anything.\n\n" +
			"If it was not you, your account is still protected: nobody can sign in without the code from your " +
			"authenticator app, and attempts are being slowed down. You can still sign in as usual. " +
			"Tell your administrator, who can see these attempts in the audit log.\n\n" +
			"We will not e-mail you about this again for an hour.\n",
	}); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE auth_throttle SET alerted_at = ? WHERE key = ?`, now, b.key)
	return err
}

// refusalMessage tells the person why they cannot try now and what to do.
func refusalMessage(ref *refusal) string {
	wait := "1 minute"
	if m := int(math.Ceil(ref.wait.Minutes())); m > 1 {
		wait = fmt.Sprintf("%d minutes", m)
	}
	switch ref.kind {
	case bucketSource:
		return "There have been too many attempts to sign in from your network. Wait " + wait + ", then try again"
	case bucketAccount:
		return "There have been too many attempts to sign in to this account from devices it has not been used on before. " +
			"Sign in on a device you have used before, or wait " + wait + " and try again"
	}
	return "The password has been wrong too many times. Wait " + wait + ", then try again"
}
