package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
	"time"
)

func TestSemverOrder(t *testing.T) {
	// Each version precedes the next (SemVer 2.0.0's own example, then Go's
	// pseudo-versions and releases).
	ascending := []string{
		"",
		"0.0.0-20220314234659-1baeb1ce4c0b",
		"0.0.0-20230101000000-aaaaaaaaaaaa",
		"0.0.0",
		"0.1.0",
		"1.0.0-alpha",
		"1.0.0-alpha.1",
		"1.0.0-alpha.beta",
		"1.0.0-beta",
		"1.0.0-beta.2",
		"1.0.0-beta.11",
		"1.0.0-rc.1",
		"1.0.0",
		"1.2.3",
		"1.10.0",
		"1.21.0-rc.1",
		"1.21.0",
		"2.0.0",
	}
	for i := range ascending {
		for j := range ascending {
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := semverCompare(ascending[i], ascending[j]); got != want {
				t.Errorf("compare(%q, %q) = %d, want %d", ascending[i], ascending[j], got, want)
			}
		}
	}
	for _, eq := range [][2]string{{"1.2", "1.2.0"}, {"1", "1.0.0"}, {"1.2.3+build.5", "1.2.3"}, {"01.2.3", "x"}, {"1.2.3-01", ""}} {
		if c := semverCompare(eq[0], eq[1]); c != 0 {
			t.Errorf("compare(%q, %q) = %d, want equal", eq[0], eq[1], c)
		}
	}
	for _, bad := range []string{"", "v1.2.3", "1.2.3.4", "01.2.3", "1.02.3", "1.2.3-", "1.2.3-a..b", "1.2.3-01", "1.2-pre", "1.2.3+", "1.2.3-a_b", "a.b.c"} {
		if _, ok := parseSemver(bad); ok {
			t.Errorf("parseSemver(%q) accepted", bad)
		}
	}
}

