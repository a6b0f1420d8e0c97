package settings

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// FuzzHolidayUpload posts any multipart body to the bank-holiday upload,
// through the code the route runs: readHolidayFile, then checkHolidays.
// Nothing may panic; a file is either refused with one sentence saying what
// to do, or accepted as a sorted list of real dates, within the limits,
// reaching past today, with titles both databases can store.
//
//	go test ./internal/settings -run '^$' -fuzz '^FuzzHolidayUpload$' -fuzztime 10m
func FuzzHolidayUpload(f *testing.F) {
	file := func(name, filename string, content []byte) []byte {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		if err := w.SetBoundary(fuzzBoundary); err != nil {
			f.Fatal(err)
		}
		if err := w.WriteField("csrf", "x"); err != nil {
			f.Fatal(err)
		}
		if name != "" {
			p, err := w.CreateFormFile(name, filename)
			if err != nil {
				f.Fatal(err)
			}
			p.Write(content)
		}
		w.Close()
		return b.Bytes()
	}
	govuk := []byte(`{"england-and-wales":{"division":"england-and-wales","events":[{"date":"2027-01-01","title":"New Year’s Day","notes":"","bunting":true},{"date":"2027-12-27","title":"Christmas Day","notes":"Substitute day","bunting":true}]},"scotland":{"division":"scotland","events":[]}}`)
	f.Add(file("file", "bank-holidays.json", govuk))
	f.Add(file("file", "bank-holidays.json", []byte(`{"division":"england-and-wales","events":[{"date":"2020-01-01","title":"Old"}]}`)))
	f.Add(file("file", "bank-holidays.json", []byte(`{"division":"scotland","events":[{"date":"2029-01-01","title":"x"}]}`)))
	f.Add(file("file", "", govuk))
	f.Add(file("other", "x.json", govuk))
	f.Add(file("", "", nil))
	f.Add(file("file", "bank-holidays.json", []byte(`{"division":"england-and-wales","events":[{"date":"2030-12-25","title":"\u0000"}]}`)))
	f.Add([]byte("--" + fuzzBoundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n{\"division\":"))
	from := "2026-11-22"
	f.Fuzz(func(t *testing.T, body []byte) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/admin/settings/bank-holidays", bytes.NewReader(body))
		r.Header.Set("Content-Type", "multipart/form-data; boundary="+fuzzBoundary)
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		data, chosen, err := readHolidayFile(r)
		if err != nil || !chosen {
			return // 400, 413, or "Select the bank holidays file to upload"
		}
		hs, problem := checkHolidays(data, from)
		if problem != "" {
			if hs != nil {
				t.Fatalf("refused with %q but returned %d holidays", problem, len(hs))
			}
			first, _ := utf8.DecodeRuneInString(problem)
			if !utf8.ValidString(problem) || !strings.HasSuffix(problem, ".") || unicode.IsLower(first) || utf8.RuneCountInString(problem) > 600 {
				t.Fatalf("the message %q is not one short sentence", problem)
			}
			return
		}
		if len(hs) == 0 || len(hs) > maxHolidays || hs[len(hs)-1].Date < from {
			t.Fatalf("accepted %d holidays ending %s", len(hs), hs[len(hs)-1].Date)
		}
		for i, h := range hs {
			if d, err := time.Parse(time.DateOnly, h.Date); err != nil || d.Format(time.DateOnly) != h.Date {
				t.Fatalf("accepted the date %q", h.Date)
			}
			if i > 0 && hs[i-1].Date >= h.Date {
				t.Fatalf("not in order: %q then %q", hs[i-1].Date, h.Date)
			}
			if h.Title == "" || utf8.RuneCountInString(h.Title) > maxHolidayTitle || !utf8.ValidString(h.Title) || strings.ContainsRune(h.Title, 0) {
				t.Fatalf("accepted the title %q, which the page cannot show or PostgreSQL cannot store", h.Title)
			}
		}
	})
}

const fuzzBoundary = "psu-fuzz-boundary"
