-- SQLite only, after 0004_front_door.sql: published rule sets never change.
CREATE TRIGGER eligibility_rule_sets_no_update BEFORE UPDATE ON eligibility_rule_sets
BEGIN SELECT RAISE(ABORT, 'eligibility_rule_sets: published versions never change'); END;
CREATE TRIGGER eligibility_rule_sets_no_delete BEFORE DELETE ON eligibility_rule_sets
BEGIN SELECT RAISE(ABORT, 'eligibility_rule_sets: published versions never change'); END;
