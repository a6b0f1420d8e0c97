package hsds

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

const minimalDataset = `{"hsds_version":"3.0","taxonomies":[],"taxonomy_terms":[],
 "organizations":[{"id":"30000000-0000-4000-8000-000000000001","name":"Org","description":"d",
   "services":[{"id":"40000000-0000-4000-8000-000000000001","organization_id":"30000000-0000-4000-8000-000000000001",
     "name":"Svc","status":"active","phones":[{"id":"50000000-0000-4000-8000-000000000001","number":"020 7245 0412"}]}]}],
 "resources":[]}`

func TestParseDatasetAcceptsValidFile(t *testing.T) {
	d, err := ParseDataset(strings.NewReader(minimalDataset))
	if err != nil {
		t.Fatalf("ParseDataset: %v", err)
	}
	if got := d.Organizations[0].Services[0].Phones[0].Number; got != "020 7245 0412" {
		t.Errorf("phone number = %q, want it kept exactly", got)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestParseDatasetIsStrict(t *testing.T) {
	tests := []struct {
		name, in, wantInErr string
	}{
		{"unknown top-level member", `{"hsds_version":"3.0","extra":1}`, "extra"},
		{"unknown service member", strings.Replace(minimalDataset, `"status":"active"`, `"status":"active","website":"x"`, 1), "website"},
		{"unknown phone member", strings.Replace(minimalDataset, `"number":"020 7245 0412"`, `"number":"020 7245 0412","numbr":"1"`, 1), "numbr"},
		{"HSDS member we do not model", strings.Replace(minimalDataset, `"status":"active"`, `"status":"active","locations":[]`, 1), "locations"},
		{"wrong case", strings.Replace(minimalDataset, `"hsds_version"`, `"HSDS_Version"`, 1), "HSDS_Version"},
		{"duplicate member", `{"hsds_version":"3.0","hsds_version":"3.0"}`, "duplicate"},
		{"trailing data", minimalDataset + ` {}`, "after top-level value"},
		{"wrong type", `{"hsds_version":3}`, "hsds_version"},
		{"not JSON", `hello`, "invalid character"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDataset(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("ParseDataset accepted %s", tc.in)
			}
			if !strings.Contains(err.Error(), tc.wantInErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantInErr)
			}
		})
	}
}

func TestWriteDatasetRoundTrip(t *testing.T) {
	d, err := ParseDataset(strings.NewReader(minimalDataset))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteDataset(&buf, d); err != nil {
		t.Fatal(err)
	}
	again, err := ParseDataset(&buf)
	if err != nil {
		t.Fatalf("re-parse of written dataset: %v", err)
	}
	if !reflect.DeepEqual(d, again) {
		t.Errorf("round trip changed the dataset:\n%+v\n%+v", d, again)
	}
}

func TestWriteDatasetWritesEmptyListsNotNull(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteDataset(&buf, &Dataset{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`"hsds_version": "3.0"`, `"taxonomies": []`, `"taxonomy_terms": []`, `"organizations": []`, `"resources": []`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "null") {
		t.Errorf("output contains null:\n%s", out)
	}
}
