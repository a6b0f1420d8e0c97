package eligibility

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestParseRequestErrors(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		field string
	}{
		{"malformed json", `{"region": "london",`, ""},
		{"not json at all", `region=london`, ""},
		{"empty body", ``, ""},
		{"blank body", " \n\t", ""},
		{"two objects", `{"region":"london"} {}`, ""},
		{"a list", `[{"region":"london"}]`, ""},
		{"a string", `"london"`, ""},
		{"null", `null`, ""},

		{"missing region", `{"profession":"doctor","programme":"core","training_number":true}`, "region"},
		{"empty region", `{"region":"","profession":"doctor","programme":"core","training_number":true}`, "region"},
		{"null region", `{"region":null,"profession":"doctor","programme":"core","training_number":true}`, "region"},
		{"unknown region", `{"region":"manchester","profession":"doctor","programme":"core","training_number":true}`, "region"},
		{"region wrong case", `{"region":"London","profession":"doctor","programme":"core","training_number":true}`, "region"},
		{"region as number", `{"region":1,"profession":"doctor","programme":"core","training_number":true}`, "region"},

		{"missing profession", `{"region":"london","programme":"core","training_number":true}`, "profession"},
		{"unknown profession", `{"region":"london","profession":"surgeon","programme":"core","training_number":true}`, "profession"},
		{"profession as list", `{"region":"london","profession":["doctor"],"programme":"core","training_number":true}`, "profession"},

		{"missing programme", `{"region":"london","profession":"doctor","training_number":true}`, "programme"},
		{"unknown programme", `{"region":"london","profession":"doctor","programme":"phd","training_number":true}`, "programme"},
		{"nurse programme for doctor", `{"region":"london","profession":"doctor","programme":"preceptorship","training_number":true}`, "programme"},
		{"doctor programme for nurse", `{"region":"london","profession":"nurse","programme":"core","band":6}`, "programme"},
		{"science programme for pharmacist", `{"region":"london","profession":"pharmacist","programme":"stp"}`, "programme"},
		{"foundation for pharmacy technician", `{"region":"london","profession":"pharmacy-technician","programme":"foundation"}`, "programme"},
		{"programme for other", `{"region":"london","profession":"other","programme":"foundation"}`, "programme"},
		{"programme as object", `{"region":"london","profession":"other","programme":{"name":"none"}}`, "programme"},

		{"band as string", `{"region":"london","profession":"nurse","programme":"preceptorship","band":"5"}`, "band"},
		{"band as decimal", `{"region":"london","profession":"nurse","programme":"preceptorship","band":5.5}`, "band"},
		{"band 8a", `{"region":"london","profession":"nurse","programme":"preceptorship","band":"8a"}`, "band"},
		{"band 10", `{"region":"london","profession":"nurse","programme":"preceptorship","band":10}`, "band"},
		{"band 0", `{"region":"london","profession":"allied-health-professional","programme":"preceptorship","band":0}`, "band"},
		{"band negative", `{"region":"london","profession":"nurse","programme":"preceptorship","band":-5}`, "band"},
		{"band huge", `{"region":"london","profession":"nurse","programme":"preceptorship","band":1e400}`, "band"},
		{"band missing for nurse", `{"region":"london","profession":"nurse","programme":"preceptorship"}`, "band"},
		{"band null for ahp", `{"region":"london","profession":"allied-health-professional","programme":"none","band":null}`, "band"},
		{"band given for doctor", `{"region":"london","profession":"doctor","programme":"core","band":5,"training_number":true}`, "band"},
		{"band given for pharmacist", `{"region":"london","profession":"pharmacist","programme":"foundation","band":6}`, "band"},

		{"training number missing for dentist", `{"region":"london","profession":"dentist","programme":"core"}`, "training_number"},
		{"training number missing for doctor on a scheme", `{"region":"london","profession":"doctor","programme":"retainer"}`, "training_number"},
		{"training number as string", `{"region":"london","profession":"doctor","programme":"core","training_number":"true"}`, "training_number"},
		{"training number as number", `{"region":"london","profession":"doctor","programme":"core","training_number":1}`, "training_number"},
		{"training number given for nurse", `{"region":"london","profession":"nurse","programme":"preceptorship","band":6,"training_number":false}`, "training_number"},
		{"training number given for other", `{"region":"kss","profession":"other","programme":"none","training_number":true}`, "training_number"},

		{"unknown field", `{"region":"london","profession":"doctor","programme":"core","training_number":true,"grade":"ST3"}`, "grade"},
		{"unknown field reported before missing ones", `{"gmc_number":"123"}`, "gmc_number"},
		{"field name in wrong case", `{"Region":"london","profession":"doctor","programme":"core","training_number":true}`, "Region"},
		{"field given twice", `{"region":"london","region":"kss","profession":"other","programme":"none"}`, "region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseRequest([]byte(tt.body))
			if err == nil {
				t.Fatalf("no error; parsed %+v", a)
			}
			if err.Field != tt.field {
				t.Errorf("field = %q, want %q (message %q)", err.Field, tt.field, err.Message)
			}
			if strings.TrimSpace(err.Message) == "" {
				t.Errorf("empty message")
			}
			if a != (Answers{}) {
				t.Errorf("answers returned with an error: %+v", a)
			}
		})
	}
}

func TestParseRequestOK(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Answers
	}{
		{"doctor", `{"region":"london","profession":"doctor","programme":"core","training_number":true}`,
			Answers{Region: "london", Profession: "doctor", Programme: "core", TrainingNumber: tn(true)}},
		{"dentist without number", `{"training_number":false,"programme":"foundation","profession":"dentist","region":"kss"}`,
			Answers{Region: "kss", Profession: "dentist", Programme: "foundation", TrainingNumber: tn(false)}},
		{"nurse", `{"region":"kss","profession":"nurse","programme":"preceptorship","band":5}`,
			Answers{Region: "kss", Profession: "nurse", Programme: "preceptorship", Band: band(5)}},
		{"ahp band 9", `{"region":"london","profession":"allied-health-professional","programme":"none","band":9}`,
			Answers{Region: "london", Profession: "allied-health-professional", Programme: "none", Band: band(9)}},
		{"null band and number for pharmacist", `{"region":"london","profession":"pharmacist","programme":"gp-pathway","band":null,"training_number":null}`,
			Answers{Region: "london", Profession: "pharmacist", Programme: "gp-pathway"}},
		{"other, with spaces around the body", " \n{\"region\":\"wales\",\"profession\":\"other\",\"programme\":\"none\"}\n",
			Answers{Region: "wales", Profession: "other", Programme: "none"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRequest([]byte(tt.body))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// The error body is exactly {"error": ..., "field": ...}, with field
// present even when it is empty.
func TestFieldErrorJSON(t *testing.T) {
	for _, body := range []string{`{`, `{"band":"x"}`} {
		_, fe := ParseRequest([]byte(body))
		if fe == nil {
			t.Fatalf("%s: no error", body)
		}
		b, err := json.Marshal(fe)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if len(m) != 2 || m["error"] == nil || m["field"] == nil {
			t.Errorf("%s: error body %s, want exactly error and field", body, b)
		}
	}
}

// Messages quote what was sent, but never echo a long value in full.
func TestParseRequestShortensEchoedValues(t *testing.T) {
	long := strings.Repeat("x", 5000)
	_, fe := ParseRequest([]byte(`{"region":"` + long + `"}`))
	if fe == nil || fe.Field != "region" {
		t.Fatalf("got %v", fe)
	}
	if len(fe.Message) > 500 {
		t.Errorf("message is %d bytes long", len(fe.Message))
	}
}
