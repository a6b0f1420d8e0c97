package webtest

import "github.com/chromedp/chromedp"

// Upload chooses files for the file input matched by selector, as a person
// picking them in the file dialog would. paths must be absolute.
func (p *Tab) Upload(selector string, paths ...string) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	p.must("choose files for "+selector, chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(selector), paths)))
}
