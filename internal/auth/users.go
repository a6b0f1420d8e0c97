package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// User is a member of staff.
type User struct {
	ID           string
	Email        string
	Name         string
	Roles        web.RoleSet
	PasswordHash string // "" while an invitation is waiting to be accepted
	TOTPSecret   []byte // sealed; nil until 2FA is set up
	TOTPLastStep int64
	Disabled     bool
	CreatedAt    time.Time
	LastSignInAt time.Time // zero if not known
	SignedOutAt  time.Time // sessions that signed in before this are over; zero if never
}

// Invited reports whether the person has yet to accept their invitation
// (and so has no password).
func (u User) Invited() bool { return u.PasswordHash == "" }

// ErrEmailTaken means another account has that e-mail address.
var ErrEmailTaken = errors.New("auth: an account with that e-mail address exists")

// ErrNoRoles means an account was to be given no role at all.
var ErrNoRoles = errors.New("auth: a member of staff needs at least one role")

// NormaliseEmail lower-cases and trims an address for storage and lookup.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CreateUser inserts a new member of staff with roles and a hashed password.
// Adding an administrator revokes any link to create the first one. The
// caller checks the password first, with CheckPassword.
func CreateUser(ctx context.Context, q store.Querier, a Argon2, email, name string, roles []web.Role, password string) (User, error) {
	return insertUser(ctx, q, email, name, roles, a.HashPassword(password))
}

// CreateInvited inserts a member of staff who has been invited: roles, but
// no password until they accept (SetPassword), so nobody can sign in to the
// account before then.
func CreateInvited(ctx context.Context, q store.Querier, email, name string, roles []web.Role) (User, error) {
	return insertUser(ctx, q, email, name, roles, "")
}

func insertUser(ctx context.Context, q store.Querier, email, name string, roles []web.Role, hash string) (User, error) {
	now := store.Now()
	u := User{ID: store.NewID(), Email: NormaliseEmail(email), Name: strings.TrimSpace(name), Roles: web.NewRoleSet(roles...),
		PasswordHash: hash, CreatedAt: now}
	if len(u.Roles) == 0 {
		return User{}, ErrNoRoles
	}
	if u.Roles.Has(web.RoleAdministrator) {
		if err := RevokeTokens(ctx, q, PurposeFirstAdmin); err != nil {
			return User{}, err
		}
	}
	_, err := q.ExecContext(ctx, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, u.ID, u.Email, u.Name, u.PasswordHash, now, now)
	if errors.Is(err, store.ErrConflict) {
		return User{}, ErrEmailTaken
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: create user: %w", err)
	}
	if err := insertRoles(ctx, q, u.ID, u.Roles); err != nil {
		return User{}, err
	}
	return u, nil
}

func insertRoles(ctx context.Context, q store.Querier, userID string, roles web.RoleSet) error {
	rows := make([][]any, len(roles))
	for i, r := range roles {
		rows[i] = []any{userID, string(r)}
	}
	if err := store.InsertRows(ctx, q, "user_roles", []string{"user_id", "role"}, rows); err != nil {
		return fmt.Errorf("auth: roles: %w", err)
	}
	return nil
}

