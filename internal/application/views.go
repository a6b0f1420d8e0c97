package application

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/psu-project/psu/internal/web"
)

// fieldView is what the "app-field" partial draws: a field with what was
// typed and what is wrong with it.
type fieldView struct {
	field
	Kind             string // text, email, tel, textarea, radios, checkboxes, date, month
	Value            string
	Error            string
	Day, Month, Year string
	Choices          []choiceView
	Heading          bool   // the field's label is the page's heading
	DescribedBy      string // ids of its hint and error
}

// choiceView is one radio button or checkbox.
type choiceView struct {
	ID, Value, Label, Hint string
	Name, Type             string
	Checked, Divider       bool
	Reveal                 []*fieldView
}

var kindNames = map[kind]string{kindText: "text", kindEmail: "email", kindTel: "tel", kindTextarea: "textarea",
	kindRadios: "radios", kindCheckboxes: "checkboxes", kindDate: "date", kindMonth: "month"}

// form is the view of one page's form: it builds field views from the
// section's definitions, the draft and the values typed.
type form struct {
	d      *Draft
	f      *web.Form
	fields []field
}

func (v form) def(name string) field {
	for _, fd := range v.fields {
		if fd.Name == name {
			return adjust(v.d, fd)
		}
	}
	panic("application: no field " + name)
}

// Field returns the view of field name.
func (v form) Field(name string) *fieldView {
	fd := v.def(name)
	fv := &fieldView{field: fd, Kind: kindNames[fd.Kind], Value: v.f.Values.Get(fd.Name), Error: v.f.Error(fd.Name)}
	fv.Day, fv.Month, fv.Year = v.f.Values.Get(fd.Name+"-day"), v.f.Values.Get(fd.Name+"-month"), v.f.Values.Get(fd.Name+"-year")
	var ids []string
	if fd.Hint != "" {
		ids = append(ids, fd.Name+"-hint")
	}
	if fv.Error != "" {
		ids = append(ids, fd.Name+"-error")
	}
	for i, id := range ids {
		if i > 0 {
			fv.DescribedBy += " "
		}
		fv.DescribedBy += id
	}
	if fd.Kind == kindRadios || fd.Kind == kindCheckboxes {
		typ := "radio"
		if fd.Kind == kindCheckboxes {
			typ = "checkbox"
		}
		picked := v.f.Values[fd.Name]
		for i, o := range fd.Options {
			c := choiceView{ID: fd.Name, Value: o.Value, Label: o.Label, Hint: o.Hint, Name: fd.Name, Type: typ,
				Checked: slices.Contains(picked, o.Value), Divider: o.Divider}
			if i > 0 {
				c.ID = fd.Name + "-" + strconv.Itoa(i+1)
			}
			for _, name := range strings.Fields(o.Reveal) {
				c.Reveal = append(c.Reveal, v.Field(name))
			}
			fv.Choices = append(fv.Choices, c)
		}
	}
	return fv
}

// Heading returns field name drawn as the page's heading.
func (v form) Heading(name string) *fieldView {
	fv := v.Field(name)
	fv.Heading = true
	return fv
}

// keep returns only the named values, so a draft stores nothing a page did
// not ask for.
func keep(v url.Values, names []string) url.Values {
	out := url.Values{}
	for _, n := range names {
		if vs, ok := v[n]; ok {
			out[n] = slices.Clone(vs)
		}
	}
	return out
}

// pageView is the data of a section's page.
type pageView struct {
	form
	Action         string
	Back           string
	Return         bool
	Flash          *flashMessage
	Next           string // documents page: where "Continue" goes
	Programme      string
	Region         string
	TrainingNumber bool // the page asks for a training number
}
