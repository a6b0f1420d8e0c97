package eligibility

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// DefaultRuleID is the RuleID of a Decision made by the rule set's default
// outcome, when no rule matched. Rule ids may not use it.
const DefaultRuleID = "default"

//go:embed rules/default.json
var defaultJSON []byte

var defaultRuleSet = mustParseDefault()

func mustParseDefault() *RuleSet {
	rs, err := ParseRuleSet(defaultJSON)
	if err != nil {
		panic("eligibility: embedded rules/default.json is invalid: " + err.Error())
	}
	return rs
}

// Default returns the rule set embedded in the binary (rules/default.json).
// It is parsed once at start-up. A RuleSet is read-only, so the value may be
// shared.
func Default() *RuleSet { return defaultRuleSet }

// DefaultJSON returns a copy of the embedded default rules document, for
// example to seed the database or to offer as a starting point for edits.
func DefaultJSON() []byte { return bytes.Clone(defaultJSON) }

// Signpost is a service in the directory (HSDS service id and name).
type Signpost struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Decision is the result of applying a RuleSet to Answers. Its JSON form is
// exactly the API response: eligible, route, reasons, signposts. RuleID and
// RuleVersion say which rule of which rule set version decided; the caller
// records them with the decision.
type Decision struct {
	Eligible    bool       `json:"eligible"`
	Route       string     `json:"route"`
	Reasons     []string   `json:"reasons"`
	Signposts   []Signpost `json:"signposts"`
	RuleID      string     `json:"-"`
	RuleVersion int        `json:"-"`
}

// BandRange is an inclusive range of Agenda for Change bands.
type BandRange struct {
	Min int `json:"min"`
	Max int `json:"max"`
}

// Conditions say which answers a rule applies to. Every condition that is
// set must hold; a condition that is left out matches any answer.
type Conditions struct {
	Region     []string   `json:"region,omitempty"`
	Profession []string   `json:"profession,omitempty"`
	Programme  []string   `json:"programme,omitempty"`
	Band       *BandRange `json:"band,omitempty"`
	// TrainingNumber, when set, requires that answer: true means "holds a
	// London or KSS training number", false means "does not".
	TrainingNumber *bool `json:"training_number,omitempty"`
}

// Outcome is what a rule (or the default) decides.
type Outcome struct {
	Eligible  bool       `json:"eligible"`
	Route     string     `json:"route"`
	Reasons   []string   `json:"reasons"`
	Signposts []Signpost `json:"signposts"`
}

// Rule is one entry of a RuleSet.
type Rule struct {
	ID          string     `json:"id"`
	Description string     `json:"description,omitempty"`
	When        Conditions `json:"when"`
	Outcome     Outcome    `json:"outcome"`
}

// RuleSet is a validated, versioned, ordered list of eligibility rules. The
// first rule whose conditions match the answers decides; if none matches,
// the default outcome does. Build one with ParseRuleSet or Default; it is
// not changed after that.
type RuleSet struct {
	Version     int
	description string
	rules       []Rule
	fallback    Outcome
}

// Description returns the document's free-text description.
func (rs *RuleSet) Description() string { return rs.description }

// Rules returns a copy of the rules, in order.
func (rs *RuleSet) Rules() []Rule {
	out := make([]Rule, len(rs.rules))
	for i, r := range rs.rules {
		out[i] = r.clone()
	}
	return out
}

// DefaultOutcome returns a copy of the outcome used when no rule matches.
func (rs *RuleSet) DefaultOutcome() Outcome { return rs.fallback.clone() }

// MarshalJSON writes the rule set in the document format ParseRuleSet reads.
func (rs *RuleSet) MarshalJSON() ([]byte, error) {
	return json.Marshal(documentOut{
		Version:     rs.Version,
		Description: rs.description,
		Rules:       rs.rules,
		Default:     rs.fallback,
	})
}

func (r Rule) clone() Rule {
	r.When = r.When.clone()
	r.Outcome = r.Outcome.clone()
	return r
}

func (c Conditions) clone() Conditions {
	c.Region = slices.Clone(c.Region)
	c.Profession = slices.Clone(c.Profession)
	c.Programme = slices.Clone(c.Programme)
	if c.Band != nil {
		b := *c.Band
		c.Band = &b
	}
	if c.TrainingNumber != nil {
		t := *c.TrainingNumber
		c.TrainingNumber = &t
	}
	return c
}

