INSERT INTO dir_entries (id, kind, name, sort_name, organization_id, state, version, checked_on, edited, updated_at)
	SELECT s.id, 'service', s.name, s.sort_name, s.organization_id, 'shown', 1,
		COALESCE(json_extract(d.doc, '$.assured_date'), ''), FALSE, s.last_modified
	FROM dir_services s JOIN dir_service_docs d ON d.service_rid = s.rid;
INSERT INTO dir_versions (entry_id, version, state, doc, action, note, actor_id, at)
	SELECT s.id, 1, 'shown', d.doc, 'baseline', '', NULL, s.last_modified
	FROM dir_services s JOIN dir_service_docs d ON d.service_rid = s.rid;
