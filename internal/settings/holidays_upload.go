package settings

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/psu-project/psu/internal/audit"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/web"
	"github.com/psu-project/psu/internal/workdays"
)

// Limits on an uploaded list, far above anything GOV.UK publishes (about 70
// England and Wales dates, titles of a few words), so a wrong file is
// refused before it fills the table or the page.
const (
	maxHolidays     = 1000
	maxHolidayTitle = 200 // characters
	maxProblem      = 300 // characters of a problem quoted back from the file
)

// readHolidayFile streams the multipart body and returns the file's bytes;
// chosen is false when no file was chosen. The route's body limit bounds
// what is read.
func readHolidayFile(r *http.Request) (data []byte, chosen bool, err error) {
	mr, err := r.MultipartReader()
	if errors.Is(err, http.ErrNotMultipart) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return data, chosen, nil
		}
		if err != nil {
			return nil, false, err
		}
		if p.FormName() == "file" && p.FileName() != "" && !chosen {
			chosen = true
			if data, err = io.ReadAll(p); err != nil {
				return nil, false, err
			}
		}
		if _, err := io.Copy(io.Discard, p); err != nil {
			return nil, false, err
		}
	}
}

// checkHolidays reads an uploaded file and says, in a sentence for the
// administrator, what is wrong with it, if anything.
func checkHolidays(data []byte, from string) ([]workdays.Holiday, string) {
	hs, err := workdays.Parse(data)
	if err != nil {
		return nil, sentence(err.Error()) + " Download bank-holidays.json from GOV.UK again and upload it unchanged."
	}
	if len(hs) > maxHolidays {
		return nil, fmt.Sprintf("The file lists %d bank holidays, more than the %d psu takes. Check that it is GOV.UK's bank-holidays.json.", len(hs), maxHolidays)
	}
	for _, h := range hs {
		if utf8.RuneCountInString(h.Title) > maxHolidayTitle {
			return nil, fmt.Sprintf("The bank holiday on %s has a name longer than %d characters. Check that the file is GOV.UK's bank-holidays.json.", longDate(h.Date), maxHolidayTitle)
		}
	}
	if last := hs[len(hs)-1].Date; last < from {
		return nil, "The file lists no bank holidays after today: its last is " + longDate(last) +
			". Download the latest bank-holidays.json from GOV.UK and upload that."
	}
	return hs, ""
}

// sentence makes one of workdays.Parse's messages a sentence, cut short if
// it quotes a long piece of the file.
func sentence(msg string) string {
	if utf8.RuneCountInString(msg) > maxProblem {
		msg = string([]rune(msg)[:maxProblem]) + "…"
	}
	r, n := utf8.DecodeRuneInString(msg)
	return string(unicode.ToUpper(r)) + strings.TrimSuffix(msg[n:], ".") + "."
}

// uploadHolidays replaces the bank holidays in use with those in GOV.UK's
// file. A file with any problem changes nothing and is described to the
// administrator.
func (h *handlers) uploadHolidays(w http.ResponseWriter, r *http.Request) {
	ctx, who := r.Context(), web.PrincipalFrom(r)
	data, chosen, err := readHolidayFile(r)
	if err != nil {
		h.srv.BodyError(w, r, err)
		return
	}
	f := web.NewForm(nil)
	var hs []workdays.Holiday
	if !chosen {
		f.Fail("file", "Select the bank holidays file to upload")
	} else {
		var problem string
		if hs, problem = checkHolidays(data, today(h.now())); problem != "" {
			f.Fail("file", problem)
		}
	}
	if !f.Valid() {
		cs, err := Clock(ctx, h.srv.DB)
		if err != nil {
			h.srv.ServerError(w, r, err)
			return
		}
		f.Values = clockValues(cs)
		h.render(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	err = h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := LoadHolidays(ctx, tx, hs, who.UserID); err != nil {
			return err
		}
		if err := h.clockChanged(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "settings.bank_holidays",
			TargetType: "settings", TargetID: "bank_holidays", Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String(),
			Detail: strconv.Itoa(len(hs)) + " loaded from a file, up to " + hs[len(hs)-1].Date})
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	loaded := fmt.Sprintf("%d bank holidays have been loaded from the file, up to %s. They are in use from now on.", len(hs), longDate(hs[len(hs)-1].Date))
	if len(hs) == 1 {
		loaded = fmt.Sprintf("1 bank holiday has been loaded from the file: %s. It is in use from now on.", longDate(hs[0].Date))
	}
	h.srv.Sessions.Put(ctx, keyFlash, loaded)
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}

// useShippedHolidays goes back to the list psu ships with.
func (h *handlers) useShippedHolidays(w http.ResponseWriter, r *http.Request) {
	ctx, who := r.Context(), web.PrincipalFrom(r)
	shipped := workdays.Shipped()
	err := h.srv.DB.Tx(ctx, func(tx *store.Tx) error {
		if err := UseShippedHolidays(ctx, tx, who.UserID); err != nil {
			return err
		}
		if err := h.clockChanged(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{ActorID: who.UserID, ActorRole: who.Roles.String(), Action: "settings.bank_holidays",
			TargetType: "settings", TargetID: "bank_holidays", Source: web.ClientIP(r, h.srv.Config.TrustedProxies).String(),
			Detail: strconv.Itoa(len(shipped)) + " from the list psu ships with, up to " + shipped[len(shipped)-1].Date})
	})
	if err != nil {
		h.srv.ServerError(w, r, err)
		return
	}
	h.srv.Sessions.Put(ctx, keyFlash, fmt.Sprintf("The list psu ships with is in use again: %d bank holidays, up to %s.",
		len(shipped), longDate(shipped[len(shipped)-1].Date)))
	http.Redirect(w, r, "/admin/settings", http.StatusSeeOther)
}
