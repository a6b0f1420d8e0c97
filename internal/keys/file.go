package keys

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
)

// Step says what Begin did to the key file.
type Step int

const (
	// Resumed: the file already had a key to rotate to.
	Resumed Step = iota
	// Added: a new key was made and put first, in use at once.
	Added
	// Promoted: the key Prepare added is now the one in use.
	Promoted
)

// Prepare adds a new key to the file at path, marked next: every psu that
// reads the file can open values sealed under it, and none seals under it
// yet. For several machines: give each the file, then run Begin.
func Prepare(path string) (seal.Key, error) {
	f, err := seal.ReadKeyFile(path)
	if err != nil {
		return seal.Key{}, err
	}
	if f.Keys[0].Next {
		return seal.Key{}, fmt.Errorf("key %d is already waiting in %s: give every machine that runs psu this file, then run psu key rotate", f.Keys[0].ID, path)
	}
	if err := oneKey(f); err != nil {
		return seal.Key{}, err
	}
	k, err := seal.NewKey(f.NewestID() + 1)
	if err != nil {
		return seal.Key{}, err
	}
	k.Next = true
	f.Keys = append([]seal.Key{k}, f.Keys...)
	return k, seal.WriteKeyFile(path, f)
}

// oneKey refuses a new key while an older rotation is unfinished: the file
// then always holds at most the key in use and the one it replaces.
func oneKey(f seal.KeyFile) error {
	if len(f.Keys) > 1 {
		old := f.Keys[len(f.Keys)-1].ID
		return fmt.Errorf("key %d is still in the key file: finish that rotation first (psu key rotate, then psu key retire %d)", old, old)
	}
	return nil
}

// Begin makes sure the key file at path has a key to rotate to and that it
// is the one in use: the key Prepare added, or else a new one when the file
// has a single key. A file that already has a newer key in use and older
// ones beside it is a rotation under way, and stays as it is.
func Begin(path string) (seal.KeyFile, Step, error) {
	f, err := seal.ReadKeyFile(path)
	if err != nil {
		return f, Resumed, err
	}
	step := Resumed
	switch {
	case f.Keys[0].Next:
		f.Keys[0].Next = false
		step = Promoted
	case len(f.Keys) == 1:
		k, err := seal.NewKey(f.NewestID() + 1)
		if err != nil {
			return f, Resumed, err
		}
		f.Keys = append([]seal.Key{k}, f.Keys...)
		step = Added
	}
	if step != Resumed {
		if err := seal.WriteKeyFile(path, f); err != nil {
			return f, Resumed, err
		}
	}
	return f, step, nil
}

// ErrInUse means a key still seals values and cannot be retired.
var ErrInUse = errors.New("the key is still in use")

// Retire removes key id from the key file at path, once no sealed value in
// db is under it. The key in use cannot be retired.
func Retire(ctx context.Context, db *store.DB, path string, id uint32) (seal.KeyFile, error) {
	f, err := seal.ReadKeyFile(path)
	if err != nil {
		return f, err
	}
	if _, ok := f.Key(id); !ok {
		held := make([]string, len(f.Keys))
		for i, k := range f.Keys {
			held[i] = fmt.Sprint(k.ID)
		}
		return f, fmt.Errorf("%s holds no key %d (it holds %s)", path, id, strings.Join(held, ", "))
	}
	if f.Current().ID == id {
		return f, fmt.Errorf("%w: key %d is the one new values are sealed under; rotate to a new key first (psu key rotate)", ErrInUse, id)
	}
	usage, err := Count(ctx, db)
	if err != nil {
		return f, err
	}
	for _, u := range usage {
		if u.Key == id {
			return f, fmt.Errorf("%w: %d values are still sealed under key %d (%s); run psu key rotate to re-seal them, then retire the key", ErrInUse, u.Values, id, u.Columns())
		}
	}
	keep := f.Keys[:0:0]
	for _, k := range f.Keys {
		if k.ID != id {
			keep = append(keep, k)
		}
	}
	f.Keys = keep
	return f, seal.WriteKeyFile(path, f)
}
