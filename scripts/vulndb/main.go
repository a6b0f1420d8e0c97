// Command vulndb builds the Go vulnerability database that govulncheck reads
// with -db file://DIR, from the golang.org/x/vulndb module as the Go module
// proxy serves it. CI reaches nothing but the module proxy, so it cannot use
// https://vuln.go.dev; the module holds the same reports as OSV files
// (data/osv/GO-YYYY-NNNN.json), and this program lays them out as the
// database's v1 schema:
//
//	DIR/index/db.json       {"modified": …}
//	DIR/index/modules.json  [{"path", "vulns": [{"id", "modified", "fixed"}]}]
//	DIR/index/vulns.json    [{"id", "modified", "aliases"}]
//	DIR/ID/GO-YYYY-NNNN.json
//
// The module's OSV files carry no modification times (vuln.go.dev takes
// them from the repository's history, which a module zip does not hold), so
// every entry, and the database, is dated by the commit the module version
// was cut from: the newest any entry can be.
//
// Usage:
//
//	go run ./scripts/vulndb -out DIR [-version latest|v0.0.0-…]
//
// It prints one line naming the version, its date and the number of
// entries, and exits non-zero if the module cannot be downloaded or holds
// anything that is not a well-formed report.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

const module = "golang.org/x/vulndb"

// minEntries is far below what the database holds (thousands of reports):
// fewer means the wrong module or a broken download, not a quiet week.
const minEntries = 1000

func main() {
	out := flag.String("out", "", "directory to write the database to (created; must be empty or missing)")
	version := flag.String("version", "latest", "version of "+module+" to build from")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/vulndb -out DIR [-version latest|v0.0.0-…]")
		os.Exit(2)
	}
	dl, err := download(*version)
	if err != nil {
		fail(err)
	}
	db, err := build(os.DirFS(filepath.Join(dl.Dir, "data", "osv")), dl.Time)
	if err != nil {
		fail(fmt.Errorf("%s@%s: %w", module, dl.Version, err))
	}
	if err := db.write(*out); err != nil {
		fail(err)
	}
	fmt.Printf("vulnerability database: %s@%s, dated %s (%d days old), %d entries over %d modules, in %s\n",
		module, dl.Version, dl.Time.Format(time.DateOnly), int(time.Since(dl.Time).Hours()/24), len(db.entries), len(db.modules), *out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "vulndb:", err)
	os.Exit(1)
}

// downloaded is a module version in the module cache.
type downloaded struct {
	Version string
	Dir     string
	Time    time.Time
}

// download fetches the module through the go command, so GOPROXY, GOFLAGS,
// GONOSUMDB and the checksum database apply as they do to any dependency.
// It runs outside this module, so go.mod and go.sum are left alone.
func download(version string) (downloaded, error) {
	tmp, err := os.MkdirTemp("", "vulndb-download-")
	if err != nil {
		return downloaded{}, err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "mod", "download", "-json", module+"@"+version)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GO111MODULE=on", "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var res struct {
		Version, Dir, Info, Error string
	}
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return downloaded{}, fmt.Errorf("go mod download %s@%s: %v: %s", module, version, runErr, strings.TrimSpace(stderr.String()))
	}
	if res.Error != "" || runErr != nil {
		return downloaded{}, fmt.Errorf("go mod download %s@%s: %s %s", module, version, res.Error, strings.TrimSpace(stderr.String()))
	}
	b, err := os.ReadFile(res.Info)
	if err != nil {
		return downloaded{}, err
	}
	var info struct{ Time time.Time }
	if err := json.Unmarshal(b, &info); err != nil || info.Time.IsZero() {
		return downloaded{}, fmt.Errorf("%s@%s: no commit time in %s", module, res.Version, res.Info)
	}
	return downloaded{Version: res.Version, Dir: res.Dir, Time: info.Time.UTC()}, nil
}

// entry is one report: the OSV document as published, and what the
// indexes need from it.
type entry struct {
	id      string
	aliases []string
	doc     map[string]json.RawMessage
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Fixed    string    `json:"fixed,omitempty"`
}

