package upload

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// A PDF is checked by reading its whole structure, the way a viewer that
// repairs nothing would: after the header, every byte of the file must
// belong to an indirect object ("n g obj … endobj", streams included), a
// cross-reference table with its trailer, a startxref line, or a comment.
// Nothing can hide between the objects. The last startxref must point at a
// cross-reference section the parse found, its trailer must name a
// catalogue, and the catalogue's page tree must lead to at least one page.
// Compressed object streams are unpacked (within a budget) and their
// objects read too, so every dictionary in the file is seen; a name that
// makes a viewer run code or carry another file (/JavaScript, /JS,
// /Launch, /EmbeddedFile …) refuses the file wherever it is, spelled
// plainly or with #xx escapes.
//
// No PDF library from the module proxy fitted: the rsc.io/pdf line panics
// on malformed input and sizes tables from numbers in the file, and pdfcpu
// is hundreds of megabytes, keeps package-level configuration and writes a
// configuration directory. This parser returns errors rather than
// panicking, bounds its nesting, and allocates in proportion to the file.

const (
	pdfMaxDepth   = 100      // nesting of arrays and dictionaries
	pdfMaxDecoded = 64 << 20 // bytes unpacked from object and cross-reference streams, all together…
	pdfMaxRatio   = 200      // …and at most this many times the file's size
	pdfMaxHops    = 16       // references followed to reach one object
)

// pdfForbidden are the names that make a PDF run code, launch a program,
// carry another file or an XFA form (which holds scripts). An empty
// /EmbeddedFiles name tree, which some writers always put out, carries
// nothing: a file travels in a stream of /Type /EmbeddedFile, reached
// through a file specification's /EF dictionary, and both are refused.
var pdfForbidden = map[pdfName]bool{
	"JavaScript": true, "JS": true, "Launch": true, "EmbeddedFile": true,
	"RichMedia": true, "GoToE": true, "ImportData": true, "XFA": true,
}

type (
	pdfName   string
	pdfString []byte
	pdfArray  []any
	pdfDict   map[pdfName]any
	pdfRef    struct{ num, gen int64 }
)

type pdfError struct {
	off  int
	what string
}

func (e *pdfError) Error() string { return fmt.Sprintf("pdf: %s at byte %d", e.what, e.off) }

// pdfLexer reads PDF objects from b. It notes the first forbidden name it
// meets rather than stopping, so the caller decides what to report.
type pdfLexer struct {
	b         []byte
	pos       int
	forbidden pdfName
}

func (l *pdfLexer) fail(format string, args ...any) error {
	return &pdfError{l.pos, fmt.Sprintf(format, args...)}
}

func pdfSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func pdfRegular(c byte) bool {
	if pdfSpace(c) {
		return false
	}
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return false
	}
	return true
}

