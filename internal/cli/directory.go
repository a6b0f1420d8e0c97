package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/psu-project/psu/internal/directory"
	"github.com/psu-project/psu/internal/directory/hsds"
	"github.com/psu-project/psu/internal/store"
)

// directoryCmd is psu directory import [--force] FILE | export [--format json|ndjson].
func directoryCmd(ctx context.Context, e Env, args []string) error {
	if len(args) == 0 {
		return usageError("directory: say import FILE, or export")
	}
	switch args[0] {
	case "import":
		// --force may come before or after the file.
		var files []string
		force := false
		for _, a := range args[1:] {
			switch {
			case a == "--force" || a == "-force":
				force = true
			case strings.HasPrefix(a, "-") && a != "-":
				return usageError("directory import: unknown option %q (the one option is --force)", a)
			default:
				files = append(files, a)
			}
		}
		if len(files) != 1 {
			return usageError("directory import: give the file to import (or - for standard input), and nothing else but --force")
		}
		return importDirectory(ctx, e, files[0], force)
	case "export":
		format := "json"
		if err := flags("directory export", args[1:], func(fs *flag.FlagSet) {
			fs.StringVar(&format, "format", "json", "json (one HSDS file, which import reads) or ndjson (one nested service per line)")
		}); err != nil {
			return err
		}
		if format != "json" && format != "ndjson" {
			return usageError("directory export: --format must be json or ndjson, not %q", format)
		}
		return exportDirectory(ctx, e, format)
	}
	return usageError("directory: say import FILE, or export")
}

// openDirectory opens the database, refuses a schema that is not current,
// and loads the embedded seed if the directory was never loaded (as psu
// serve would), so the commands see the directory psu shows.
func openDirectory(ctx context.Context, e Env) (*store.DB, error) {
	_, db, err := openStore(ctx, e)
	if err != nil {
		return nil, err
	}
	if err := db.CheckSchema(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := directory.LoadSeed(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func exportDirectory(ctx context.Context, e Env, format string) error {
	db, err := openDirectory(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	w := bufio.NewWriter(e.Stdout)
	if format == "ndjson" {
		err = directory.ExportNDJSON(ctx, db, w)
	} else {
		var d *hsds.Dataset
		if d, err = directory.Export(ctx, db); err == nil {
			err = hsds.WriteDataset(w, d)
		}
	}
	if err != nil {
		return err
	}
	return w.Flush()
}

// importDirectory checks FILE ("-" for standard input) completely, then
// makes the directory exactly what it holds, in one transaction. Without
// force it refuses to overwrite what was published in the directory editor
// since the last import.
func importDirectory(ctx context.Context, e Env, path string, force bool) error {
	var r io.Reader = e.Stdin
	source := "standard input"
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("cannot read the directory file: %w", err)
		}
		defer f.Close()
		r = f
		source = filepath.Base(path)
	}
	bar := newProgress(e.Stderr)
	bar.say("Checking " + source + " …")
	d, err := directory.ReadDataset(bufio.NewReader(r))
	bar.done()
	var inv *directory.InvalidError
	if errors.As(err, &inv) {
		return fmt.Errorf("%s: %w", source, err)
	}
	if err != nil {
		return err
	}
	db, err := openDirectory(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := directory.ImportWith(ctx, db, d, source, directory.ImportOptions{Progress: bar.update, Force: force})
	bar.done()
	var edited *directory.EditedError
	if errors.As(err, &edited) {
		return edited // it says that nothing was changed, and what to do
	}
	if err != nil {
		return fmt.Errorf("nothing was changed: %w", err)
	}
	fmt.Fprintf(e.Stdout, "imported %s\n%s\n", source, res.Summary())
	return nil
}

// progress draws a bar on standard error when it is a terminal, and
// nothing otherwise (a log or a pipe gets only the summary).
type progress struct {
	w     io.Writer
	on    bool
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progress) say(msg string) {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K"+msg)
		p.drawn = true
	}
}

func (p *progress) update(done, total int) {
	if !p.on || total == 0 || (done < total && time.Since(p.last) < 100*time.Millisecond) {
		return
	}
	p.last = time.Now()
	const width = 30
	filled := done * width / total
	p.say(fmt.Sprintf("Writing services [%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total))
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}
