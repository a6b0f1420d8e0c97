package upload

import (
	"bytes"
	"encoding/binary"
)

// activeKind names what was found, for the log.
type activeKind string

const (
	activeProgram activeKind = "program"
	activeScript  activeKind = "script or web page"
)

// findActive looks through all of b for anything that could run: a program
// (Windows, Linux or macOS), a script with an interpreter line, or HTML,
// SVG or JavaScript a browser would act on. A marker counts wherever it
// sits, so a file cannot pass by being a valid document at its start and
// something else further on.
//
// Away from the start of the file the program markers are the structures
// that loaders read (the PE header an MZ header points to, a whole ELF or
// Mach-O identification, the DOS stub's message), not two magic bytes
// alone: two bytes turn up by chance in any compressed stream, a structure
// does not.
func findActive(b []byte) activeKind {
	if programAtStart(b) || programInside(b) {
		return activeProgram
	}
	if scriptInside(b) {
		return activeScript
	}
	return ""
}

func programAtStart(b []byte) bool {
	for _, magic := range [][]byte{
		[]byte("MZ"),                                       // DOS and Windows (PE)
		[]byte("\x7fELF"),                                  // Linux and most Unix
		{0xFE, 0xED, 0xFA, 0xCE}, {0xFE, 0xED, 0xFA, 0xCF}, // Mach-O, big-endian
		{0xCE, 0xFA, 0xED, 0xFE}, {0xCF, 0xFA, 0xED, 0xFE}, // Mach-O, little-endian
		{0xCA, 0xFE, 0xBA, 0xBE}, // Mach-O universal binary, Java class
		[]byte("#!"),             // script with an interpreter line
	} {
		if bytes.HasPrefix(b, magic) {
			return true
		}
	}
	return false
}

func programInside(b []byte) bool {
	for _, msg := range [][]byte{
		[]byte("This program cannot be run in DOS mode"),
		[]byte("This program must be run under Win32"),
	} {
		if bytes.Contains(b, msg) {
			return true
		}
	}
	return peInside(b) || elfInside(b) || machOInside(b) || shebangInside(b)
}

// peInside finds an MZ header whose e_lfanew points at a PE signature.
func peInside(b []byte) bool {
	for i := 0; ; i++ {
		j := bytes.Index(b[i:], []byte("MZ"))
		if j < 0 {
			return false
		}
		i += j
		if i+0x40 > len(b) {
			return false
		}
		pe := int64(binary.LittleEndian.Uint32(b[i+0x3C:]))
		if pe >= 0x40 && int64(i)+pe+4 <= int64(len(b)) && bytes.Equal(b[int64(i)+pe:int64(i)+pe+4], []byte("PE\x00\x00")) {
			return true
		}
	}
}

// elfInside finds a whole ELF identification: magic, a valid class, byte
// order and version.
func elfInside(b []byte) bool {
	for i := 0; ; i++ {
		j := bytes.Index(b[i:], []byte("\x7fELF"))
		if j < 0 {
			return false
		}
		i += j
		if i+7 > len(b) {
			return false
		}
		class, order, version := b[i+4], b[i+5], b[i+6]
		if (class == 1 || class == 2) && (order == 1 || order == 2) && version == 1 {
			return true
		}
	}
}

// machOInside finds a Mach-O header whose CPU type is one macOS runs.
func machOInside(b []byte) bool {
	cpus := map[uint32]bool{7: true, 0x01000007: true, 12: true, 0x0100000C: true, 18: true, 0x01000012: true}
	for _, m := range []struct {
		magic []byte
		order binary.ByteOrder
	}{
		{[]byte{0xFE, 0xED, 0xFA, 0xCE}, binary.BigEndian}, {[]byte{0xFE, 0xED, 0xFA, 0xCF}, binary.BigEndian},
		{[]byte{0xCE, 0xFA, 0xED, 0xFE}, binary.LittleEndian}, {[]byte{0xCF, 0xFA, 0xED, 0xFE}, binary.LittleEndian},
	} {
		for i := 0; ; i++ {
			j := bytes.Index(b[i:], m.magic)
			if j < 0 {
				break
			}
			i += j
			if i+16 > len(b) {
				break
			}
			filetype := m.order.Uint32(b[i+12:])
			if cpus[m.order.Uint32(b[i+4:])] && filetype >= 1 && filetype <= 12 {
				return true
			}
		}
	}
	return false
}

// shebangInside finds an interpreter line ("#!/bin/sh") at the start of a
// line anywhere in b.
func shebangInside(b []byte) bool {
	for i := 0; ; i++ {
		j := bytes.Index(b[i:], []byte("#!"))
		if j < 0 {
			return false
		}
		i += j
		if i > 0 && b[i-1] != '\n' && b[i-1] != '\r' {
			continue
		}
		k := i + 2
		for k < len(b) && b[k] == ' ' {
			k++
		}
		if k >= len(b) || b[k] != '/' {
			continue
		}
		n := 0
		for k < len(b) && isPathByte(b[k]) {
			k++
			n++
		}
		if n >= 2 && (k == len(b) || b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r') {
			return true
		}
	}
}

func isPathByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '.' || c == '-'
}

// scriptInside finds, in any letter case, the start of an HTML page, a
// script or SVG element, an iframe, or a javascript: or vbscript: address.
func scriptInside(b []byte) bool {
	for i := 0; ; i++ {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := b[i+1:]
		if hasFoldPrefix(rest, "!doctype html") {
			return true
		}
		for _, tag := range []string{"script", "html", "svg", "iframe"} {
			if hasFoldPrefix(rest, tag) && (len(rest) == len(tag) || endsTagName(rest[len(tag)])) {
				return true
			}
		}
	}
	for i := 0; ; i++ {
		j := bytes.IndexByte(b[i:], ':')
		if j < 0 {
			return false
		}
		i += j
		for _, scheme := range []string{"javascript", "vbscript"} {
			if i >= len(scheme) && hasFoldPrefix(b[i-len(scheme):], scheme) {
				return true
			}
		}
	}
}

func endsTagName(c byte) bool {
	return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// hasFoldPrefix reports whether b starts with the lower-case ASCII prefix
// in any letter case.
func hasFoldPrefix(b []byte, prefix string) bool {
	if len(b) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
