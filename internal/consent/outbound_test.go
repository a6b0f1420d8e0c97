package consent_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/consent"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// notAboutATrainee is every place allowed to queue mail without asking the
// ledger, with why. Anything else that queues mail must do it through
// consent.Mail. A new Enqueue call fails TestOutboundPaths until it is
// either routed through consent.Mail or listed here with its reason.
var notAboutATrainee = map[string]string{
	"internal/consent/consent.go Mail": "the gate itself: it asks Check first",

	"internal/auth/throttle.go (*Service).maybeAlert":              "to a member of staff, about their own account",
	"internal/auth/recovery.go (*Service).recoveryCodeUsedMail":    "to a member of staff, about their own account",
	"internal/staff/account_state.go (*handlers).reset2FA":         "to a member of staff, about their own account",
	"internal/staff/invite.go (*handlers).sendInvitation":          "to a person invited to join the staff",
	"internal/cases/jobs.go (*Store).AlertLeads":                   "to triage leads: a count and a link, nothing about anyone",
	"internal/directory/editor/reports.go (*handlers).closeReport": "to whoever reported a wrong directory listing: public data",
	"internal/directory/list_email.go (*handlers).email":           "a visitor's list of public services, to the address they typed",
	"internal/keys/keystest/keystest.go Fill":                      "test kit for key rotation, never in a running psu",

	// The trainee's own transactional mail: what they asked for that moment,
	// before a case (and so before any consent about it) exists. Holding it
	// back would lock them out of their own form.
	"internal/application/application.go (*handlers).sendLinkMail":    "the one-time link to the trainee's own draft, which they asked for",
	"internal/application/application.go (*handlers).sendChangedMail": "security notice to the draft's earlier confirmed address; names nothing",
	"internal/application/submit.go (*Store).submitOnce":              "the receipt of the form the trainee has just sent: reference and reply date only",

	"internal/portal/store.go (*Store).SendLink": "the single-use sign-in link the trainee asked for, to their application's address; names nothing",

	// The referrer's form: the referrer is told their notice arrived (about
	// their own act, nothing of the trainee), and the trainee is pointed to
	// the service with no word of who referred them or why.
	"internal/referral/notify_form.go (*Service).notify": "the referrer's acknowledgement and the trainee's general invitation to apply",
}

type site struct{ key, purpose string }

// outboundSites reads psu's own source: every call of an Enqueue method,
// and every consent.Mail call with the purpose its Need names.
func outboundSites(t *testing.T) (enqueues []string, gated []site) {
	t.Helper()
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "node_modules" || n == "testdata" || strings.HasPrefix(n, ".") && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			name := fn.Name.Name
			if fn.Recv != nil && len(fn.Recv.List) == 1 {
				name = "(" + typeName(fn.Recv.List[0].Type) + ")." + name
			}
			key := rel + " " + name
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				switch {
				case sel.Sel.Name == "Enqueue":
					enqueues = append(enqueues, key)
				case sel.Sel.Name == "Mail" && isIdent(sel.X, "consent") && len(call.Args) >= 4:
					gated = append(gated, site{key, needPurpose(fn.Body, call.Args[3])})
				}
				return true
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return enqueues, gated
}

func typeName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return "*" + typeName(x.X)
	case *ast.Ident:
		return x.Name
	case *ast.IndexExpr:
		return typeName(x.X)
	}
	return "?"
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// needPurpose finds the Purpose of the consent.Need passed as e: a
// literal, or a variable assigned one in the same function.
func needPurpose(body *ast.BlockStmt, e ast.Expr) string {
	if lit, ok := e.(*ast.CompositeLit); ok {
		for _, el := range lit.Elts {
			if kv, ok := el.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Purpose") {
				if sel, ok := kv.Value.(*ast.SelectorExpr); ok && isIdent(sel.X, "consent") {
					return sel.Sel.Name
				}
			}
		}
		return ""
	}
	id, ok := e.(*ast.Ident)
	if !ok {
		return ""
	}
	found := ""
	ast.Inspect(body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || found != "" {
			return found == ""
		}
		for i, l := range as.Lhs {
			if isIdent(l, id.Name) && i < len(as.Rhs) {
				found = needPurpose(body, as.Rhs[i])
			}
		}
		return true
	})
	return found
}

