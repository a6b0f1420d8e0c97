package eligibility

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// requestFields are the only fields a request may carry, in contract order.
var requestFields = []string{QuestionRegion, QuestionProfession, QuestionProgramme, QuestionBand, QuestionTrainingNumber}

// request is the wire form of POST /api/v1/eligibility. Pointers tell a
// missing field (or JSON null) apart from a zero value.
type request struct {
	Region         *string `json:"region"`
	Profession     *string `json:"profession"`
	Programme      *string `json:"programme"`
	Band           *int    `json:"band"`
	TrainingNumber *bool   `json:"training_number"`
}

// ParseRequest reads the JSON body of an eligibility request strictly and
// validates it (see Answers.Validate). Problems are reported in this order:
//  1. empty body or malformed JSON, or more than one JSON value: field "";
//  2. a body that is not a JSON object: field "";
//  3. a field that is not in the contract (names are case-sensitive) or a
//     field given twice: field is that name;
//  4. a field of the wrong type (band must be a whole number,
//     training_number true or false, the others text): field is that name;
//  5. the checks of Answers.Validate.
//
// JSON null is treated as if the field were absent.
func ParseRequest(body []byte) (Answers, *FieldError) {
	if len(bytes.TrimSpace(body)) == 0 {
		return Answers{}, fieldErr("", "The request body is empty. Send a JSON object with your answers, for example {\"region\": \"london\", \"profession\": \"doctor\", \"programme\": \"core\", \"training_number\": true}.")
	}
	if !json.Valid(body) {
		return Answers{}, fieldErr("", "The request body is not valid JSON%s. Send a single JSON object with your answers.", syntaxPosition(body))
	}
	if e := checkKeys(body); e != nil {
		return Answers{}, e
	}

	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var r request
	if err := dec.Decode(&r); err != nil {
		return Answers{}, decodeError(err)
	}

	a := Answers{Band: r.Band, TrainingNumber: r.TrainingNumber}
	if r.Region != nil {
		a.Region = *r.Region
	}
	if r.Profession != nil {
		a.Profession = *r.Profession
	}
	if r.Programme != nil {
		a.Programme = *r.Programme
	}
	if e := a.Validate(); e != nil {
		return Answers{}, e
	}
	return a, nil
}

// syntaxPosition describes where the JSON first goes wrong, if known.
func syntaxPosition(body []byte) string {
	var v any
	err := json.Unmarshal(body, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf(" (the problem is near character %d)", se.Offset)
	}
	return ""
}

// checkKeys walks the top level of an already valid JSON body and reports a
// body that is not an object, the first field not in the contract, and the
// first field given twice. encoding/json alone would accept "Region" for
// "region" and silently keep the last of two duplicates.
func checkKeys(body []byte) *FieldError {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return fieldErr("", "The request body is not valid JSON. Send a single JSON object with your answers.")
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fieldErr("", "The request body must be a JSON object, like {\"region\": \"london\", ...}, not %s.", jsonKind(tok))
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fieldErr("", "The request body is not valid JSON. Send a single JSON object with your answers.")
		}
		key, _ := tok.(string)
		if !isRequestField(key) {
			return unknownField(key)
		}
		if seen[key] {
			return fieldErr(key, "%s is given more than once. Give each field only once.", shown(key))
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return fieldErr("", "The request body is not valid JSON. Send a single JSON object with your answers.")
		}
	}
	return nil
}

func isRequestField(k string) bool {
	for _, f := range requestFields {
		if f == k {
			return true
		}
	}
	return false
}

func unknownField(key string) *FieldError {
	for _, f := range requestFields {
		if strings.EqualFold(f, key) {
			return fieldErr(key, "Field names are lower case: use %q instead of %s.", f, shown(key))
		}
	}
	return fieldErr(key, "%s is not a field of this request. Remove it: the fields are region, profession, programme, band and training_number.", shown(key))
}

func jsonKind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "a list"
		}
	case string:
		return "text"
	case float64, json.Number:
		return "a number"
	case bool:
		return "true or false"
	case nil:
		return "null"
	}
	return "this"
}

// typeHelp says what a field should look like.
var typeHelp = map[string]string{
	QuestionRegion:         "region must be text, such as \"london\".",
	QuestionProfession:     "profession must be text, such as \"nurse\".",
	QuestionProgramme:      "programme must be text, such as \"preceptorship\".",
	QuestionBand:           "band must be a whole number from 1 to 9, such as 5, written without quotes.",
	QuestionTrainingNumber: "training_number must be true or false, written without quotes.",
}

// decodeError turns an encoding/json decode error into a FieldError naming
// the field. checkKeys has already caught unknown fields, so the remaining
// errors are wrong types.
func decodeError(err error) *FieldError {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if help, ok := typeHelp[te.Field]; ok {
			return fieldErr(te.Field, "%s", help)
		}
		return fieldErr(te.Field, "The request body must be a JSON object with the fields region, profession, programme, band and training_number.")
	}
	if after, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		// Not reached after checkKeys; kept so DisallowUnknownFields is never
		// reported as malformed JSON.
		return unknownField(strings.Trim(after, `"`))
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fieldErr("", "The request body is not valid JSON. Send a single JSON object with your answers.")
	}
	return fieldErr("", "The request body could not be read as an eligibility request: send a JSON object with the fields region, profession, programme, band and training_number.")
}