func (o Outcome) clone() Outcome {
	o.Reasons = slices.Clone(o.Reasons)
	o.Signposts = slices.Clone(o.Signposts)
	if o.Reasons == nil {
		o.Reasons = []string{}
	}
	if o.Signposts == nil {
		o.Signposts = []Signpost{}
	}
	return o
}

// Matches reports whether the conditions hold for a. A band or training
// number condition never matches answers without a band or training number.
func (c Conditions) Matches(a Answers) bool {
	if len(c.Region) > 0 && !slices.Contains(c.Region, a.Region) {
		return false
	}
	if len(c.Profession) > 0 && !slices.Contains(c.Profession, a.Profession) {
		return false
	}
	if len(c.Programme) > 0 && !slices.Contains(c.Programme, a.Programme) {
		return false
	}
	if c.Band != nil && (a.Band == nil || *a.Band < c.Band.Min || *a.Band > c.Band.Max) {
		return false
	}
	if c.TrainingNumber != nil && (a.TrainingNumber == nil || *a.TrainingNumber != *c.TrainingNumber) {
		return false
	}
	return true
}

// Decide applies the rule set to the answers: the first matching rule
// decides, else the default outcome. The answers should have passed
// Validate; Decide does not check them again. A nil RuleSet means Default().
// "I am not sure" to the training number question counts as "yes": the
// person is not turned away for not knowing, and the team checks the
// number with them after they apply. Answers the web checker stopped
// short at, because the rules had already decided, get that decision (see
// Settled).
func (rs *RuleSet) Decide(a Answers) Decision {
	if rs == nil {
		rs = Default()
	}
	if NextQuestion(a) != "" {
		if d, ok := rs.Settled(a); ok {
			return d
		}
	}
	if a.TrainingNumberNotSure && a.TrainingNumber == nil {
		yes := true
		a.TrainingNumber = &yes
	}
	id, o := DefaultRuleID, rs.fallback
	for _, r := range rs.rules {
		if r.When.Matches(a) {
			id, o = r.ID, r.Outcome
			break
		}
	}
	o = o.clone()
	return Decision{
		Eligible:    o.Eligible,
		Route:       o.Route,
		Reasons:     o.Reasons,
		Signposts:   o.Signposts,
		RuleID:      id,
		RuleVersion: rs.Version,
	}
}

// ---- parsing and validation ----

// Problem is one thing wrong with a rules document. Rule is the rule's id
// (or "rules[3]" if it has none, "default" for the default outcome, "" for
// the document itself); Field is the path of the field inside it.
type Problem struct {
	Rule    string
	Field   string
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Rule != "" {
		fmt.Fprintf(&b, "rule %q", p.Rule)
	}
	if p.Field != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "field %s", p.Field)
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// RuleSetError lists every problem found in a rules document.
type RuleSetError struct {
	Problems []Problem
}

func (e *RuleSetError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	if len(lines) == 1 {
		return "invalid rules document: " + lines[0]
	}
	return fmt.Sprintf("invalid rules document (%d problems):\n  %s", len(lines), strings.Join(lines, "\n  "))
}

// Wire types: pointers find fields that are missing.
type documentIn struct {
	Version     *int              `json:"version"`
	Description string            `json:"description"`
	Rules       []json.RawMessage `json:"rules"`
	Default     json.RawMessage   `json:"default"`
}

type documentOut struct {
	Version     int     `json:"version"`
	Description string  `json:"description,omitempty"`
	Rules       []Rule  `json:"rules"`
	Default     Outcome `json:"default"`
}

type ruleIn struct {
	ID          string       `json:"id"`
	Description string       `json:"description"`
	When        *conditionIn `json:"when"`
	Outcome     *outcomeIn   `json:"outcome"`
}

type conditionIn struct {
	Region         []string `json:"region"`
	Profession     []string `json:"profession"`
	Programme      []string `json:"programme"`
	Band           *bandIn  `json:"band"`
	TrainingNumber *bool    `json:"training_number"`
	// present records which list conditions were given (so an empty list
	// can be told apart from a missing one).
	present map[string]bool
}

type bandIn struct {
	Min *int `json:"min"`
	Max *int `json:"max"`
}

