package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store/storetest"
)

// run runs psu with args against dbURL and returns the exit code and what
// it printed.
func run(t *testing.T, dbURL string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{"PSU_DATABASE_URL": dbURL, "PSU_DATA_DIR": t.TempDir()}
	code := Main(context.Background(), Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errOut.String()
}

func TestDirectoryExportImport(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			dbURL := storetest.URL(t, e)
			if code, _, errOut := run(t, dbURL, "", "migrate", "up"); code != 0 {
				t.Fatalf("migrate: %d %s", code, errOut)
			}
			// Export on a database psu has never served gives the seed.
			code, out, errOut := run(t, dbURL, "", "directory", "export")
			if code != 0 {
				t.Fatalf("export: %d %s", code, errOut)
			}
			d, err := hsds.ParseDataset(strings.NewReader(out))
			if err != nil {
				t.Fatalf("export output does not parse: %v", err)
			}
			if n := len(d.Organizations); n != 42 {
				t.Errorf("export has %d organizations, want 42", n)
			}
			file := filepath.Join(t.TempDir(), "directory.json")
			if err := os.WriteFile(file, []byte(out), 0o600); err != nil {
				t.Fatal(err)
			}
			// Re-importing the export changes nothing.
			code, got, errOut := run(t, dbURL, "", "directory", "import", file)
			if code != 0 || !strings.Contains(got, "services: 0 added, 0 updated, 0 removed, 67 unchanged") {
				t.Errorf("re-import: %d\n%s%s", code, got, errOut)
			}
			if errOut != "" {
				t.Errorf("import wrote to standard error though it is not a terminal: %q", errOut)
			}
			// A broken file names record, field and problem, and changes nothing.
			broken := strings.Replace(out, `"number": "0370 444 5163"`, `"number": ""`, 1)
			code, _, errOut = run(t, dbURL, broken, "directory", "import", "-")
			if code != 1 || !strings.Contains(errOut, "service 'Sick Doctors Trust': phones[0].number is empty") ||
				!strings.Contains(errOut, "nothing was changed") {
				t.Errorf("broken import: %d %s", code, errOut)
			}
			if _, again, _ := run(t, dbURL, "", "directory", "export"); again != out {
				t.Error("the refused import changed the directory")
			}
			// NDJSON: one complete HSDS service per line.
			code, nd, errOut := run(t, dbURL, "", "directory", "export", "--format", "ndjson")
			if code != 0 {
				t.Fatalf("ndjson export: %d %s", code, errOut)
			}
			lines := strings.Split(strings.TrimSuffix(nd, "\n"), "\n")
			if len(lines) != 67 {
				t.Errorf("ndjson has %d lines, want 67", len(lines))
			}
			for i, l := range lines {
				if err := hsds.ValidateServiceJSON([]byte(l)); err != nil {
					t.Errorf("line %d: %v", i+1, err)
				}
				var s struct {
					Organization struct{ Name string } `json:"organization"`
				}
				if err := json.Unmarshal([]byte(l), &s); err != nil || s.Organization.Name == "" {
					t.Errorf("line %d has no nested organization: %v", i+1, err)
				}
			}
			for _, bad := range [][]string{{"directory"}, {"directory", "import"}, {"directory", "export", "--format", "xml"}, {"directory", "sync"}} {
				if code, _, _ := run(t, dbURL, "", bad...); code != 2 {
					t.Errorf("%q: exit %d, want 2 (usage)", bad, code)
				}
			}
			if code, _, errOut := run(t, dbURL, "", "directory", "import", "/no/such/file.json"); code != 1 || !strings.Contains(errOut, "cannot read the directory file") {
				t.Errorf("missing file: %d %s", code, errOut)
			}
		})
	}
}
