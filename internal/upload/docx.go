package upload

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

const (
	wordMain = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)

// checkDOCX accepts a Word document: a zip package holding
// [Content_Types].xml that declares word/document.xml a Word document, and
// word/document.xml itself, every XML part well formed. It refuses macros
// (vbaProject.bin, macro-enabled content types), ActiveX controls and
// embedded OLE objects, parts that are programs or scripts, and
// relationships that make Word fetch a template, frame or object from
// elsewhere. The unpacked size is counted by unpacking (headers can lie),
// within a budget, so a zip bomb stops early.
func checkDOCX(b []byte, name string) error {
	damaged := func(err error) error {
		return refuse(Damaged, name+" is not a Word document (DOCX), or it is damaged. Save it again as a Word document or a PDF, then upload it.", err)
	}
	bomb := func(err error) error {
		return refuse(ZipBomb, name+" unpacks to far more data than a real Word document, so we cannot accept it. Save it again as a Word document or a PDF, then upload it.", err)
	}
	macros := func(err error) error {
		return refuse(Macros, name+" contains macros. Save it as an ordinary Word document (DOCX) or a PDF, then upload it again.", err)
	}
	active := func(err error) error {
		return refuse(ActiveContent, name+" contains a program, a script or an embedded object that could run when it is opened, so we cannot accept it. Save it as a PDF and try again.", err)
	}

	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return damaged(err)
	}
	if len(zr.File) > maxDOCXEntries {
		return bomb(fmt.Errorf("%d parts", len(zr.File)))
	}
	budget := min(int64(maxDOCXUncompressed), int64(len(b))*maxDOCXRatio)
	var declared uint64
	seen := map[string]bool{}
	for _, f := range zr.File {
		n := f.Name
		if strings.HasPrefix(n, "/") || strings.Contains(n, "\\") || path.Clean("/"+n) != "/"+strings.TrimSuffix(n, "/") {
			return damaged(errors.New("docx: part outside the package"))
		}
		// Two parts under one name could be read differently by
		// different programs.
		if seen[strings.ToLower(n)] {
			return damaged(errors.New("docx: duplicate part"))
		}
		seen[strings.ToLower(n)] = true
		base := strings.ToLower(path.Base(n))
		switch {
		case base == "vbaproject.bin" || base == "vbadata.xml":
			return macros(errors.New("docx: " + base))
		case strings.Contains(strings.ToLower(n), "activex/"):
			return active(errors.New("docx: ActiveX control"))
		case strings.HasPrefix(strings.ToLower(n), "word/embeddings/") && strings.HasSuffix(base, ".bin"):
			return active(errors.New("docx: embedded OLE object"))
		case runnableExtension(base):
			return active(errors.New("docx: part with a program's extension"))
		}
		declared += f.UncompressedSize64
		if declared > uint64(budget) {
			return bomb(errors.New("declared sizes over budget"))
		}
	}
	if !seen["[content_types].xml"] || !seen["word/document.xml"] {
		return damaged(errors.New("docx: no [Content_Types].xml or word/document.xml"))
	}
	var unpacked int64
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return damaged(err)
		}
		var part bytes.Buffer
		n, err := part.ReadFrom(io.LimitReader(rc, budget-unpacked+1))
		rc.Close()
		unpacked += n
		if unpacked > budget {
			return bomb(errors.New("unpacked over budget"))
		}
		if err != nil {
			return damaged(err)
		}
		p := part.Bytes()
		if what := findActive(p); what != "" {
			return active(errors.New("docx: " + string(what) + " in a part"))
		}
		lower := strings.ToLower(f.Name)
		switch {
		case lower == "[content_types].xml":
			if err := checkContentTypes(p); err != nil {
				if errors.Is(err, errMacros) {
					return macros(err)
				}
				return damaged(err)
			}
		case strings.HasSuffix(lower, ".rels"):
			if err := checkRels(p); err != nil {
				if errors.Is(err, errMacros) {
					return macros(err)
				}
				if errors.Is(err, errActive) {
					return active(err)
				}
				return damaged(err)
			}
		case lower == "word/document.xml":
			if root, err := wellFormed(p); err != nil || root != "document" {
				return damaged(fmt.Errorf("docx: word/document.xml: %v", err))
			}
		case strings.HasSuffix(lower, ".xml"):
			if _, err := wellFormed(p); err != nil {
				return damaged(fmt.Errorf("docx: xml part: %w", err))
			}
		}
	}
	return nil
}

var (
	errMacros = errors.New("docx: macros")
	errActive = errors.New("docx: active content")
)

func runnableExtension(base string) bool {
	switch path.Ext(base) {
	case ".exe", ".dll", ".com", ".scr", ".bat", ".cmd", ".ps1", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".hta", ".msi", ".jar", ".lnk", ".sh", ".html", ".htm", ".mht", ".mhtml", ".svg":
		return true
	}
	return false
}

// wellFormed reads an XML part to its end and returns its root element's
// local name.
func wellFormed(p []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(p))
	root := ""
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if root == "" {
				return "", errors.New("no root element")
			}
			return root, nil
		}
		if err != nil {
			return "", err
		}
		if s, ok := tok.(xml.StartElement); ok && root == "" {
			root = s.Name.Local
		}
	}
}

// checkContentTypes wants word/document.xml declared as a Word document,
// and nothing declared macro-enabled.
func checkContentTypes(p []byte) error {
	var types struct {
		Defaults []struct {
			Extension   string `xml:",attr"`
			ContentType string `xml:",attr"`
		} `xml:"Default"`
		Overrides []struct {
			PartName    string `xml:",attr"`
			ContentType string `xml:",attr"`
		} `xml:"Override"`
	}
	if err := xml.Unmarshal(p, &types); err != nil {
		return fmt.Errorf("docx: [Content_Types].xml: %w", err)
	}
	main := false
	for _, o := range types.Overrides {
		if macroType(o.ContentType) {
			return errMacros
		}
		if strings.EqualFold(o.PartName, "/word/document.xml") && o.ContentType == wordMain {
			main = true
		}
	}
	for _, d := range types.Defaults {
		if macroType(d.ContentType) {
			return errMacros
		}
	}
	if !main {
		return errors.New("docx: word/document.xml is not declared a Word document")
	}
	return nil
}

func macroType(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.Contains(ct, "macroenabled") || strings.Contains(ct, "vbaproject") || strings.Contains(ct, "vbadata")
}

// checkRels refuses relationships that load code or content from outside
// the document when it opens: a remote template, frame, OLE object or
// sub-document, an imported chunk of another format, and macros.
func checkRels(p []byte) error {
	var rels struct {
		Relationships []struct {
			Type       string `xml:",attr"`
			Target     string `xml:",attr"`
			TargetMode string `xml:",attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(p, &rels); err != nil {
		return fmt.Errorf("docx: relationships: %w", err)
	}
	for _, r := range rels.Relationships {
		kind := r.Type[strings.LastIndexByte(r.Type, '/')+1:]
		switch {
		case strings.EqualFold(kind, "vbaProject") || strings.EqualFold(kind, "wordVbaData"):
			return errMacros
		case strings.EqualFold(kind, "aFChunk"):
			return fmt.Errorf("%w: imported chunk", errActive)
		case strings.EqualFold(r.TargetMode, "External"):
			switch strings.ToLower(kind) {
			case "attachedtemplate", "oleobject", "frame", "subdocument", "package", "control":
				return fmt.Errorf("%w: external %s", errActive, kind)
			}
		}
	}
	return nil
}
