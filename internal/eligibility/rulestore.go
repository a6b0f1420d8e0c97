package eligibility

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/psu-project/psu/internal/store"
)

// Where a published rule set came from (eligibility_rule_sets.source).
const (
	SourceBuiltIn     = "built-in"
	SourceWeb         = "web"
	SourceCommandLine = "command-line"
)

// ErrNoRules means no rule set has been published yet; SeedDefault fixes it.
var ErrNoRules = errors.New("eligibility: no rule set has been published")

// VersionError means a new rules document does not carry the next version
// number: either it was edited from an old copy, or someone else published
// in the meantime.
type VersionError struct {
	Want, Got int
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("the new rules must have \"version\": %d (the version in use is %d), but the document says %d. Set \"version\" to %d and publish again.", e.Want, e.Want-1, e.Got, e.Want)
}

// Published is one stored version of the rules.
type Published struct {
	Version     int
	Document    []byte // exactly as published
	PublishedAt time.Time
	PublishedBy string // the member of staff's name; "" for built-in or command-line
	Source      string
	Decisions   int // decisions made with this version (Versions only)
}

// SeedDefault stores the embedded default rules as version 1 when no rules
// have been published. Several instances may start at once: the primary key
// keeps one copy.
func SeedDefault(ctx context.Context, db *store.DB) error {
	return db.Tx(ctx, func(tx *store.Tx) error {
		var n int
		if err := store.Scan(tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM eligibility_rule_sets`), &n); err != nil {
			return fmt.Errorf("eligibility: seed rules: %w", err)
		}
		if n > 0 {
			return nil
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO eligibility_rule_sets (version, document, published_at, source)
			VALUES (?, ?, ?, ?) ON CONFLICT (version) DO NOTHING`,
			Default().Version, string(DefaultJSON()), store.Now(), SourceBuiltIn)
		if err != nil {
			return fmt.Errorf("eligibility: seed rules: %w", err)
		}
		return nil
	})
}

// Publish validates doc and stores it as the next version, inside tx. A
// document with problems returns *RuleSetError listing them all; one whose
// version is not the next returns *VersionError. userID is the member of
// staff publishing ("" from the command line).
func Publish(ctx context.Context, tx *store.Tx, doc []byte, source, userID string) (*RuleSet, error) {
	doc = bytes.TrimSpace(doc)
	rs, err := ParseRuleSet(doc)
	if err != nil {
		return nil, err
	}
	current, err := currentVersion(ctx, tx)
	if err != nil {
		return nil, err
	}
	if rs.Version != current+1 {
		return nil, &VersionError{Want: current + 1, Got: rs.Version}
	}
	var by any
	if userID != "" {
		by = userID
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO eligibility_rule_sets (version, document, published_at, published_by, source)
		VALUES (?, ?, ?, ?, ?)`, rs.Version, string(doc), store.Now(), by, source)
	if errors.Is(err, store.ErrConflict) {
		// Someone published this version between our read and our write.
		return nil, &VersionError{Want: current + 2, Got: rs.Version}
	}
	if err != nil {
		return nil, fmt.Errorf("eligibility: publish rules: %w", err)
	}
	return rs, nil
}

func currentVersion(ctx context.Context, q store.Querier) (int, error) {
	var v int
	if err := store.Scan(q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM eligibility_rule_sets`), &v); err != nil {
		return 0, fmt.Errorf("eligibility: current rules version: %w", err)
	}
	return v, nil
}

// LoadPublished reads one version as stored. A version that does not exist
// is store.ErrNotFound.
func LoadPublished(ctx context.Context, q store.Querier, version int) (Published, error) {
	var p Published
	var doc string
	err := store.Scan(q.QueryRowContext(ctx, `SELECT r.version, r.document, r.published_at, COALESCE(u.name, ''), r.source
		FROM eligibility_rule_sets r LEFT JOIN users u ON u.id = r.published_by WHERE r.version = ?`, version),
		&p.Version, &doc, &p.PublishedAt, &p.PublishedBy, &p.Source)
	if err != nil {
		return Published{}, fmt.Errorf("eligibility: rules version %d: %w", version, err)
	}
	p.Document = []byte(doc)
	return p, nil
}

// LoadCurrent reads the version in use; ErrNoRules when there is none.
func LoadCurrent(ctx context.Context, q store.Querier) (Published, error) {
	v, err := currentVersion(ctx, q)
	if err != nil {
		return Published{}, err
	}
	if v == 0 {
		return Published{}, ErrNoRules
	}
	return LoadPublished(ctx, q, v)
}

