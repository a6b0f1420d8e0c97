// Package keys re-seals psu's data under a new key (psu key rotate),
// retires old keys once nothing uses them (psu key retire), and checks that
// a database's sealed values open with a key file (psu restore).
//
// Only values sealed directly under the key file's keys are re-sealed. Case
// data sits under each case's own key; re-sealing cases.key_sealed (the
// case key, wrapped) moves all of it to the new key without touching it.
// Keyed hashes (Blind: e-mail lookups, name search, rate limits) use the
// blind-index key, which does not rotate, so they keep matching.
package keys

// Column is one column whose values are sealed under the key file's keys,
// each bound to the context Context + the row's id.
type Column struct {
	Table, ID, Name string
	Context         string
	// Batch is how many rows are re-sealed in one transaction: fewer where
	// a value can be a document of megabytes.
	Batch int
}

func (c Column) String() string { return c.Table + "." + c.Name }

// Sealed is every column sealed under the key file's keys. A test holds it
// to the schema: every byte column is here, in UnderCaseKeys or in
// NotSealed.
var Sealed = []Column{
	{"users", "id", "totp_secret", "users.totp:", 500},
	{"portal_accounts", "id", "totp_secret", "portal_accounts.totp:", 500},
	{"feedback", "id", "comments", "feedback.comments:", 500},
	{"cases", "id", "key_sealed", "cases.key:", 500},
	{"applications", "id", "answers", "applications.answers:", 200},
	{"application_drafts", "id", "answers", "application_drafts.answers:", 200},
	{"application_files", "id", "meta", "application_files.meta:", 500},
	{"application_file_contents", "file_id", "content", "application_file_contents.content:", 4},
	{"referrals", "id", "referrer_name", "referrals.referrer_name:", 500},
	{"referrals", "id", "referrer_role", "referrals.referrer_role:", 500},
	{"referrals", "id", "referrer_organisation", "referrals.referrer_organisation:", 500},
	{"referrals", "id", "referrer_email", "referrals.referrer_email:", 500},
	{"referrals", "id", "trainee_name", "referrals.trainee_name:", 500},
	{"referrals", "id", "trainee_email", "referrals.trainee_email:", 500},
	{"referrals", "id", "reason", "referrals.reason:", 500},
	{"outbox", "id", "recipient", "outbox.recipient:", 500},
	{"outbox", "id", "body", "outbox.body:", 200},
	{"outbox", "id", "calendar", "outbox.calendar:", 200},
	{"dir_reports", "id", "details", "dir_reports.details:", 500},
	{"dir_reports", "id", "contact", "dir_reports.contact:", 500},
}

// UnderCaseKeys are sealed under a case's own key, which the case's
// key_sealed wraps: a rotation leaves them as they are.
var UnderCaseKeys = []string{
	"cases.name_sealed", "cases.email_sealed",
	"case_events.sealed", "case_notes.body", "case_break_glass.reason",
	"appointments.details", "appointments.next_step",
	"plan_goals.title", "plan_actions.what", "plan_actions.who", "plan_services.service",
	"summary_drafts.discussed", "summary_drafts.agreed", "summary_drafts.preview",
	"summaries.content", "summaries.pdf", "consents.recipient_sealed",
	"erasure_requests.reason", "erasure_requests.answer",
}

// NotSealed are byte columns that are not sealed values. Session data is
// the session store's encoding; the one sealed value it may carry (a
// two-factor secret being set up, for minutes) fails to open after its key
// is retired, and the set-up page then simply shows a new secret.
var NotSealed = []string{"sessions.data", "adviser_bios.photo"}
