// Package eligibility decides who can refer themselves to the Individual
// Support Team (IST) of the Professional Support Unit for London and Kent,
// Surrey and Sussex (KSS), and where to point everyone else.
//
// The rules engine (rules.go, request.go, answers.go, values.go,
// summary.go) is pure Go: no database and no HTTP. The API parses a body
// with ParseRequest, the web checker gathers answers page by page with
// Answers.Set and NextQuestion, and both decide through Rules.Decide, which
// applies the rule set in use and records the decision.
//
// Around the engine (Register): the one-question-per-page checker at
// /eligibility, which asks only what decides: after each answer it goes
// straight to the result once every possible set of remaining answers
// would be decided by the same rule (RuleSet.Settled), and it answers a
// question with a single possible answer itself; POST /api/v1/eligibility,
// the /who-can-apply page written from the rules in use, and
// /admin/eligibility, where administrators
// publish a new version of the rules (also psu eligibility rules import).
// Published versions are kept in eligibility_rule_sets and never change;
// the highest is in use; version 1 is rules/default.json, stored at first
// start. Every decision is kept in eligibility_decisions with its rule id
// and version and the categorical answers, and nothing that identifies a
// person. When the checker finishes, the session holds KeyAnswers and
// KeyDecision (see FromSession) for the application to carry over.
//
// # Request
//
//	{"region": "london", "profession": "doctor", "programme": "core",
//	 "training_number": true}
//
// The fields are region, profession, programme, band and training_number;
// nothing else is allowed and names are case-sensitive. Values are listed
// by Regions, Professions, Programmes(profession) and Bands.
//
//   - region, profession, programme: required text; programme must be one
//     of the profession's programmes (Programmes).
//   - band: a whole number 1 to 9 (8 covers 8a to 8d). Required for
//     "nurse" and "allied-health-professional"; must be absent or null for
//     everyone else.
//   - training_number: true or false. Required for "doctor" and "dentist",
//     whatever their programme; must be absent or null for everyone else.
//   - JSON null counts as absent. A field given twice is an error.
//
// Errors are *FieldError, whose JSON is {"error": "...", "field": "..."};
// field is "" only when the body is not JSON (or not a JSON object).
//
// # Response
//
//	{"eligible": true, "route": "ist", "reasons": ["..."],
//	 "signposts": [{"id": "...", "name": "Individual Support Team"}]}
//
// route is "ist" (eligible), "kss-professional-support-wellbeing" (KSS
// foundation trainees; not eligible for the IST) or "signpost". reasons and
// signposts are always lists, never null. Decision.RuleID and RuleVersion
// are not part of the body: the caller stores them with the decision.
//
// # Rules are data
//
// The rules live in a versioned JSON document; the default is embedded from
// rules/default.json. A document looks like this:
//
//	{
//	  "version": 1,
//	  "description": "free text",
//	  "rules": [
//	    {
//	      "id": "nurse-ahp-band-5-to-8-on-scheme",
//	      "description": "free text for the people editing the rules",
//	      "when": {
//	        "region": ["london", "kss"],
//	        "profession": ["nurse", "allied-health-professional"],
//	        "programme": ["preceptorship", "specialist-development"],
//	        "band": {"min": 5, "max": 8},
//	        "training_number": true
//	      },
//	      "outcome": {
//	        "eligible": true,
//	        "route": "ist",
//	        "reasons": ["Plain-English sentence addressed to \"you\"."],
//	        "signposts": [{"id": "<directory service id>", "name": "..."}]
//	      }
//	    }
//	  ],
//	  "default": {"eligible": false, "route": "signpost", "reasons": ["..."], "signposts": []}
//	}
//
// Rules are tried in order and the first whose conditions all hold decides;
// the default outcome applies when none does (its RuleID is "default").
// A condition that is left out matches any answer. "training_number": true
// means "holds a London or KSS training number", false means "does not".
// A band or training_number condition only matches people who were asked
// that question.
//
// ParseRuleSet checks the whole document and reports every problem, each
// naming the rule and the field: unknown fields; a missing or non-positive
// version; no rules; a missing, badly formed, reserved ("default") or
// duplicate rule id; unknown or repeated region, profession or programme
// values, or an empty list; a programme that belongs to none of the rule's
// professions; a band range outside 1 to 9 or with min above max, or on
// professions that are not asked for a band; a training_number condition on
// professions that are not asked about one; a missing eligible; an unknown
// route; eligible with a route other than "ist" (or "ist" when not
// eligible); an eligible rule not limited to London and KSS; a KSS route
// not limited to KSS; no reasons or an empty reason; a signpost without a
// well-formed id or a name, listed twice, or with two different names for
// one id; an eligible default; and any rule that can never apply because no
// valid answers meet it or earlier rules already catch all it would.
//
// # Choices made where the source is silent
//
//   - Training number and foundation: the source asks all doctors and
//     dentists "foundation until CCT" to hold a London or KSS training
//     number, so a London foundation trainee who answers "no" is not
//     eligible (rule training-without-london-kss-number).
//   - KSS foundation trainees go to the KSS Professional Support & Wellbeing
//     Service whether or not they hold a training number, and the rule
//     covers dentists in foundation training as well as doctors.
//   - Doctors on the I&R, Retainer, IGPR, CAPS or MSW schemes are eligible
//     without a training number (the source does not ask for one). The API
//     contract still requires training_number for every doctor and dentist
//     (the answer is ignored); the web checker does not ask it (see below).
//     These schemes are for doctors only: a dentist choosing one through
//     the API is not eligible (rule doctor-dentist-not-covered); the web
//     checker offers dentists only the dental programmes.
//   - gp-specialty counts as specialty training for doctors and dentists
//     alike (the contract gives both the same programme list).
//   - SAS and completed-training dentists are treated like the doctors in
//     the source's note, but are pointed only to NHS Practitioner Health
//     (the Londonwide Medical Committee and BMA serve doctors).
//   - Outside London and KSS the region rules come first and depend on the
//     region alone, so the web checker gives the result straight after the
//     region question. Scotland, Wales and Northern Ireland get their
//     nation's trainee support service. Elsewhere in England everyone gets
//     one rule: the directory holds no entry or contact details for each
//     English region's professional support service, so it names the
//     national entry (support through your specialty or foundation school)
//     and NHS Practitioner Health, which is open to all health and care
//     professionals in England, and tells people who are not doctors or
//     dentists to ask their programme lead or employer.
//   - In London and KSS, people who are not eligible and not doctors or
//     dentists are pointed to the Professional Support Unit London, which
//     the IST is part of.
//   - "I am not sure" (web checker only; Answers.TrainingNumberNotSure)
//     counts as "yes": nobody is turned away for not knowing their number,
//     the result says the team will check it after they apply, and the
//     decision is recorded with training_number left empty.
//   - Band 8 stands for 8a to 8d; bands are whole numbers, so 5.0 is
//     rejected as a wrong type.
package eligibility