type outcomeIn struct {
	Eligible  *bool        `json:"eligible"`
	Route     string       `json:"route"`
	Reasons   []string     `json:"reasons"`
	Signposts []signpostIn `json:"signposts"`
}

type signpostIn struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (c *conditionIn) UnmarshalJSON(b []byte) error {
	type plain conditionIn
	var p plain
	if err := strictDecode(b, &p); err != nil {
		return err
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return err
	}
	*c = conditionIn(p)
	c.present = map[string]bool{}
	for k := range keys {
		c.present[k] = true
	}
	return nil
}

func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// describeDecodeError turns a decoding error into a plain message.
func describeDecodeError(err error) (field, msg string) {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return "", fmt.Sprintf("not valid JSON (the problem is near character %d): %v", se.Offset, se)
	case errors.As(err, &te):
		return te.Field, fmt.Sprintf("has the wrong type: it is %s but must be %s", jsonValueName(te.Value), typeName(te.Type.String()))
	}
	if after, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return strings.Trim(after, `"`), "is not a field of the rules document; remove it or check its spelling"
	}
	return "", err.Error()
}

// jsonValueName words encoding/json's description of a value ("string",
// "number 5.5", "array").
func jsonValueName(v string) string {
	switch {
	case v == "string":
		return "text"
	case v == "bool":
		return "true or false"
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case strings.HasPrefix(v, "number"):
		return "the " + v
	}
	return v
}

func typeName(t string) string {
	switch strings.TrimLeft(t, "*") {
	case "int":
		return "a whole number"
	case "bool":
		return "true or false"
	case "string":
		return "text"
	}
	if strings.HasPrefix(t, "[]") {
		return "a list"
	}
	return "an object"
}

var (
	ruleIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	uuidPattern   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	validRoutes   = []string{RouteIST, RouteKSSWellbeing, RouteSignpost}
)

type validator struct {
	problems      []Problem
	signpostNames map[string]string // id -> name, across the document
	signpostWhere map[string]string // id -> where first seen
}

func (v *validator) add(rule, field, format string, args ...any) {
	v.problems = append(v.problems, Problem{Rule: rule, Field: field, Message: fmt.Sprintf(format, args...)})
}

// ParseRuleSet reads and fully validates a rules document (the format of
// rules/default.json; see the package documentation). Every problem found
// is reported in a *RuleSetError, each naming the rule and the field. A
// rule that can never decide anything (its conditions match no valid set
// of answers, or earlier rules already match everything it matches) is a
// problem too.
func ParseRuleSet(data []byte) (*RuleSet, error) {
	v := &validator{signpostNames: map[string]string{}, signpostWhere: map[string]string{}}
	fail := func() (*RuleSet, error) { return nil, &RuleSetError{Problems: v.problems} }

	// encoding/json reads bytes that are not UTF-8 as U+FFFD, so such a
	// document would parse; but Publish keeps the document exactly as
	// given, and PostgreSQL refuses to store it.
	if !utf8.Valid(data) {
		at := utf8.RuneCount(data[:firstInvalidUTF8(data)]) + 1
		v.add("", "", "the rules document is not UTF-8 text (the first character that is not is near character %d): save it as UTF-8, or retype that character", at)
		return fail()
	}
	var tree any
	if err := json.Unmarshal(data, &tree); err != nil {
		_, msg := describeDecodeError(err)
		v.add("", "", "the rules document is %s", msg)
		return fail()
	}
	if err := strictDecode(data, new(json.RawMessage)); err != nil {
		v.add("", "", "the rules document must be a single JSON object: %v", err)
		return fail()
	}
	top, ok := tree.(map[string]any)
	if !ok {
		v.add("", "", "the rules document must be a JSON object with version, rules and default")
		return fail()
	}
	v.unknownKeys("", top, documentSchema)
	if len(v.problems) > 0 {
		return fail()
	}
	var doc documentIn
	if err := strictDecode(data, &doc); err != nil {
		field, msg := describeDecodeError(err)
		v.add("", field, "%s", msg)
		return fail()
	}

	rs := &RuleSet{description: doc.Description}
	if doc.Version == nil {
		v.add("", "version", "is missing; give the rules version as a whole number, starting at 1")
	} else if *doc.Version < 1 {
		v.add("", "version", "must be 1 or more, not %d", *doc.Version)
	} else {
		rs.Version = *doc.Version
	}

	if len(doc.Rules) == 0 {
		v.add("", "rules", "is missing or empty; give at least one rule")
	}
	ids := map[string]int{}
	for i, raw := range doc.Rules {
		name := fmt.Sprintf("rules[%d]", i)
		var idOnly struct {
			ID any `json:"id"`
		}
		if json.Unmarshal(raw, &idOnly) == nil {
			if id, ok := idOnly.ID.(string); ok && id != "" {
				name = id
			}
		}
		var in ruleIn
		if !v.decodePart(name, raw, ruleSchema, &in) {
			continue
		}
		r, ok := v.rule(name, in)
		if in.ID != "" {
			if j, dup := ids[in.ID]; dup {
				v.add(name, "id", "is used by rules[%d] and rules[%d]; every rule needs its own id", j, i)
				ok = false
			} else {
				ids[in.ID] = i
			}
		}
		if ok {
			rs.rules = append(rs.rules, r)
		}
	}

	var def outcomeIn
	switch {
	case isNull(doc.Default):
		v.add(DefaultRuleID, "", "is missing; give the outcome to use when no rule matches")
	case v.decodePart(DefaultRuleID, doc.Default, outcomeSchema, &def):
		o, ok := v.outcome(DefaultRuleID, "", def)
		if ok && o.Eligible {
			v.add(DefaultRuleID, "eligible", "must be false: the default outcome applies to anyone, in any region, that no rule matched")
		}
		rs.fallback = o
	}

	if len(v.problems) == 0 {
		v.reachability(rs.rules)
	}
	if len(v.problems) > 0 {
		return fail()
	}
	return rs, nil
}

