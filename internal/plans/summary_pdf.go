package plans

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// RenderPDF prints d as an A4 PDF: real text in an embedded UTF-8 font (so
// names with accents copy, search and read aloud as typed), with the title
// and language (en-GB) in its metadata, and an outline entry per heading.
//
// fpdf cannot write a tagged PDF (no structure tree marks headings,
// paragraphs and lists for screen readers), so the PDF is the printable
// copy and the HTML page of the same document (the preview, and each
// version's page) is the accessible version. at is written as the file's
// creation date, so a version's bytes depend only on what it says.
func RenderPDF(d *Doc, at time.Time) ([]byte, error) {
	const (
		family = "Go"
		lh     = 5.5 // body line height, mm
	)
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(family, "", goregular.TTF)
	pdf.AddUTF8FontFromBytes(family, "B", gobold.TTF)
	pdf.SetTitle(d.Title+" \u2013 "+d.Unit, true)
	pdf.SetSubject("Written summary, reference "+d.Reference, true)
	pdf.SetAuthor(d.Unit, true)
	pdf.SetCreator("psu", true)
	pdf.SetLang("en-GB")
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	pdf.SetMargins(20, 20, 20)
	pdf.SetAutoPageBreak(true, 20)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-14)
		pdf.SetFont(family, "", 9)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s \u2013 reference %s \u2013 page %d of {nb}", d.Unit, d.Reference, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()

	heading := func(text string, size float64, level int) {
		if pdf.GetY() > 250 { // keep a heading with what follows it
			pdf.AddPage()
		}
		pdf.Bookmark(text, level, -1)
		pdf.SetFont(family, "B", size)
		pdf.MultiCell(0, size*0.5, text, "", "L", false)
		pdf.Ln(2)
	}
	body := func(text string) {
		pdf.SetFont(family, "", 11)
		pdf.MultiCell(0, lh, text, "", "L", false)
		pdf.Ln(2)
	}
	item := func(text string, indent float64) {
		pdf.SetFont(family, "", 11)
		left, _, _, _ := pdf.GetMargins()
		pdf.SetX(left + indent)
		pdf.CellFormat(5, lh, "\u2022", "", 0, "L", false, 0, "")
		pdf.MultiCell(0, lh, text, "", "L", false)
	}

	heading(d.Title, 20, 0)
	body(d.Intro())
	body("Reference: " + d.Reference)
	for _, s := range d.Sections {
		pdf.Ln(2)
		heading(s.Heading, 14, 1)
		for _, p := range s.Paragraphs {
			body(p)
		}
		for _, g := range s.Goals {
			pdf.SetFont(family, "B", 12)
			pdf.MultiCell(0, 6, fmt.Sprintf("Goal %d: %s", g.Number, g.Title), "", "L", false)
			pdf.Ln(1)
			if len(g.Actions) == 0 {
				body("No actions yet.")
			}
			for _, a := range g.Actions {
				item(fmt.Sprintf("%s \u2013 %s, by %s (%s)", a.What, a.Who, a.By, a.Status), 2)
			}
			pdf.Ln(2)
		}
		for _, sv := range s.Services {
			pdf.SetFont(family, "B", 11)
			pdf.MultiCell(0, lh, sv.Name, "", "L", false)
			if sv.Summary != "" {
				body(sv.Summary)
			} else {
				pdf.Ln(1)
			}
			if sv.Phone != "" {
				body("Phone: " + sv.Phone)
			}
			body(sv.URL)
		}
		if len(s.Paragraphs) == 0 && len(s.Goals) == 0 && len(s.Services) == 0 && s.Empty != "" {
			body(s.Empty)
		}
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("plans: summary PDF: %w", err)
	}
	return buf.Bytes(), nil
}