// skip passes white space and comments.
func (l *pdfLexer) skip() {
	for l.pos < len(l.b) {
		c := l.b[l.pos]
		switch {
		case pdfSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.b) && l.b[l.pos] != '\n' && l.b[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// word is the run of regular characters after any space, not consumed.
func (l *pdfLexer) word() []byte {
	l.skip()
	e := l.pos
	for e < len(l.b) && pdfRegular(l.b[e]) {
		e++
	}
	return l.b[l.pos:e]
}

func (l *pdfLexer) accept(keyword string) bool {
	if string(l.word()) == keyword {
		l.pos += len(keyword)
		return true
	}
	return false
}

// uint reads an unsigned integer, consuming it only if there is one.
func (l *pdfLexer) uint() (int64, bool) {
	w := l.word()
	if len(w) == 0 || len(w) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range w {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	l.pos += len(w)
	return n, true
}

func (l *pdfLexer) object(depth int) (any, error) {
	if depth > pdfMaxDepth {
		return nil, l.fail("objects nested more than %d deep", pdfMaxDepth)
	}
	l.skip()
	if l.pos >= len(l.b) {
		return nil, l.fail("file ends inside an object")
	}
	switch c := l.b[l.pos]; {
	case c == '/':
		return l.name(), nil
	case c == '(':
		return l.literal()
	case c == '<' && l.pos+1 < len(l.b) && l.b[l.pos+1] == '<':
		return l.dict(depth)
	case c == '<':
		return l.hex()
	case c == '[':
		return l.array(depth)
	case c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.':
		return l.number()
	}
	switch w := l.word(); string(w) {
	case "true", "false":
		l.pos += len(w)
		return string(w) == "true", nil
	case "null":
		l.pos += len(w)
		return nil, nil
	default:
		return nil, l.fail("unexpected %q", truncate(w))
	}
}

func truncate(b []byte) []byte {
	if len(b) > 20 {
		return b[:20]
	}
	if len(b) == 0 {
		return []byte("delimiter")
	}
	return b
}

// name reads a name, decoding #xx escapes, and notes forbidden ones.
func (l *pdfLexer) name() pdfName {
	l.pos++ // '/'
	start := l.pos
	for l.pos < len(l.b) && pdfRegular(l.b[l.pos]) {
		l.pos++
	}
	raw := l.b[start:l.pos]
	n := raw
	if bytes.IndexByte(raw, '#') >= 0 {
		n = make([]byte, 0, len(raw))
		for i := 0; i < len(raw); i++ {
			if raw[i] == '#' && i+2 < len(raw) && isHex(raw[i+1]) && isHex(raw[i+2]) {
				n = append(n, unhex(raw[i+1])<<4|unhex(raw[i+2]))
				i += 2
				continue
			}
			n = append(n, raw[i])
		}
	}
	name := pdfName(n)
	if pdfForbidden[name] && l.forbidden == "" {
		l.forbidden = name
	}
	return name
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// literal reads a (string), balancing unescaped parentheses.
func (l *pdfLexer) literal() (any, error) {
	start := l.pos
	depth := 0
	for l.pos < len(l.b) {
		switch l.b[l.pos] {
		case '\\':
			l.pos++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				l.pos++
				return pdfString(l.b[start:l.pos]), nil
			}
		}
		l.pos++
	}
	l.pos = start
	return nil, l.fail("string not closed")
}

func (l *pdfLexer) hex() (any, error) {
	start := l.pos
	for l.pos++; l.pos < len(l.b); l.pos++ {
		c := l.b[l.pos]
		if c == '>' {
			l.pos++
			return pdfString(l.b[start:l.pos]), nil
		}
		if !isHex(c) && !pdfSpace(c) {
			return nil, l.fail("not a hex string")
		}
	}
	return nil, l.fail("hex string not closed")
}

func (l *pdfLexer) dict(depth int) (any, error) {
	l.pos += 2
	d := pdfDict{}
	for {
		l.skip()
		if l.pos+1 < len(l.b) && l.b[l.pos] == '>' && l.b[l.pos+1] == '>' {
			l.pos += 2
			return d, nil
		}
		if l.pos >= len(l.b) || l.b[l.pos] != '/' {
			return nil, l.fail("dictionary key is not a name")
		}
		key := l.name()
		v, err := l.object(depth + 1)
		if err != nil {
			return nil, err
		}
		if _, ok := v.(pdfDict); ok && key == "EF" && l.forbidden == "" {
			l.forbidden = key
		}
		d[key] = v
	}
}

func (l *pdfLexer) array(depth int) (any, error) {
	l.pos++
	var a pdfArray
	for {
		l.skip()
		if l.pos < len(l.b) && l.b[l.pos] == ']' {
			l.pos++
			return a, nil
		}
		v, err := l.object(depth + 1)
		if err != nil {
			return nil, err
		}
		a = append(a, v)
	}
}

// number reads an integer, a real, or a reference ("12 0 R").
func (l *pdfLexer) number() (any, error) {
	w := l.word()
	if n, ok := l.uint(); ok {
		save := l.pos
		if gen, ok := l.uint(); ok && l.accept("R") {
			return pdfRef{n, gen}, nil
		}
		l.pos = save
		return n, nil
	}
	f, err := strconv.ParseFloat(string(w), 64)
	if err != nil {
		// Writers put out reals such as "-.5" and "5." that ParseFloat
		// takes, but not "--5": that is not a number.
		return nil, l.fail("not a number: %q", truncate(w))
	}
	l.pos += len(w)
	return f, nil
}

// pdfLoc is where an object is defined: at an offset in the file, or at an
// offset in an object stream's unpacked data. order is its position in the
// file, so that a later definition (an incremental update) wins.
type pdfLoc struct {
	off   int
	stm   int64
	order int
}

type pdfStream struct {
	num   int64
	dict  pdfDict
	data  []byte
	order int
}

type pdfFile struct {
	b         []byte
	objs      map[int64]pdfLoc
	sections  map[int]pdfDict // offset of an xref table (its trailer) or xref stream (its dictionary)
	startxref int64
	objStms   []pdfStream
	xrefStms  []pdfStream
	unpacked  map[int64][]byte
	budget    int
	forbidden pdfName
	// starts are where top-level objects begin, and entries the in-use
	// entries of every cross-reference section.
	starts  map[int]bool
	entries []pdfEntry
}

// pdfEntry is a cross-reference entry for an object stored at an offset.
type pdfEntry struct {
	num int64
	off int64
}

// checkPDF reads b as a PDF.
func checkPDF(b []byte, name string) error {
	damaged := func(err error) error {
		return refuse(Damaged, name+" is not a PDF we can open, or it is damaged. Save it again as a PDF and try again.", err)
	}
	f, err := readPDF(b)
	if f != nil && f.forbidden == "" {
		f.forbidden = forbiddenAnywhere(b)
	}
	if f != nil && f.forbidden != "" {
		return refuse(ActiveContent, name+" contains code or attached files that could run when it is opened, so we cannot accept it. Print it to a new PDF, or save it again without attachments, and try again.",
			fmt.Errorf("pdf: /%s", f.forbidden))
	}
	if errors.Is(err, errEncrypted) {
		return refuse(Encrypted, name+" is protected with a password or encryption, so we cannot check it. Open it, save or print it as a new PDF without a password, and upload that copy.", err)
	}
	if err != nil {
		return damaged(err)
	}
	return nil
}

var errEncrypted = errors.New("pdf: encrypted")

// pdfForbiddenLong are the forbidden names long enough to look for in the
// raw bytes too (inside stream data, strings and comments, where the parse
// does not look for names) without compressed data matching them by
// chance, as it would a two-letter name.
var pdfForbiddenLong = []pdfName{"JavaScript", "Launch", "EmbeddedFile", "RichMedia", "ImportData"}

// forbiddenAnywhere finds a long forbidden name anywhere in b, with #xx
// escapes decoded.
func forbiddenAnywhere(b []byte) pdfName {
	for i := 0; ; i++ {
		j := bytes.IndexByte(b[i:], '/')
		if j < 0 {
			return ""
		}
		i += j
		l := &pdfLexer{b: b, pos: i}
		n := l.name()
		for _, f := range pdfForbiddenLong {
			if n == f {
				return n
			}
		}
	}
}

// readPDF parses the whole file and checks its structure. The file it
// returns (even with an error) says whether a forbidden name was seen.
func readPDF(b []byte) (*pdfFile, error) {
	if len(b) < 8 || !bytes.HasPrefix(b, []byte("%PDF-")) || !(b[5] == '1' || b[5] == '2') || b[6] != '.' || b[7] < '0' || b[7] > '9' {
		return nil, &pdfError{0, "no PDF header"}
	}
	f := &pdfFile{b: b, objs: map[int64]pdfLoc{}, sections: map[int]pdfDict{}, starts: map[int]bool{}, startxref: -1, budget: min(pdfMaxDecoded, pdfMaxRatio*len(b))}
	l := &pdfLexer{b: b}
	err := f.scan(l)
	f.forbidden = l.forbidden
	if err != nil {
		return f, err
	}
	return f, f.structure()
}

// scan reads the file from start to end at the top level.
func (f *pdfFile) scan(l *pdfLexer) error {
	for {
		l.skip()
		if l.pos >= len(l.b) {
			return nil
		}
		start := l.pos
		switch {
		case l.accept("xref"):
			if err := f.xrefTable(l); err != nil {
				return err
			}
			if !l.accept("trailer") {
				return l.fail("cross-reference table without a trailer")
			}
			t, err := l.object(0)
			if err != nil {
				return err
			}
			d, ok := t.(pdfDict)
			if !ok {
				return l.fail("trailer is not a dictionary")
			}
			f.sections[start] = d
		case l.accept("startxref"):
			n, ok := l.uint()
			if !ok {
				return l.fail("startxref without an offset")
			}
			f.startxref = n
		default:
			if err := f.indirect(l, start); err != nil {
				return err
			}
		}
	}
}

func (f *pdfFile) xrefTable(l *pdfLexer) error {
	for {
		if string(l.word()) == "trailer" {
			return nil
		}
		first, ok1 := l.uint()
		count, ok2 := l.uint()
		if !ok1 || !ok2 {
			return l.fail("malformed cross-reference table")
		}
		// Each entry takes at least 18 bytes ("0000000000 00000 n"), so
		// a count the rest of the file cannot hold is a lie.
		if count > int64(len(l.b)-l.pos)/18 || first > 1<<31 {
			return l.fail("cross-reference table longer than the file")
		}
		for i := int64(0); i < count; i++ {
			off, ok1 := l.uint()
			_, ok2 := l.uint()
			inUse := l.accept("n")
			if !ok1 || !ok2 || !(inUse || l.accept("f")) {
				return l.fail("malformed cross-reference entry")
			}
			if inUse {
				f.entries = append(f.entries, pdfEntry{first + i, off})
			}
		}
	}
}

// indirect reads "n g obj … endobj" at the top level.
func (f *pdfFile) indirect(l *pdfLexer, start int) error {
	num, ok1 := l.uint()
	_, ok2 := l.uint()
	if !ok1 || !ok2 || !l.accept("obj") {
		l.pos = start
		return l.fail("unexpected content between objects")
	}
	v, err := l.object(0)
	if err != nil {
		return err
	}
	if l.accept("stream") {
		d, ok := v.(pdfDict)
		if !ok {
			return l.fail("stream without a dictionary")
		}
		data, err := l.streamData(d)
		if err != nil {
			return err
		}
		s := pdfStream{num: num, dict: d, data: data, order: start}
		switch d["Type"] {
		case pdfName("ObjStm"):
			f.objStms = append(f.objStms, s)
		case pdfName("XRef"):
			f.xrefStms = append(f.xrefStms, s)
			f.sections[start] = d
		}
	}
	if !l.accept("endobj") {
		return l.fail("object %d not closed by endobj", num)
	}
	if prev, ok := f.objs[num]; !ok || prev.order <= start {
		f.objs[num] = pdfLoc{off: start, stm: -1, order: start}
	}
	f.starts[start] = true
	return nil
}

// streamData reads a stream's bytes after the stream keyword. A direct
// /Length that lands on endstream is used; otherwise (an indirect length,
// or a wrong one, which viewers also forgive) the stream ends at the first
// endstream, which can only make the parse see more objects, never fewer.
func (l *pdfLexer) streamData(d pdfDict) ([]byte, error) {
	if l.pos < len(l.b) && l.b[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(l.b) && l.b[l.pos] == '\n' {
		l.pos++
	}
	start := l.pos
	if n, ok := d["Length"].(int64); ok && n <= int64(len(l.b)-start) {
		end := start + int(n)
		e := end
		for e < len(l.b) && pdfSpace(l.b[e]) && e-end < 4 {
			e++
		}
		if bytes.HasPrefix(l.b[e:], []byte("endstream")) {
			l.pos = e + len("endstream")
			return l.b[start:end], nil
		}
	}
	i := bytes.Index(l.b[start:], []byte("endstream"))
	if i < 0 {
		return nil, l.fail("stream not closed by endstream")
	}
	l.pos = start + i + len("endstream")
	data := l.b[start : start+i]
	data = bytes.TrimSuffix(data, []byte("\n"))
	data = bytes.TrimSuffix(data, []byte("\r"))
	return data, nil
}

// structure checks what the scan found fits together.
func (f *pdfFile) structure() error {
	if f.startxref < 0 {
		return &pdfError{len(f.b), "no startxref"}
	}
	at := int(min(f.startxref, int64(len(f.b))))
	for at < len(f.b) && pdfSpace(f.b[at]) {
		at++
	}
	trailer, ok := f.sections[at]
	if !ok {
		return &pdfError{int(min(f.startxref, int64(len(f.b)))), "startxref does not point at a cross-reference section"}
	}
	if trailer["Encrypt"] != nil {
		return errEncrypted
	}
	for _, s := range f.xrefStms {
		if err := f.checkXRefStream(s); err != nil {
			return err
		}
	}
	if err := f.checkEntries(); err != nil {
		return err
	}
	f.unpacked = map[int64][]byte{}
	for _, s := range f.objStms {
		if err := f.readObjStm(s); err != nil {
			return err
		}
	}
	root, err := f.resolve(trailer["Root"])
	if err != nil {
		return err
	}
	catalog, ok := root.(pdfDict)
	if !ok {
		return &pdfError{at, "trailer names no catalogue"}
	}
	if t, ok := catalog["Type"]; ok && t != pdfName("Catalog") {
		return &pdfError{at, "catalogue has the wrong type"}
	}
	return f.pageTree(catalog["Pages"])
}

// checkEntries wants every cross-reference entry to point at the start of
// an object the scan read (after any space or comments). A viewer goes
// where the entry points; an entry pointing inside a stream, a string or a
// comment would show it an object this check never saw. An entry at the
// wrong object (some writers put 0 for objects they never wrote) shows a
// viewer nothing new, and viewers take it as missing.
func (f *pdfFile) checkEntries() error {
	for _, e := range f.entries {
		if e.off < 0 || e.off >= int64(len(f.b)) {
			return &pdfError{0, fmt.Sprintf("cross-reference entry for object %d points outside the file", e.num)}
		}
		l := &pdfLexer{b: f.b, pos: int(e.off)}
		l.skip()
		if _, ok := f.starts[l.pos]; !ok {
			return &pdfError{int(e.off), fmt.Sprintf("cross-reference entry for object %d does not point at it", e.num)}
		}
	}
	return nil
}

// resolve follows references to an object; a missing one is null, as the
// format says.
func (f *pdfFile) resolve(v any) (any, error) {
	for hop := 0; hop < pdfMaxHops; hop++ {
		ref, ok := v.(pdfRef)
		if !ok {
			return v, nil
		}
		loc, ok := f.objs[ref.num]
		if !ok {
			return nil, nil
		}
		if loc.stm >= 0 {
			l := &pdfLexer{b: f.unpacked[loc.stm], pos: loc.off}
			obj, err := l.object(0)
			if err != nil {
				return nil, err
			}
			v = obj
			continue
		}
		l := &pdfLexer{b: f.b, pos: loc.off}
		l.uint()
		l.uint()
		l.accept("obj")
		obj, err := l.object(0)
		if err != nil {
			return nil, err
		}
		v = obj
	}
	return nil, &pdfError{0, "references lead round in a circle"}
}

func (f *pdfFile) resolveInt(v any) (int64, bool) {
	v, err := f.resolve(v)
	n, ok := v.(int64)
	return n, ok && err == nil
}

// pageTree walks the page tree from its root and wants at least one page.
func (f *pdfFile) pageTree(root any) error {
	seen := map[int64]bool{}
	stack := []any{root}
	pages := 0
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if ref, ok := v.(pdfRef); ok {
			if seen[ref.num] {
				return &pdfError{0, "page tree goes round in a circle"}
			}
			seen[ref.num] = true
		}
		v, err := f.resolve(v)
		if err != nil {
			return err
		}
		node, ok := v.(pdfDict)
		if !ok {
			return &pdfError{0, "page tree node is not a dictionary"}
		}
		kids, hasKids := node["Kids"]
		if node["Type"] == pdfName("Page") || !hasKids && node["Type"] != pdfName("Pages") {
			pages++
			continue
		}
		kv, err := f.resolve(kids)
		if err != nil {
			return err
		}
		arr, ok := kv.(pdfArray)
		if !ok {
			return &pdfError{0, "page tree node without kids"}
		}
		stack = append(stack, arr...)
	}
	if pages == 0 {
		return &pdfError{0, "no pages"}
	}
	return nil
}

// readObjStm unpacks an object stream and reads every object in it.
func (f *pdfFile) readObjStm(s pdfStream) error {
	data, err := f.decode(s)
	if err != nil {
		return err
	}
	n, ok1 := f.resolveInt(s.dict["N"])
	first, ok2 := f.resolveInt(s.dict["First"])
	if !ok1 || !ok2 || n < 0 || first < 0 || first > int64(len(data)) || n > int64(len(data))/3 {
		return &pdfError{s.order, "malformed object stream"}
	}
	f.unpacked[s.num] = data
	head := &pdfLexer{b: data[:first]}
	for i := int64(0); i < n; i++ {
		num, ok1 := head.uint()
		off, ok2 := head.uint()
		if !ok1 || !ok2 || first+off >= int64(len(data)) {
			return &pdfError{s.order, "malformed object stream index"}
		}
		l := &pdfLexer{b: data, pos: int(first + off)}
		_, err := l.object(0)
		if l.forbidden != "" && f.forbidden == "" {
			f.forbidden = l.forbidden
		}
		if err != nil {
			return err
		}
		if prev, ok := f.objs[num]; !ok || prev.order < s.order {
			f.objs[num] = pdfLoc{off: int(first + off), stm: s.num, order: s.order}
		}
	}
	return nil
}

// checkXRefStream unpacks a cross-reference stream and checks its rows fit
// its /W and /Index.
func (f *pdfFile) checkXRefStream(s pdfStream) error {
	data, err := f.decode(s)
	if err != nil {
		return err
	}
	w, _ := s.dict["W"].(pdfArray)
	size, ok := s.dict["Size"].(int64)
	if len(w) != 3 || !ok || size < 0 {
		return &pdfError{s.order, "cross-reference stream without /W or /Size"}
	}
	row := int64(0)
	for _, x := range w {
		n, ok := x.(int64)
		if !ok || n > 8 {
			return &pdfError{s.order, "cross-reference stream with a bad /W"}
		}
		row += n
	}
	index := pdfArray{int64(0), size}
	if ix, ok := s.dict["Index"].(pdfArray); ok {
		index = ix
	}
	if len(index)%2 != 0 {
		return &pdfError{s.order, "cross-reference stream with a bad /Index"}
	}
	widths := make([]int, 3)
	for i, x := range w {
		widths[i] = int(x.(int64))
	}
	var rows int64
	for i := 1; i < len(index); i += 2 {
		n, ok := index[i].(int64)
		if !ok || n > int64(len(data)) {
			return &pdfError{s.order, "cross-reference stream with a bad /Index"}
		}
		rows += n
	}
	if rows*row > int64(len(data)) {
		return &pdfError{s.order, "cross-reference stream shorter than its rows"}
	}
	field := func(b []byte) int64 {
		var v int64
		for _, c := range b {
			v = v<<8 | int64(c)
		}
		return v
	}
	for i := 0; i+1 < len(index); i += 2 {
		first, ok1 := index[i].(int64)
		n, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || first < 0 {
			return &pdfError{s.order, "cross-reference stream with a bad /Index"}
		}
		for k := int64(0); k < n; k++ {
			r := data[:row]
			data = data[row:]
			kind := int64(1) // the default when /W gives the type no bytes
			if widths[0] > 0 {
				kind = field(r[:widths[0]])
			}
			if kind == 1 {
				f.entries = append(f.entries, pdfEntry{first + k, field(r[widths[0] : widths[0]+widths[1]])})
			}
		}
	}
	return nil
}

// decode unpacks a stream that has no filter or FlateDecode, with PNG
// predictors, from the shared budget.
func (f *pdfFile) decode(s pdfStream) ([]byte, error) {
	filter, err := f.resolve(s.dict["Filter"])
	if err != nil {
		return nil, err
	}
	parms, err := f.resolve(s.dict["DecodeParms"])
	if err != nil {
		return nil, err
	}
	if a, ok := filter.(pdfArray); ok && len(a) <= 1 {
		filter = nil
		if len(a) == 1 {
			filter = a[0]
		}
		if p, ok := parms.(pdfArray); ok && len(p) == 1 {
			parms = p[0]
		}
	}
	var out []byte
	switch filter {
	case nil:
		out = s.data
	case pdfName("FlateDecode"), pdfName("Fl"):
		zr, err := zlib.NewReader(bytes.NewReader(s.data))
		if err != nil {
			return nil, &pdfError{s.order, "stream does not unpack"}
		}
		out, err = io.ReadAll(io.LimitReader(zr, int64(f.budget)+1))
		// A missing or wrong checksum at the very end is forgiven, as
		// viewers do; the data before it has been read.
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, zlib.ErrChecksum) {
			return nil, &pdfError{s.order, "stream does not unpack"}
		}
	default:
		return nil, &pdfError{s.order, "object stream with a filter we do not read"}
	}
	if len(out) > f.budget {
		return nil, &pdfError{s.order, "streams unpack to too much data"}
	}
	f.budget -= len(out)
	if d, ok := parms.(pdfDict); ok {
		return unpredict(out, d, s.order)
	}
	return out, nil
}

// unpredict undoes a PNG predictor (/Predictor 10–15), as cross-reference
// streams use.
func unpredict(b []byte, parms pdfDict, at int) ([]byte, error) {
	get := func(k pdfName, def int64) int64 {
		if n, ok := parms[k].(int64); ok {
			return n
		}
		return def
	}
	pred := get("Predictor", 1)
	if pred == 1 {
		return b, nil
	}
	colors, bpc, columns := get("Colors", 1), get("BitsPerComponent", 8), get("Columns", 1)
	if pred < 10 || pred > 15 || colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || columns < 1 || columns > 1<<20 {
		return nil, &pdfError{at, "predictor we do not read"}
	}
	bpp := int((colors*bpc + 7) / 8)
	stride := int((colors*bpc*columns + 7) / 8)
	out := make([]byte, 0, len(b)/(stride+1)*stride)
	zero := make([]byte, stride)
	// A short last row is dropped, as viewers do.
	for len(b) >= stride+1 {
		ft, row := b[0], b[1:stride+1]
		b = b[stride+1:]
		prev := zero
		if len(out) >= stride {
			prev = out[len(out)-stride:]
		}
		out = append(out, row...)
		cur := out[len(out)-stride:]
		for i := range cur {
			var left, upLeft byte
			if i >= bpp {
				left, upLeft = cur[i-bpp], prev[i-bpp]
			}
			switch ft {
			case 0:
			case 1:
				cur[i] += left
			case 2:
				cur[i] += prev[i]
			case 3:
				cur[i] += byte((int(left) + int(prev[i])) / 2)
			case 4:
				cur[i] += paeth(left, prev[i], upLeft)
			default:
				return nil, &pdfError{at, "bad predictor row"}
			}
		}
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
