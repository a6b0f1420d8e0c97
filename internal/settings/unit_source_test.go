package settings_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/settings"
)

// The unit's phone number is written in one place, as psu's default: every
// page and e-mail that offers a call reads it from the unit's settings, so
// another unit running psu is never given the London unit's number. (The
// directory's data may list it, as the service's own number.)
func TestNoPageOrMailWritesTheUnitsPhoneNumber(t *testing.T) {
	digits := strings.ReplaceAll(settings.DefaultPhone, " ", "")
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		ext := filepath.Ext(path)
		if ext != ".go" && ext != ".html" && ext != ".tmpl" && ext != ".txt" || strings.HasSuffix(path, "_test.go") ||
			path == filepath.Join(root, "settings", "unit.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if s := string(b); strings.Contains(s, settings.DefaultPhone) || strings.Contains(s, digits) {
			t.Errorf("%s writes the unit's phone number; read it with settings.UnitDetails or settings.UnitPhone", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
