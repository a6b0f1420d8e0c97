-- PostgreSQL only, after 0004_front_door.sql: published rule sets never change.
CREATE FUNCTION eligibility_rule_sets_unchanging() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'eligibility_rule_sets: published versions never change'; END $$;
CREATE TRIGGER eligibility_rule_sets_no_change BEFORE UPDATE OR DELETE ON eligibility_rule_sets
FOR EACH ROW EXECUTE FUNCTION eligibility_rule_sets_unchanging();
