-- The reports keep each month's figures instead of recounting a year of
-- cases on every view (issue 12). A month's figures are good for as long as
-- its version here is unchanged: every change to what a report reads bumps
-- the version of each month the changed row is counted under, old values
-- and new. The triggers below do that for every writer, so several psu
-- processes on one database, and any path that writes cases, stay right.
CREATE TABLE report_versions (
	month TEXT PRIMARY KEY,
	v INTEGER NOT NULL
);

-- A case counts under the months it opened, its application arrived, it was
-- first answered, it closed or last changed status, and its first session.
CREATE TRIGGER cases_report_insert AFTER INSERT ON cases BEGIN
	INSERT INTO report_versions (month, v)
	SELECT m, 1 FROM (
		SELECT substr(NEW.opened_at, 1, 7) AS m UNION SELECT substr(NEW.submitted_at, 1, 7)
		UNION SELECT substr(NEW.responded_at, 1, 7) UNION SELECT substr(NEW.closed_at, 1, 7)
		UNION SELECT substr(NEW.status_at, 1, 7)
	) WHERE m IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER cases_report_update AFTER UPDATE OF status, status_at, opened_at, submitted_at, response_due,
	responded_at, clock_paused_at, assigned_to, outcome, closed_at, profession, region, programme ON cases BEGIN
	INSERT INTO report_versions (month, v)
	SELECT m, 1 FROM (
		SELECT substr(NEW.opened_at, 1, 7) AS m UNION SELECT substr(NEW.submitted_at, 1, 7)
		UNION SELECT substr(NEW.responded_at, 1, 7) UNION SELECT substr(NEW.closed_at, 1, 7)
		UNION SELECT substr(NEW.status_at, 1, 7)
		UNION SELECT substr(OLD.opened_at, 1, 7) UNION SELECT substr(OLD.submitted_at, 1, 7)
		UNION SELECT substr(OLD.responded_at, 1, 7) UNION SELECT substr(OLD.closed_at, 1, 7)
		UNION SELECT substr(OLD.status_at, 1, 7)
		UNION SELECT substr(MIN(starts_at), 1, 7) FROM appointments WHERE case_id = NEW.id AND status = 'attended'
	) WHERE m IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER cases_report_delete AFTER DELETE ON cases BEGIN
	INSERT INTO report_versions (month, v)
	SELECT m, 1 FROM (
		SELECT substr(OLD.opened_at, 1, 7) AS m UNION SELECT substr(OLD.submitted_at, 1, 7)
		UNION SELECT substr(OLD.responded_at, 1, 7) UNION SELECT substr(OLD.closed_at, 1, 7)
		UNION SELECT substr(OLD.status_at, 1, 7)
	) WHERE m IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;

-- What is happening counts under the case's opening month.
CREATE TRIGGER case_topics_report_insert AFTER INSERT ON case_topics BEGIN
	INSERT INTO report_versions (month, v) SELECT substr(NEW.opened_at, 1, 7), 1 WHERE NEW.opened_at IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER case_topics_report_update AFTER UPDATE ON case_topics BEGIN
	INSERT INTO report_versions (month, v)
	SELECT m, 1 FROM (SELECT substr(NEW.opened_at, 1, 7) AS m UNION SELECT substr(OLD.opened_at, 1, 7)) WHERE m IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER case_topics_report_delete AFTER DELETE ON case_topics BEGIN
	INSERT INTO report_versions (month, v) SELECT substr(OLD.opened_at, 1, 7), 1 WHERE OLD.opened_at IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;

