package seal

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ReloadEvery is how often a Sealer from Load looks at its key file for a
// change (psu key rotate or retire, or a new copy put in place); it reads
// the file at once when it meets a value sealed under a key it lacks.
const ReloadEvery = 5 * time.Second

// Key is one data-encryption key in the key file.
type Key struct {
	ID     uint32
	Secret []byte
	// Next marks a key added by psu key rotate --prepare: it opens values,
	// but nothing is sealed under it until psu key rotate makes it current.
	Next bool
}

// KeyFile is what PSU_KEY_FILE holds: the blind-index key and the
// data-encryption keys, newest first. Values are sealed under the first key
// not marked next.
//
// A file of one line of 64 hex characters, as psu first writes it, is key 1
// with the blind-index key derived from it. Once rotated the file reads:
//
//	blind <64 hex>
//	key 2 <64 hex>
//	key 1 <64 hex>
type KeyFile struct {
	Blind []byte
	Keys  []Key
}

// Current is the key new values are sealed under.
func (f KeyFile) Current() Key {
	for _, k := range f.Keys {
		if !k.Next {
			return k
		}
	}
	return Key{}
}

// Key returns the key with id.
func (f KeyFile) Key(id uint32) (Key, bool) {
	for _, k := range f.Keys {
		if k.ID == id {
			return k, true
		}
	}
	return Key{}, false
}

// NewestID is the highest key id in the file: a new key takes the next.
func (f KeyFile) NewestID() uint32 {
	var n uint32
	for _, k := range f.Keys {
		n = max(n, k.ID)
	}
	return n
}

// NewKey returns a fresh random key with id.
func NewKey(id uint32) (Key, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return Key{}, err
	}
	return Key{ID: id, Secret: secret}, nil
}

func (f KeyFile) check() error {
	if len(f.Blind) != 32 {
		return errors.New("the blind-index key must be 32 bytes")
	}
	if len(f.Keys) == 0 {
		return errors.New("it holds no key")
	}
	seen := map[uint32]bool{}
	for i, k := range f.Keys {
		switch {
		case k.ID == 0:
			return errors.New("key ids start at 1")
		case seen[k.ID]:
			return fmt.Errorf("key %d is there twice", k.ID)
		case len(k.Secret) != 32:
			return fmt.Errorf("key %d must be 64 hex characters (32 bytes)", k.ID)
		case k.Next && i > 0:
			return fmt.Errorf("only the newest key (the first) may be marked next, not key %d", k.ID)
		case i > 0 && k.ID >= f.Keys[i-1].ID:
			return fmt.Errorf("keys must be listed newest first (key %d comes after key %d)", k.ID, f.Keys[i-1].ID)
		}
		seen[k.ID] = true
	}
	if f.Current().ID == 0 {
		return errors.New("every key is marked next: one must be in use")
	}
	return nil
}

// ParseKeyFile reads the key file format (see KeyFile).
func ParseKeyFile(b []byte) (KeyFile, error) {
	text := strings.TrimSpace(string(b))
	if len(text) == 64 && !strings.ContainsAny(text, " \t\n") {
		key, err := hex.DecodeString(text)
		if err != nil {
			return KeyFile{}, errors.New("it must hold 64 hex characters (32 bytes)")
		}
		return KeyFile{Blind: BlindKeyOf(key), Keys: []Key{{ID: 1, Secret: key}}}, nil
	}
	var f KeyFile
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		w := strings.Fields(line)
		switch {
		case w[0] == "blind" && len(w) == 2 && f.Blind == nil:
			k, err := hex.DecodeString(w[1])
			if err != nil || len(k) != 32 {
				return KeyFile{}, fmt.Errorf("line %d: the blind-index key must be 64 hex characters", n)
			}
			f.Blind = k
		case w[0] == "key" && (len(w) == 3 || len(w) == 4 && w[3] == "next"):
			id, err := strconv.ParseUint(w[1], 10, 32)
			if err != nil {
				return KeyFile{}, fmt.Errorf("line %d: %q is not a key id", n, w[1])
			}
			k, err := hex.DecodeString(w[2])
			if err != nil || len(k) != 32 {
				return KeyFile{}, fmt.Errorf("line %d: key %d must be 64 hex characters", n, id)
			}
			f.Keys = append(f.Keys, Key{ID: uint32(id), Secret: k, Next: len(w) == 4})
		default:
			return KeyFile{}, fmt.Errorf("line %d: expected \"blind HEX\" or \"key ID HEX\"", n)
		}
	}
	if err := f.check(); err != nil {
		return KeyFile{}, err
	}
	return f, nil
}

