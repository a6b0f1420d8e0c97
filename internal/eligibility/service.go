package eligibility

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/psu-project/psu/internal/ratelimit"
	"github.com/psu-project/psu/internal/web"
)

//go:embed templates/*.html
var templates embed.FS

// Session keys. KeyAnswers and KeyDecision are set together when the web
// checker reaches a decision and removed together when an answer changes;
// the application reads them to carry the answers over.
const (
	// KeyAnswers holds the JSON encoding of the final Answers.
	KeyAnswers = "eligibility.answers"
	// KeyDecision holds the JSON encoding of a SessionDecision.
	KeyDecision = "eligibility.decision"
	// keyProgress holds the answers given so far, while the checker runs.
	keyProgress = "eligibility.progress"
	keyFlash    = "eligibility.flash"
)

// SessionDecision is the decision kept in the session under KeyDecision.
type SessionDecision struct {
	RuleID      string `json:"rule_id"`
	RuleVersion int    `json:"rule_version"`
	Eligible    bool   `json:"eligible"`
	Route       string `json:"route"`
}

// FromSession returns the checker's final answers and decision, if the
// person has finished the check in this session. The answers are complete,
// or stop at the question where the rules had already decided: questions
// that would not have changed the decision are not asked (RuleSet.Settled),
// so their answers are empty.
func FromSession(ctx context.Context, sm *scs.SessionManager) (Answers, SessionDecision, bool) {
	var a Answers
	var d SessionDecision
	if json.Unmarshal([]byte(sm.GetString(ctx, KeyAnswers)), &a) != nil ||
		json.Unmarshal([]byte(sm.GetString(ctx, KeyDecision)), &d) != nil ||
		d.RuleVersion == 0 || !a.answeredSoFar() || !ValidRegion(a.Region) {
		return Answers{}, SessionDecision{}, false
	}
	return a, d, true
}

// apiLimit keeps one address from filling the decisions table; a system
// checking people one by one stays far below it.
var apiLimit = ratelimit.Limit{N: 300, Window: time.Minute}

// Service holds the checker's, the API's and the rules pages' dependencies.
type Service struct {
	srv     *web.Server
	rules   *Rules
	limiter *ratelimit.Limiter
}

// Register stores the built-in rules as version 1 if no rules exist yet,
// and adds the checker, the API, the "who can apply" page and the rules
// administration pages to srv.
func Register(ctx context.Context, srv *web.Server, limiter *ratelimit.Limiter) error {
	sub, _ := fs.Sub(templates, "templates")
	if err := srv.AddPages("eligibility", sub); err != nil {
		return err
	}
	if err := SeedDefault(ctx, srv.DB); err != nil {
		return err
	}
	s := &Service{srv: srv, rules: NewRules(srv.DB), limiter: limiter}
	r := srv.Router
	r.Handle("GET /eligibility", web.Public, s.start)
	r.Handle("GET /eligibility/{question}", web.Public, s.questionForm)
	r.Handle("POST /eligibility/{question}", web.Public, s.answer)
	r.Handle("GET /eligibility/result", web.Public, s.result)
	r.Handle("POST /api/v1/eligibility", web.Public, s.apiDecide)
	r.Handle("GET /who-can-apply", web.Public, s.whoCanApply)
	r.Handle("GET /admin/eligibility", web.Administrator, s.rulesAdmin)
	r.Handle("POST /admin/eligibility", web.Administrator, s.publishRules)
	r.Handle("GET /admin/eligibility/versions/{version}", web.Administrator, s.rulesVersion)
	return nil
}

// progress returns the answers given so far in this session.
func (s *Service) progress(ctx context.Context) Answers {
	var a Answers
	if b := s.srv.Sessions.GetString(ctx, keyProgress); b != "" {
		if json.Unmarshal([]byte(b), &a) != nil {
			return Answers{}
		}
	}
	return a.Prune()
}

func (s *Service) putJSON(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("eligibility: session %s: %w", key, err)
	}
	s.srv.Sessions.Put(ctx, key, string(b))
	return nil
}

// writeJSON writes v without HTML escaping, so "&" in a service name stays
// "&" for the systems that read the API.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"Sorry, there is a problem with the service. Try again later.","field":""}` + "\n")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