-- An appointment changes the appointment target (counted under the month
-- of first contact) and the summary target (under the first session's).
CREATE TRIGGER appointments_report_insert AFTER INSERT ON appointments BEGIN
	INSERT INTO report_versions (month, v)
	SELECT m, 1 FROM (
		SELECT substr(NEW.starts_at, 1, 7) AS m
		UNION SELECT substr(responded_at, 1, 7) FROM cases WHERE id = NEW.case_id
		UNION SELECT substr(MIN(starts_at), 1, 7) FROM appointments WHERE case_id = NEW.case_id AND status = 'attended'
	) WHERE m IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER appointments_report_update AFTER UPDATE OF case_id, starts_at, status ON appointments BEGIN
	INSERT INTO report_versions (month, v)
	SELECT m, 1 FROM (
		SELECT substr(NEW.starts_at, 1, 7) AS m UNION SELECT substr(OLD.starts_at, 1, 7)
		UNION SELECT substr(responded_at, 1, 7) FROM cases WHERE id IN (NEW.case_id, OLD.case_id)
		UNION SELECT substr(MIN(starts_at), 1, 7) FROM appointments WHERE case_id = NEW.case_id AND status = 'attended'
		UNION SELECT substr(MIN(starts_at), 1, 7) FROM appointments WHERE case_id = OLD.case_id AND status = 'attended'
	) WHERE m IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER appointments_report_delete AFTER DELETE ON appointments BEGIN
	INSERT INTO report_versions (month, v)
	SELECT m, 1 FROM (
		SELECT substr(OLD.starts_at, 1, 7) AS m
		UNION SELECT substr(responded_at, 1, 7) FROM cases WHERE id = OLD.case_id
		UNION SELECT substr(MIN(starts_at), 1, 7) FROM appointments WHERE case_id = OLD.case_id AND status = 'attended'
	) WHERE m IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;

-- A summary changes the summary target, under the first session's month.
CREATE TRIGGER summaries_report_insert AFTER INSERT ON summaries BEGIN
	INSERT INTO report_versions (month, v)
	SELECT m, 1 FROM (SELECT substr(MIN(starts_at), 1, 7) AS m FROM appointments WHERE case_id = NEW.case_id AND status = 'attended')
	WHERE m IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER summaries_report_update AFTER UPDATE OF case_id, issued_at ON summaries BEGIN
	INSERT INTO report_versions (month, v)
	SELECT m, 1 FROM (
		SELECT substr(MIN(starts_at), 1, 7) AS m FROM appointments WHERE case_id = NEW.case_id AND status = 'attended'
		UNION SELECT substr(MIN(starts_at), 1, 7) FROM appointments WHERE case_id = OLD.case_id AND status = 'attended'
	) WHERE m IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;
CREATE TRIGGER summaries_report_delete AFTER DELETE ON summaries BEGIN
	INSERT INTO report_versions (month, v)
	SELECT m, 1 FROM (SELECT substr(MIN(starts_at), 1, 7) AS m FROM appointments WHERE case_id = OLD.case_id AND status = 'attended')
	WHERE m IS NOT NULL
	ON CONFLICT (month) DO UPDATE SET v = v + 1;
END;

-- A month is counted again from indexes holding every column its count
-- reads (with the profession and region the reports filter by), so no
-- case row, with its sealed fields, is visited. These replace the
-- narrower indexes of 0019 and 0028.
DROP INDEX cases_reports_closed;
DROP INDEX cases_reports_submitted;
DROP INDEX cases_reports_responded;
DROP INDEX cases_reports_caseload;
CREATE INDEX cases_facts_closed ON cases (closed_at, status, outcome, profession, region, opened_at) WHERE closed_at IS NOT NULL;
CREATE INDEX cases_facts_submitted ON cases (submitted_at, status, responded_at, response_due, clock_paused_at, assigned_to, profession, region);
CREATE INDEX cases_facts_responded ON cases (responded_at, status, assigned_to, profession, region, id);
CREATE INDEX cases_facts_opened ON cases (opened_at, status, assigned_to, profession, region);
-- Cases that ended, by when they ended, for the caseload.
CREATE INDEX cases_ended ON cases (COALESCE(closed_at, status_at), status, assigned_to, profession, region)
	WHERE status IN ('closed', 'withdrawn', 'not_eligible');
