package seal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSealRoundTripAndTamper(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	s, err := New(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed := s.SealString("I have been struggling with my exams", "app.story")
	if bytes.Contains(sealed, []byte("struggling")) {
		t.Fatal("plaintext visible in sealed value")
	}
	got, err := s.OpenString(sealed, "app.story")
	if err != nil || got != "I have been struggling with my exams" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := s.Open(sealed, "other.column"); !errors.Is(err, ErrOpen) {
		t.Fatalf("wrong context opened: %v", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := s.Open(sealed, "app.story"); !errors.Is(err, ErrOpen) {
		t.Fatalf("tampered value opened: %v", err)
	}
	other, _ := New(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(s.SealString("x", "c"), "c"); !errors.Is(err, ErrOpen) {
		t.Fatal("another key opened the value")
	}
}

func TestLoadKeyCreatesOnceWithMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "psu.key")
	if _, _, err := LoadKey(path, false); err == nil {
		t.Fatal("missing key file without mayCreate must fail")
	}
	k1, created, err := LoadKey(path, true)
	if err != nil || !created || len(k1) != 32 {
		t.Fatalf("create: %v %v %d", created, err, len(k1))
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %o", fi.Mode().Perm())
	}
	k2, created, err := LoadKey(path, true)
	if err != nil || created || !bytes.Equal(k1, k2) {
		t.Fatalf("reload: created=%v err=%v same=%v", created, err, bytes.Equal(k1, k2))
	}
	os.Chmod(path, 0o644)
	if _, _, err := LoadKey(path, true); err == nil {
		t.Fatal("a world-readable key must be refused")
	}
	os.WriteFile(path, []byte("short"), 0o600)
	if _, _, err := LoadKey(path, true); err == nil {
		t.Fatal("a malformed key must be refused")
	}
}

func TestBlindIsStableKeyedAndContextBound(t *testing.T) {
	a, _ := New(bytes.Repeat([]byte{7}, 32))
	b, _ := New(bytes.Repeat([]byte{8}, 32))
	x := a.Blind("trainee@example.org", "email")
	if x != a.Blind("trainee@example.org", "email") || len(x) != 64 {
		t.Fatal("blind index not stable")
	}
	if x == a.Blind("trainee@example.org", "phone") || x == b.Blind("trainee@example.org", "email") || x == a.Blind("other@example.org", "email") {
		t.Fatal("blind index collides across context, key or value")
	}
}

func TestDataKeysSealApartFromTheMasterKey(t *testing.T) {
	master, _ := New(make([]byte, 32))
	stored, sub, err := master.NewDataKey("cases.key:1")
	if err != nil {
		t.Fatal(err)
	}
	v := sub.SealString("note", "case_notes.body:1")
	if _, err := master.OpenString(v, "case_notes.body:1"); err == nil {
		t.Error("the master key opens a value sealed under a data key")
	}
	again, err := master.OpenDataKey(stored, "cases.key:1")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := again.OpenString(v, "case_notes.body:1"); err != nil || got != "note" {
		t.Errorf("reopened key: %q, %v", got, err)
	}
	if _, err := master.OpenDataKey(stored, "cases.key:2"); err == nil {
		t.Error("a data key opens under another record's context")
	}
}
