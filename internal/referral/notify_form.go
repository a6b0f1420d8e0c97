package referral

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/settings"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Limits on notifications. Many NHS staff reach the internet through one
// address, so the per-address limit is generous; the per-trainee limit
// stops anyone filling a trainee's inbox with invitations.
var (
	perAddress  = ratelimit.Limit{N: 20, Window: time.Hour}
	perReferrer = ratelimit.Limit{N: 10, Window: 24 * time.Hour}
	perTrainee  = ratelimit.Limit{N: 3, Window: 24 * time.Hour}
)

// Field limits, in characters.
const (
	maxShort  = 200
	maxEmail  = 254
	maxReason = 5000
)

// honeypot is a field people never see or fill in; form-filling robots do.
const honeypot = "website"

type notifyPage struct {
	Phone     string
	MaxReason int
}

func (s *Service) renderNotify(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	phone, err := settings.UnitPhone(r.Context(), s.srv.DB)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, status, "referral/notify.html", web.Page{
		Title: "Tell us you have recommended the service to someone",
		Form:  f,
		Data:  notifyPage{Phone: phone, MaxReason: maxReason},
	})
}

func (s *Service) notifyForm(w http.ResponseWriter, r *http.Request) {
	s.renderNotify(w, r, http.StatusOK, web.NewForm(nil))
}

// validate checks the form and returns the referral it describes.
func validate(f *web.Form) Referral {
	text := func(field, missing, what string, max int) string {
		v := f.Get(field)
		switch {
		case v == "":
			f.Fail(field, missing)
		case utf8.RuneCountInString(v) > max:
			f.Fail(field, fmt.Sprintf("%s must be %d characters or fewer", what, max))
		}
		return v
	}
	email := func(field, missing string) string {
		v := NormaliseEmail(f.Get(field))
		switch {
		case v == "":
			f.Fail(field, missing)
		case len(v) > maxEmail || !mail.ValidAddress(v):
			f.Fail(field, "Enter an e-mail address in the right format, like name@example.nhs.uk")
		}
		return v
	}
	ref := Referral{
		ReferrerName:         text("referrer_name", "Enter your full name", "Your name", maxShort),
		ReferrerRole:         text("referrer_role", "Enter your role, for example educational supervisor", "Your role", maxShort),
		ReferrerOrganisation: text("referrer_organisation", "Enter the organisation you work for", "Your organisation", maxShort),
		ReferrerEmail:        email("referrer_email", "Enter your work e-mail address"),
		TraineeName:          text("trainee_name", "Enter the name of the person you are recommending the service to", "Their name", maxShort),
		TraineeEmail:         email("trainee_email", "Enter the e-mail address of the person you are recommending the service to"),
	}
	if ref.TraineeEmail != "" && ref.TraineeEmail == ref.ReferrerEmail {
		f.Fail("trainee_email", "Enter their own e-mail address, not yours: the invitation to apply goes to them")
	}
	reason := strings.ReplaceAll(f.Get("reason"), "\r\n", "\n")
	switch n := utf8.RuneCountInString(reason); {
	case reason == "":
		f.Fail("reason", "Tell us why you are recommending support")
	case n > maxReason:
		f.Fail("reason", fmt.Sprintf("Why you are recommending support must be %s characters or fewer; you have written %s", thousands(maxReason), thousands(n)))
	}
	ref.Reason = reason
	ref.TraineeTold = f.Get("trainee_told") == "yes"
	if !ref.TraineeTold {
		f.Fail("trainee_told", "Confirm that you have told them you are recommending the unit, and why")
	}
	return ref
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// notify validates, checks the limits, then stores the notification and
// queues the two e-mails in one transaction.
func (s *Service) notify(w http.ResponseWriter, r *http.Request) {
	if !s.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := web.NewForm(r.PostForm)
	if f.Get(honeypot) != "" {
		// A robot: look like success, keep and send nothing.
		s.srv.Log.Info("referral honeypot filled; nothing stored")
		http.Redirect(w, r, "/referrers/notify/sent", http.StatusSeeOther)
		return
	}
	ref := validate(f)
	if !f.Valid() {
		s.renderNotify(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	ip := web.ClientIP(r, s.srv.Config.TrustedProxies).String()
	for _, c := range []struct {
		bucket, field, msg string
		limit              ratelimit.Limit
	}{
		{"referral:ip:" + ip, "referrer_email", "Several notifications have come from your network in the last hour. Wait %s, then send this again. Everything you typed is still here", perAddress},
		{"referral:referrer:" + BlindEmail(s.sealer, ref.ReferrerEmail), "referrer_email", "You have sent several notifications today. Wait %s, then send this again, or phone us. Everything you typed is still here", perReferrer},
		{"referral:trainee:" + BlindEmail(s.sealer, ref.TraineeEmail), "trainee_email", "We have had several notifications about this person today and have already invited them to apply. Wait %s before sending another, or phone us to talk it through", perTrainee},
	} {
		ok, retry, err := s.limiter.Allow(ctx, c.bucket, c.limit)
		if err != nil {
			s.srv.ServerError(w, r, err)
			return
		}
		if !ok {
			web.RetryAfter(w, retry)
			f.Fail(c.field, fmt.Sprintf(c.msg, web.WaitWords(retry)))
			s.renderNotify(w, r, http.StatusTooManyRequests, f)
			return
		}
	}
	err := s.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := Create(ctx, tx, s.sealer, &ref); err != nil {
			return err
		}
		if s.intake != nil {
			if err := s.intake(ctx, tx, &ref); err != nil {
				return err
			}
		}
		unit, err := settings.UnitDetails(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := s.outbox.Enqueue(ctx, tx, acknowledgement(ref.ReferrerEmail, unit)); err != nil {
			return fmt.Errorf("referral: acknowledgement: %w", err)
		}
		if _, err := s.outbox.Enqueue(ctx, tx, invitation(ref.TraineeEmail, s.srv.Config.BaseURL.String(), unit)); err != nil {
			return fmt.Errorf("referral: invitation: %w", err)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "referral.received", TargetType: "referral", TargetID: ref.ID})
	})
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Log.Info("referral received", "referral_id", ref.ID)
	http.Redirect(w, r, "/referrers/notify/sent", http.StatusSeeOther)
}

func (s *Service) sent(w http.ResponseWriter, r *http.Request) {
	phone, err := settings.UnitPhone(r.Context(), s.srv.DB)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	s.srv.Render(w, r, http.StatusOK, "referral/sent.html", web.Page{Title: "Thank you for letting us know", Data: phone})
}