// SetRoles replaces the roles userID holds. Making someone an administrator
// revokes any link to create the first one. Callers guard the last active
// administrator (see CountActiveAdministrators).
func SetRoles(ctx context.Context, q store.Querier, userID string, roles []web.Role) error {
	set := web.NewRoleSet(roles...)
	if len(set) == 0 {
		return ErrNoRoles
	}
	if set.Has(web.RoleAdministrator) {
		if err := RevokeTokens(ctx, q, PurposeFirstAdmin); err != nil {
			return err
		}
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = ?`, userID); err != nil {
		return fmt.Errorf("auth: roles: %w", err)
	}
	if err := insertRoles(ctx, q, userID, set); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, `UPDATE users SET updated_at = ? WHERE id = ?`, store.Now(), userID)
	return err
}

// SetPassword gives an invited member of staff the password they chose
// (checked first with CheckPassword). It reports false if the account has a
// password already, so an invitation is accepted once.
func SetPassword(ctx context.Context, q store.Querier, a Argon2, userID, password string) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash = ''`,
		a.HashPassword(password), store.Now(), userID)
	if err != nil {
		return false, fmt.Errorf("auth: set password: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const userColumns = `id, email, name, password_hash, totp_secret, totp_last_step, disabled_at IS NOT NULL, created_at,
	last_sign_in_at, signed_out_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var last, out store.Time
	err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &u.Disabled, &u.CreatedAt, &last, &out)
	u.LastSignInAt, u.SignedOutAt = last.Time, out.Time
	return u, err
}

// withRoles reads the roles of u.
func withRoles(ctx context.Context, q store.Querier, u User, err error) (User, error) {
	if err != nil {
		return u, mapNoRows(err)
	}
	rows, err := q.QueryContext(ctx, `SELECT role FROM user_roles WHERE user_id = ?`, u.ID)
	if err != nil {
		return u, fmt.Errorf("auth: roles: %w", err)
	}
	defer rows.Close()
	var rs []web.Role
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return u, fmt.Errorf("auth: roles: %w", err)
		}
		rs = append(rs, web.Role(r))
	}
	u.Roles = web.NewRoleSet(rs...)
	return u, rows.Err()
}

// UserByEmail finds an account; store.ErrNotFound if there is none.
func UserByEmail(ctx context.Context, q store.Querier, email string) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, NormaliseEmail(email)))
	return withRoles(ctx, q, u, err)
}

// UserByID finds an account by id; store.ErrNotFound if there is none.
func UserByID(ctx context.Context, q store.Querier, id string) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return withRoles(ctx, q, u, err)
}

// Users lists every account, by name, with their roles.
func Users(ctx context.Context, q store.Querier) ([]User, error) {
	var out []User
	err := q.ReadTx(ctx, func(tx *store.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name, email`)
		if err != nil {
			return err
		}
		byID := map[string]int{}
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				rows.Close()
				return err
			}
			byID[u.ID] = len(out)
			out = append(out, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT user_id, role FROM user_roles`)
		if err != nil {
			return err
		}
		defer rows.Close()
		held := map[string][]web.Role{}
		for rows.Next() {
			var id, r string
			if err := rows.Scan(&id, &r); err != nil {
				return err
			}
			held[id] = append(held[id], web.Role(r))
		}
		for id, rs := range held {
			if i, ok := byID[id]; ok {
				out[i].Roles = web.NewRoleSet(rs...)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("auth: users: %w", err)
	}
	return out, nil
}

// mapNoRows turns sql.ErrNoRows from a scanned row into store.ErrNotFound.
func mapNoRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// CountUsers returns how many staff accounts exist.
func CountUsers(ctx context.Context, q store.Querier) (int, error) {
	var n int
	err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`), &n)
	return n, err
}

// CountAdministrators returns how many administrator accounts exist,
// disabled and invited ones included.
func CountAdministrators(ctx context.Context, q store.Querier) (int, error) {
	var n int
	err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM user_roles WHERE role = 'administrator'`), &n)
	return n, err
}

