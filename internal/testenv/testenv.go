// Package testenv decides what a test does when a real dependency
// (PostgreSQL, Chromium, axe-core) is missing: under CI it fails; elsewhere it
// skips and says so in one line a person sees even without -v.
package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// CI reports whether the tests run under CI (CI=true), where nothing may skip.
func CI() bool { return os.Getenv("CI") == "true" }

var said sync.Map

// Missing fails the test under CI and skips it elsewhere. The reason is
// printed once per test binary to the terminal: go test hides the output of
// passing packages, and a silent skip could pass for coverage.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if CI() {
		t.Fatalf("CI=true and %s", reason)
	}
	if _, dup := said.LoadOrStore(reason, true); !dup {
		line := fmt.Sprintf("psu tests: skipped (%s)\n", reason)
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			tty.WriteString(line)
			tty.Close()
		} else {
			os.Stderr.WriteString(line)
		}
	}
	t.Skip(reason)
}

// RepoRoot returns the folder holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}
