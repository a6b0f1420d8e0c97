package settings

import (
	"context"
	"embed"
	"io/fs"
	"net/http"
	"time"

	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// MaxUpload is the largest request the bank holidays upload accepts.
// GOV.UK's whole file (three divisions, every year since 2018) is about
// 20 KB, so anything near this size is not that file.
const MaxUpload = 1 << 20

// handlers holds the settings page's dependencies.
type handlers struct {
	srv *web.Server
	// onClockChange runs inside every transaction that changes how the
	// clock counts (its days, its mode or the bank holidays), so case work
	// moves every running target in the same commit; nil when nothing
	// depends on the clock.
	onClockChange func(ctx context.Context, tx *store.Tx) error
	now           func() time.Time
}

// Register adds the administrator's unit settings page, /admin/settings, to
// srv. onClockChange is called inside the transaction of every change to
// the first-response clock or the bank holidays; it may be nil.
func Register(srv *web.Server, onClockChange func(ctx context.Context, tx *store.Tx) error) error {
	sub, err := fs.Sub(templates, "templates")
	if err != nil {
		return err
	}
	if err := srv.AddPages("settings", sub); err != nil {
		return err
	}
	h := &handlers{srv: srv, onClockChange: onClockChange, now: store.Now}
	r := srv.Router
	r.Handle("GET /admin/settings", web.Administrator, h.show)
	r.Handle("POST /admin/settings/clock", web.Administrator, h.saveClock)
	r.Handle("POST /admin/settings/retention", web.Administrator, h.saveRetention)
	r.Handle("GET /admin/settings/unit", web.Administrator, h.showUnit)
	r.Handle("POST /admin/settings/unit", web.Administrator, h.saveUnit)
	r.Handle("POST /admin/settings/bank-holidays", web.Administrator, h.uploadHolidays, web.MaxBody(MaxUpload))
	r.Handle("POST /admin/settings/bank-holidays/shipped", web.Administrator, h.useShippedHolidays)
	// Every page's header and title name the unit as it named itself. A
	// failed read leaves psu's default name: a page is not refused for it.
	srv.SetServiceName(func(r *http.Request) string {
		name, err := UnitName(r.Context(), srv.DB)
		if err != nil {
			return ""
		}
		return name
	})
	return nil
}

// clockChanged runs the hook, if there is one.
func (h *handlers) clockChanged(ctx context.Context, tx *store.Tx) error {
	if h.onClockChange == nil {
		return nil
	}
	return h.onClockChange(ctx, tx)
}
