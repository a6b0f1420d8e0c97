package eligibility

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

func nextDoc(t *testing.T, version int, change func(string) string) []byte {
	t.Helper()
	doc := strings.Replace(string(DefaultJSON()), `"version": 1`, `"version": `+strconv.Itoa(version), 1)
	if change != nil {
		doc = change(doc)
	}
	return []byte(doc)
}

func publish(t *testing.T, db *store.DB, doc []byte) (*RuleSet, error) {
	t.Helper()
	var rs *RuleSet
	err := db.Tx(t.Context(), func(tx *store.Tx) (err error) {
		rs, err = Publish(t.Context(), tx, doc, SourceCommandLine, "")
		return err
	})
	return rs, err
}

func TestRuleStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		rules := NewRules(db)
		if _, err := rules.Current(ctx); !errors.Is(err, ErrNoRules) {
			t.Fatalf("before seeding: %v", err)
		}
		if _, err := LoadCurrent(ctx, db); !errors.Is(err, ErrNoRules) {
			t.Fatalf("LoadCurrent before seeding: %v", err)
		}
		for range 2 {
			if err := SeedDefault(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		p, err := LoadCurrent(ctx, db)
		if err != nil || p.Version != 1 || p.Source != SourceBuiltIn || string(p.Document) != string(DefaultJSON()) {
			t.Fatalf("seeded: %+v %v", p.Version, err)
		}
		rs, err := rules.Current(ctx)
		if err != nil || rs.Version != 1 {
			t.Fatalf("current: %v %v", rs, err)
		}

		// Problems, a wrong version, and the next version.
		var rse *RuleSetError
		if _, err := publish(t, db, []byte(`{"version": 2}`)); !errors.As(err, &rse) {
			t.Errorf("invalid document: %v", err)
		}
		var ve *VersionError
		if _, err := publish(t, db, nextDoc(t, 3, nil)); !errors.As(err, &ve) || ve.Want != 2 || ve.Got != 3 {
			t.Errorf("skipping a version: %v", err)
		}
		if _, err := publish(t, db, DefaultJSON()); !errors.As(err, &ve) || ve.Want != 2 || ve.Got != 1 {
			t.Errorf("republishing version 1: %v", err)
		}
		widened := nextDoc(t, 2, func(s string) string {
			return strings.Replace(s, `"band": {"min": 5, "max": 8}`, `"band": {"min": 4, "max": 8}`, 1)
		})
		if _, err := publish(t, db, append([]byte("\n  "), widened...)); err != nil {
			t.Fatal(err)
		}
		if v, _ := rules.Current(ctx); v == nil || v.Version != 2 {
			t.Fatalf("current after publishing: %v", v)
		}
		if p, _ := LoadPublished(ctx, db, 2); string(p.Document) != strings.TrimSpace(string(widened)) || p.Source != SourceCommandLine {
			t.Errorf("stored document differs from the one published")
		}
		if _, err := LoadPublished(ctx, db, 9); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing version: %v", err)
		}

		// Decisions record the version that made them.
		a := nb(RegionLondon, ProfessionNurse, "preceptorship", 4)
		d, err := rules.Decide(ctx, ChannelAPI, a)
		if err != nil || !d.Eligible || d.RuleVersion != 2 {
			t.Fatalf("decide: %+v %v", d, err)
		}
		if _, err := rules.Decide(ctx, ChannelWeb, Answers{Region: "london"}); err == nil {
			t.Error("incomplete answers were decided")
		}
		old, _ := rules.Version(ctx, 1)
		if err := RecordDecision(ctx, db, ChannelWeb, med(RegionKSS, ProfessionDoctor, "core", true), old.Decide(med(RegionKSS, ProfessionDoctor, "core", true))); err != nil {
			t.Fatal(err)
		}
		vs, err := Versions(ctx, db)
		if err != nil || len(vs) != 2 || vs[0].Version != 2 || vs[0].Decisions != 1 || vs[1].Version != 1 || vs[1].Decisions != 1 {
			t.Fatalf("versions: %+v %v", vs, err)
		}
		var band, tnNull int
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM eligibility_decisions WHERE band = 4 AND training_number IS NULL`), &band)
		store.Scan(db.QueryRowContext(ctx, `SELECT COUNT(*) FROM eligibility_decisions WHERE band IS NULL AND training_number = ?`, true), &tnNull)
		if band != 1 || tnNull != 1 {
			t.Errorf("answers not stored as given: %d %d", band, tnNull)
		}
	})
}

func TestSummary(t *testing.T) {
	s := Default().Summary()
	var ids []string
	for _, g := range s {
		ids = append(ids, g.RuleID)
	}
	if strings.Join(ids, " ") != "training-number-holder doctor-workforce-scheme nurse-ahp-band-5-to-8-on-scheme pharmacist-in-training pharmacy-technician-in-training healthcare-scientist-in-training" {
		t.Fatalf("groups %v", ids)
	}
	first := s[0]
	if first.Lead != "Doctors and dentists working or training in London or Kent, Surrey and Sussex who hold a London or Kent, Surrey and Sussex training number, if they are:" {
		t.Errorf("lead %q", first.Lead)
	}
	if strings.Join(first.Programmes, "|") != "in foundation training|in core training|in specialty training|in GP specialty training" {
		t.Errorf("programmes %q", first.Programmes)
	}
	// The KSS foundation rule comes first and takes some of these people.
	if len(first.Exceptions) != 1 || !strings.HasPrefix(first.Exceptions[0], "Foundation trainees in Kent, Surrey and Sussex") {
		t.Errorf("exceptions %q", first.Exceptions)
	}
	if s[2].Text != "Nurses and allied health professionals at bands 5 to 8 (band 8 includes 8a to 8d) working or training in London or Kent, Surrey and Sussex, on preceptorship or on a recognised scheme to develop into a more specialised clinical role." {
		t.Errorf("nurses: %q", s[2].Text)
	}
	if s[4].Text != "Pharmacy technicians working or training in London or Kent, Surrey and Sussex, in pre-registration (trainee) training." || len(s[4].Exceptions) != 0 {
		t.Errorf("pharmacy technicians: %+v", s[4])
	}
	// Every programme and region has words.
	for _, p := range professionOptions {
		for _, g := range programmeOptions[p.Value] {
			if programmePhrase[g.Value] == "" {
				t.Errorf("no phrase for programme %q", g.Value)
			}
		}
	}
	for _, r := range regionOptions {
		if regionPhrase[r.Value] == "" {
			t.Errorf("no phrase for region %q", r.Value)
		}
	}
	// A rule set of its own says only what it says.
	rs, err := ParseRuleSet(mustJSON(t, baseDoc()))
	if err != nil {
		t.Fatal(err)
	}
	got := rs.Summary()
	if len(got) != 1 || got[0].RuleID != "nurses" || !strings.Contains(got[0].Text, "Nurses at bands 5 to 8") {
		t.Errorf("custom summary %+v", got)
	}
}
