// Package audit appends to the audit log: who did what to which record, and
// when. Rows are never changed or deleted (the database refuses), and detail
// never carries sensitive text.
package audit

import (
	"context"
	"fmt"

	"github.com/psu-project/psu/internal/store"
)

// Event is one audit entry.
type Event struct {
	ActorID    string // empty for the system or a visitor
	ActorRole  string // "system", "visitor", or a staff role
	Action     string // e.g. "auth.sign_in"
	TargetType string
	TargetID   string
	Detail     string
}

// Record appends e, inside the caller's transaction when q is a *store.Tx,
// so the entry commits or rolls back with the change it describes.
func Record(ctx context.Context, q store.Querier, e Event) error {
	if e.ActorRole == "" {
		e.ActorRole = "visitor"
	}
	var actor any
	if e.ActorID != "" {
		actor = e.ActorID
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_id, actor_role, action, target_type, target_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, store.NewID(), store.Now(), actor, e.ActorRole, e.Action, e.TargetType, e.TargetID, e.Detail)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
