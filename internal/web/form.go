package web

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Form carries what a person typed and what is wrong with it, so a failed
// form re-renders with status 422, an error summary, a message beside each
// field, and nothing lost.
type Form struct {
	Values url.Values
	Errors map[string]string
	order  []string
}

// NewForm wraps a copy of submitted values (so a handler can drop a
// password from what is re-rendered without losing it).
func NewForm(v url.Values) *Form {
	return &Form{Values: cloneValues(v), Errors: map[string]string{}}
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Get returns a field's value with surrounding space removed.
func (f *Form) Get(field string) string { return strings.TrimSpace(f.Values.Get(field)) }

// Fail records msg against field (the first message per field wins).
func (f *Form) Fail(field, msg string) {
	if _, ok := f.Errors[field]; ok {
		return
	}
	f.Errors[field] = msg
	f.order = append(f.order, field)
}

// Require fails field with msg when it is empty.
func (f *Form) Require(field, msg string) {
	if f.Get(field) == "" {
		f.Fail(field, msg)
	}
}

// Max fails field when it is longer than max characters, saying how much
// to cut; what (for example "Their name") starts the message.
func (f *Form) Max(field, what string, max int) {
	if n := utf8.RuneCountInString(f.Get(field)); n > max {
		f.Fail(field, what+" must be "+strconv.Itoa(max)+" characters or fewer. It has "+strconv.Itoa(n)+": shorten it by "+strconv.Itoa(n-max)+".")
	}
}

// Valid reports whether no field has failed.
func (f *Form) Valid() bool { return len(f.Errors) == 0 }

// Error returns field's message, if any.
func (f *Form) Error(field string) string { return f.Errors[field] }

// FieldError is one entry of the error summary.
type FieldError struct{ Field, Message string }

// Summary lists the errors in the order they were found, for the summary
// at the top of the page.
func (f *Form) Summary() []FieldError {
	out := make([]FieldError, 0, len(f.order))
	for _, k := range f.order {
		out = append(out, FieldError{k, f.Errors[k]})
	}
	return out
}
