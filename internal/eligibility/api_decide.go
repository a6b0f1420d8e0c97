package eligibility

import (
	"errors"
	"io"
	"net/http"

	"github.com/psu-project/psu/internal/web"
)

// apiDecide is POST /api/v1/eligibility: the contract in doc.go. Every
// answer, right or wrong, gets JSON: 200 with the decision, 400
// {"error","field"} for a request to fix, 413 for a body over the route's
// limit, 429 when one address sends too many. The route takes the default
// body limit (web.DefaultMaxBody): a larger declared body is refused before
// this handler runs, and an undeclared one stops being read at the limit,
// so reading the body whole holds at most that.
func (s *Service) apiDecide(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ip := web.ClientIP(r, s.srv.Config.TrustedProxies).String()
	ok, retry, err := s.limiter.Allow(ctx, "eligibility-api:ip:"+ip, apiLimit)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	if !ok {
		web.RetryAfter(w, retry)
		writeJSON(w, http.StatusTooManyRequests, &FieldError{Field: "", Message: "Too many requests from your address in the last minute. Wait for the number of seconds in the Retry-After header, then send again."})
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeJSON(w, http.StatusRequestEntityTooLarge, &FieldError{Field: "", Message: "The request body is too large. Send one small JSON object with your answers."})
			return
		}
		writeJSON(w, http.StatusBadRequest, &FieldError{Field: "", Message: "The request body could not be read. Send it again."})
		return
	}
	a, ferr := ParseRequest(body)
	if ferr != nil {
		writeJSON(w, http.StatusBadRequest, ferr)
		return
	}
	d, err := s.rules.Decide(ctx, ChannelAPI, a)
	if err != nil {
		s.srv.ServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}
