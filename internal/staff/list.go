package staff

import (
	"context"
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/auth"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

// Status is where an account stands, as administrators read it.
type Status string

const (
	StatusActive         Status = "Active"
	StatusDisabled       Status = "Disabled"
	StatusInvited        Status = "Invited"
	StatusInviteExpired  Status = "Invitation expired"
	StatusInviteRevoked  Status = "Invitation withdrawn"
	StatusNoTwoStepSetUp Status = "Active, two-step sign-in not set up yet"
)

// Member is one account as the staff pages show it.
type Member struct {
	auth.User
	Status        Status
	InviteExpires time.Time // for an invitation waiting
	RecoveryLeft  int
	Self          bool // the administrator looking
}

// describe works out u's status.
func describe(ctx context.Context, q store.Querier, u auth.User, self string, now time.Time) (Member, error) {
	m := Member{User: u, Self: u.ID == self}
	switch {
	case u.Disabled:
		m.Status = StatusDisabled
	case u.Invited():
		at, ok, err := auth.TokenExpiry(ctx, q, auth.PurposeInvite, u.ID)
		if err != nil {
			return m, err
		}
		switch {
		case !ok:
			m.Status = StatusInviteRevoked
		case !at.After(now):
			m.Status = StatusInviteExpired
		default:
			m.Status, m.InviteExpires = StatusInvited, at
		}
	case u.TOTPSecret == nil:
		m.Status = StatusNoTwoStepSetUp
	default:
		m.Status = StatusActive
	}
	return m, nil
}

// list is every staff account, by name.
func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	us, err := auth.Users(ctx, h.srv.DB)
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	self, now := web.PrincipalFrom(r).UserID, h.now()
	ms := make([]Member, len(us))
	for i, u := range us {
		if ms[i], err = describe(ctx, h.srv.DB, u, self, now); err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
	}
	h.srv.Render(w, r, http.StatusOK, "staff/list.html", web.Page{Title: "Staff accounts", Data: ms})
}