// firstInvalidUTF8 is the offset of the first byte of b that does not
// start a valid UTF-8 sequence.
func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// decodePart decodes one rule (or the default outcome), reporting unknown
// fields with their full path and wrong types, under the rule's name.
func (v *validator) decodePart(name string, raw json.RawMessage, s schema, out any) bool {
	before := len(v.problems)
	var tree any
	if err := json.Unmarshal(raw, &tree); err == nil {
		if m, ok := tree.(map[string]any); ok {
			v.unknownKeys(name, m, s)
		} else {
			v.add(name, "", "must be a JSON object")
		}
	}
	if len(v.problems) > before {
		return false
	}
	if err := strictDecode(raw, out); err != nil {
		field, msg := describeDecodeError(err)
		v.add(name, field, "%s", msg)
		return false
	}
	return true
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// schema lists the fields allowed in an object; a nil child is a value with
// no fields of its own checked here.
type schema map[string]schema

var (
	outcomeSchema = schema{
		"eligible": nil, "route": nil, "reasons": nil,
		"signposts": {"id": nil, "name": nil},
	}
	ruleSchema = schema{
		"id": nil, "description": nil,
		"when": {
			"region": nil, "profession": nil, "programme": nil,
			"band": {"min": nil, "max": nil}, "training_number": nil,
		},
		"outcome": outcomeSchema,
	}
	// Rules and the default are checked one by one, under their own names.
	documentSchema = schema{"version": nil, "description": nil, "rules": nil, "default": nil}
)

// unknownKeys reports every field of obj not allowed by s, with its path
// inside the rule, e.g. "outcome.signposts[1].url".
func (v *validator) unknownKeys(name string, obj map[string]any, s schema) {
	v.walk(name, "", obj, s)
}

func (v *validator) walk(name, path string, val any, s schema) {
	switch t := val.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			child, ok := s[k]
			if !ok {
				v.add(name, joinPath(path, k), "is not a field of the rules document; remove it or check its spelling")
				continue
			}
			if child != nil {
				v.walk(name, joinPath(path, k), t[k], child)
			}
		}
	case []any:
		for i, e := range t {
			v.walk(name, fmt.Sprintf("%s[%d]", path, i), e, s)
		}
	}
}

