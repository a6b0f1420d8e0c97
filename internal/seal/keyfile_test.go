package seal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// A database that was never rotated keeps values exactly in the first
// format (version byte 1, no key id), so an older psu still reads them.
func TestKeyOneSealsTheOriginalFormat(t *testing.T) {
	s, _ := New(key(7))
	v := s.SealString("x", "c")
	if v[0] != 1 || len(v) != 1+12+1+16 {
		t.Fatalf("value under key 1 = % x", v)
	}
	if id, ok := KeyID(v); !ok || id != 1 || s.Current() != 1 {
		t.Fatalf("KeyID = %d %v", id, ok)
	}
}

func TestRotatedKeysOpenBothAndSealUnderTheNewest(t *testing.T) {
	old, _ := New(key(1))
	before := old.SealString("sealed under key 1", "c:1")
	both, err := FromKeyFile(KeyFile{Blind: BlindKeyOf(key(1)), Keys: []Key{{ID: 2, Secret: key(2)}, {ID: 1, Secret: key(1)}}})
	if err != nil {
		t.Fatal(err)
	}
	after := both.SealString("sealed under key 2", "c:2")
	if !bytes.HasPrefix(after, Header(2)) || !bytes.Equal(Header(2), []byte{2, 0, 0, 0, 2}) {
		t.Fatalf("value under key 2 starts % x", after[:6])
	}
	if got, err := both.OpenString(before, "c:1"); err != nil || got != "sealed under key 1" {
		t.Errorf("key 1 value with both keys: %q %v", got, err)
	}
	if _, err := old.Open(after, "c:2"); !errors.Is(err, ErrOpen) {
		t.Error("key 1 alone opened a value sealed under key 2")
	}
	if both.Blind("a@example.org", "email") != old.Blind("a@example.org", "email") {
		t.Error("blind indexes changed with the rotation")
	}

	retired, _ := FromKeyFile(KeyFile{Blind: BlindKeyOf(key(1)), Keys: []Key{{ID: 2, Secret: key(2)}}})
	if _, err := retired.Open(before, "c:1"); !errors.Is(err, ErrOpen) {
		t.Error("a value under a retired key still opens")
	}
	if got, err := retired.OpenString(after, "c:2"); err != nil || got != "sealed under key 2" {
		t.Errorf("after retiring key 1: %q %v", got, err)
	}
	if retired.Blind("a@example.org", "email") != old.Blind("a@example.org", "email") {
		t.Error("blind indexes changed when key 1 was retired")
	}
	// The key id is checked by the cipher too: relabelling a value does not
	// make another key open it.
	relabelled := append([]byte{2, 0, 0, 0, 2}, before[1:]...)
	if _, err := both.Open(relabelled, "c:1"); !errors.Is(err, ErrOpen) {
		t.Error("a relabelled value opened")
	}
}

