package cli

import (
	"regexp"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/keys"
	"github.com/psu-project/psu/internal/keys/keystest"
	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store/storetest"
)

// psu key rotate, retire and status against a running psu, which follows
// the key file without a restart: the rotation prints its progress, the
// key in use cannot be retired, the old one can once nothing is under it,
// and the running psu reads everything throughout. Then the same again the
// way several machines do it: --prepare, then rotate.
func TestKeyCommandsOnARunningPSU(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			keyFile := newKeyFile(t)
			dbURL := storetest.URL(t, e)
			in := apptest.StartOn(t, dbURL, "PSU_KEY_FILE="+keyFile)
			f := keystest.Fill(t, in, 2)
			env := map[string]string{"PSU_DATABASE_URL": dbURL, "PSU_KEY_FILE": keyFile}

			code, out, errOut := runWith(t, env, "key", "status")
			if code != 0 || !strings.Contains(out, "key 1: in use") || !regexp.MustCompile(`key 1: \d+ \(.*applications\.answers 2`).MatchString(out) {
				t.Fatalf("status: %d %q %q", code, out, errOut)
			}
			if code, _, errOut := runWith(t, env, "key", "retire", "1"); code != 1 || !strings.Contains(errOut, "key 1 is the one new values are sealed under") {
				t.Errorf("retire the key in use: %d %q", code, errOut)
			}
			for _, bad := range [][]string{{"key"}, {"key", "retire"}, {"key", "retire", "one"}, {"key", "rotate", "--bogus"}, {"key", "turn"}} {
				if code, _, _ := runWith(t, env, bad...); code != 2 {
					t.Errorf("%v: exit %d, want 2", bad, code)
				}
			}

			code, out, errOut = runWith(t, env, "key", "rotate")
			if code != 0 {
				t.Fatalf("rotate: %d %q %q", code, out, errOut)
			}
			for _, want := range []string{"Added key 2 to " + keyFile, "Waiting 6s", "applications.answers: 2/2", "cases.key_sealed: ", "Every sealed value is under key 2", "psu key retire 1"} {
				if !strings.Contains(out, want) {
					t.Errorf("rotate does not say %q:\n%s", want, out)
				}
			}
			if in.App.Sealer().Current() != 2 {
				t.Error("the running psu did not take up key 2")
			}
			code, out, _ = runWith(t, env, "key", "status")
			if code != 0 || !strings.Contains(out, "key 2: in use") || !strings.Contains(out, "key 1: opens older values") || strings.Contains(out, "  key 1: 1") {
				t.Errorf("status after rotating: %q", out)
			}
			code, out, errOut = runWith(t, env, "key", "retire", "1")
			if code != 0 || !strings.Contains(out, "Removed key 1") {
				t.Fatalf("retire: %d %q %q", code, out, errOut)
			}
			kf, err := seal.ReadKeyFile(keyFile)
			if err != nil || len(kf.Keys) != 1 || kf.Keys[0].ID != 2 {
				t.Fatalf("key file after retiring: %+v %v", kf.Keys, err)
			}
			f.CheckReadable(t, in)

			// Several machines: the new key first goes everywhere unused.
			code, out, errOut = runWith(t, env, "key", "rotate", "--prepare")
			if code != 0 || !strings.Contains(out, "Added key 3") || !strings.Contains(out, "marked next") {
				t.Fatalf("prepare: %d %q %q", code, out, errOut)
			}
			if code, out, _ := runWith(t, env, "key", "status"); !strings.Contains(out, "key 3: next") {
				t.Errorf("status after prepare: %d %q", code, out)
			}
			code, out, errOut = runWith(t, env, "key", "rotate", "--settle", "0s")
			if code != 0 || !strings.Contains(out, "Key 3 in "+keyFile+" is now the one") || !strings.Contains(out, "psu key retire 2") {
				t.Fatalf("rotate after prepare: %d %q %q", code, out, errOut)
			}
			if code, out, errOut := runWith(t, env, "key", "rotate", "--settle", "0s"); code != 0 || !strings.Contains(out, "Carrying on") || !strings.Contains(out, "(0 re-sealed by this run)") {
				t.Errorf("rotate again: %d %q %q", code, out, errOut)
			}
			if code, _, errOut := runWith(t, env, "key", "retire", "2"); code != 0 {
				t.Fatalf("retire 2: %q", errOut)
			}
			us, err := keys.Count(t.Context(), in.App.DB)
			if err != nil || len(us) != 1 || us[0].Key != 3 {
				t.Errorf("after two rotations: %+v %v", us, err)
			}
			f.CheckReadable(t, in)
		})
	}
}