// Marshal writes f in the key file format.
func (f KeyFile) Marshal() []byte {
	var b bytes.Buffer
	b.WriteString("# psu data-encryption keys, newest first: values are sealed under the first\n")
	b.WriteString("# key not marked next; older keys open older values until psu key retire.\n")
	b.WriteString("# Every psu instance needs this same file. See README.md, \"Backups and keys\".\n")
	fmt.Fprintf(&b, "blind %x\n", f.Blind)
	for _, k := range f.Keys {
		fmt.Fprintf(&b, "key %d %x", k.ID, k.Secret)
		if k.Next {
			b.WriteString(" next")
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ReadKeyFile reads and checks the key file at path.
func ReadKeyFile(path string) (KeyFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return KeyFile{}, fmt.Errorf("cannot read %s: %w", path, err)
	}
	f, err := ParseKeyFile(b)
	if err != nil {
		return KeyFile{}, fmt.Errorf("%s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		return KeyFile{}, fmt.Errorf("%s is readable by other users (mode %o): chmod 600 it", path, fi.Mode().Perm())
	}
	return f, nil
}

// WriteKeyFile replaces the key file at path with f in one step (a new file
// renamed over the old), mode 0600, so a psu reading it meanwhile sees the
// old file or the new, never half of one. A leftover PATH.new means another
// write is under way or was cut short.
func WriteKeyFile(path string, f KeyFile) error {
	if err := f.check(); err != nil {
		return err
	}
	tmp := path + ".new"
	w, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s exists: another psu key command is writing the key file, or one was stopped part way; if none is running, remove it and try again", tmp)
	}
	if err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	_, err = w.Write(f.Marshal())
	if err == nil {
		err = w.Sync()
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write key file: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// LoadKey reads a one-key file from path. When path is the default location
// and does not exist yet, a new random key is written there with mode 0600
// and created is true, so the caller can say so in the log. A file that
// holds several keys (after psu key rotate) needs Load.
func LoadKey(path string, mayCreate bool) (key []byte, created bool, err error) {
	created, err = createIfMissing(path, mayCreate)
	if err != nil {
		return nil, false, err
	}
	f, err := ReadKeyFile(path)
	if err != nil {
		return nil, false, err
	}
	if len(f.Keys) != 1 || f.Keys[0].ID != 1 {
		return nil, false, fmt.Errorf("%s holds several keys: load it with seal.Load", path)
	}
	return f.Keys[0].Secret, created, nil
}

// createIfMissing writes a new one-key file at path when there is none and
// mayCreate is set.
func createIfMissing(path string, mayCreate bool) (bool, error) {
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) || !mayCreate {
		return false, nil
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return false, fmt.Errorf("create key folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return false, fmt.Errorf("create key file: %w", err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err == nil, err
}

// Load returns a Sealer for the key file at path, creating a one-key file
// when path is missing and mayCreate is set (created reports it). The
// Sealer follows the file: when psu key rotate or retire rewrites it, the
// Sealer takes the new keys within ReloadEvery, and at once when it meets a
// value sealed under a key it does not yet hold. A file that becomes
// unreadable or invalid is ignored and the keys already held kept, so a
// running psu never loses its keys to a bad copy.
func Load(path string, mayCreate bool) (s *Sealer, created bool, err error) {
	created, err = createIfMissing(path, mayCreate)
	if err != nil {
		return nil, false, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, false, fmt.Errorf("cannot read %s: %w", path, err)
	}
	f, err := ReadKeyFile(path)
	if err != nil {
		return nil, false, err
	}
	s, err = FromKeyFile(f)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	ino, dev := fileID(fi)
	s.src = &source{path: path, mod: fi.ModTime(), size: fi.Size(), inode: ino, device: dev}
	s.src.due.Store(time.Now().Add(ReloadEvery).UnixNano())
	return s, created, nil
}

// source is the key file a Sealer follows.
type source struct {
	path string
	// due is when the file is next looked at (Unix nanoseconds), read
	// without the lock: most calls only compare it with the clock.
	due atomic.Int64

	mu            sync.Mutex
	forced        time.Time // last look asked for by an unknown key id
	mod           time.Time
	size          int64
	inode, device uint64
}

// refresh re-reads the file if it changed. Looks are spaced ReloadEvery
// apart, or a second apart when forced, so values with made-up key ids
// cannot make psu read the file on every request.
func (src *source) refresh(s *Sealer, force bool) {
	now := time.Now()
	if !force && now.UnixNano() < src.due.Load() {
		return
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	due := now.UnixNano() >= src.due.Load()
	if force && now.Sub(src.forced) >= time.Second {
		due, src.forced = true, now
	}
	if !due {
		return
	}
	src.due.Store(now.Add(ReloadEvery).UnixNano())
	fi, err := os.Stat(src.path)
	if err != nil {
		return
	}
	ino, dev := fileID(fi)
	if fi.ModTime().Equal(src.mod) && fi.Size() == src.size && ino == src.inode && dev == src.device {
		return
	}
	f, err := ReadKeyFile(src.path)
	if err != nil {
		return
	}
	r, err := newRing(f)
	if err != nil {
		return
	}
	s.ring.Store(r)
	src.mod, src.size, src.inode, src.device = fi.ModTime(), fi.Size(), ino, dev
}
