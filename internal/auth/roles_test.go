package auth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// A database from before migration 0012 keeps everyone's role, now as a
// set of one, and the last sign-in of those the audit trail saw sign in.
func TestMigrationMovesRolesToUserRoles(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db, err := store.Open(ctx, storetest.URL(t, e))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			ms, err := db.Migrations()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`); err != nil {
				t.Fatal(err)
			}
			for _, m := range ms[:11] {
				err := db.Tx(ctx, func(tx *store.Tx) error {
					if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, store.Now())
					return err
				})
				if err != nil {
					t.Fatalf("migration %d: %v", m.Version, err)
				}
			}
			ids := map[string]string{}
			now := store.Now()
			for _, role := range []string{"administrator", "triage_lead", "adviser"} {
				ids[role] = store.NewID()
				if _, err := db.ExecContext(ctx, `INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at)
					VALUES (?, ?, ?, ?, 'x', ?, ?)`, ids[role], role+"@example.nhs.uk", role, role, now, now); err != nil {
					t.Fatal(err)
				}
			}
			for _, role := range []string{"administrator", "administrator", "adviser"} {
				if err := audit.Record(ctx, db, audit.Event{ActorID: ids[role], ActorRole: role, Action: "auth.sign_in", TargetType: "user", TargetID: ids[role]}); err != nil {
					t.Fatal(err)
				}
			}
			var lastAdmin store.Time
			if err := store.Scan(db.QueryRowContext(ctx, `SELECT MAX(at) FROM audit_log WHERE actor_id = ?`, ids["administrator"]), &lastAdmin); err != nil {
				t.Fatal(err)
			}

			if applied, err := db.Migrate(ctx); err != nil || len(applied) == 0 || applied[0].Version != 12 {
				t.Fatalf("migrate: %v %v", applied, err)
			}
			for role, id := range ids {
				u, err := auth.UserByID(ctx, db, id)
				if err != nil {
					t.Fatal(err)
				}
				if got := u.Roles.String(); got != role {
					t.Errorf("%s holds %q after the migration", role, got)
				}
			}
			if _, err := db.ExecContext(ctx, `SELECT role FROM users`); err == nil {
				t.Error("users.role is still there")
			}
			admin, _ := auth.UserByID(ctx, db, ids["administrator"])
			lead, _ := auth.UserByID(ctx, db, ids["triage_lead"])
			if !admin.LastSignInAt.Equal(lastAdmin.Time) || !lead.LastSignInAt.IsZero() {
				t.Errorf("last sign-in: administrator %v (want %v), lead %v", admin.LastSignInAt, lastAdmin.Time, lead.LastSignInAt)
			}
		})
	}
}

// psu user add takes --role more than once, or a comma list, and says
// which value is not a role.
func TestUserAddTakesSeveralRoles(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	for _, c := range []struct {
		email string
		args  []string
		want  web.RoleSet
	}{
		{"both@example.nhs.uk", []string{"--role", "administrator", "--role", "adviser"}, web.RoleSet{web.RoleAdministrator, web.RoleAdviser}},
		{"list@example.nhs.uk", []string{"--role", "directory_editor, triage_lead"}, web.RoleSet{web.RoleTriageLead, web.RoleDirectoryEditor}},
		{"one@example.nhs.uk", []string{"--role", "adviser"}, web.RoleSet{web.RoleAdviser}},
	} {
		code, out := psuUserAdd(t, in, goodPassword, append([]string{"--email", c.email, "--name", "Someone Else"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: %d %s", c.args, code, out)
		}
		u, err := auth.UserByEmail(t.Context(), in.App.DB, c.email)
		if err != nil {
			t.Fatal(err)
		}
		if u.Roles.String() != c.want.String() || !strings.Contains(out, c.want.Label()) {
			t.Errorf("%v: holds %s; said %s", c.args, u.Roles, out)
		}
		if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'auth.user_added_cli' AND target_id = ? AND detail = ?`, u.ID, c.want.String()); n != 1 {
			t.Errorf("%v: %d audit entries naming the roles", c.args, n)
		}
	}
	for args, want := range map[string]string{
		"--role adviser,boss": `"boss" is not a role`,
		"--role ,":            "--role is required",
		"":                    "--role is required",
	} {
		a := []string{"--email", "x" + store.NewID()[30:] + "@example.nhs.uk", "--name", "Someone Else"}
		if args != "" {
			a = append(a, strings.SplitN(args, " ", 2)...)
		}
		if code, out := psuUserAdd(t, in, goodPassword, a...); code == 0 || !strings.Contains(out, want) {
			t.Errorf("%q: %d %s", args, code, out)
		}
	}
	if n := count(t, in.App.DB, `SELECT COUNT(*) FROM users`); n != 3 {
		t.Errorf("%d accounts, want 3", n)
	}
}
