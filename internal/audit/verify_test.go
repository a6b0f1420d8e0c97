package audit

import (
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/store"
)

func TestVerifyWholeChain(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, url string) {
		rep := verify(t, db)
		if !rep.OK() || rep.Checked != 0 || rep.BeforeChain != 0 || rep.Newest != (Anchor{}) {
			t.Fatalf("empty log: %+v", rep)
		}
		legacy(t, db, "old.one")
		legacy(t, db, "old.two")
		if rep := verify(t, db); !rep.OK() || rep.Checked != 0 || rep.BeforeChain != 2 {
			t.Fatalf("only entries from before the chain: %+v", rep)
		}
		record(t, db, 5)
		rep = verify(t, db)
		last := row(t, db, 5)
		if !rep.OK() || rep.Checked != 5 || rep.BeforeChain != 2 || rep.Newest != (Anchor{5, last.hash.String}) {
			t.Fatalf("whole chain: %+v, problem %v", rep, rep.Problem)
		}
		if rep := verify(t, db, Anchor{5, last.hash.String}, Anchor{2, row(t, db, 2).hash.String}); !rep.OK() {
			t.Fatalf("anchors of the chain itself: %v", rep.Problem)
		}
		if first := row(t, db, 1); first.prevHash.String == strings.Repeat("0", 64) || len(first.prevHash.String) != 64 {
			t.Errorf("first entry links to %q, want the digest of the entries before it", first.prevHash.String)
		}
	})
}