type moduleMeta struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type vulnMeta struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

type database struct {
	modified time.Time
	entries  []entry
	modules  map[string]*moduleMeta
}

// osvReport is the part of an OSV report the indexes read.
type osvReport struct {
	ID       string   `json:"id"`
	Aliases  []string `json:"aliases"`
	Affected []struct {
		Package struct {
			Name      string `json:"name"`
			Ecosystem string `json:"ecosystem"`
		} `json:"package"`
		Ranges []osvRange `json:"ranges"`
	} `json:"affected"`
}

type osvRange struct {
	Type   string `json:"type"`
	Events []struct {
		Introduced string `json:"introduced"`
		Fixed      string `json:"fixed"`
	} `json:"events"`
}

// build reads every GO-*.json report in osv and indexes it, dating
// everything at modified.
func build(osv fs.FS, modified time.Time) (*database, error) {
	names, err := fs.Glob(osv, "*.json")
	if err != nil {
		return nil, err
	}
	db := &database{modified: modified.UTC(), modules: map[string]*moduleMeta{}}
	stamp, err := json.Marshal(db.modified)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := fs.ReadFile(osv, name)
		if err != nil {
			return nil, err
		}
		var r osvReport
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if !strings.HasPrefix(r.ID, "GO-") || name != r.ID+".json" {
			return nil, fmt.Errorf("%s: holds report %q; each file must be named for the report it holds", name, r.ID)
		}
		if len(r.Affected) == 0 {
			return nil, fmt.Errorf("%s: names no affected module", name)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		doc["modified"] = stamp
		db.entries = append(db.entries, entry{id: r.ID, aliases: r.Aliases, doc: doc})
		for _, a := range r.Affected {
			if a.Package.Name == "" || a.Package.Ecosystem != "Go" {
				return nil, fmt.Errorf("%s: affected package %q in ecosystem %q; want a Go module path", name, a.Package.Name, a.Package.Ecosystem)
			}
			m := db.modules[a.Package.Name]
			if m == nil {
				m = &moduleMeta{Path: a.Package.Name, Vulns: []moduleVuln{}}
				db.modules[a.Package.Name] = m
			}
			m.Vulns = append(m.Vulns, moduleVuln{ID: r.ID, Modified: db.modified, Fixed: latestFixed(a.Ranges)})
		}
	}
	if len(db.entries) < minEntries {
		return nil, fmt.Errorf("only %d reports in data/osv; the database holds thousands", len(db.entries))
	}
	return db, nil
}

// write lays db out under dir in the v1 schema.
func (db *database) write(dir string) error {
	if ents, err := os.ReadDir(dir); err == nil && len(ents) > 0 {
		return fmt.Errorf("%s is not empty; give a new directory", dir)
	}
	for _, d := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	paths := make([]string, 0, len(db.modules))
	for p := range db.modules {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	modules := make([]*moduleMeta, 0, len(paths))
	for _, p := range paths {
		m := db.modules[p]
		sort.SliceStable(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		modules = append(modules, m)
	}
	sort.Slice(db.entries, func(i, j int) bool { return db.entries[i].id < db.entries[j].id })
	vulns := make([]vulnMeta, 0, len(db.entries))
	for _, e := range db.entries {
		vulns = append(vulns, vulnMeta{ID: e.id, Modified: db.modified, Aliases: e.aliases})
		if err := writeJSON(filepath.Join(dir, "ID", e.id+".json"), e.doc); err != nil {
			return err
		}
	}
	if err := writeJSON(filepath.Join(dir, "index", "modules.json"), modules); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, "index", "vulns.json"), vulns); err != nil {
		return err
	}
	return writeJSON(filepath.Join(dir, "index", "db.json"), struct {
		Modified time.Time `json:"modified"`
	}{db.modified})
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, b, 0o644)
}

