package cases

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// A unit that renames itself at /admin/settings/unit is named so in the
// e-mails case work sends: here, a lead's alert of new work.
func TestLeadAlertNamesTheUnitAsSet(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := testStore(t, db)
		s.Outbox = mail.NewOutbox(db, s.Sealer)
		staff(t, db, "Lead", web.RoleTriageLead)
		if err := db.Tx(ctx, func(tx *store.Tx) error {
			return settings.Set(ctx, tx, settings.KeyUnitName, "Harbour Deanery Support Unit", "")
		}); err != nil {
			t.Fatal(err)
		}
		now := store.Now()
		if _, err := s.AlertLeads(ctx, "https://psu.example", now); err != nil {
			t.Fatal(err)
		}
		arrive(t, s, arrival("e@example.com", "E Person", now.Add(time.Minute)))
		if sent, err := s.AlertLeads(ctx, "https://psu.example", now.Add(61*time.Minute)); err != nil || sent != 1 {
			t.Fatalf("%d alerts sent, %v; want 1", sent, err)
		}
		var id string
		var sealed []byte
		if err := store.Scan(db.QueryRowContext(ctx, `SELECT id, body FROM outbox WHERE kind = 'cases.lead_alert'`), &id, &sealed); err != nil {
			t.Fatal(err)
		}
		body, err := s.Sealer.OpenString(sealed, "outbox.body:"+id)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "the Harbour Deanery Support Unit's queue") || strings.Contains(body, settings.DefaultUnit.Name) {
			t.Errorf("the alert does not name the unit as set:\n%s", body)
		}
	})
}

// The not-eligible e-mail names the unit it is given, in its subject and
// its text.
func TestNotEligibleMailNamesTheUnit(t *testing.T) {
	subject, text := notEligibleSubject("Harbour Deanery Support Unit"), notEligibleText("PSU-1", "Harbour Deanery Support Unit", nil, "https://psu.example")
	for _, s := range []string{subject, text} {
		if !strings.Contains(s, "the Harbour Deanery Support Unit") || strings.Contains(s, settings.DefaultUnit.Name) {
			t.Errorf("does not name the unit as set: %q", s)
		}
	}
}