// Each way of tampering with the log through a connection of one's own is
// found, and the report names the entry.
func TestVerifyFindsTampering(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, db *store.DB, in *intruder, ids []string) (want Problem, anchors []Anchor)
	}{
		{"changed", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			in.dropTriggers()
			in.exec(`UPDATE audit_log SET detail = 'nothing happened' WHERE seq = 3`)
			return Problem{Kind: Changed, Seq: 3, ID: ids[2]}, nil
		}},
		{"actor cleared", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			in.dropTriggers()
			in.exec(`UPDATE audit_log SET actor_id = NULL WHERE seq = 2`)
			return Problem{Kind: Changed, Seq: 2, ID: ids[1]}, nil
		}},
		{"changed and its hash recomputed", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			en := row(t, db, 3)
			en.detail = text("nothing happened")
			in.dropTriggers()
			in.exec(`UPDATE audit_log SET detail = ?, hash = ? WHERE seq = 3`, en.detail.String, entryHash(&en))
			return Problem{Kind: Unlinked, Seq: 4, ID: ids[3], Prev: Anchor{3, entryHash(&en)}}, nil
		}},
		{"deleted", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			in.dropTriggers()
			in.exec(`DELETE FROM audit_log WHERE seq = 3`)
			return Problem{Kind: Missing, Seq: 3, Through: 3, ID: ids[3]}, nil
		}},
		{"two deleted", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			in.dropTriggers()
			in.exec(`DELETE FROM audit_log WHERE seq IN (1, 2)`)
			return Problem{Kind: Missing, Seq: 1, Through: 2, ID: ids[2]}, nil
		}},
		{"forged at the end", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			id := store.NewID()
			in.exec(`INSERT INTO audit_log (id, seq, prev_hash, hash, at, actor_role, action) VALUES (?, 6, ?, ?, ?, 'administrator', 'case.closed')`,
				id, row(t, db, 5).hash.String, strings.Repeat("ab", 32), store.Now())
			return Problem{Kind: Changed, Seq: 6, ID: id}, nil
		}},
		{"forged at the end with its own hash but no link", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			en := newEntry(6, strings.Repeat("0", 64), store.NewID(), store.Now(), Event{ActorRole: "administrator", Action: "case.closed"})
			in.exec(`INSERT INTO audit_log (id, seq, prev_hash, hash, at, actor_role, action) VALUES (?, 6, ?, ?, ?, 'administrator', 'case.closed')`,
				en.id.String, en.prevHash.String, entryHash(&en), en.at.Time)
			return Problem{Kind: Unlinked, Seq: 6, ID: en.id.String, Prev: Anchor{5, row(t, db, 5).hash.String}}, nil
		}},
		{"forged without a place in the chain", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			id := store.NewID()
			in.exec(`INSERT INTO audit_log (id, at, actor_role, action) VALUES (?, ?, 'administrator', 'case.closed')`, id, store.Now())
			return Problem{Kind: Added, ID: id}, nil
		}},
		{"forged among the entries before the chain", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			in.exec(`INSERT INTO audit_log (id, at, actor_role, action) VALUES (?, ?, 'system', 'old.three')`, store.NewID(), store.Now().Add(-time.Hour))
			return Problem{Kind: BeforeChainChanged}, nil
		}},
		{"an entry before the chain changed", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			in.dropTriggers()
			in.exec(`UPDATE audit_log SET action = 'old.other' WHERE action = 'old.one'`)
			return Problem{Kind: BeforeChainChanged}, nil
		}},
		{"an entry before the chain deleted", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			in.dropTriggers()
			in.exec(`DELETE FROM audit_log WHERE action = 'old.two'`)
			return Problem{Kind: BeforeChainChanged}, nil
		}},
		{"newest deleted, past an anchor", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			anchor := Anchor{5, row(t, db, 5).hash.String}
			in.dropTriggers()
			in.exec(`DELETE FROM audit_log WHERE seq >= 4`)
			if rep := verify(t, db); !rep.OK() || rep.Checked != 3 {
				t.Errorf("without the anchor, a shorter log looks whole (as documented): %+v", rep)
			}
			return Problem{Kind: Missing, Seq: 4, Through: 5}, []Anchor{anchor}
		}},
		{"rewritten with every hash recomputed, before an anchor", func(t *testing.T, db *store.DB, in *intruder, ids []string) (Problem, []Anchor) {
			anchor := Anchor{5, row(t, db, 5).hash.String}
			in.dropTriggers()
			prev := row(t, db, 1).hash.String
			for seq := int64(2); seq <= 5; seq++ {
				en := row(t, db, seq)
				if seq == 2 {
					en.detail = text("nothing happened")
				}
				en.prevHash = text(prev)
				prev = entryHash(&en)
				in.exec(`UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?`, en.detail.String, en.prevHash.String, prev, seq)
			}
			if rep := verify(t, db); !rep.OK() {
				t.Errorf("without an anchor a consistent rewrite cannot be seen (as documented), yet: %v", rep.Problem)
			}
			return Problem{Kind: Rewritten, Seq: 5, ID: ids[4]}, []Anchor{anchor}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			eachEngine(t, func(t *testing.T, db *store.DB, url string) {
				legacy(t, db, "old.one")
				legacy(t, db, "old.two")
				ids := record(t, db, 5)
				if rep := verify(t, db); !rep.OK() {
					t.Fatalf("before tampering: %v", rep.Problem)
				}
				want, anchors := c.tamper(t, db, newIntruder(t, db, url), ids)
				rep := verify(t, db, anchors...)
				if rep.Problem == nil {
					t.Fatalf("tampering not found: %+v", rep)
				}
				if *rep.Problem != want {
					t.Fatalf("found %+v (%s), want %+v", *rep.Problem, rep.Problem, want)
				}
				if s := rep.Problem.String(); (want.ID != "" && !strings.Contains(s, want.ID)) || strings.Contains(s, "%!") {
					t.Errorf("message %q does not name the entry", s)
				}
			})
		})
	}
}

func TestParseAnchor(t *testing.T) {
	h := strings.Repeat("a1", 32)
	if a, err := ParseAnchor(" 12:" + strings.ToUpper(h) + "\n"); err != nil || a != (Anchor{12, h}) {
		t.Errorf("ParseAnchor = %+v, %v", a, err)
	}
	if a := (Anchor{12, h}); a.String() != "12:"+h {
		t.Errorf("String = %q", a.String())
	}
	for _, bad := range []string{"", "12", "12:" + h[:63], "0:" + h, "-1:" + h, "x:" + h, "12:" + strings.Repeat("g", 64)} {
		if _, err := ParseAnchor(bad); err == nil {
			t.Errorf("ParseAnchor(%q) accepted", bad)
		}
	}
}