func (v *validator) rule(name string, in ruleIn) (Rule, bool) {
	before := len(v.problems)
	r := Rule{ID: in.ID, Description: in.Description}
	switch {
	case in.ID == "":
		v.add(name, "id", "is missing; give the rule a short id such as \"kss-foundation\"")
	case in.ID == DefaultRuleID:
		v.add(name, "id", "%q is kept for the default outcome; choose another id", DefaultRuleID)
	case !ruleIDPattern.MatchString(in.ID):
		v.add(name, "id", "must be lower-case letters, digits and single hyphens, such as \"kss-foundation\"")
	}

	if in.When == nil {
		v.add(name, "when", "is missing; give the conditions (use {} to match everyone)")
	} else {
		r.When = v.conditions(name, *in.When)
	}
	if in.Outcome == nil {
		v.add(name, "outcome", "is missing")
	} else {
		r.Outcome, _ = v.outcome(name, "outcome.", *in.Outcome)
		if in.When != nil {
			regions := in.When.Region
			if r.Outcome.Eligible && (len(regions) == 0 || !subset(regions, RegionLondon, RegionKSS)) {
				v.add(name, "when.region", "an eligible rule must be limited to regions %q and %q", RegionLondon, RegionKSS)
			}
			if r.Outcome.Route == RouteKSSWellbeing && (len(regions) == 0 || !subset(regions, RegionKSS)) {
				v.add(name, "when.region", "a rule with route %q must be limited to region %q", RouteKSSWellbeing, RegionKSS)
			}
		}
	}
	return r, len(v.problems) == before
}

func subset(list []string, allowed ...string) bool {
	for _, x := range list {
		if !slices.Contains(allowed, x) {
			return false
		}
	}
	return true
}

func (v *validator) list(name, field string, given bool, vals []string, known func(string) bool, what string) {
	if !given {
		return
	}
	if len(vals) == 0 {
		v.add(name, field, "is an empty list; leave the condition out to match any %s", what)
		return
	}
	seen := map[string]bool{}
	for i, x := range vals {
		f := fmt.Sprintf("%s[%d]", field, i)
		switch {
		case !known(x):
			v.add(name, f, "%s is not a known %s", shown(x), what)
		case seen[x]:
			v.add(name, f, "%q is listed twice", x)
		}
		seen[x] = true
	}
}

func (v *validator) conditions(name string, in conditionIn) Conditions {
	c := Conditions{Region: in.Region, Profession: in.Profession, Programme: in.Programme, TrainingNumber: in.TrainingNumber}
	v.list(name, "when.region", in.present["region"], in.Region, ValidRegion, "region")
	v.list(name, "when.profession", in.present["profession"], in.Profession, ValidProfession, "profession")
	v.list(name, "when.programme", in.present["programme"], in.Programme, anyProgramme, "programme")

	// Each programme must belong to one of the rule's professions.
	if len(in.Profession) > 0 {
		for i, p := range in.Programme {
			if !anyProgramme(p) {
				continue // already reported
			}
			ok := false
			for _, prof := range in.Profession {
				ok = ok || ValidProgramme(prof, p)
			}
			if !ok {
				v.add(name, fmt.Sprintf("when.programme[%d]", i), "%q is not a programme of any profession in this rule (%s)", p, strings.Join(in.Profession, ", "))
			}
		}
	}

	if in.present["band"] && in.Band == nil {
		v.add(name, "when.band", "is null; leave it out to match any band, or give {\"min\": 5, \"max\": 8}")
	}
	if in.Band != nil {
		switch {
		case in.Band.Min == nil || in.Band.Max == nil:
			v.add(name, "when.band", "needs both min and max, for example {\"min\": 5, \"max\": 8}")
		case *in.Band.Min < MinBand || *in.Band.Max > MaxBand || *in.Band.Min > *in.Band.Max:
			v.add(name, "when.band", "must run from a band of %d or more up to a band of %d or less, with min no more than max; got min %d, max %d", MinBand, MaxBand, *in.Band.Min, *in.Band.Max)
		default:
			c.Band = &BandRange{Min: *in.Band.Min, Max: *in.Band.Max}
		}
		if len(in.Profession) == 0 || !subset(in.Profession, ProfessionNurse, ProfessionAHP) {
			v.add(name, "when.band", "a band condition needs when.profession limited to %q and %q, the professions asked for a band", ProfessionNurse, ProfessionAHP)
		}
	}
	if in.present["training_number"] && in.TrainingNumber == nil {
		v.add(name, "when.training_number", "is null; leave it out to match either answer, or give true or false")
	}
	if in.TrainingNumber != nil && (len(in.Profession) == 0 || !subset(in.Profession, ProfessionDoctor, ProfessionDentist)) {
		v.add(name, "when.training_number", "a training_number condition needs when.profession limited to %q and %q, the professions asked about a training number", ProfessionDoctor, ProfessionDentist)
	}
	return c
}

