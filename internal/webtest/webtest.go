// Package webtest drives Debian's Chromium from Go tests through chromedp:
// visit, fill, click, read, screenshot, JavaScript on or off, and axe-core
// accessibility checks against WCAG 2.2 A and AA. With no Chromium or no
// axe-core, tests skip with one visible line, or fail under CI.
package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/psu-project/psu/internal/testenv"
)

// Browser is one headless Chromium with a fresh profile.
type Browser struct {
	ctx context.Context
	axe string
}

// chromiumPath finds the browser: PSU_CHROMIUM, else Debian's chromium.
func chromiumPath() string {
	if p := os.Getenv("PSU_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts Chromium for t; it closes when t ends.
func New(t testing.TB) *Browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		testenv.Missing(t, "browser tests need Chromium: apt-get install chromium")
	}
	axePath := filepath.Join(testenv.RepoRoot(t), "node_modules", "axe-core", "axe.min.js")
	axe, err := os.ReadFile(axePath)
	if err != nil {
		testenv.Missing(t, "browser tests need axe-core: run npm ci in the repository root")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Headless,
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("password-store", "basic"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1024, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(bctx); err != nil {
		cancelBrowser()
		cancelAlloc()
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
	})
	return &Browser{ctx: bctx, axe: string(axe)}
}

// Option changes how a tab behaves.
type Option func(*tabOptions)

type tabOptions struct {
	noJS          bool
	width, height int64
}

// NoJS opens a tab with JavaScript turned off, as some people browse.
func NoJS() Option { return func(o *tabOptions) { o.noJS = true } }

// Phone opens a tab with a small-phone viewport (360×740).
func Phone() Option { return func(o *tabOptions) { o.width, o.height = 360, 740 } }

// Viewport opens a tab with a viewport of w × h CSS pixels, as a phone
// (390 × 844) or a desktop shows the page.
func Viewport(w, h int64) Option { return func(o *tabOptions) { o.width, o.height = w, h } }

// Tab is one browser tab.
type Tab struct {
	t    testing.TB
	b    *Browser
	ctx  context.Context
	noJS bool
}

// Tab opens a new tab; it closes when t ends.
func (b *Browser) Tab(t testing.TB, opts ...Option) *Tab {
	t.Helper()
	o := tabOptions{}
	for _, f := range opts {
		f(&o)
	}
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	tab := &Tab{t: t, b: b, ctx: ctx, noJS: o.noJS}
	tab.must("open tab", chromedp.Do(ctx))
	if o.noJS {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		tab.must("turn JavaScript off", err)
	}
	if o.width > 0 {
		tab.must("set viewport", chromedp.Do(ctx, chromedp.EmulateViewport(o.width, o.height)))
	}
	return tab
}

func (p *Tab) must(what string, err error) {
	p.t.Helper()
	if err != nil {
		p.t.Fatalf("browser: %s: %v (at %s)", what, err, p.safeURL())
	}
}

func (p *Tab) safeURL() string {
	ctx, cancel := context.WithTimeout(p.ctx, 2*time.Second)
	defer cancel()
	u, _ := chromedp.Run(ctx, chromedp.Location())
	return u
}

func (p *Tab) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.ctx, 20*time.Second)
}

// Visit loads url and waits for the page to finish loading.
func (p *Tab) Visit(url string) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	p.must("visit "+url, chromedp.Do(ctx, chromedp.Navigate(url)))
}

// Fill types value into the field matched by the CSS selector, replacing
// what is there.
func (p *Tab) Fill(selector, value string) {
	p.t.Helper()
	sel, _ := json.Marshal(selector)
	if !eval[bool](p, "clear "+selector, `(() => { const e = document.querySelector(`+string(sel)+`); if (!e) return false; e.value = ''; return true })()`) {
		p.t.Fatalf("browser: no field %s on %s", selector, p.safeURL())
	}
	ctx, cancel := p.timeout()
	defer cancel()
	p.must("fill "+selector, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(selector), value)))
}

// Select chooses the option of value in the select matched by selector.
func (p *Tab) Select(selector, value string) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	p.must("select "+selector, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(selector), value)))
}

// Check ticks the checkbox or radio button matched by selector.
func (p *Tab) Check(selector string) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	p.must("check "+selector, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(selector))))
}

// Click clicks the element matched by selector and waits for the page it
// leads to to load.
func (p *Tab) Click(selector string) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(selector))))
	p.must("click "+selector, err)
}

// Text returns the visible text of the first element matched by selector.
func (p *Tab) Text(selector string) string {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(selector)))
	p.must("read "+selector, err)
	return s
}

