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
	Role         web.Role
	PasswordHash string
	TOTPSecret   []byte // sealed; nil until 2FA is set up
	TOTPLastStep int64
	Disabled     bool
	CreatedAt    time.Time
}

// ErrEmailTaken means another account has that e-mail address.
var ErrEmailTaken = errors.New("auth: an account with that e-mail address exists")

// NormaliseEmail lower-cases and trims an address for storage and lookup.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CreateUser inserts a new member of staff with a hashed password. Adding
// an administrator revokes any link to create the first one. The caller
// checks the password first, with CheckPassword.
func CreateUser(ctx context.Context, q store.Querier, a Argon2, email, name string, role web.Role, password string) (User, error) {
	now := store.Now()
	if role == web.RoleAdministrator {
		if err := RevokeTokens(ctx, q, PurposeFirstAdmin); err != nil {
			return User{}, err
		}
	}
	u := User{ID: store.NewID(), Email: NormaliseEmail(email), Name: strings.TrimSpace(name), Role: role,
		PasswordHash: a.HashPassword(password), CreatedAt: now}
	_, err := q.ExecContext(ctx, `INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Email, u.Name, string(u.Role), u.PasswordHash, now, now)
	if errors.Is(err, store.ErrConflict) {
		return User{}, ErrEmailTaken
	}
	if err != nil {
		return User{}, fmt.Errorf("auth: create user: %w", err)
	}
	return u, nil
}

const userColumns = `id, email, name, role, password_hash, totp_secret, totp_last_step, disabled_at IS NOT NULL, created_at`

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var role string
	err := row.Scan(&u.ID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.TOTPSecret, &u.TOTPLastStep, &u.Disabled, &u.CreatedAt)
	u.Role = web.Role(role)
	return u, err
}

// UserByEmail finds an account; store.ErrNotFound if there is none.
func UserByEmail(ctx context.Context, q store.Querier, email string) (User, error) {
	row := q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, NormaliseEmail(email))
	u, err := scanUser(row)
	return u, mapNoRows(err)
}

// UserByID finds an account by id; store.ErrNotFound if there is none.
func UserByID(ctx context.Context, q store.Querier, id string) (User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return u, mapNoRows(err)
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
// disabled ones included.
func CountAdministrators(ctx context.Context, q store.Querier) (int, error) {
	var n int
	err := store.Scan(q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'administrator'`), &n)
	return n, err
}

// Token purposes.
const PurposeFirstAdmin = "first_admin"

// NewOneTimeToken stores a fresh token for purpose and returns it; only its
// hash is kept. Earlier unused tokens for the same purpose are revoked.
func NewOneTimeToken(ctx context.Context, q store.Querier, purpose string, ttl time.Duration) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	tok := base64.RawURLEncoding.EncodeToString(b)
	now := store.Now()
	if err := RevokeTokens(ctx, q, purpose); err != nil {
		return "", err
	}
	_, err := q.ExecContext(ctx, `INSERT INTO one_time_tokens (token_hash, purpose, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		hashToken(tok), purpose, now, now.Add(ttl))
	return tok, err
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