func (v *validator) outcome(name, prefix string, in outcomeIn) (Outcome, bool) {
	before := len(v.problems)
	o := Outcome{Route: in.Route, Reasons: in.Reasons}
	if in.Eligible == nil {
		v.add(name, prefix+"eligible", "is missing; give true or false")
	} else {
		o.Eligible = *in.Eligible
	}
	switch {
	case in.Route == "":
		v.add(name, prefix+"route", "is missing; give one of %s", quoteList(validRoutes))
	case !slices.Contains(validRoutes, in.Route):
		v.add(name, prefix+"route", "%s is not a route; use one of %s", shown(in.Route), quoteList(validRoutes))
	case in.Eligible != nil && *in.Eligible && in.Route != RouteIST:
		v.add(name, prefix+"route", "an eligible outcome must have route %q, not %q", RouteIST, in.Route)
	case in.Eligible != nil && !*in.Eligible && in.Route == RouteIST:
		v.add(name, prefix+"route", "route %q is only for eligible outcomes; set eligible to true or choose %q", RouteIST, RouteSignpost)
	}
	if len(in.Reasons) == 0 {
		v.add(name, prefix+"reasons", "is missing or empty; give at least one plain-English sentence explaining the outcome")
	}
	for i, s := range in.Reasons {
		if strings.TrimSpace(s) == "" {
			v.add(name, fmt.Sprintf("%sreasons[%d]", prefix, i), "is empty; write the reason or remove it")
		}
	}
	seen := map[string]bool{}
	for i, s := range in.Signposts {
		f := fmt.Sprintf("%ssignposts[%d]", prefix, i)
		switch {
		case s.ID == "":
			v.add(name, f+".id", "is missing; give the directory service id")
		case !uuidPattern.MatchString(s.ID):
			v.add(name, f+".id", "%s is not a directory service id (a lower-case UUID)", shown(s.ID))
		case seen[s.ID]:
			v.add(name, f+".id", "%q is listed twice in this outcome", s.ID)
		}
		seen[s.ID] = true
		if strings.TrimSpace(s.Name) == "" {
			v.add(name, f+".name", "is empty; give the service name")
		} else if s.ID != "" {
			if prev, ok := v.signpostNames[s.ID]; ok && prev != s.Name {
				v.add(name, f+".name", "%q differs from %q given for the same id in %s", s.Name, prev, v.signpostWhere[s.ID])
			} else if !ok {
				v.signpostNames[s.ID] = s.Name
				v.signpostWhere[s.ID] = fmt.Sprintf("rule %q", name)
			}
		}
		o.Signposts = append(o.Signposts, Signpost(s))
	}
	return o.clone(), len(v.problems) == before
}

// reachability reports rules that never decide anything, by trying every
// valid set of answers.
func (v *validator) reachability(rules []Rule) {
	wins := make([]int, len(rules))
	for _, a := range allAnswers() {
		first := -1
		for i, r := range rules {
			if r.When.Matches(a) {
				first = i
				break
			}
		}
		if first >= 0 {
			wins[first]++
		}
	}
	for i, r := range rules {
		if wins[i] == 0 {
			v.add(r.ID, "when", "the rule can never apply: earlier rules already match every valid set of answers it matches; move it earlier, change its conditions or remove it")
		}
	}
}

// allAnswers lists every valid, complete set of answers. It is built once:
// the web checker asks Settled, which walks it, on every question, and
// the answer options never change while psu runs. Callers must not change
// what it returns.
var allAnswers = sync.OnceValue(listAnswers)

func listAnswers() []Answers {
	var out []Answers
	for _, r := range regionOptions {
		for _, p := range professionOptions {
			for _, g := range programmeOptions[p.Value] {
				base := Answers{Region: r.Value, Profession: p.Value, Programme: g.Value}
				switch {
				case UsesBand(p.Value):
					for b := MinBand; b <= MaxBand; b++ {
						a := base
						a.Band = &b
						out = append(out, a)
					}
				case UsesTrainingNumber(p.Value):
					for _, t := range []bool{true, false} {
						a := base
						a.TrainingNumber = &t
						out = append(out, a)
					}
				default:
					out = append(out, base)
				}
			}
		}
	}
	return out
}
