package audit

import (
	"fmt"
	"testing"

	"github.com/psu-project/psu/internal/store"
)

// RecordAll continues the chain Record began, in the order given, over
// more entries than one statement carries; Record carries on after it, and
// Verify finds the whole chain sound.
func TestRecordAll(t *testing.T) {
	eachEngine(t, func(t *testing.T, db *store.DB, url string) {
		legacy(t, db, "old.one")
		record(t, db, 2)
		var events []Event
		for i := range 2500 {
			events = append(events, Event{ActorRole: "system", Action: "case.seeded", TargetType: "case", TargetID: fmt.Sprint(i),
				CaseID: fmt.Sprint(i), Detail: "demo"})
		}
		events = append(events, Event{Action: "visitor.thing", Source: "192.0.2.9"})
		if err := db.Tx(ctx, func(tx *store.Tx) error { return RecordAll(ctx, tx, events) }); err != nil {
			t.Fatal(err)
		}
		record(t, db, 1)
		rep := verify(t, db)
		if !rep.OK() || rep.Checked != 2504 || rep.BeforeChain != 1 {
			t.Fatalf("after RecordAll: %+v, problem %v", rep, rep.Problem)
		}
		if en := row(t, db, 3); en.targetID.String != "0" || en.detail.String != "demo" || en.actorID.Valid {
			t.Errorf("entry 3: %+v", en)
		}
		if en := row(t, db, 2502); en.targetID.String != "2499" {
			t.Errorf("entry 2502 is for %q, want the last event given", en.targetID.String)
		}
		if en := row(t, db, 2503); en.actorRole.String != "visitor" || en.source.String != "" {
			t.Errorf("a visitor's entry kept %q as its source, role %q", en.source.String, en.actorRole.String)
		}
		err := db.Tx(ctx, func(tx *store.Tx) error { return RecordAll(ctx, tx, []Event{{ActorRole: "system"}}) })
		if err == nil {
			t.Error("an entry without an action was written")
		}
	})
}