func TestANextKeyOpensButDoesNotSeal(t *testing.T) {
	s, err := FromKeyFile(KeyFile{Blind: key(9), Keys: []Key{{ID: 3, Secret: key(3), Next: true}, {ID: 2, Secret: key(2)}}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Current() != 2 || !s.Holds(3) {
		t.Fatalf("current %d, holds 3: %v", s.Current(), s.Holds(3))
	}
	three, _ := FromKeyFile(KeyFile{Blind: key(9), Keys: []Key{{ID: 3, Secret: key(3)}, {ID: 2, Secret: key(2)}}})
	if got, err := s.OpenString(three.SealString("v", "c"), "c"); err != nil || got != "v" {
		t.Errorf("value under the next key: %q %v", got, err)
	}
}

func TestKeyFileFormat(t *testing.T) {
	f := KeyFile{Blind: key(9), Keys: []Key{{ID: 3, Secret: key(3), Next: true}, {ID: 2, Secret: key(2)}}}
	back, err := ParseKeyFile(f.Marshal())
	if err != nil || !bytes.Equal(back.Marshal(), f.Marshal()) || back.Current().ID != 2 || back.NewestID() != 3 {
		t.Fatalf("round trip: %v\n%s", err, back.Marshal())
	}
	legacy, err := ParseKeyFile([]byte(strings.Repeat("07", 32) + "\n"))
	if err != nil || len(legacy.Keys) != 1 || legacy.Keys[0].ID != 1 || !bytes.Equal(legacy.Blind, BlindKeyOf(key(7))) {
		t.Fatalf("one-line file: %+v %v", legacy, err)
	}
	h := func(b byte) string { return strings.Repeat(string("0123456789abcdef"[b]), 64) }
	for name, text := range map[string]string{
		"no blind key":          "key 1 " + h(1),
		"no key":                "blind " + h(9),
		"oldest first":          "blind " + h(9) + "\nkey 1 " + h(1) + "\nkey 2 " + h(2),
		"the same id twice":     "blind " + h(9) + "\nkey 2 " + h(1) + "\nkey 2 " + h(2),
		"next not the newest":   "blind " + h(9) + "\nkey 2 " + h(2) + "\nkey 1 " + h(1) + " next",
		"only a next key":       "blind " + h(9) + "\nkey 2 " + h(2) + " next",
		"a short key":           "blind " + h(9) + "\nkey 2 abcd",
		"key id 0":              "blind " + h(9) + "\nkey 0 " + h(2),
		"a line it cannot read": "blind " + h(9) + "\nkey 2 " + h(2) + "\nsomething else",
		"too short":             "short",
	} {
		if _, err := ParseKeyFile([]byte(text)); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
}

// A Sealer loaded from the file follows it: a value sealed by an instance
// that has read a newer file opens at once, and a rewritten file is taken
// at the next look. A broken file leaves the keys it holds in place.
func TestLoadFollowsTheKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "psu.key")
	a, created, err := Load(path, true)
	if err != nil || !created || a.Current() != 1 {
		t.Fatalf("create: %v %v", created, err)
	}
	under1 := a.SealString("one", "c")
	f, err := ReadKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := NewKey(2)
	f.Keys = append([]Key{k2}, f.Keys...)
	if err := WriteKeyFile(path, f); err != nil {
		t.Fatal(err)
	}
	b, _, err := Load(path, false)
	if err != nil || b.Current() != 2 {
		t.Fatalf("second instance: %v", err)
	}
	under2 := b.SealString("two", "c")
	if got, err := a.OpenString(under2, "c"); err != nil || got != "two" {
		t.Fatalf("the first instance opens a key 2 value: %q %v", got, err)
	}
	if a.Current() != 2 {
		t.Error("the first instance still seals under key 1 after reading the new file")
	}
	if got, err := b.OpenString(under1, "c"); err != nil || got != "one" {
		t.Fatalf("key 1 value with both keys: %q %v", got, err)
	}

	// Retire key 1: the file loses it; the next look drops it.
	if err := WriteKeyFile(path, KeyFile{Blind: f.Blind, Keys: f.Keys[:1]}); err != nil {
		t.Fatal(err)
	}
	b.src.due.Store(0)
	if b.Holds(1) {
		t.Error("key 1 held after the file dropped it")
	}
	os.WriteFile(path, []byte("not a key file"), 0o600)
	b.src.due.Store(0)
	if !b.Holds(2) || b.Current() != 2 {
		t.Error("a broken key file took the keys away")
	}
	if _, _, err := LoadKey(path, false); err == nil {
		t.Error("LoadKey read a broken file")
	}
	WriteKeyFile(path, f)
	if _, _, err := LoadKey(path, false); err == nil || !strings.Contains(err.Error(), "several keys") {
		t.Errorf("LoadKey on a file of two keys: %v", err)
	}
}

func TestWriteKeyFileRefusesAWriteUnderWay(t *testing.T) {
	path := filepath.Join(t.TempDir(), "psu.key")
	os.WriteFile(path+".new", nil, 0o600)
	err := WriteKeyFile(path, KeyFile{Blind: key(9), Keys: []Key{{ID: 1, Secret: key(1)}}})
	if err == nil || !strings.Contains(err.Error(), "another psu key command") {
		t.Fatalf("err = %v", err)
	}
	os.Remove(path + ".new")
	if err := WriteKeyFile(path, KeyFile{Blind: key(9), Keys: []Key{{ID: 1, Secret: key(1)}}}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %o", fi.Mode().Perm())
	}
}

// Sealing and opening go on while the key file changes under them: every
// value opens, whichever key it was sealed under (go test -race).
func TestLoadedSealerIsSafeWhileTheFileChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "psu.key")
	s, _, err := Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := ReadKeyFile(path)
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for i := range 300 {
				c := "c:" + string(rune('a'+g)) + ":" + string(rune('a'+i%26))
				if got, err := s.OpenString(s.SealString("v", c), c); err != nil || got != "v" {
					errs <- errors.New("a value did not open during the change")
					return
				}
				if i%50 == 0 {
					s.src.due.Store(0)
				}
			}
			errs <- nil
		}()
	}
	k2, _ := NewKey(2)
	if err := WriteKeyFile(path, KeyFile{Blind: f.Blind, Keys: []Key{k2, f.Keys[0]}}); err != nil {
		t.Fatal(err)
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	s.src.due.Store(0)
	if s.Current() != 2 {
		t.Error("the new key was not taken up")
	}
}
