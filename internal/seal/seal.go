// Package seal encrypts sensitive text and documents at rest with AES-256-GCM
// under the data-encryption keys from PSU_KEY_FILE.
//
// A sealed value starts with a version byte. Version 1 values are sealed
// under key 1, the key psu generated first (a database that has never been
// rotated holds only these, byte for byte as before keys had ids); version 2
// values name their key: 2, the key id (4 bytes, big-endian), then nonce and
// ciphertext. Open picks the key by that id, so while a rotation runs
// (psu key rotate) values under the old and the new key both open.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync/atomic"
)

// version is the first byte of a value sealed under key 1 (no key id);
// versionKeyed starts a value that names its key.
const (
	version      byte = 1
	versionKeyed byte = 2
)

// ErrOpen means a sealed value could not be decrypted: a different key, or
// the value was altered.
var ErrOpen = errors.New("seal: cannot decrypt (wrong key or altered data)")

// Sealer seals and opens values. It is safe for concurrent use.
type Sealer struct {
	ring atomic.Pointer[ring]
	// src is the key file the ring came from, re-read when it changes;
	// nil for a Sealer made from one key (New, and per-case data keys).
	src *source
}

// ring is one reading of the keys: the one new values are sealed under,
// every key that opens values, and the blind-index key.
type ring struct {
	current *entry
	byID    map[uint32]*entry
	blind   []byte
}

type entry struct {
	id   uint32
	aead cipher.AEAD
}

// New returns a Sealer for one 32-byte key, as key 1: it seals version 1
// values and derives its blind-index key from the key.
func New(key []byte) (*Sealer, error) {
	r, err := newRing(KeyFile{Blind: BlindKeyOf(key), Keys: []Key{{ID: 1, Secret: key}}})
	if err != nil {
		return nil, err
	}
	s := &Sealer{}
	s.ring.Store(r)
	return s, nil
}

// FromKeyFile returns a Sealer holding every key in f, sealing under its
// current key. It does not follow the file: see Load.
func FromKeyFile(f KeyFile) (*Sealer, error) {
	r, err := newRing(f)
	if err != nil {
		return nil, err
	}
	s := &Sealer{}
	s.ring.Store(r)
	return s, nil
}

func newRing(f KeyFile) (*ring, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	r := &ring{byID: map[uint32]*entry{}, blind: append([]byte(nil), f.Blind...)}
	for _, k := range f.Keys {
		aead, err := newAEAD(k.Secret)
		if err != nil {
			return nil, err
		}
		e := &entry{id: k.ID, aead: aead}
		r.byID[k.ID] = e
		if r.current == nil && !k.Next {
			r.current = e
		}
	}
	return r, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("seal: key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// BlindKeyOf is the blind-index key psu derives from a key file's first
// key. It is written into the key file at the first rotation and never
// changes after, so keyed hashes stored before keep matching.
func BlindKeyOf(key []byte) []byte {
	bk := hmac.New(sha256.New, key)
	bk.Write([]byte("psu blind index key v1"))
	return bk.Sum(nil)
}

// Header is how every value sealed under key id begins: the prefix
// psu key rotate looks for in the database to see what is left to do.
func Header(id uint32) []byte {
	if id == 1 {
		return []byte{version}
	}
	return binary.BigEndian.AppendUint32([]byte{versionKeyed}, id)
}

// KeyID reports which key sealed a value, from its header alone.
func KeyID(sealed []byte) (uint32, bool) {
	switch {
	case len(sealed) > 0 && sealed[0] == version:
		return 1, true
	case len(sealed) >= 5 && sealed[0] == versionKeyed:
		return binary.BigEndian.Uint32(sealed[1:5]), true
	}
	return 0, false
}

// Current is the id of the key new values are sealed under.
func (s *Sealer) Current() uint32 { return s.keys(false).current.id }

// Holds reports whether this Sealer can open values sealed under key id.
func (s *Sealer) Holds(id uint32) bool { return s.keys(false).byID[id] != nil }

// keys returns the ring in use, first re-reading the key file when it has
// changed (looked at every ReloadEvery, or at once when force is set).
func (s *Sealer) keys(force bool) *ring {
	if s.src != nil {
		s.src.refresh(s, force)
	}
	return s.ring.Load()
}

// Seal encrypts plaintext. context binds the value to where it is stored (for
// example "outbox.body"), so a sealed value copied to another column fails to
// open.
func (s *Sealer) Seal(plaintext []byte, context string) []byte {
	k := s.keys(false).current
	head := Header(k.id)
	n := k.aead.NonceSize()
	out := make([]byte, len(head)+n, len(head)+n+len(plaintext)+k.aead.Overhead())
	copy(out, head)
	nonce := out[len(head):]
	if _, err := rand.Read(nonce); err != nil {
		panic("seal: no randomness: " + err.Error())
	}
	return k.aead.Seal(out, nonce, plaintext, []byte(context))
}

// Open decrypts a value made by Seal with the same context, under whichever
// of the keys it was sealed with.
func (s *Sealer) Open(sealed []byte, context string) ([]byte, error) {
	id, ok := KeyID(sealed)
	if !ok {
		return nil, ErrOpen
	}
	k := s.keys(false).byID[id]
	if k == nil && s.src != nil {
		// Sealed by an instance that has read a newer key file than ours.
		k = s.keys(true).byID[id]
	}
	if k == nil {
		return nil, ErrOpen
	}
	body := sealed[len(Header(id)):]
	n := k.aead.NonceSize()
	if len(body) < n+k.aead.Overhead() {
		return nil, ErrOpen
	}
	pt, err := k.aead.Open(nil, body[:n], body[n:], []byte(context))
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

// Blind returns a keyed hash (HMAC-SHA-256 under the blind-index key, which
// does not rotate) of a normalised value, hex-encoded. It lets the database
// find equal values (for example the same e-mail address on a referral and
// an application) without storing them readably. context separates uses.
func (s *Sealer) Blind(value, context string) string {
	m := hmac.New(sha256.New, s.keys(false).blind)
	m.Write([]byte(context))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// NewDataKey makes a fresh key for one record (a case), returning it sealed
// under this Sealer for storage beside the record, and a Sealer that seals
// under it. Destroying the stored key destroys every value sealed under it,
// in the database and in any copy of it. A rotation re-seals the stored key
// only: the values under it stay as they are.
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
