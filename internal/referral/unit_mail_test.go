package referral_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// The e-mails a notification sends name the unit, where it works and its
// phone number as the unit set them at /admin/settings/unit, never psu's
// defaults.
func TestNotificationMailCarriesTheUnitsDetails(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			setUnit(t, in.App.DB, map[string]string{
				settings.KeyUnitName: "Example Deanery Support Unit", settings.KeyUnitRegion: "the North West",
				settings.KeyUnitPhone: "0161 496 0000", settings.KeyUnitHours: "Monday to Friday, 9am to 5pm.",
			})
			c := in.Client(t)
			if res := c.Post("/referrers/notify", filled()); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("send: %d\n%s", res.StatusCode, res.Body)
			}
			for _, m := range in.SMTP.Wait(t, 2, 10*time.Second) {
				text := m.Subject + "\n" + m.Body
				for _, want := range []string{"Example Deanery Support Unit", "0161 496 0000 (Monday to Friday, 9am to 5pm)"} {
					if !strings.Contains(text, want) {
						t.Errorf("mail to %v lacks %q:\n%s", m.To, want, text)
					}
				}
				for _, not := range []string{settings.DefaultPhone, "Professional Support Unit", "London"} {
					if strings.Contains(text, not) {
						t.Errorf("mail to %v still says %q:\n%s", m.To, not, text)
					}
				}
				if m.To[0] == "sam.trainee@example.org" && !strings.Contains(text, "in training in the North West.") {
					t.Errorf("the invitation does not say where the unit works:\n%s", text)
				}
			}
		})
	}
}

func setUnit(t *testing.T, db *store.DB, values map[string]string) {
	t.Helper()
	err := db.Tx(t.Context(), func(tx *store.Tx) error {
		for k, v := range values {
			if err := settings.Set(t.Context(), tx, k, v, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
