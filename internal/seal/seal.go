// Package seal encrypts sensitive text and documents at rest with AES-256-GCM
// under the data-encryption key from PSU_KEY_FILE.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// version is the first byte of every sealed value, so the format (and later
// key rotation) can change without guessing.
const version byte = 1

// ErrOpen means a sealed value could not be decrypted: a different key, or
// the value was altered.
var ErrOpen = errors.New("seal: cannot decrypt (wrong key or altered data)")

// Sealer seals and opens values. It is safe for concurrent use.
type Sealer struct {
	aead     cipher.AEAD
	blindKey []byte
}

// New returns a Sealer for a 32-byte key.
func New(key []byte) (*Sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("seal: key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	bk := hmac.New(sha256.New, key)
	bk.Write([]byte("psu blind index key v1"))
	return &Sealer{aead: aead, blindKey: bk.Sum(nil)}, nil
}

// Seal encrypts plaintext. context binds the value to where it is stored (for
// example "outbox.body"), so a sealed value copied to another column fails to
// open.
func (s *Sealer) Seal(plaintext []byte, context string) []byte {
	nonce := make([]byte, s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("seal: no randomness: " + err.Error())
	}
	out := append([]byte{version}, nonce...)
	return s.aead.Seal(out, nonce, plaintext, []byte(context))
}

// Open decrypts a value made by Seal with the same context.
func (s *Sealer) Open(sealed []byte, context string) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != version {
		return nil, ErrOpen
	}
	pt, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(context))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}

// SealString and OpenString are Seal and Open for text.
func (s *Sealer) SealString(v, context string) []byte { return s.Seal([]byte(v), context) }

func (s *Sealer) OpenString(sealed []byte, context string) (string, error) {
	b, err := s.Open(sealed, context)
	return string(b), err
}

// LoadKey reads a hex key from path. When path is the default location and
// does not exist yet, a new random key is written there with mode 0600 and
// created is true, so the caller can say so in the log.
func LoadKey(path string, mayCreate bool) (key []byte, created bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && mayCreate {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, false, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, fmt.Errorf("create key folder: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("create key file: %w", err)
		}
		_, err = f.WriteString(hex.EncodeToString(key) + "\n")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return key, err == nil, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("cannot read %s: %w", path, err)
	}
	key, err = hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, false, fmt.Errorf("%s must hold 64 hex characters (32 bytes)", path)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("%s is readable by other users (mode %o): chmod 600 it", path, fi.Mode().Perm())
	}
	return key, false, nil
}

// Blind returns a keyed hash (HMAC-SHA-256 under a key derived from the
// data key) of a normalised value, hex-encoded. It lets the database find
// equal values (for example the same e-mail address on a referral and an
// application) without storing them readably. context separates uses.
func (s *Sealer) Blind(value, context string) string {
	m := hmac.New(sha256.New, s.blindKey)
	m.Write([]byte(context))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// NewDataKey makes a fresh key for one record (a case), returning it sealed
// under this Sealer for storage beside the record, and a Sealer that seals
// under it. Destroying the stored key destroys every value sealed under it,
// in the database and in any copy of it.
func (s *Sealer) NewDataKey(context string) (stored []byte, sub *Sealer, err error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, err
	}
	sub, err = New(key)
	if err != nil {
		return nil, nil, err
	}
	return s.Seal(key, context), sub, nil
}

// OpenDataKey returns the Sealer for a key made by NewDataKey.
func (s *Sealer) OpenDataKey(stored []byte, context string) (*Sealer, error) {
	key, err := s.Open(stored, context)
	if err != nil {
		return nil, err
	}
	return New(key)
}