// HTML returns the current document's markup.
func (p *Tab) HTML() string {
	p.t.Helper()
	// Read by script, not by node: a node id can go stale while a page
	// that has just loaded is still settling.
	return eval[string](p, "read the page", `document.documentElement.outerHTML`)
}

// URL returns the tab's current address.
func (p *Tab) URL() string {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	p.must("read the address", err)
	return u
}

// Screenshot saves a PNG of the whole page to path.
func (p *Tab) Screenshot(path string) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	p.must("screenshot", err)
	p.must("save screenshot", os.WriteFile(path, png, 0o644))
}

// eval runs script in the page, with scripts briefly allowed on a NoJS tab
// (the page's own scripts have not run and do not run).
func eval[T any](p *Tab, what, script string, opts ...chromedp.EvaluateOption) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	if p.noJS {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		p.must("allow script for "+what, err)
		defer chromedp.Call(p.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](script, opts...))
	p.must(what, err)
	return v
}

// Links returns the absolute address of every link on the page.
func (p *Tab) Links() []string {
	p.t.Helper()
	return eval[[]string](p, "list links", `Array.from(document.querySelectorAll('a[href]')).map(a => a.href)`)
}

// Violation is one axe-core finding.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// AxeTags are the rule sets checked: WCAG 2.0, 2.1 and 2.2 at A and AA.
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Axe runs axe-core on the current page and fails the test on any violation,
// printing each with the elements it found.
func (p *Tab) Axe() {
	p.t.Helper()
	if vs := p.AxeViolations(); len(vs) > 0 {
		var b strings.Builder
		for _, v := range vs {
			fmt.Fprintf(&b, "\n- %s (%s): %s", v.ID, v.Impact, v.Help)
			for _, n := range v.Nodes {
				fmt.Fprintf(&b, "\n    %v %s", n.Target, n.HTML)
			}
		}
		p.t.Errorf("axe: %d accessibility violation(s) on %s:%s", len(vs), p.URL(), b.String())
	}
}

// AxeViolations returns axe-core's violations for the current page.
func (p *Tab) AxeViolations() []Violation {
	p.t.Helper()
	tags, _ := json.Marshal(AxeTags)
	script := p.b.axe + `;axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']}).then(r => JSON.stringify(r.violations))`
	out := eval[string](p, "run axe", script, chromedp.EvalAwaitPromise)
	var vs []Violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		p.t.Fatalf("axe result: %v", err)
	}
	return vs
}

// ScriptsRan reports whether the page's own JavaScript ran (psu.js marks
// the body), to prove a NoJS tab really had it off.
func (p *Tab) ScriptsRan() bool {
	p.t.Helper()
	return eval[bool](p, "check scripts", `document.body.classList.contains('js-enabled')`)
}

// Box is where an element sits on the page, in CSS pixels from the top of
// the document (not of the viewport).
type Box struct {
	Top, Bottom, Height, Width float64
}

// Boxes returns the box of every element matched by selector, in document
// order.
func (p *Tab) Boxes(selector string) []Box {
	p.t.Helper()
	sel, _ := json.Marshal(selector)
	return eval[[]Box](p, "measure "+selector, `Array.from(document.querySelectorAll(`+string(sel)+`)).map(e => {
		const r = e.getBoundingClientRect()
		return {Top: r.top + window.scrollY, Bottom: r.bottom + window.scrollY, Height: r.height, Width: r.width}
	})`)
}

// Box returns the box of the first element matched by selector; the test
// fails when there is none.
func (p *Tab) Box(selector string) Box {
	p.t.Helper()
	bs := p.Boxes(selector)
	if len(bs) == 0 {
		p.t.Fatalf("browser: no %s on %s", selector, p.safeURL())
	}
	return bs[0]
}

// ViewportHeight is the height of the tab's viewport in CSS pixels.
func (p *Tab) ViewportHeight() float64 {
	p.t.Helper()
	return eval[float64](p, "read the viewport", `window.innerHeight`)
}

// ScrollY is how far the page is scrolled down, in CSS pixels.
func (p *Tab) ScrollY() float64 {
	p.t.Helper()
	return eval[float64](p, "read the scroll", `window.scrollY`)
}

// EmulatePrint makes the tab lay the page out as it prints.
func (p *Tab) EmulatePrint() {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
	p.must("emulate print", err)
}

// Eval runs script in the page and returns its string result.
func (p *Tab) Eval(script string) string {
	p.t.Helper()
	return eval[string](p, "evaluate", script)
}
