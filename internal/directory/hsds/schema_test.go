package hsds

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestSchemaValidationAcceptsValidRecords(t *testing.T) {
	d := fixture()
	if err := d.ValidateSchema(); err != nil {
		t.Fatalf("ValidateSchema on valid fixture: %v", err)
	}
}

func TestSchemaValidationRejectsInvalidRecords(t *testing.T) {
	tests := []struct {
		name, schema, doc, wantInErr string
	}{
		{"service id not a uuid", SchemaService, `{"id":"abc","name":"x","status":"active"}`, "/id"},
		{"service status outside enum", SchemaService, `{"id":"40000000-0000-4000-8000-000000000001","name":"x","status":"open"}`, "/status"},
		{"service without name", SchemaService, `{"id":"40000000-0000-4000-8000-000000000001","status":"active"}`, "name"},
		{"phone without number", SchemaService, `{"id":"40000000-0000-4000-8000-000000000001","name":"x","status":"active","phones":[{"id":"50000000-0000-4000-8000-000000000001"}]}`, "number"},
		{"service url not a uri", SchemaService, `{"id":"40000000-0000-4000-8000-000000000001","name":"x","status":"active","url":"not a uri"}`, "/url"},
		{"organization without description", SchemaOrganization, `{"id":"30000000-0000-4000-8000-000000000001","name":"x"}`, "description"},
		{"nested service invalid", SchemaOrganization, `{"id":"30000000-0000-4000-8000-000000000001","name":"x","description":"d","services":[{"id":"40000000-0000-4000-8000-000000000001","name":"s","status":"closed"}]}`, "/services/0/status"},
		{"schedule wrong freq", SchemaService, `{"id":"40000000-0000-4000-8000-000000000001","name":"x","status":"active","schedules":[{"id":"60000000-0000-4000-8000-000000000001","freq":"DAILY"}]}`, "/schedules/0/freq"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateJSON(tc.schema, []byte(tc.doc))
			if err == nil {
				t.Fatalf("%s accepted %s", tc.schema, tc.doc)
			}
			if !strings.Contains(err.Error(), tc.wantInErr) {
				t.Errorf("error does not mention %q:\n%v", tc.wantInErr, err)
			}
		})
	}
}

func TestValidateSchemaNamesTheRecord(t *testing.T) {
	d := fixture()
	d.Organizations[1].Services[0].Status = "open"
	err := d.ValidateSchema()
	if err == nil {
		t.Fatal("ValidateSchema accepted a service with status 'open'")
	}
	for _, want := range []string{"organization 'British Medical Association': does not match HSDS organization.json", "service 'BMA advisers': does not match HSDS service.json"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "Sick Doctors Trust") {
		t.Errorf("error blames a valid record:\n%v", err)
	}
}

func TestValidateJSONUnknownSchema(t *testing.T) {
	if err := ValidateJSON("location.json", []byte(`{}`)); err == nil {
		t.Fatal("ValidateJSON accepted an unknown schema name")
	}
}

func TestEmbeddedSchemasAndLicence(t *testing.T) {
	lic, err := SchemaFile("LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(lic), "Attribution-ShareAlike 4.0") {
		t.Error("embedded LICENSE is not the CC BY-SA 4.0 licence")
	}
	for _, name := range []string{SchemaOrganization, SchemaService} {
		b, err := SchemaFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			Name       string         `json:"name"`
			Required   []string       `json:"required"`
			Properties map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s.Name+".json" != name || len(s.Required) == 0 || s.Properties["id"] == nil {
			t.Errorf("%s does not look like the compiled HSDS schema (name %q, required %v)", name, s.Name, s.Required)
		}
	}
}

// TestStructTagsMatchSchema checks that every JSON name our types use is a
// property of the corresponding HSDS schema object, so a typo in a tag
// cannot slip through (the schemas allow additional properties).
func TestStructTagsMatchSchema(t *testing.T) {
	orgSchema := loadSchemaProps(t, SchemaOrganization)
	svcSchema := loadSchemaProps(t, SchemaService)
	sub := func(props map[string]any, path ...string) map[string]any {
		cur := props
		for _, p := range path {
			node := cur[p].(map[string]any)
			if items, ok := node["items"].(map[string]any); ok {
				node = items
			}
			cur = node["properties"].(map[string]any)
		}
		return cur
	}
	checks := []struct {
		name  string
		v     any
		props map[string]any
	}{
		{"Organization", Organization{}, orgSchema},
		{"Service", Service{}, svcSchema},
		{"Phone", Phone{}, sub(svcSchema, "phones")},
		{"Schedule", Schedule{}, sub(svcSchema, "schedules")},
		{"ServiceArea", ServiceArea{}, sub(svcSchema, "service_areas")},
		{"Attribute", Attribute{}, sub(svcSchema, "attributes")},
		{"TaxonomyTerm", TaxonomyTerm{}, sub(svcSchema, "attributes", "taxonomy_term")},
		{"Taxonomy", Taxonomy{}, sub(svcSchema, "attributes", "taxonomy_term", "taxonomy_detail")},
		{"Metadata", Metadata{}, sub(svcSchema, "metadata")},
	}
	for _, c := range checks {
		for _, name := range jsonNames(c.v) {
			if _, ok := c.props[name]; !ok {
				t.Errorf("%s has JSON member %q which the HSDS schema does not define", c.name, name)
			}
		}
	}
}

func loadSchemaProps(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := SchemaFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s["properties"].(map[string]any)
}

// jsonNames returns the JSON member names of a struct type's fields.
func jsonNames(v any) []string {
	var names []string
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}
