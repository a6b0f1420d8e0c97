-- The counts the queue page, the staff home and the assign form make on
-- every view read only the cases they count. Each index's condition is
-- written exactly as the queries write theirs, which SQLite needs in order
-- to use a partial index.
--
-- Open cases per adviser (caseloads, "my cases").
CREATE INDEX cases_open_assigned ON cases (assigned_to)
	WHERE status NOT IN ('closed', 'withdrawn', 'not_eligible', 'merged');
-- First-response clocks still running (overdue, due soon).
CREATE INDEX cases_clock_running ON cases (response_due, assigned_to)
	WHERE status = 'new' AND responded_at IS NULL AND clock_paused_at IS NULL AND response_due IS NOT NULL;
-- New cases nobody has been given, and referrers' notices waiting for an
-- application, counted from the index alone.
CREATE INDEX cases_status_assigned ON cases (status, assigned_to);
