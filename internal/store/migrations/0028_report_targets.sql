-- The reports' targets and caseload (issue 12) read a year of cases: each
-- index below holds every column its report reads, so SQLite scans the
-- index rather than the case rows (which carry the sealed name, address
-- and key).
--
-- First response: cases by when the application arrived.
CREATE INDEX cases_reports_submitted ON cases (submitted_at, status, responded_at, response_due, clock_paused_at, assigned_to);
-- Appointment: cases by first contact.
CREATE INDEX cases_reports_responded ON cases (responded_at, status, assigned_to, id);
-- Caseload: open, new and ended cases by opening.
CREATE INDEX cases_reports_caseload ON cases (opened_at, status, assigned_to, closed_at, status_at);
-- A case's first appointment not cancelled, and its first attended one.
CREATE INDEX appointments_reports ON appointments (case_id, starts_at, status);
CREATE INDEX appointments_attended ON appointments (case_id, starts_at) WHERE status = 'attended';