// TestOutboundPaths lists, from the code itself, every place psu queues
// mail. Each is either the consent gate's own call, or listed above as not
// about a trainee (with why); every other path to a trainee or about one
// goes through consent.Mail, and each of those refuses without a current
// consent for the purpose it names: none given, or given and withdrawn.
func TestOutboundPaths(t *testing.T) {
	enqueues, gated := outboundSites(t)
	seen := map[string]bool{}
	for _, k := range enqueues {
		seen[k] = true
		if _, ok := notAboutATrainee[k]; !ok {
			t.Errorf("%s queues mail without the consent ledger: send it through consent.Mail, or list it in notAboutATrainee with why it is not about a trainee", k)
		}
	}
	for k := range notAboutATrainee {
		if !seen[k] {
			t.Errorf("notAboutATrainee lists %s, which queues no mail any more: take it off the list", k)
		}
	}
	if len(gated) == 0 {
		t.Fatal("found no consent.Mail call: the source walk is broken")
	}
	var paths []string
	purposes := map[consent.Purpose]bool{}
	for _, g := range gated {
		if g.purpose == "" {
			t.Errorf("%s: cannot tell which consent its consent.Mail call needs; pass a consent.Need naming consent.<Purpose>", g.key)
			continue
		}
		paths = append(paths, g.key+" needs "+g.purpose)
		purposes[purposeOf(t, g.purpose)] = true
	}
	sort.Strings(paths)
	for _, p := range paths {
		t.Log(p)
	}
	for _, want := range []string{"internal/cases/outcomes.go", "internal/appointments/mail.go", "internal/plans/feedback.go",
		"internal/sharing/store.go (*Store).Share needs ShareSummary", "internal/sharing/store.go (*Store).SendCode needs ShareSummary",
		"internal/portal/referrer.go (*Store).TellReferrer needs TellReferrer"} {
		if !strings.Contains(strings.Join(paths, "\n"), want) {
			t.Errorf("no consent.Mail call in %s: the trainee's mail there must go through the ledger", want)
		}
	}

	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ledger := &consent.Ledger{}
		for p := range purposes {
			c := f.arrive(t, store.NewID()+"@example.com", false, false)
			need := consent.Need{CaseID: c.ID, Purpose: p}
			grant := consent.Grant{CaseID: c.ID, Purpose: p, Wording: consent.WordingApplicationCaseEmail, Channel: consent.ChannelPortal}
			if p == consent.ShareSummary {
				// A share's consent covers one document, version and person.
				need.Document, need.Version, need.Recipient = "summary", 1, "recipient-blind"
				grant.Document, grant.Version, grant.RecipientBlind, grant.Wording = "summary", 1, "recipient-blind", consent.WordingShareSummary
			}
			msg := mail.Message{Kind: "test." + string(p), To: "trainee@example.com", Subject: "s", Text: "t"}
			before := f.outboxCount(t)
			send := func() bool {
				var sent bool
				if err := db.Tx(ctx, func(tx *store.Tx) error {
					var err error
					sent, err = consent.Mail(ctx, tx, f.outbox, need, msg)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return sent
			}
			if send() || f.outboxCount(t) != before {
				t.Errorf("%s: mail queued with no consent", p)
			}
			var id string
			if err := db.Tx(ctx, func(tx *store.Tx) error {
				var err error
				id, err = consent.Give(ctx, tx, grant)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if !send() || f.outboxCount(t) != before+1 {
				t.Errorf("%s: mail not queued with a current consent (the test would pass for a gate that refuses everything)", p)
			}
			if err := db.Tx(ctx, func(tx *store.Tx) error { _, err := ledger.Withdraw(ctx, tx, c.ID, id); return err }); err != nil {
				t.Fatal(err)
			}
			if send() || f.outboxCount(t) != before+1 {
				t.Errorf("%s: mail queued after the consent was withdrawn", p)
			}
			if _, err := consent.Check(ctx, db, need); !errors.Is(err, consent.ErrRefused) {
				t.Errorf("%s: Check after withdrawal = %v", p, err)
			}
		}
	})
}

func purposeOf(t *testing.T, name string) consent.Purpose {
	t.Helper()
	switch name {
	case "CaseEmail":
		return consent.CaseEmail
	case "FollowUp":
		return consent.FollowUp
	case "ShareSummary":
		return consent.ShareSummary
	case "TellReferrer":
		return consent.TellReferrer
	}
	t.Fatalf("unknown purpose consent.%s", name)
	return ""
}
