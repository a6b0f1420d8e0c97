package hsds

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The compiled (fully dereferenced) HSDS 3.0 schemas, copied unmodified from
// Open Referral, CC BY-SA 4.0: see schema/LICENSE and schema/README.md.
//
//go:embed schema/organization.json schema/service.json schema/LICENSE schema/README.md
var schemaFS embed.FS

// SchemaAttribution is the attribution Open Referral asks for when the HSDS
// schemas (or data shaped by them) are republished, e.g. in an export.
const SchemaAttribution = "Human Services Data Specification: an Open Referral resource (https://openreferral.org/), CC BY-SA 4.0"

// Schema names accepted by ValidateJSON.
const (
	SchemaOrganization = "organization.json"
	SchemaService      = "service.json"
)

// SchemaFile returns the bytes of one embedded file under schema/ (for
// example "organization.json" or "LICENSE"), so that an export or an API can
// serve the schema and its licence.
func SchemaFile(name string) ([]byte, error) {
	return schemaFS.ReadFile("schema/" + name)
}

var compiledSchemas = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	out := map[string]*jsonschema.Schema{}
	for _, name := range []string{SchemaOrganization, SchemaService} {
		b, err := schemaFS.ReadFile("schema/" + name)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("hsds: read schema %s: %w", name, err)
		}
		url := "https://openreferral.org/hsds/3.0/compiled/" + name
		if err := c.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("hsds: add schema %s: %w", name, err)
		}
		s, err := c.Compile(url)
		if err != nil {
			return nil, fmt.Errorf("hsds: compile schema %s: %w", name, err)
		}
		out[name] = s
	}
	return out, nil
})

// ValidateJSON validates one JSON document against the named compiled HSDS
// 3.0 schema (SchemaOrganization or SchemaService) under JSON Schema 2020-12,
// with format assertions (uuid, email, uri, date-time) switched on.
func ValidateJSON(schema string, doc []byte) error {
	schemas, err := compiledSchemas()
	if err != nil {
		return err
	}
	s, ok := schemas[schema]
	if !ok {
		return fmt.Errorf("hsds: unknown schema %q", schema)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("hsds: %s: %w", schema, err)
	}
	return s.Validate(inst)
}

// ValidateOrganizationJSON validates an organization document (services
// nested, as in the directory file or /organizations/{id}) against HSDS
// schema/compiled/organization.json.
func ValidateOrganizationJSON(doc []byte) error { return ValidateJSON(SchemaOrganization, doc) }

// ValidateServiceJSON validates a service document (as in /services/{id})
// against HSDS schema/compiled/service.json.
func ValidateServiceJSON(doc []byte) error { return ValidateJSON(SchemaService, doc) }

// ValidateSchema validates every organization of d (with its services
// nested) against the compiled HSDS organization schema and every service on
// its own against the compiled HSDS service schema. Each error names the
// record it is about.
func (d *Dataset) ValidateSchema() error {
	var errs []error
	for i := range d.Organizations {
		o := &d.Organizations[i]
		b, err := json.Marshal(o)
		if err != nil {
			return err
		}
		if err := ValidateOrganizationJSON(b); err != nil {
			errs = append(errs, fmt.Errorf("organization '%s': does not match HSDS %s: %w", label(o.Name, o.ID, i), SchemaOrganization, err))
		}
		for j := range o.Services {
			s := &o.Services[j]
			b, err := json.Marshal(s)
			if err != nil {
				return err
			}
			if err := ValidateServiceJSON(b); err != nil {
				errs = append(errs, fmt.Errorf("service '%s': does not match HSDS %s: %w", label(s.Name, s.ID, j), SchemaService, err))
			}
		}
	}
	return errors.Join(errs...)
}