// Versions lists every published version, newest first, with how many
// decisions each has made.
func Versions(ctx context.Context, q store.Querier) ([]Published, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.version, r.published_at, COALESCE(u.name, ''), r.source,
			(SELECT COUNT(*) FROM eligibility_decisions d WHERE d.rule_version = r.version)
		FROM eligibility_rule_sets r LEFT JOIN users u ON u.id = r.published_by
		ORDER BY r.version DESC`)
	if err != nil {
		return nil, fmt.Errorf("eligibility: list rule versions: %w", err)
	}
	defer rows.Close()
	var out []Published
	for rows.Next() {
		var p Published
		if err := rows.Scan(&p.Version, &p.PublishedAt, &p.PublishedBy, &p.Source, &p.Decisions); err != nil {
			return nil, fmt.Errorf("eligibility: list rule versions: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("eligibility: list rule versions: %w", err)
	}
	return out, nil
}

// Rules hands out parsed rule sets. A published version never changes, so
// parsed versions are kept by number; which version is current is asked of
// the database every time, so every instance switches the moment a new
// version is published.
type Rules struct {
	db *store.DB

	mu     sync.RWMutex
	parsed map[int]*RuleSet
}

// NewRules returns a Rules reading from db.
func NewRules(db *store.DB) *Rules {
	return &Rules{db: db, parsed: map[int]*RuleSet{}}
}

// Current returns the rule set in use.
func (r *Rules) Current(ctx context.Context) (*RuleSet, error) {
	v, err := currentVersion(ctx, r.db)
	if err != nil {
		return nil, err
	}
	if v == 0 {
		return nil, ErrNoRules
	}
	return r.Version(ctx, v)
}

// Version returns one published version; store.ErrNotFound if there is no
// such version.
func (r *Rules) Version(ctx context.Context, v int) (*RuleSet, error) {
	r.mu.RLock()
	rs, ok := r.parsed[v]
	r.mu.RUnlock()
	if ok {
		return rs, nil
	}
	p, err := LoadPublished(ctx, r.db, v)
	if err != nil {
		return nil, err
	}
	rs, err = ParseRuleSet(p.Document)
	if err != nil {
		return nil, fmt.Errorf("eligibility: stored rules version %d no longer parse: %w", v, err)
	}
	if rs.Version != v {
		return nil, fmt.Errorf("eligibility: stored rules version %d say they are version %d", v, rs.Version)
	}
	r.mu.Lock()
	r.parsed[v] = rs
	r.mu.Unlock()
	return rs, nil
}

// Channels a decision can come through (eligibility_decisions.channel).
const (
	ChannelWeb = "web"
	ChannelAPI = "api"
)

// RecordDecision stores one decision with the rule and version that made
// it, and the categorical answers. Nothing identifying is stored.
func RecordDecision(ctx context.Context, q store.Querier, channel string, a Answers, d Decision) error {
	var band, tn any
	if a.Band != nil {
		band = *a.Band
	}
	if a.TrainingNumber != nil {
		tn = *a.TrainingNumber
	}
	_, err := q.ExecContext(ctx, `INSERT INTO eligibility_decisions
		(id, decided_at, channel, rule_version, rule_id, eligible, route, region, profession, programme, band, training_number)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		store.NewID(), store.Now(), channel, d.RuleVersion, d.RuleID, d.Eligible, d.Route, a.Region, a.Profession, a.Programme, band, tn)
	if err != nil {
		return fmt.Errorf("eligibility: record decision: %w", err)
	}
	return nil
}

// Decide applies the rules in use to a and records the decision: the one
// implementation behind the web checker and the API.
func (r *Rules) Decide(ctx context.Context, channel string, a Answers) (Decision, error) {
	if e := a.Validate(); e != nil {
		return Decision{}, e
	}
	rs, err := r.Current(ctx)
	if err != nil {
		return Decision{}, err
	}
	d := rs.Decide(a)
	if err := RecordDecision(ctx, r.db, channel, a, d); err != nil {
		return Decision{}, err
	}
	return d, nil
}

// DecideSettled is Decide for the web checker part way through: when the
// rules in use have already decided for the answers given so far (see
// RuleSet.Settled), it records that decision, with the questions not
// asked left empty, and returns it with true. Otherwise it records nothing
// and returns false.
func (r *Rules) DecideSettled(ctx context.Context, channel string, a Answers) (Decision, bool, error) {
	rs, err := r.Current(ctx)
	if err != nil {
		return Decision{}, false, err
	}
	d, ok := rs.Settled(a)
	if !ok {
		return Decision{}, false, nil
	}
	if err := RecordDecision(ctx, r.db, channel, a, d); err != nil {
		return Decision{}, false, err
	}
	return d, true, nil
}
