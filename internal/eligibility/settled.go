package eligibility

// Settled reports whether the rules have already decided for a person who
// has answered some of the questions, in order (see Answers.answeredSoFar):
// every complete set of answers that begins with theirs is decided by the
// same rule. It then returns that decision, so the web checker can skip
// the questions that would not change it. Complete answers are always
// settled. A nil RuleSet means Default().
func (rs *RuleSet) Settled(a Answers) (Decision, bool) {
	if rs == nil {
		rs = Default()
	}
	if !a.answeredSoFar() {
		return Decision{}, false
	}
	if NextQuestion(a) == "" {
		return rs.Decide(a), true
	}
	var d Decision
	found := false
	for _, c := range allAnswers() {
		if !extends(c, a) {
			continue
		}
		cd := rs.Decide(c)
		if found && cd.RuleID != d.RuleID {
			return Decision{}, false
		}
		d, found = cd, true
	}
	return d, found
}

// extends reports whether the complete answers c agree with every answer
// given in a.
func extends(c, a Answers) bool {
	switch {
	case a.Region != "" && c.Region != a.Region,
		a.Profession != "" && c.Profession != a.Profession,
		a.Programme != "" && c.Programme != a.Programme,
		a.Band != nil && (c.Band == nil || *c.Band != *a.Band),
		a.TrainingNumber != nil && (c.TrainingNumber == nil || *c.TrainingNumber != *a.TrainingNumber):
		return false
	}
	return true
}
