package seal

import (
	"bytes"
	"testing"
)

// FuzzOpen hands Open what a stolen or altered database copy might hold in
// a sealed column: a real sealed value with bytes changed or cut off, read
// for its own column or another, and bytes made up whole. It must never
// panic, must open a real value, unchanged and for its own context, to
// exactly what was sealed, and must open nothing else: a flipped byte, a
// shorter value, a value moved to another column or row, a header naming
// another key, or invented bytes all fail with ErrOpen.
//
//	go test ./internal/seal -run '^$' -fuzz '^FuzzOpen$' -fuzztime 10m
func FuzzOpen(f *testing.F) {
	// Key 1 (version 1 values, no key id) and key 7, in use (version 2
	// values naming their key), as in a database part-way through psu key
	// rotate. Each process running the target seals its own values (nonces
	// are random), so inputs name a value by its place in the list.
	old, err := New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		f.Fatal(err)
	}
	s, err := FromKeyFile(KeyFile{Blind: bytes.Repeat([]byte{9}, 32), Keys: []Key{
		{ID: 7, Secret: bytes.Repeat([]byte{8}, 32)}, {ID: 1, Secret: bytes.Repeat([]byte{7}, 32)}}})
	if err != nil {
		f.Fatal(err)
	}
	type sealed struct {
		value   []byte
		context string
		text    string
	}
	var genuine []sealed
	for _, p := range []struct{ text, context string }{
		{"ann.trainee@example.com", "outbox.recipient:0190b2f0-0000-7000-8000-000000000001"},
		{"I have not slept properly for weeks.", "applications.body:0190b2f0-0000-7000-8000-000000000002"},
		{"", "cases.note:0190b2f0-0000-7000-8000-000000000003"},
	} {
		for _, by := range []*Sealer{old, s} {
			genuine = append(genuine, sealed{by.SealString(p.text, p.context), p.context, p.text})
		}
	}
	stored, _, err := s.NewDataKey("cases.key:0190b2f0-0000-7000-8000-000000000004")
	if err != nil {
		f.Fatal(err)
	}
	genuine = append(genuine, sealed{stored, "cases.key:0190b2f0-0000-7000-8000-000000000004", ""})

	for i, g := range genuine {
		f.Add(uint8(i), []byte(nil), uint8(0), g.context)
		f.Add(uint8(i), []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, uint8(0), g.context)
		f.Add(uint8(i), []byte(nil), uint8(1), g.context)
		f.Add(uint8(i), []byte(nil), uint8(0), g.context+" ")
	}
	f.Add(uint8(0), []byte{3}, uint8(0), genuine[0].context)                         // version 2 from version 1
	f.Add(uint8(1), []byte{0, 0, 0, 0, 6}, uint8(0), genuine[1].context)             // names key 1
	f.Add(uint8(1), []byte{0, 0xff, 0xff, 0xff, 0xff}, uint8(0), genuine[1].context) // names no key
	f.Fuzz(func(t *testing.T, which uint8, change []byte, cut uint8, context string) {
		g := genuine[int(which)%len(genuine)]
		v := bytes.Clone(g.value)
		for i := 0; i < len(change) && i < len(v); i++ {
			v[i] ^= change[i]
		}
		if cut > 0 {
			v = v[:len(v)-int(cut)%len(v)-1]
		}
		same := bytes.Equal(v, g.value) && context == g.context
		pt, err := s.Open(v, context)
		switch {
		case same && err != nil:
			t.Fatalf("a value sealed for %q does not open: %v", context, err)
		case same && g.text != "" && string(pt) != g.text:
			t.Fatalf("opened to %q, sealed %q", pt, g.text)
		case !same && err == nil:
			t.Fatalf("opened %d bytes from a value changed (%x, cut %d) or read for %q instead of %q", len(pt), change, cut, context, g.context)
		case !same && (err != ErrOpen || pt != nil):
			t.Fatalf("refused with %v and %d bytes", err, len(pt))
		}
		if _, err := s.OpenDataKey(v, context); err == nil && !(same && bytes.Equal(g.value, stored)) {
			t.Fatal("OpenDataKey opened what was not a stored data key")
		}
		if pt, err := s.Open(change, context); err == nil {
			t.Fatalf("opened %d bytes from bytes made up whole: %x", len(pt), change)
		}
	})
}