// CountActiveAdministrators returns how many administrators can sign in
// (not disabled, invitation accepted), leaving out the account except, if
// not "". Someone must always be able to manage staff.
func CountActiveAdministrators(ctx context.Context, q store.Querier, except string) (int, error) {
	var n int
	err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u
		JOIN user_roles r ON r.user_id = u.id AND r.role = 'administrator'
		WHERE u.disabled_at IS NULL AND u.password_hash <> '' AND u.id <> ?`, except), &n)
	return n, err
}

// Token purposes.
const (
	PurposeFirstAdmin = "first_admin"
	PurposeInvite     = "invite" // a member of staff's invitation; the token names them
)

// NewOneTimeToken stores a fresh token for purpose and returns it; only its
// hash is kept. Earlier unused tokens for the same purpose are revoked.
func NewOneTimeToken(ctx context.Context, q store.Querier, purpose string, ttl time.Duration) (string, error) {
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	now := store.Now()
	if err := RevokeTokens(ctx, q, purpose); err != nil {
		return "", err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO one_time_tokens (token_hash, purpose, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hashToken(tok), purpose, now, now.Add(ttl))
	return tok, err
}

// NewUserToken stores a fresh token for purpose that names userID and
// returns it; only its hash is kept. Earlier unused tokens for the same
// purpose and person are revoked, so only the newest link works.
func NewUserToken(ctx context.Context, q store.Querier, purpose, userID string, ttl time.Duration) (string, error) {
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	now := store.Now()
	if err := RevokeUserTokens(ctx, q, purpose, userID); err != nil {
		return "", err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO one_time_tokens (token_hash, purpose, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		hashToken(tok), purpose, userID, now, now.Add(ttl))
	return tok, err
}

// RevokeUserTokens ends every unused token for purpose that names userID.
func RevokeUserTokens(ctx context.Context, q store.Querier, purpose, userID string) error {
	_, err := q.ExecContext(ctx, `UPDATE one_time_tokens SET used_at = ? WHERE purpose = ? AND user_id = ? AND used_at IS NULL`,
		store.Now(), purpose, userID)
	return err
}

// TokenUser returns whom an unused, unexpired token for purpose names, or
// store.ErrNotFound.
func TokenUser(ctx context.Context, q store.Querier, purpose, tok string) (string, error) {
	var id string
	err := store.Scan(q.QueryRowContext(ctx, `SELECT user_id FROM one_time_tokens
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? AND user_id IS NOT NULL`,
		hashToken(tok), purpose, store.Now()), &id)
	return id, err
}

// UseUserToken marks tok used and returns whom it names; store.ErrNotFound
// if it was not valid, so two concurrent uses cannot both succeed. It
// writes, so tx is a transaction.
func UseUserToken(ctx context.Context, tx *store.Tx, purpose, tok string) (string, error) {
	now := store.Now()
	var id string
	err := store.Scan(tx.QueryRowContext(ctx, `UPDATE one_time_tokens SET used_at = ?
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? AND user_id IS NOT NULL
		RETURNING user_id`, now, hashToken(tok), purpose, now), &id)
	return id, err
}

// TokenExpiry returns when the newest unused token for purpose that names
// userID expires, and whether there is one at all (an expired one counts).
func TokenExpiry(ctx context.Context, q store.Querier, purpose, userID string) (time.Time, bool, error) {
	var at store.Time
	err := store.Scan(q.QueryRowContext(ctx, `SELECT MAX(expires_at) FROM one_time_tokens
		WHERE purpose = ? AND user_id = ? AND used_at IS NULL`, purpose, userID), &at)
	return at.Time, at.Valid, err
}

func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// RevokeTokens ends every unused token for purpose.
func RevokeTokens(ctx context.Context, q store.Querier, purpose string) error {
	_, err := q.ExecContext(ctx, `UPDATE one_time_tokens SET used_at = ? WHERE purpose = ? AND used_at IS NULL`, store.Now(), purpose)
	return err
}

// TokenValid reports whether tok is an unused, unexpired token for purpose.
func TokenValid(ctx context.Context, q store.Querier, purpose, tok string) (bool, error) {
	var n int
	err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM one_time_tokens
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`, hashToken(tok), purpose, store.Now()), &n)
	return n == 1, err
}

// UseToken marks tok used; it reports false if it was not valid, so two
// concurrent uses cannot both succeed.
func UseToken(ctx context.Context, q store.Querier, purpose, tok string) (bool, error) {
	now := store.Now()
	res, err := q.ExecContext(ctx, `UPDATE one_time_tokens SET used_at = ?
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`, now, hashToken(tok), purpose, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}
