package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

func user(ctx context.Context, e Env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usageError("user: say add")
	}
	var email, name string
	var roles roleList
	if err := flags("user add", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "work e-mail address")
		fs.StringVar(&name, "name", "", "full name")
		fs.Var(&roles, "role", rolesHelp+" (give --role more than once, or a comma list, for several)")
	}); err != nil {
		return err
	}
	email = auth.NormaliseEmail(email)
	switch {
	case !mail.ValidAddress(email):
		return usageError("user add: --email must be an e-mail address such as name@example.nhs.uk")
	case strings.TrimSpace(name) == "":
		return usageError("user add: --name is required")
	case roles.bad != "":
		return usageError("user add: %q is not a role: --role must be %s", roles.bad, rolesHelp)
	case len(roles.set) == 0:
		return usageError("user add: --role is required: %s (more than one may be given)", rolesHelp)
	}
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	cfg, db, err := openStore(ctx, e)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := auth.CheckPassword(password, name, email, cfg.BaseURL.Hostname()); err != nil {
		return err
	}
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	var u auth.User
	err = db.Tx(ctx, func(tx *store.Tx) (err error) {
		if u, err = auth.CreateUser(ctx, tx, auth.DefaultArgon2, email, name, roles.set, password); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorRole: "system", Action: "auth.user_added_cli", TargetType: "user", TargetID: u.ID,
			Source: "cli", Detail: u.Roles.String()})
	})
	if errors.Is(err, auth.ErrEmailTaken) {
		return fmt.Errorf("an account with %s already exists", email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stdout, "created %s (%s). They sign in at %s/sign-in and set up their authenticator app the first time.\n", email, u.Roles.Label(), cfg.BaseURL)
	return nil
}

// rolesHelp names the roles as --role takes them.
var rolesHelp = func() string {
	names := make([]string, len(web.Roles))
	for i, r := range web.Roles {
		names[i] = string(r)
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}()

// roleList is --role, given once or more, each a role or a comma list.
type roleList struct {
	set []web.Role
	bad string // the first value that names no role
}

func (l *roleList) String() string { return web.NewRoleSet(l.set...).String() }

func (l *roleList) Set(v string) error {
	for _, r := range strings.Split(v, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue // "adviser," is a list of one
		}
		if !web.ValidRole(r) {
			if l.bad == "" {
				l.bad = r
			}
			continue
		}
		l.set = append(l.set, web.Role(r))
	}
	return nil
}

// readPassword asks twice on a terminal (without echo), or reads one line
// from a pipe.
func readPassword(e Env) (string, error) {
	if f, ok := e.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.Stderr, "Password (12 characters or more): ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.Stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(e.Stderr, "Type it again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.Stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords do not match")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(e.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("give the password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}
