package directory

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/mail"
	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Limits on e-mailing a list: per connection and per address, so the form
// cannot be used to flood anyone's inbox.
var (
	emailPerClient  = ratelimit.Limit{N: 5, Window: time.Hour}
	emailPerAddress = ratelimit.Limit{N: 3, Window: time.Hour}
)

// email is POST /my-list/email: send the list to the address typed.
func (h *handlers) email(w http.ResponseWriter, r *http.Request) {
	if !h.srv.ParseForm(w, r) {
		return
	}
	ctx := r.Context()
	p, ok := h.loadList(w, r)
	if !ok {
		return
	}
	f := web.NewForm(r.PostForm)
	to := f.Get("email")
	switch {
	case len(p.Cards) == 0:
		f.Fail("email", "Your list is empty. Add services to it before you send it")
	case to == "":
		f.Fail("email", "Enter the e-mail address to send your list to")
	case len(to) > 254 || !mail.ValidAddress(to):
		f.Fail("email", "Enter an e-mail address in the right format, like name@example.com")
	}
	if !f.Valid() {
		h.renderList(w, r, http.StatusUnprocessableEntity, f, p)
		return
	}
	for _, c := range []struct {
		bucket string
		limit  ratelimit.Limit
	}{
		{"directory.email.client:" + web.ClientIP(r, h.srv.Config.TrustedProxies).String(), emailPerClient},
		{"directory.email.to:" + h.sealer.Blind(strings.ToLower(to), "directory.email"), emailPerAddress},
	} {
		allowed, wait, err := h.limiter.Allow(ctx, c.bucket, c.limit)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		if !allowed {
			web.RetryAfter(w, wait)
			f.Fail("email", fmt.Sprintf("Your list has been sent several times in the last hour. Try again in %d minutes", int(math.Ceil(wait.Minutes()))))
			h.renderList(w, r, http.StatusTooManyRequests, f, p)
			return
		}
	}
	msg := mail.Message{Kind: "directory.list", To: to, Subject: "Your list of support services", Text: h.listText(p.Cards)}
	err := h.db.Tx(ctx, func(tx *store.Tx) error {
		_, err := h.outbox.Enqueue(ctx, tx, msg)
		return err
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.flash(r, "Your list is on its way. It can take a few minutes to arrive; if it does not, look in your junk or spam folder.")
	http.Redirect(w, r, "/my-list", http.StatusSeeOther)
}

// listText is the list as a plain-text e-mail.
func (h *handlers) listText(cards []cardView) string {
	site := h.srv.Config.BaseURL.String()
	var b strings.Builder
	b.WriteString("Here is the list of support services you asked us to send.\n\n")
	for _, c := range cards {
		fmt.Fprintf(&b, "%s\n%s\n", c.Name, c.Summary)
		for _, p := range c.Phones {
			fmt.Fprintf(&b, "Phone: %s", p.Number)
			if p.Description != "" {
				fmt.Fprintf(&b, " (%s)", p.Description)
			}
			b.WriteString("\n")
		}
		if len(c.Phones) == 0 && c.HowToGetHelp != "" {
			fmt.Fprintf(&b, "How to get help: %s\n", c.HowToGetHelp)
		}
		if c.Open24h {
			b.WriteString("Open 24 hours, every day.\n")
		}
		fmt.Fprintf(&b, "More: %s%s\n\n", site, c.URL)
	}
	b.WriteString("If your life or someone else's is in danger, call 999. For urgent medical or mental health help, call NHS 111.\n\n")
	fmt.Fprintf(&b, "Someone asked for this list to be sent to this address from %s/services. If it was not you, you can ignore this e-mail.\n", site)
	return b.String()
}
