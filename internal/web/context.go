package web

import (
	"context"
	"net/http"
)

type principalKey struct{}

// PrincipalFrom returns who is making r (a visitor if nobody is signed in).
func PrincipalFrom(r *http.Request) Principal {
	p, _ := r.Context().Value(principalKey{}).(Principal)
	return p
}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}