// latestFixed is the fixed version the modules index gives for a module:
// the latest fix in its SEMVER ranges, or "" when the vulnerability was
// introduced again after that fix (then no version is known to be safe,
// and govulncheck reads the whole report). This is what vuln.go.dev
// publishes (golang.org/x/vulndb/internal/osvutils.LatestFixed).
func latestFixed(ranges []osvRange) string {
	var latest string
	for _, r := range ranges {
		if r.Type != "SEMVER" {
			continue
		}
		for _, e := range r.Events {
			if e.Fixed != "" && semverLess(latest, e.Fixed) {
				latest = e.Fixed
			}
		}
		for _, e := range r.Events {
			if e.Introduced != "" && e.Introduced != "0" && semverLess(latest, e.Introduced) {
				latest = ""
				break
			}
		}
	}
	return latest
}

// semver is a parsed SemVer 2.0.0 version (without the "v" Go puts first).
type semver struct {
	major, minor, patch uint64
	pre                 []string
}

// parseSemver reads a version as golang.org/x/mod/semver does after a "v"
// is put in front: MAJOR, MAJOR.MINOR (shorthands for .0) or
// MAJOR.MINOR.PATCH, then an optional -prerelease and +build (full form
// only); no leading zeros in numbers or numeric identifiers.
func parseSemver(s string) (semver, bool) {
	var v semver
	core, build, hasBuild := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(core, "-")
	if hasBuild && !validIdents(build, false) {
		return v, false
	}
	parts := strings.Split(core, ".")
	if len(parts) > 3 || ((hasPre || hasBuild) && len(parts) != 3) {
		return v, false
	}
	nums := []*uint64{&v.major, &v.minor, &v.patch}
	for i, p := range parts {
		n, ok := number(p)
		if !ok {
			return v, false
		}
		*nums[i] = n
	}
	if hasPre {
		if !validIdents(pre, true) {
			return v, false
		}
		v.pre = strings.Split(pre, ".")
	}
	return v, true
}

func number(s string) (uint64, bool) {
	if s == "" || (len(s) > 1 && s[0] == '0') || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// validIdents checks dot-separated identifiers of [0-9A-Za-z-]; numeric
// prerelease identifiers may not have leading zeros.
func validIdents(s string, prerelease bool) bool {
	for _, id := range strings.Split(s, ".") {
		if id == "" || strings.Trim(id, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") != "" {
			return false
		}
		if prerelease && isNumeric(id) && len(id) > 1 && id[0] == '0' {
			return false
		}
	}
	return true
}

func isNumeric(s string) bool { return s != "" && strings.TrimLeft(s, "0123456789") == "" }

// semverLess reports whether a precedes b. As in x/mod/semver, an invalid
// version (such as "") precedes every valid one, and two invalid versions
// are equal.
func semverLess(a, b string) bool { return semverCompare(a, b) < 0 }

func semverCompare(a, b string) int {
	va, okA := parseSemver(a)
	vb, okB := parseSemver(b)
	switch {
	case !okA && !okB:
		return 0
	case !okA:
		return -1
	case !okB:
		return 1
	}
	for _, c := range [][2]uint64{{va.major, vb.major}, {va.minor, vb.minor}, {va.patch, vb.patch}} {
		if c[0] != c[1] {
			return cmpUint(c[0], c[1])
		}
	}
	// A version without a prerelease follows its prereleases.
	switch {
	case len(va.pre) == 0 && len(vb.pre) == 0:
		return 0
	case len(va.pre) == 0:
		return 1
	case len(vb.pre) == 0:
		return -1
	}
	for i := 0; i < len(va.pre) && i < len(vb.pre); i++ {
		if c := compareIdent(va.pre[i], vb.pre[i]); c != 0 {
			return c
		}
	}
	return cmpUint(uint64(len(va.pre)), uint64(len(vb.pre)))
}

// compareIdent orders prerelease identifiers: numeric ones by value and
// before alphanumeric ones, which compare as ASCII.
func compareIdent(a, b string) int {
	na, nb := isNumeric(a), isNumeric(b)
	switch {
	case na && nb:
		if len(a) != len(b) { // no leading zeros: longer is larger
			return cmpUint(uint64(len(a)), uint64(len(b)))
		}
		return strings.Compare(a, b)
	case na:
		return -1
	case nb:
		return 1
	}
	return strings.Compare(a, b)
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
