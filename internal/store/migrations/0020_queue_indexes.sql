-- The queue's clock filters read their first page in order from an index
-- of their own, instead of sorting every case that matches. Each index's
-- condition is written exactly as the queue writes its own, which SQLite
-- needs in order to use a partial index.
--
-- First-response clocks still running, newest first (overdue, due soon, on
-- track); the due date is in the index so the filter reads no case row.
CREATE INDEX cases_running_opened ON cases (status, opened_at, id, response_due)
	WHERE status = 'new' AND responded_at IS NULL AND clock_paused_at IS NULL AND response_due IS NOT NULL;
-- Clocks paused.
CREATE INDEX cases_paused_opened ON cases (status, opened_at, id)
	WHERE status = 'new' AND responded_at IS NULL AND clock_paused_at IS NOT NULL;
-- First replies sent after their due date.
CREATE INDEX cases_late_opened ON cases (opened_at, id)
	WHERE responded_at IS NOT NULL AND responded_at > response_due;
-- Reviews: the plan carries its case's opening time, as case_topics does,
-- so "review due" reads in the queue's order from the plans' own index.
ALTER TABLE plans ADD COLUMN opened_at TIMESTAMP;
UPDATE plans SET opened_at = (SELECT opened_at FROM cases WHERE cases.id = plans.case_id);
CREATE INDEX plans_review_opened ON plans (opened_at, case_id, review_due) WHERE review_due IS NOT NULL;
-- The due dates' own index led SQLite to read every due review and sort
-- them; nothing else reads it.
DROP INDEX plans_review_due;
