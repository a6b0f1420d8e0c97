-- The reports keep each month's figures instead of recounting a year of
-- cases on every view (issue 12). A month's figures are good for as long as
-- its version here is unchanged: every change to what a report reads bumps
-- the version of each month the changed row is counted under, old values
-- and new. The triggers below do that for every writer, so several psu
-- processes on one database, and any path that writes cases, stay right.
CREATE TABLE report_versions (
	month TEXT PRIMARY KEY,
	v BIGINT NOT NULL
);

-- Bumps each month named once, in order (so two writers lock them in the
-- same order).
CREATE FUNCTION report_touch(VARIADIC ms TEXT[]) RETURNS void LANGUAGE sql AS $$
	INSERT INTO report_versions (month, v)
	SELECT DISTINCT m, 1 FROM unnest(ms) AS m WHERE m IS NOT NULL ORDER BY m
	ON CONFLICT (month) DO UPDATE SET v = report_versions.v + 1
$$;

-- The month of a case's first session.
CREATE FUNCTION report_first_session(c TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
	SELECT to_char(MIN(starts_at), 'YYYY-MM') FROM appointments WHERE case_id = c AND status = 'attended'
$$;

CREATE FUNCTION report_month(t TIMESTAMP) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
	SELECT to_char(t, 'YYYY-MM')
$$;

-- A case counts under the months it opened, its application arrived, it was
-- first answered, it closed or last changed status, and its first session.
CREATE FUNCTION cases_report_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ms TEXT[] := ARRAY[]::TEXT[];
BEGIN
	IF TG_OP <> 'INSERT' THEN
		ms := ms || ARRAY[report_month(OLD.opened_at), report_month(OLD.submitted_at), report_month(OLD.responded_at),
			report_month(OLD.closed_at), report_month(OLD.status_at), report_first_session(OLD.id)];
	END IF;
	IF TG_OP <> 'DELETE' THEN
		ms := ms || ARRAY[report_month(NEW.opened_at), report_month(NEW.submitted_at), report_month(NEW.responded_at),
			report_month(NEW.closed_at), report_month(NEW.status_at), report_first_session(NEW.id)];
	END IF;
	PERFORM report_touch(VARIADIC ms);
	RETURN NULL;
END $$;
CREATE TRIGGER cases_report AFTER INSERT OR DELETE OR UPDATE OF status, status_at, opened_at, submitted_at, response_due,
	responded_at, clock_paused_at, assigned_to, outcome, closed_at, profession, region, programme
	ON cases FOR EACH ROW EXECUTE FUNCTION cases_report_touch();

-- What is happening counts under the case's opening month.
CREATE FUNCTION case_topics_report_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ms TEXT[] := ARRAY[]::TEXT[];
BEGIN
	IF TG_OP <> 'INSERT' THEN ms := ms || report_month(OLD.opened_at); END IF;
	IF TG_OP <> 'DELETE' THEN ms := ms || report_month(NEW.opened_at); END IF;
	PERFORM report_touch(VARIADIC ms);
	RETURN NULL;
END $$;
CREATE TRIGGER case_topics_report AFTER INSERT OR UPDATE OR DELETE ON case_topics
	FOR EACH ROW EXECUTE FUNCTION case_topics_report_touch();

-- An appointment changes the appointment target (counted under the month
-- of first contact) and the summary target (under the first session's).
CREATE FUNCTION appointments_report_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ms TEXT[] := ARRAY[]::TEXT[];
BEGIN
	IF TG_OP <> 'INSERT' THEN
		ms := ms || ARRAY[report_month(OLD.starts_at), report_first_session(OLD.case_id),
			(SELECT report_month(responded_at) FROM cases WHERE id = OLD.case_id)];
	END IF;
	IF TG_OP <> 'DELETE' THEN
		ms := ms || ARRAY[report_month(NEW.starts_at), report_first_session(NEW.case_id),
			(SELECT report_month(responded_at) FROM cases WHERE id = NEW.case_id)];
	END IF;
	PERFORM report_touch(VARIADIC ms);
	RETURN NULL;
END $$;
CREATE TRIGGER appointments_report AFTER INSERT OR DELETE OR UPDATE OF case_id, starts_at, status
	ON appointments FOR EACH ROW EXECUTE FUNCTION appointments_report_touch();

-- A summary changes the summary target, under the first session's month.
CREATE FUNCTION summaries_report_touch() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ms TEXT[] := ARRAY[]::TEXT[];
BEGIN
	IF TG_OP <> 'INSERT' THEN ms := ms || report_first_session(OLD.case_id); END IF;
	IF TG_OP <> 'DELETE' THEN ms := ms || report_first_session(NEW.case_id); END IF;
	PERFORM report_touch(VARIADIC ms);
	RETURN NULL;
END $$;
CREATE TRIGGER summaries_report AFTER INSERT OR DELETE OR UPDATE OF case_id, issued_at
	ON summaries FOR EACH ROW EXECUTE FUNCTION summaries_report_touch();

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
CREATE INDEX cases_ended ON cases ((COALESCE(closed_at, status_at)), status, assigned_to, profession, region)
	WHERE status IN ('closed', 'withdrawn', 'not_eligible');
