package pages_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/pages"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
	"github.com/psu-project/psu/internal/web"
)

// postBio sends the biography form as a browser does (multipart), with a
// photo when name is not empty.
func postBio(t *testing.T, c *apptest.Client, form url.Values, name string, photo []byte) apptest.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("photo", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(photo)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base+"/account/biography", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return apptest.Response{Response: res, Body: string(body)}
}

// pngPhoto is a small real PNG with a text chunk a camera might have left.
func pngPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 50))
	for y := range 50 {
		for x := range 40 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 5), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var publishRE = regexp.MustCompile(`action="/admin/advisers/([0-9a-f-]{36})/publish"`)
var photoRE = regexp.MustCompile(`src="(/advisers/[0-9a-f-]{36}/photo\?v=[0-9a-z]+)"`)

// An adviser writes their own biography with a photo; it is not public
// until an administrator publishes it; an edit waits while the published
// version stays; disabling the account takes it off the page. Nobody else
// edits it, and a file that is not a photo is refused with the text kept.
func TestAdviserBiographies(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			visitor := in.Client(t)
			if res := visitor.Get("/advisers"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "have not been added yet") {
				t.Fatalf("empty advisers page: %d", res.StatusCode)
			}
			staff := in.CreateStaff(t, web.RoleAdviser)
			adviser := in.Client(t)
			adviser.SignIn(staff)
			if res := adviser.Get("/account"); !strings.Contains(res.Body, `href="/account/biography"`) {
				t.Error("the account page has no link to the biography")
			}
			if res := adviser.Get("/account/biography"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "You have not written a biography yet") {
				t.Fatalf("empty form: %d", res.StatusCode)
			}

			form := url.Values{"role": {"Associate Dean"}, "background": {"A GP educator for many years.\r\n\r\nInterested in <b>careers</b> & wellbeing."},
				"helps_with": {"Exams and returning to training."}, "languages": {"English and Welsh"}, "meets": {"teams", "in_person"}}

			// Not a photo: refused, in plain words, with everything typed kept.
			res := postBio(t, adviser, form, "notes.txt", []byte("these are my notes, not a photo"))
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("text file as photo: %d", res.StatusCode)
			}
			for _, want := range []string{"There is a problem", "JPEG or PNG", `value="Associate Dean"`, "Interested in &lt;b&gt;careers&lt;/b&gt; &amp; wellbeing.</textarea>",
				`value="English and Welsh"`, `value="teams" checked`, `value="in_person" checked`} {
				if !strings.Contains(res.Body, want) {
					t.Errorf("refused photo page lacks %q", want)
				}
			}
			bad := url.Values{"role": {""}, "background": {strings.Repeat("x", 3001)}, "meets": {"carrier-pigeon"}}
			if res := postBio(t, adviser, bad, "", nil); res.StatusCode != http.StatusUnprocessableEntity ||
				!strings.Contains(res.Body, "Enter your role") || !strings.Contains(res.Body, "3000 characters or fewer; it has 3001") || !strings.Contains(res.Body, "from the list") {
				t.Errorf("bad form: %d", res.StatusCode)
			}

			res = postBio(t, adviser, form, "me.png", pngPhoto(t))
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/biography" {
				t.Fatalf("save: %d\n%s", res.StatusCode, res.Body)
			}
			if page := adviser.Get("/account/biography").Body; !strings.Contains(page, "waiting for an administrator") || !strings.Contains(page, `src="/account/biography/photo"`) {
				t.Error("the form does not say the biography is waiting, or show the photo")
			}
			if res := adviser.Get("/account/biography/photo"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
				t.Errorf("own photo: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
			}
			if page := visitor.Get("/advisers").Body; strings.Contains(page, staff.Name) {
				t.Fatal("a draft is on the public page")
			}

			// Another adviser sees only their own (empty) biography; an
			// administrator cannot write one; nobody else reaches the form.
			other := in.Client(t)
			other.SignIn(in.CreateStaff(t, web.RoleAdviser))
			if page := other.Get("/account/biography").Body; strings.Contains(page, "GP educator") {
				t.Error("another adviser sees the draft")
			}
			admin := in.Client(t)
			admin.SignIn(in.CreateStaff(t, web.RoleAdministrator))
			for _, c := range []*apptest.Client{admin, visitor} {
				if res := c.Get("/account/biography"); res.StatusCode == http.StatusOK {
					t.Errorf("the biography form answers someone who is not an adviser")
				}
				if res := c.Post("/account/biography", form); res.StatusCode == http.StatusSeeOther && res.Header.Get("Location") == "/account/biography" {
					t.Errorf("someone who is not an adviser saved a biography")
				}
			}
			if res := adviser.Post("/admin/advisers/"+store.NewID()+"/publish", nil); res.StatusCode != http.StatusForbidden {
				t.Errorf("adviser publishing: %d", res.StatusCode)
			}

			list := admin.Get("/admin/advisers").Body
			m := publishRE.FindStringSubmatch(list)
			if m == nil || !strings.Contains(list, "New biography") || !strings.Contains(list, staff.Name) {
				t.Fatalf("no draft waiting:\n%s", list)
			}
			if res := admin.Get("/admin/advisers/" + m[1] + "/photo"); res.StatusCode != http.StatusOK {
				t.Errorf("draft photo for the administrator: %d", res.StatusCode)
			}
			if res := visitor.Get("/admin/advisers/" + m[1] + "/photo"); res.StatusCode == http.StatusOK {
				t.Error("a draft's photo is public")
			}
			if res := admin.Post("/admin/advisers/"+m[1]+"/publish", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("publish: %d", res.StatusCode)
			}
			if list := admin.Get("/admin/advisers").Body; !strings.Contains(list, "is now on the advisers page") || !strings.Contains(list, "Nothing is waiting") {
				t.Error("no confirmation after publishing")
			}

			page := visitor.Get("/advisers").Body
			for _, want := range []string{staff.Name, "Associate Dean", `<p class="nhsuk-card__description">A GP educator for many years.</p>`,
				"Interested in &lt;b&gt;careers&lt;/b&gt; &amp; wellbeing.", "Exams and returning to training.", "English and Welsh", "Face to face, Microsoft Teams", "Photo of " + staff.Name} {
				if !strings.Contains(page, want) {
					t.Errorf("advisers page lacks %q", want)
				}
			}
			pm := photoRE.FindStringSubmatch(page)
			if pm == nil {
				t.Fatal("no photo on the advisers page")
			}
			photoURL := strings.ReplaceAll(pm[1], "&amp;", "&")
			photo := visitor.Get(photoURL)
			if photo.StatusCode != http.StatusOK || photo.Header.Get("Content-Type") != "image/png" || !strings.Contains(photo.Header.Get("Cache-Control"), "max-age") {
				t.Fatalf("photo: %d %q %q", photo.StatusCode, photo.Header.Get("Content-Type"), photo.Header.Get("Cache-Control"))
			}
			if _, err := png.Decode(strings.NewReader(photo.Body)); err != nil {
				t.Errorf("photo does not decode: %v", err)
			}

			// An edit waits; the published version stays until it is published.
			form.Set("role", "Dean of Postgraduate Studies")
			if res := postBio(t, adviser, form, "", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("edit: %d", res.StatusCode)
			}
			if page := visitor.Get("/advisers").Body; !strings.Contains(page, "Associate Dean") || strings.Contains(page, "Dean of Postgraduate Studies") {
				t.Error("an unpublished edit changed the public page")
			}
			list = admin.Get("/admin/advisers").Body
			if !strings.Contains(list, "A new version of a published biography") {
				t.Error("the edit is not shown as a new version")
			}
			m = publishRE.FindStringSubmatch(list)
			if m == nil {
				t.Fatal("edit not waiting")
			}
			admin.Post("/admin/advisers/"+m[1]+"/publish", nil)
			page = visitor.Get("/advisers").Body
			if !strings.Contains(page, "Dean of Postgraduate Studies") || strings.Contains(page, "Associate Dean") || !strings.Contains(page, "Photo of "+staff.Name) {
				t.Error("the published edit is not shown, or lost its photo")
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM adviser_bios WHERE user_id = ?`, staff.ID); n != 1 {
				t.Errorf("%d biography rows after publishing the edit, want 1", n)
			}

			// Disabling the account takes the biography and its photo off.
			if res := admin.Post("/admin/staff/"+staff.ID+"/disable", url.Values{}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("disable: %d", res.StatusCode)
			}
			if page := visitor.Get("/advisers").Body; strings.Contains(page, staff.Name) {
				t.Error("a disabled account's biography is still shown")
			}
			if res := visitor.Get(photoURL); res.StatusCode != http.StatusNotFound {
				t.Errorf("a disabled account's photo: %d", res.StatusCode)
			}
			if n := count(t, in.App.DB, `SELECT COUNT(*) FROM audit_log WHERE target_type = 'adviser_bio'`); n != 4 {
				t.Errorf("%d audit entries for biographies, want 4 (saved, published, saved, published)", n)
			}
		})
	}
}

// Biographies typed by administrators before advisers wrote their own carry
// over as published entries with no account, which an administrator can
// take off the page or remove.
func TestCarriedOverBiographies(t *testing.T) {
	for _, e := range storetest.Engines {
		t.Run(string(e), func(t *testing.T) {
			in := apptest.Start(t, e)
			ctx := t.Context()
			id, now := store.NewID(), store.Now()
			if _, err := in.App.DB.ExecContext(ctx, `INSERT INTO adviser_bios (id, state, name, role, background, created_at, updated_at, published_at)
				VALUES (?, 'published', 'Dr Robin Example', 'Associate Dean', 'A GP educator.', ?, ?, ?)`, id, now, now, now); err != nil {
				t.Fatal(err)
			}
			visitor := in.Client(t)
			if page := visitor.Get("/advisers").Body; !strings.Contains(page, "Dr Robin Example") || strings.Contains(page, "Photo of") {
				t.Error("the carried-over entry is not shown")
			}
			admin := in.Client(t)
			admin.SignIn(in.CreateStaff(t, web.RoleAdministrator))
			if list := admin.Get("/admin/advisers").Body; !strings.Contains(list, "not linked to an account") {
				t.Error("the list does not say the entry has no account")
			}
			if res := admin.Post("/admin/advisers/"+id+"/unpublish", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("unpublish: %d", res.StatusCode)
			}
			if page := visitor.Get("/advisers").Body; strings.Contains(page, "Dr Robin Example") {
				t.Error("an unpublished entry is shown")
			}
			if res := admin.Get("/admin/advisers/" + id + "/delete"); !strings.Contains(res.Body, "Remove Dr Robin Example from the advisers page?") {
				t.Errorf("delete confirmation: %d", res.StatusCode)
			}
			if res := admin.Post("/admin/advisers/"+id+"/delete", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("delete: %d", res.StatusCode)
			}
			for _, p := range []string{"/admin/advisers/" + id + "/delete", "/admin/advisers/not-an-id/delete"} {
				if res := admin.Get(p); res.StatusCode != http.StatusNotFound {
					t.Errorf("%s: %d", p, res.StatusCode)
				}
			}
		})
	}
}

func count(t *testing.T, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := store.Scan(db.QueryRowContext(t.Context(), q, args...), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The pages that explain the service carry the source's facts.
func TestExplanatoryPages(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	for path, wants := range map[string][]string{
		"/how-it-works": {"within 14 days", "usually within 2 weeks", "at least an hour", "face to face", "Microsoft Teams or Zoom",
			"plan of action", "written summary", "consent in writing", "follow-up", "feedback", `href="/advisers"`},
		"/guidance/applicants": {"ARCP reports", "supervisors", "assessments or exams", "Complaints", "proceedings", "PDF, Word (DOCX), JPEG or PNG", "10 MB", "disability", "other career paths"},
		"/confidentiality":     {"serious risk", "patients are at serious risk", "alongside your application"},
		"/privacy": {"How long we keep it", "for 7 years after your case ends", "Your rights", "recommended the service to you", "data controller",
			"data protection officer", "Our lawful basis", "Article 6(1)(e)", "Article 9(2)(h)", "Who sees your information",
			"ico.org.uk/make-a-complaint", "0303 123 1113", "Wycliffe House"},
		"/accessibility": {"Compliance status", "partially compliant", "What is not accessible", "1.3.1", "Disproportionate burden",
			"not within the scope", "Asking for information in another format", "Reporting accessibility problems", `href="tel:02078663271"`,
			"Enforcement procedure", "Equality and Human Rights Commission", "https://www.equalityadvisoryservice.com/",
			"Preparation of this accessibility statement", "prepared on " + pages.AccessibilityStatementDate, "axe-core", "within 14 days"},
		"/contact": {`href="tel:02078663271"`, "within 14 days", `href="/eligibility"`, `href="/accessibility"`},
		"/cookies": {"psu_session", "psu_device", "does not use cookies to measure"},
		"/":        {"The Professional Support Unit helps", "in London and Kent, Surrey and Sussex", `href="/eligibility"`, `href="/services"`, `href="/referrers"`},
	} {
		res := c.Get(path)
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", path, res.StatusCode)
			continue
		}
		for _, want := range wants {
			if !strings.Contains(res.Body, want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
	}
}

// A large photo is stored scaled down to 480 pixels on its longest side,
// keeping its type.
func TestLargePhotoIsScaledDown(t *testing.T) {
	in := apptest.Start(t, store.SQLite)
	c := in.Client(t)
	c.SignIn(in.CreateStaff(t, web.RoleAdviser))
	img := image.NewRGBA(image.Rect(0, 0, 1000, 600))
	for y := range 600 {
		for x := range 1000 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"role": {"Associate Dean"}, "background": {"A GP educator."}}
	if res := postBio(t, c, form, "big.jpg", b.Bytes()); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.StatusCode, res.Body)
	}
	res := c.Get("/account/biography/photo")
	if res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("type %q", res.Header.Get("Content-Type"))
	}
	cfg, err := jpeg.DecodeConfig(strings.NewReader(res.Body))
	if err != nil || cfg.Width != 480 || cfg.Height != 288 {
		t.Errorf("stored photo %d×%d (%v), want 480×288", cfg.Width, cfg.Height, err)
	}
}
