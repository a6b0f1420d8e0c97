package referral

import (
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/web"
)

// FuzzNotifyForm posts any form to the referrer's notification
// (POST /referrers/notify) through its validator. Nothing may panic; every
// message sits beside a field the form has; a notification that passes has
// two different addresses the outbox accepts, in the form blind indexes
// compare, and text within its limits; posting its own values back passes
// again and gives the same notification.
//
//	go test ./internal/referral -run '^$' -fuzz '^FuzzNotifyForm$' -fuzztime 10m
func FuzzNotifyForm(f *testing.F) {
	for _, s := range []string{
		"referrer_name=Dr+Ed+Jones&referrer_role=Educational+supervisor&referrer_organisation=Barts+Health&referrer_email=ed.jones%40nhs.net" +
			"&trainee_name=Ann+Smith&trainee_email=ann%40example.com&reason=Struggling+with+exams%0D%0Asince+June&trainee_told=yes",
		"referrer_email=ED%40NHS.NET&trainee_email=ed%40nhs.net&trainee_told=yes",
		"referrer_name=%00&trainee_email=Ann+%3Cann%40example.com%3E&reason=" + strings.Repeat("x", 5001),
		"website=http%3A%2F%2Fspam.example&trainee_told=no",
		"referrer_email=a%40b&trainee_email=%E2%80%AEann%40example.com",
	} {
		f.Add(s)
	}
	fields := []string{"referrer_name", "referrer_role", "referrer_organisation", "referrer_email", "trainee_name", "trainee_email", "reason", "trainee_told"}
	f.Fuzz(func(t *testing.T, body string) {
		posted, err := url.ParseQuery(body)
		if err != nil {
			return // ParseForm answers 400
		}
		form := web.NewForm(posted)
		ref := validate(form)
		for _, fe := range form.Summary() {
			if !slices.Contains(fields, fe.Field) || strings.TrimSpace(fe.Message) == "" {
				t.Fatalf("message %q on %q, which the form does not have", fe.Message, fe.Field)
			}
		}
		if !form.Valid() {
			return
		}
		for _, e := range []string{ref.ReferrerEmail, ref.TraineeEmail} {
			if !mail.ValidAddress(e) || len(e) > maxEmail || e != NormaliseEmail(e) {
				t.Fatalf("accepted the address %q, which the outbox refuses or blind indexes would not match", e)
			}
		}
		if ref.ReferrerEmail == ref.TraineeEmail || !ref.TraineeTold {
			t.Fatalf("accepted %+v", ref)
		}
		for _, s := range []string{ref.ReferrerName, ref.ReferrerRole, ref.ReferrerOrganisation, ref.TraineeName} {
			if s == "" || utf8.RuneCountInString(s) > maxShort {
				t.Fatalf("accepted the text %q", s)
			}
		}
		if ref.Reason == "" || utf8.RuneCountInString(ref.Reason) > maxReason {
			t.Fatalf("accepted the reason %q", ref.Reason)
		}
		back := url.Values{"referrer_name": {ref.ReferrerName}, "referrer_role": {ref.ReferrerRole}, "referrer_organisation": {ref.ReferrerOrganisation},
			"referrer_email": {ref.ReferrerEmail}, "trainee_name": {ref.TraineeName}, "trainee_email": {ref.TraineeEmail}, "reason": {posted.Get("reason")}, "trainee_told": {"yes"}}
		again := web.NewForm(back)
		if got := validate(again); !again.Valid() || !reflect.DeepEqual(got, ref) {
			t.Fatalf("posted back, %+v reads as %+v (%v)", ref, got, again.Summary())
		}
	})
}
