package referral

import (
	"bytes"
	"testing"

	"github.com/psu-project/psu/internal/seal"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

func testSealer(t *testing.T) *seal.Sealer {
	t.Helper()
	s, err := seal.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func sample() Referral {
	return Referral{
		ReferrerName: "Dr Alma Referrer", ReferrerRole: "Educational supervisor", ReferrerOrganisation: "St Elsewhere Trust",
		ReferrerEmail: "alma.referrer@example.nhs.uk", TraineeName: "Sam Trainee", TraineeEmail: "Sam.Trainee@Example.org",
		Reason: "Repeated exam failure and a difficult rota.", TraineeTold: true,
	}
}

// Every personal value is sealed; the trainee's address is findable only
// through its blind index, whatever its case or spacing.
func TestReferralsAreSealedAndLinkedByBlindIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := t.Context()
		sealer := testSealer(t)
		r := sample()
		if err := Create(ctx, db, sealer, &r); err != nil {
			t.Fatal(err)
		}
		other := sample()
		other.TraineeEmail = "someone.else@example.org"
		if err := Create(ctx, db, sealer, &other); err != nil {
			t.Fatal(err)
		}

		rows, err := db.QueryContext(ctx, `SELECT referrer_name, referrer_role, referrer_organisation, referrer_email,
			trainee_name, trainee_email, reason, trainee_email_blind FROM referrals WHERE id = ?`, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			raw := make([][]byte, 8)
			if err := rows.Scan(&raw[0], &raw[1], &raw[2], &raw[3], &raw[4], &raw[5], &raw[6], &raw[7]); err != nil {
				t.Fatal(err)
			}
			all := bytes.ToLower(bytes.Join(raw, []byte{0}))
			for _, plain := range []string{"alma referrer", "alma.referrer", "educational supervisor", "elsewhere trust", "sam trainee", "sam.trainee", "exam failure", "difficult rota"} {
				if bytes.Contains(all, []byte(plain)) {
					t.Errorf("%q is stored readably", plain)
				}
			}
			if string(raw[7]) != BlindEmail(sealer, "sam.trainee@example.org") {
				t.Errorf("blind index %s", raw[7])
			}
		}
		rows.Close()

		if got, err := ForApplication(ctx, db, sealer, "app-1"); err != nil || len(got) != 0 {
			t.Fatalf("before linking: %v %v", got, err)
		}
		n, err := LinkApplication(ctx, db, sealer, "  SAM.trainee@example.ORG ", "app-1")
		if err != nil || n != 1 {
			t.Fatalf("link: %d %v", n, err)
		}
		// Already linked: a second application with the same address does
		// not take it over.
		if n, _ := LinkApplication(ctx, db, sealer, "sam.trainee@example.org", "app-2"); n != 0 {
			t.Errorf("relinked %d", n)
		}
		got, err := ForApplication(ctx, db, sealer, "app-1")
		if err != nil || len(got) != 1 {
			t.Fatalf("for application: %v %v", got, err)
		}
		want := r
		want.ApplicationID = "app-1"
		got[0].CreatedAt = want.CreatedAt // compared below
		if got[0] != want {
			t.Errorf("read back %+v\nwant %+v", got[0], want)
		}
		var at store.Time
		store.Scan(db.QueryRowContext(ctx, `SELECT created_at FROM referrals WHERE id = ?`, r.ID), &at)
		if !at.Time.Equal(r.CreatedAt) {
			t.Errorf("created_at %v, want %v", at.Time, r.CreatedAt)
		}
	})
}

func TestNormaliseEmail(t *testing.T) {
	if NormaliseEmail("  A.B@Example.ORG\t") != "a.b@example.org" {
		t.Error("not normalised")
	}
}
