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

// The unit's name, too, is written in one place, as psu's default: every
// page and e-mail that names the unit reads it from the unit's settings
// (settings.UnitName, settings.UnitDetails, or the page's ServiceName), so
// another unit running psu is never called the London unit's name. A
// sentence about the kind of service ("a Professional Support Unit",
// "Professional Support Units") may stay, as may comments; the files
// allowed below use the name for something other than naming this unit.
func TestNoPageOrMailWritesTheUnitsName(t *testing.T) {
	name := settings.DefaultUnit.Name
	root := filepath.Join("..")
	allowed := map[string]string{
		filepath.Join(root, "auth", "password_policy.go"):          "words no password may contain",
		filepath.Join(root, "plans", "templates", "outcomes.html"): "an example in a form's hint",
	}
	// What may stay: the layout's fallback when the name cannot be read,
	// and the kind of service in general.
	generic := strings.NewReplacer(
		`or .ServiceName "`+name+`"`, "",
		`or $.ServiceName "`+name+`"`, "",
		"a "+name, "",
		name+"s", "",
	)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path == filepath.Join(root, "settings") {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(path)
		if ext != ".go" && ext != ".html" && ext != ".tmpl" && ext != ".txt" || strings.HasSuffix(path, "_test.go") || allowed[path] != "" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if ext == ".go" && strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			if strings.Contains(generic.Replace(line), name) {
				t.Errorf("%s:%d writes the unit's name; read it with settings.UnitName or settings.UnitDetails", path, i+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
