-- Reports count a year of cases by label and month: one index holds every
-- column they read, so no case row is visited.
CREATE INDEX cases_reports_opened ON cases (opened_at, status, profession, region, programme, submitted_at);
CREATE INDEX cases_reports_closed ON cases (closed_at, status, outcome) WHERE closed_at IS NOT NULL;
