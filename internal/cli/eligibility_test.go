package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/store/storetest"
)

func psuRules(t *testing.T, dbURL, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := map[string]string{"PSU_DATABASE_URL": dbURL, "PSU_DATA_DIR": t.TempDir()}
	code := Main(context.Background(), Env{Args: args, Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errOut.String()
}

func TestEligibilityRulesExportImport(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			dbURL := storetest.URL(t, e)
			if code, _, errOut := psuRules(t, dbURL, "", "eligibility", "rules", "export"); code != 1 || !strings.Contains(errOut, "psu migrate up") {
				t.Errorf("export before migrating: %d %q", code, errOut)
			}
			if code, _, errOut := psuRules(t, dbURL, "", "migrate", "up"); code != 0 {
				t.Fatalf("migrate: %d %s", code, errOut)
			}
			// A database psu has never served exports the built-in rules.
			code, out, errOut := psuRules(t, dbURL, "", "eligibility", "rules", "export")
			if code != 0 || strings.TrimSpace(out) != strings.TrimSpace(string(eligibility.DefaultJSON())) {
				t.Fatalf("export: %d %s", code, errOut)
			}

			// Importing it unchanged is refused: it is not the next version.
			file := filepath.Join(t.TempDir(), "rules.json")
			os.WriteFile(file, []byte(out), 0o600)
			code, _, errOut = psuRules(t, dbURL, "", "eligibility", "rules", "import", file)
			if code != 1 || !strings.Contains(errOut, `must have "version": 2`) {
				t.Errorf("import of version 1: %d %q", code, errOut)
			}
			// A document with problems lists them all and publishes nothing.
			broken := strings.Replace(out, `"version": 1`, `"version": 2`, 1)
			broken = strings.Replace(broken, `"route": "ist"`, `"route": "nowhere"`, 1)
			code, _, errOut = psuRules(t, dbURL, broken, "eligibility", "rules", "import", "-")
			if code != 1 || !strings.Contains(errOut, "nothing was published") || !strings.Contains(errOut, `"nowhere" is not a route`) {
				t.Errorf("import of broken rules: %d %q", code, errOut)
			}
			// The next version is published and exported back exactly.
			next := strings.Replace(out, `"version": 1`, `"version": 2`, 1)
			next = strings.Replace(next, `"band": {"min": 5, "max": 8}`, `"band": {"min": 5, "max": 9}`, 1)
			os.WriteFile(file, []byte(next), 0o600)
			code, got, errOut := psuRules(t, dbURL, "", "eligibility", "rules", "import", file)
			if code != 0 || !strings.Contains(got, "published version 2") {
				t.Fatalf("import: %d %s %s", code, got, errOut)
			}
			if _, out, _ := psuRules(t, dbURL, "", "eligibility", "rules", "export"); strings.TrimSpace(out) != strings.TrimSpace(next) {
				t.Error("export after import is not what was imported")
			}

			for _, args := range [][]string{{"eligibility"}, {"eligibility", "rules"}, {"eligibility", "rules", "import"}, {"eligibility", "rules", "export", "x"}, {"eligibility", "rulez", "export"}} {
				if code, _, errOut := psuRules(t, dbURL, "", args...); code != 2 || !strings.Contains(errOut, "Usage:") {
					t.Errorf("%v: %d %q", args, code, errOut)
				}
			}
			if code, _, errOut := psuRules(t, dbURL, "", "eligibility", "rules", "import", filepath.Join(t.TempDir(), "missing.json")); code != 1 || !strings.Contains(errOut, "cannot read the rules file") {
				t.Errorf("missing file: %d %q", code, errOut)
			}
		})
	}
}