// The cases of golang.org/x/vulndb/internal/osvutils.TestLatestFixed.
func TestLatestFixed(t *testing.T) {
	type ev = struct{ Introduced, Fixed string }
	semverRange := func(evs ...ev) osvRange {
		r := osvRange{Type: "SEMVER"}
		for _, e := range evs {
			r.Events = append(r.Events, struct {
				Introduced string `json:"introduced"`
				Fixed      string `json:"fixed"`
			}{e.Introduced, e.Fixed})
		}
		return r
	}
	tests := []struct {
		name   string
		ranges []osvRange
		want   string
	}{
		{"empty", nil, ""},
		{"no fix", []osvRange{semverRange(ev{Introduced: "0"})}, ""},
		{"no latest fix", []osvRange{semverRange(ev{Introduced: "0"}, ev{Fixed: "1.0.4"}, ev{Introduced: "1.1.2"})}, ""},
		{"unsorted no latest fix", []osvRange{semverRange(ev{Fixed: "1.0.4"}, ev{Introduced: "0"}, ev{Introduced: "1.1.2"}, ev{Introduced: "1.5.0"}, ev{Fixed: "1.1.4"})}, ""},
		{"unsorted with fix", []osvRange{semverRange(ev{Fixed: "1.0.0"}, ev{Introduced: "0"}, ev{Fixed: "0.1.0"}, ev{Introduced: "0.5.0"})}, "1.0.0"},
		{"multiple ranges", []osvRange{semverRange(ev{Introduced: "0"}, ev{Fixed: "0.1.0"}), semverRange(ev{Introduced: "0"}, ev{Fixed: "0.2.0"})}, "0.2.0"},
		{"pseudoversion", []osvRange{semverRange(ev{Introduced: "0"}, ev{Fixed: "0.0.0-20220824120805-abc"}, ev{Introduced: "0.0.0-20230824120805-efg"}, ev{Fixed: "0.0.0-20240824120805-hij"})}, "0.0.0-20240824120805-hij"},
		{"not semver", []osvRange{{Type: "GIT"}}, ""},
	}
	for _, tt := range tests {
		if got := latestFixed(tt.ranges); got != tt.want {
			t.Errorf("%s: latestFixed = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func report(id, module, fixed string) []byte {
	return fmt.Appendf(nil, `{"schema_version":"1.3.1","id":%q,"modified":"0001-01-01T00:00:00Z","published":"2024-01-02T03:04:05Z",
"aliases":["CVE-0000-%s"],"summary":"s","affected":[{"package":{"name":%q,"ecosystem":"Go"},
"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":%q}]}],
"ecosystem_specific":{"imports":[{"path":%q,"symbols":["F"]}]}}]}`, id, id[3:], module, fixed, module)
}

// A database written from reports has the layout govulncheck reads, with
// every report whole under ID/ and dated at the module's commit.
func TestBuildAndWrite(t *testing.T) {
	osv := fstest.MapFS{}
	for i := range minEntries {
		id := fmt.Sprintf("GO-2024-%04d", i+1)
		mod := fmt.Sprintf("example.com/m%d", i%7)
		osv[id+".json"] = &fstest.MapFile{Data: report(id, mod, fmt.Sprintf("1.%d.0", i%5))}
	}
	osv["GO-2024-0001.json"] = &fstest.MapFile{Data: report("GO-2024-0001", "stdlib", "1.21.0-rc.1")}
	when := time.Date(2026, 11, 5, 23, 49, 57, 0, time.UTC)
	db, err := build(osv, when)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "db")
	if err := db.write(dir); err != nil {
		t.Fatal(err)
	}

	var meta struct{ Modified time.Time }
	readJSON(t, filepath.Join(dir, "index", "db.json"), &meta)
	if !meta.Modified.Equal(when) {
		t.Errorf("db.json modified = %v, want %v", meta.Modified, when)
	}
	var modules []moduleMeta
	readJSON(t, filepath.Join(dir, "index", "modules.json"), &modules)
	if len(modules) != 8 || modules[0].Path != "example.com/m0" || modules[7].Path != "stdlib" {
		t.Fatalf("modules.json lists %d modules, first %q", len(modules), modules[0].Path)
	}
	if got := modules[7].Vulns; !reflect.DeepEqual(got, []moduleVuln{{ID: "GO-2024-0001", Modified: when, Fixed: "1.21.0-rc.1"}}) {
		t.Errorf("stdlib vulns = %+v", got)
	}
	var vulns []vulnMeta
	readJSON(t, filepath.Join(dir, "index", "vulns.json"), &vulns)
	if len(vulns) != minEntries || vulns[0].ID != "GO-2024-0001" || !reflect.DeepEqual(vulns[0].Aliases, []string{"CVE-0000-2024-0001"}) {
		t.Errorf("vulns.json: %d entries, first %+v", len(vulns), vulns[0])
	}
	var entry map[string]any
	readJSON(t, filepath.Join(dir, "ID", "GO-2024-0002.json"), &entry)
	if entry["modified"] != "2026-11-05T23:49:57Z" || entry["published"] != "2024-01-02T03:04:05Z" || entry["ecosystem_specific"] != nil {
		// ecosystem_specific sits inside affected; it must not move.
		t.Errorf("ID/GO-2024-0002.json = %v", entry)
	}
	aff := entry["affected"].([]any)[0].(map[string]any)
	if _, ok := aff["ecosystem_specific"]; !ok {
		t.Errorf("the symbols govulncheck needs were lost: %v", aff)
	}

	if err := db.write(dir); err == nil {
		t.Error("wrote over an existing database")
	}
}

func TestBuildRefuses(t *testing.T) {
	ok := fstest.MapFS{}
	for i := range minEntries {
		id := fmt.Sprintf("GO-2024-%04d", i+1)
		ok[id+".json"] = &fstest.MapFile{Data: report(id, "example.com/m", "1.0.0")}
	}
	for name, change := range map[string]func(fstest.MapFS){
		"too few reports": func(fs fstest.MapFS) { delete(fs, "GO-2024-0001.json") },
		"misnamed file":   func(fs fstest.MapFS) { fs["GO-2024-9999.json"] = fs["GO-2024-0001.json"] },
		"not JSON":        func(fs fstest.MapFS) { fs["GO-2024-0001.json"] = &fstest.MapFile{Data: []byte("<html>")} },
		"no affected module": func(fs fstest.MapFS) {
			fs["GO-2024-0001.json"] = &fstest.MapFile{Data: []byte(`{"id":"GO-2024-0001"}`)}
		},
	} {
		fs := fstest.MapFS{}
		for k, v := range ok {
			fs[k] = v
		}
		change(fs)
		if _, err := build(fs, time.Now()); err == nil {
			t.Errorf("%s: built a database", name)
		}
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
