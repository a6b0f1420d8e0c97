package application

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/psu-project/psu/internal/eligibility"
	"github.com/psu-project/psu/internal/mail"
)

// section is one page of the application. read validates what was posted
// (recording messages on the form) and copies the values into a; the same
// function checks a page when it is saved and again at submission.
type section struct {
	Slug, Title string
	Fields      []field
	applies     func(d *Draft) bool
	read        func(s *section, r reader, d *Draft, a *Application)
	summary     func(s *section, a *Application) []row
}

// row is one line of "check your answers".
type row struct {
	Key, Value string
	Lines      []string // shown one per line instead of Value
	Field      string   // field the change link jumps to
}

func (s *section) field(name string) field {
	for _, f := range s.Fields {
		if f.Name == name {
			return f
		}
	}
	panic("application: section " + s.Slug + " has no field " + name)
}

// formNames lists every value the page posts, so only those are kept.
func (s *section) formNames() []string {
	var out []string
	for _, f := range s.Fields {
		out = append(out, f.names()...)
	}
	return out
}

func always(*Draft) bool { return true }

// medical reports whether the applicant is a doctor or dentist.
func medical(d *Draft) bool { return eligibility.UsesTrainingNumber(d.Eligibility.Profession) }

// regulator is the register a profession's members are on.
type regulator struct {
	Code, Name, Number, Hint string
	pattern                  *regexp.Regexp
}

var (
	gmc  = regulator{"GMC", "General Medical Council (GMC)", "GMC number", "7 digits, for example 7123456.", regexp.MustCompile(`^\d{7}$`)}
	gdc  = regulator{"GDC", "General Dental Council (GDC)", "GDC number", "Numbers only, for example 123456.", regexp.MustCompile(`^\d{1,7}$`)}
	nmc  = regulator{"NMC", "Nursing and Midwifery Council (NMC)", "NMC PIN", "2 digits, a letter, 4 digits and a letter, for example 12A3456E.", regexp.MustCompile(`^\d{2}[A-Z]\d{4}[A-Z]$`)}
	hcpc = regulator{"HCPC", "Health and Care Professions Council (HCPC)", "HCPC registration number", "2 or 3 letters then numbers, for example PH123456.", regexp.MustCompile(`^[A-Z]{2,3}\d{1,8}$`)}
	gphc = regulator{"GPhC", "General Pharmaceutical Council (GPhC)", "GPhC registration number", "7 digits, for example 2071234.", regexp.MustCompile(`^\d{7}$`)}
)

// regulatorFor returns the regulator of a profession.
func regulatorFor(profession string) regulator {
	switch profession {
	case eligibility.ProfessionDoctor:
		return gmc
	case eligibility.ProfessionDentist:
		return gdc
	case eligibility.ProfessionNurse:
		return nmc
	case eligibility.ProfessionPharmacist, eligibility.ProfessionPharmacyTechnician:
		return gphc
	}
	return hcpc
}

// normaliseRegistration drops spaces and upper-cases letters: "12a 3456e"
// is the PIN 12A3456E.
func normaliseRegistration(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

var yesNo = []option{{Value: "yes", Label: "Yes"}, {Value: "no", Label: "No"}}

// Concerns, as the unit lists them.
var concernOptions = []option{
	{Value: "exams", Label: "Exams that have not gone to plan"},
	{Value: "relationships", Label: "Relationships at work"},
	{Value: "personal", Label: "Personal or family difficulties"},
	{Value: "mental-health", Label: "Stress, burnout, anxiety or another mental health concern"},
	{Value: "dyslexia", Label: "Dyslexia, or wondering whether you might be dyslexic"},
	{Value: "career", Label: "Doubts about your career direction"},
	{Value: "other", Label: "Something else", Reveal: "concern_other"},
}

var arcpOutcomes = []option{
	{Value: "1", Label: "Outcome 1: achieving progress as expected"},
	{Value: "2", Label: "Outcome 2: some competences to develop, no extra time"},
	{Value: "3", Label: "Outcome 3: extra training time needed"},
	{Value: "4", Label: "Outcome 4: released from the training programme"},
	{Value: "5", Label: "Outcome 5: more evidence needed"},
	{Value: "6", Label: "Outcome 6: training completed"},
	{Value: "8", Label: "Outcome 8: time out of the programme"},
	{Value: "10.1", Label: "Outcome 10.1: progress delayed by the pandemic, no extra time"},
	{Value: "10.2", Label: "Outcome 10.2: progress delayed by the pandemic, extra time needed"},
	{Value: "not-sure", Label: "I am not sure"},
}

// arcpNone is the answer "I have not had an ARCP yet".
const arcpNone = "none"

var proceedingsOptions = []option{
	{Value: "none", Label: "No"},
	{Value: "past", Label: "Yes, in the past", Reveal: "proceedings_detail"},
	{Value: "current", Label: "Yes, happening now or planned", Reveal: "proceedings_detail_current"},
	{Value: "discuss", Label: "I would rather talk about this with an adviser"},
}

var healthOptions = []option{
	{Value: "yes", Label: "Yes", Reveal: "health_detail"},
	{Value: "no", Label: "No"},
	{Value: "prefer-not", Label: "I would prefer not to say"},
}

var documentKinds = []option{
	{Value: "arcp", Label: "ARCP report or outcome form"},
	{Value: "supervisor", Label: "Letter or e-mail from a supervisor or educator"},
	{Value: "assessment", Label: "Assessment or exam results"},
	{Value: "complaint", Label: "A complaint"},
	{Value: "proceedings", Label: "Papers about an investigation or proceedings"},
	{Value: "other", Label: "Something else"},
}

var meetingOptions = []option{
	{Value: "face-to-face", Label: "Face to face"},
	{Value: "phone", Label: "By phone"},
	{Value: "teams", Label: "Microsoft Teams video call"},
	{Value: "zoom", Label: "Zoom video call"},
}

// sections are the application's pages in the order they are asked.
var sections = []*section{
	{
		Slug: "email", Title: "Your e-mail address",
		Fields: []field{
			{Name: "email", Label: "Your e-mail address", Kind: kindEmail, Autocomplete: "email", Max: 254,
				Hint: "We will send a link to this address so you can confirm it and come back to your application later. Use a personal address if you can: your employer may be able to read your work e-mail."},
		},
		applies: always,
		read: func(s *section, r reader, d *Draft, a *Application) {
			v := r.text(s.field("email"), "Enter your e-mail address")
			if v != "" && !mail.ValidAddress(normaliseEmail(v)) {
				r.f.Fail("email", "Enter an e-mail address in the right format, like name@example.com")
			}
			a.Email = normaliseEmail(v)
		},
		summary: func(s *section, a *Application) []row {
			return []row{{Key: "E-mail address", Value: a.Email, Field: "email"}}
		},
	},
	{
		Slug: "about-you", Title: "About you",
		Fields: []field{
			{Name: "name", Label: "Full name", Kind: kindText, Autocomplete: "name", Max: 200},
			{Name: "preferred_name", Label: "What would you like us to call you? (optional)", Kind: kindText, Autocomplete: "nickname", Max: 100, Width: "20",
				Hint: "For example, a shorter name or the name you use at work."},
			{Name: "pronouns", Label: "Your pronouns (optional)", Kind: kindText, Max: 50, Width: "10",
				Hint: "For example, she/her, he/him or they/them."},
			{Name: "phone", Label: "Phone number", Kind: kindTel, Autocomplete: "tel", Max: 30, Width: "20",
				Hint: "A number we can call you on to arrange your appointment. We will not leave messages that say who we are."},
		},
		applies: always,
		read: func(s *section, r reader, d *Draft, a *Application) {
			a.Name = r.text(s.field("name"), "Enter your full name")
			a.PreferredName = r.text(s.field("preferred_name"), "")
			a.Pronouns = r.text(s.field("pronouns"), "")
			a.Phone = r.text(s.field("phone"), "Enter a phone number")
			if a.Phone != "" && !validPhone(a.Phone) {
				r.f.Fail("phone", "Enter a phone number, like 07700 900 982 or +44 7700 900 982")
			}
		},
		summary: func(s *section, a *Application) []row {
			return []row{
				{Key: "Full name", Value: a.Name, Field: "name"},
				{Key: "Preferred name", Value: orNone(a.PreferredName), Field: "preferred_name"},
				{Key: "Pronouns", Value: orNone(a.Pronouns), Field: "pronouns"},
				{Key: "Phone number", Value: a.Phone, Field: "phone"},
			}
		},
	},
	{
		Slug: "registration", Title: "Your professional registration",
		Fields: []field{
			{Name: "registered", Kind: kindRadios, Options: []option{ // label and hint: see adjust
				{Value: "yes", Label: "Yes", Reveal: "registration_number"},
				{Value: "no", Label: "Not yet", Hint: "For example, you are a pre-registration trainee."},
			}},
			{Name: "registration_number", Kind: kindText, Width: "10", Max: 20, Autocomplete: "off"},
		},
		applies: always,
		read: func(s *section, r reader, d *Draft, a *Application) {
			reg := regulatorFor(d.Eligibility.Profession)
			a.Regulator = reg.Code
			if r.choice(s.field("registered"), "Select yes if you have a "+reg.Number+", or not yet") != "yes" {
				return
			}
			n := r.text(adjust(d, s.field("registration_number")), "Enter your "+reg.Number)
			if n == "" {
				return
			}
			a.RegistrationNumber = normaliseRegistration(n)
			if !reg.pattern.MatchString(a.RegistrationNumber) {
				r.f.Fail("registration_number", "Enter your "+reg.Number+" in the right format: "+strings.TrimSuffix(reg.Hint, "."))
			}
		},
		summary: func(s *section, a *Application) []row {
			v := "Not registered yet"
			if a.RegistrationNumber != "" {
				v = a.Regulator + " " + a.RegistrationNumber
			}
			return []row{{Key: "Registration", Value: v, Field: "registered"}}
		},
	},
	{
		Slug: "training", Title: "Your training",
		Fields: []field{
			{Name: "grade", Label: "Grade or stage of training", Kind: kindText, Width: "20", Max: 100,
				Hint: "For example, F2, CT1, ST4, second-year STP or band 6."},
			{Name: "specialty", Label: "Specialty (optional)", Kind: kindText, Max: 100,
				Hint: "For example, general surgery, psychiatry or clinical biochemistry."},
			{Name: "employer", Label: "Employer", Kind: kindText, Max: 200, Autocomplete: "organization",
				Hint: "The trust, practice or organisation that employs you now."},
			{Name: "training_number", Label: "Training number", Kind: kindText, Width: "20", Max: 40,
				Hint: "Your national training number (NTN) or dental training number, for example LDN/123/456/C."},
			{Name: "post_start", Label: "When did your current post start?", Kind: kindDate, Hint: "For example, 2 8 2026"},
			{Name: "post_end", Label: "When is your current post due to end? (optional)", Kind: kindDate, Hint: "For example, 5 8 2027"},
		},
		applies: always,
		read: func(s *section, r reader, d *Draft, a *Application) {
			a.Grade = r.text(s.field("grade"), "Enter your grade or stage of training")
			a.Specialty = r.text(s.field("specialty"), "")
			a.Employer = r.text(s.field("employer"), "Enter your employer")
			if needsTrainingNumber(d) {
				a.TrainingNumber = r.text(s.field("training_number"), "Enter your training number")
				if a.TrainingNumber != "" && !trainingNumberPattern.MatchString(a.TrainingNumber) {
					r.f.Fail("training_number", "Training number can only contain letters, numbers, spaces, slashes and hyphens")
				}
			}
			a.PostStart = r.date(s.field("post_start"), "the date your current post started", true)
			if !a.PostStart.IsZero() && a.PostStart.After(r.now.AddDate(1, 0, 0)) {
				r.f.Fail("post_start", "The date your current post started must be within the next year")
			}
			if end := r.date(s.field("post_end"), "the date your current post ends", false); !end.IsZero() {
				a.PostEnd = &end
				if !a.PostStart.IsZero() && !end.After(a.PostStart) {
					r.f.Fail("post_end", "The date your current post ends must be after the date it started")
				}
			}
		},
		summary: func(s *section, a *Application) []row {
			rows := []row{
				{Key: "Programme", Value: programmeLabel(a.Eligibility)},
				{Key: "Where you train", Value: regionLabel(a.Eligibility.Region)},
				{Key: "Grade or stage", Value: a.Grade, Field: "grade"},
				{Key: "Specialty", Value: orNone(a.Specialty), Field: "specialty"},
				{Key: "Employer", Value: a.Employer, Field: "employer"},
			}
			if a.TrainingNumber != "" {
				rows = append(rows, row{Key: "Training number", Value: a.TrainingNumber, Field: "training_number"})
			}
			post := longDate(a.PostStart) + " to "
			if a.PostEnd != nil {
				post += longDate(*a.PostEnd)
			} else {
				post += "no end date given"
			}
			return append(rows, row{Key: "Current post", Value: post, Field: "post_start"})
		},
	},
	{
		Slug: "concerns", Title: "What is happening",
		Fields: []field{
			{Name: "concern", Label: "What would you like help with?", Kind: kindCheckboxes, Options: concernOptions,
				Hint: "Select all that apply. Many people have more than one."},
			{Name: "concern_other", Label: "Tell us briefly what it is", Kind: kindText, Max: 200},
		},
		applies: always,
		read: func(s *section, r reader, d *Draft, a *Application) {
			a.Concerns = r.choices(s.field("concern"), "Select at least one thing you would like help with")
			if slices.Contains(a.Concerns, "other") {
				a.ConcernOther = r.text(s.field("concern_other"), "Tell us briefly what else you would like help with")
			}
		},
		summary: func(s *section, a *Application) []row {
			var lines []string
			for _, c := range a.Concerns {
				if c == "other" {
					lines = append(lines, "Something else: "+a.ConcernOther)
					continue
				}
				lines = append(lines, s.field("concern").optionLabel(c))
			}
			return []row{{Key: "What you would like help with", Lines: lines, Field: "concern"}}
		},
	},
	{
		Slug: "in-your-words", Title: "In your own words",
		Fields: []field{
			{Name: "situation", Label: "What is happening?", Kind: kindTextarea, Rows: 8, Max: 5000,
				Hint: "Tell us as much or as little as you are comfortable with. You can write up to 5,000 characters."},
			{Name: "hopes", Label: "What do you hope we can help with?", Kind: kindTextarea, Rows: 5, Max: 3000,
				Hint: "For example, a plan for your next exam, a way through a difficult relationship, or time to think about your career. You can write up to 3,000 characters."},
		},
		applies: always,
		read: func(s *section, r reader, d *Draft, a *Application) {
			a.Situation = r.text(s.field("situation"), "Tell us what is happening")
			a.Hopes = r.text(s.field("hopes"), "Tell us what you hope we can help with")
		},
		summary: func(s *section, a *Application) []row {
			return []row{
				{Key: "What is happening", Lines: paragraphs(a.Situation), Field: "situation"},
				{Key: "What you hope for", Lines: paragraphs(a.Hopes), Field: "hopes"},
			}
		},
	},
	{
		Slug: "exams", Title: "Your exams",
		Fields: []field{
			{Name: "exam_name", Label: "Which exam is it?", Kind: kindText, Max: 200, Hint: "For example, MRCP, MRCS, MRCPsych or the GPhC registration assessment."},
			{Name: "exam_part", Label: "Which part? (optional)", Kind: kindText, Width: "20", Max: 100, Hint: "For example, Part 1, Part A or the clinical exam."},
			{Name: "exam_attempts", Label: "How many times have you taken it?", Kind: kindText, Width: "2", Inputmode: "numeric", Max: 3,
				Hint: "Enter 0 if you have not taken it yet."},
			{Name: "exam_next", Label: "When is your next sitting? (optional)", Kind: kindMonth, Hint: "For example, 6 2027"},
		},
		applies: func(d *Draft) bool { return slices.Contains(d.Page("concerns")["concern"], "exams") },
		read: func(s *section, r reader, d *Draft, a *Application) {
			e := &Exam{}
			e.Name = r.text(s.field("exam_name"), "Enter the name of the exam")
			e.Part = r.text(s.field("exam_part"), "")
			if v := r.text(s.field("exam_attempts"), "Enter how many times you have taken the exam, or 0 if you have not taken it yet"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 || n > 50 {
					r.f.Fail("exam_attempts", "Enter how many times you have taken the exam as a number, like 2")
				}
				e.Attempts = n
			}
			if next := r.month(s.field("exam_next"), "the month of your next sitting", false); !next.IsZero() {
				e.NextSitting = &next
				if next.Before(time.Date(r.now.Year(), r.now.Month(), 1, 0, 0, 0, 0, time.UTC)) {
					r.f.Fail("exam_next", "Your next sitting must be this month or later. If you have not booked one, leave it blank")
				}
			}
			a.Exam = e
		},
		summary: func(s *section, a *Application) []row {
			if a.Exam == nil {
				return nil
			}
			rows := []row{{Key: "Exam", Value: strings.TrimSpace(a.Exam.Name + " " + a.Exam.Part), Field: "exam_name"},
				{Key: "Times taken", Value: strconv.Itoa(a.Exam.Attempts), Field: "exam_attempts"}}
			next := "Not given"
			if a.Exam.NextSitting != nil {
				next = a.Exam.NextSitting.Format("January 2006")
			}
			return append(rows, row{Key: "Next sitting", Value: next, Field: "exam_next"})
		},
	},
	{
		Slug: "arcp", Title: "Your last ARCP",
		Fields: []field{
			// One question, not radios nested under "Yes": the outcome,
			// with "not had one yet" as its last answer, then the date.
			{Name: "arcp_outcome", Label: "What was the outcome of your last Annual Review of Competence Progression (ARCP)?", Kind: kindRadios,
				Options: append(slices.Clone(arcpOutcomes), option{Value: arcpNone, Label: "I have not had an ARCP yet", Divider: true})},
			{Name: "arcp_date", Label: "Date of your last ARCP", Kind: kindDate, Hint: "For example, 15 6 2026. If you do not know the day, put 1. Leave it blank if you have not had an ARCP yet."},
		},
		applies: medical,
		read: func(s *section, r reader, d *Draft, a *Application) {
			outcome := r.choice(s.field("arcp_outcome"), "Select the outcome of your last ARCP, \"I am not sure\", or \"I have not had an ARCP yet\"")
			a.ARCP = &ARCP{Had: outcome != arcpNone}
			if outcome == arcpNone {
				if !r.date(s.field("arcp_date"), "the date of your last ARCP", false).IsZero() {
					r.f.Fail("arcp_date", "You said you have not had an ARCP yet: clear the date, or select the outcome of your last ARCP")
				}
				return
			}
			a.ARCP.Outcome = outcome
			a.ARCP.Date = r.date(s.field("arcp_date"), "the date of your last ARCP", true)
			if a.ARCP.Date.After(r.now) {
				r.f.Fail("arcp_date", "The date of your last ARCP must be today or in the past")
			}
		},
		summary: func(s *section, a *Application) []row {
			if a.ARCP == nil || !a.ARCP.Had {
				return []row{{Key: "Last ARCP", Value: "Not had one yet", Field: "arcp_outcome"}}
			}
			return []row{{Key: "Last ARCP", Value: longDate(a.ARCP.Date), Field: "arcp_date"},
				{Key: "Outcome", Value: s.field("arcp_outcome").optionLabel(a.ARCP.Outcome), Field: "arcp_outcome"}}
		},
	},
	{
		Slug: "complaints", Title: "Complaints and proceedings",
		Fields: []field{
			{Name: "proceedings", Label: "Have there been any complaints, investigations or proceedings about you, or are any planned?", Kind: kindRadios, Options: proceedingsOptions,
				Hint: "For example, a complaint from a patient or colleague, an investigation by your employer, or a referral to your regulator."},
			{Name: "proceedings_detail", Label: "Tell us briefly what happened (optional)", Kind: kindTextarea, Rows: 4, Max: 3000},
			{Name: "proceedings_detail_current", Label: "Tell us briefly what is happening or planned (optional)", Kind: kindTextarea, Rows: 4, Max: 3000},
		},
		applies: always,
		read: func(s *section, r reader, d *Draft, a *Application) {
			a.Proceedings = r.choice(s.field("proceedings"), "Select whether there have been complaints or proceedings, or that you would rather talk about it")
			switch a.Proceedings {
			case "past":
				a.ProceedingsDetail = r.text(s.field("proceedings_detail"), "")
			case "current":
				a.ProceedingsDetail = r.text(s.field("proceedings_detail_current"), "")
			}
		},
		summary: func(s *section, a *Application) []row {
			rows := []row{{Key: "Complaints or proceedings", Value: s.field("proceedings").optionLabel(a.Proceedings), Field: "proceedings"}}
			if a.ProceedingsDetail != "" {
				rows = append(rows, row{Key: "Details", Lines: paragraphs(a.ProceedingsDetail), Field: "proceedings"})
			}
			return rows
		},
	},
	{
		Slug: "health", Title: "Health and disability",
		Fields: []field{
			{Name: "health", Label: "Do you have a disability or a health condition, including your mental health, that you would like us to know about?", Kind: kindRadios, Options: healthOptions},
			{Name: "health_detail", Label: "Tell us as much as you would like to (optional)", Kind: kindTextarea, Rows: 4, Max: 3000},
			{Name: "adjustments", Label: "Is there anything that would make meeting us easier? (optional)", Kind: kindTextarea, Rows: 3, Max: 1000,
				Hint: "For example, a quiet room, extra time, written notes or a particular time of day."},
		},
		applies: always,
		read: func(s *section, r reader, d *Draft, a *Application) {
			if r.f.Get("health") != "" { // the whole page is optional
				a.Health = r.choice(s.field("health"), "Select one of the answers, or leave them all empty")
			}
			if a.Health == "yes" {
				a.HealthDetail = r.text(s.field("health_detail"), "")
			}
			a.Adjustments = r.text(s.field("adjustments"), "")
		},
		summary: func(s *section, a *Application) []row {
			v := "Not answered"
			if a.Health != "" {
				v = s.field("health").optionLabel(a.Health)
			}
			rows := []row{{Key: "Disability or health condition", Value: v, Field: "health"}}
			if a.HealthDetail != "" {
				rows = append(rows, row{Key: "Details", Lines: paragraphs(a.HealthDetail), Field: "health"})
			}
			return append(rows, row{Key: "Help to meet us", Lines: paragraphs(orNone(a.Adjustments)), Field: "adjustments"})
		},
	},
	{
		Slug: "documents", Title: "Supporting documents",
		Fields: []field{
			{Name: "kind", Label: "What is this document?", Kind: kindRadios, Options: documentKinds},
		},
		applies: always,
		read:    func(*section, reader, *Draft, *Application) {},
	},
	{
		Slug: "meeting", Title: "How you would like to meet",
		Fields: []field{
			{Name: "meeting_way", Label: "How could you meet an adviser?", Kind: kindCheckboxes, Options: meetingOptions, Hint: "Select all that suit you."},
			{Name: "meeting_times", Label: "When are you usually free?", Kind: kindTextarea, Rows: 3, Max: 1000,
				Hint: "For example, Tuesday and Thursday afternoons, or any weekday after 4pm. Appointments usually last at least an hour."},
		},
		applies: always,
		read: func(s *section, r reader, d *Draft, a *Application) {
			a.MeetingWays = r.choices(s.field("meeting_way"), "Select at least one way you could meet us")
			a.MeetingTimes = r.text(s.field("meeting_times"), "Tell us when you are usually free")
		},
		summary: func(s *section, a *Application) []row {
			var ways []string
			for _, w := range a.MeetingWays {
				ways = append(ways, s.field("meeting_way").optionLabel(w))
			}
			return []row{{Key: "Ways to meet", Lines: ways, Field: "meeting_way"},
				{Key: "When you are free", Lines: paragraphs(a.MeetingTimes), Field: "meeting_times"}}
		},
	},
	{
		Slug: "consent", Title: "Contact and consent",
		Fields: []field{
			{Name: "consent_case_email", Label: "May we e-mail you about your case?", Kind: kindRadios, Options: yesNo,
				Hint: "For example, to arrange your appointment and send you your written summary. If you say no, we will phone you instead."},
			{Name: "consent_follow_up", Label: "May we e-mail you later to ask how you are getting on, and for feedback on our service?", Kind: kindRadios, Options: yesNo},
			{Name: "confidentiality", Label: "Confidentiality", Kind: kindCheckboxes, Options: []option{{Value: "read", Label: "I have read the confidentiality policy"}}},
		},
		applies: always,
		read: func(s *section, r reader, d *Draft, a *Application) {
			a.ConsentCaseEmail = r.choice(s.field("consent_case_email"), "Select yes if we may e-mail you about your case") == "yes"
			a.ConsentFollowUp = r.choice(s.field("consent_follow_up"), "Select yes if we may e-mail you later to ask how you are and for feedback") == "yes"
			if len(r.choices(s.field("confidentiality"), "Confirm that you have read the confidentiality policy")) > 0 {
				a.PolicyVersion = policyVersion
			}
		},
		summary: func(s *section, a *Application) []row {
			return []row{
				{Key: "E-mail about your case", Value: yesNoLabel(a.ConsentCaseEmail), Field: "consent_case_email"},
				{Key: "E-mail later for follow-up and feedback", Value: yesNoLabel(a.ConsentFollowUp), Field: "consent_follow_up"},
				{Key: "Confidentiality policy", Value: "Read (version " + a.PolicyVersion + ")", Field: "confidentiality"},
			}
		},
	},
}

var trainingNumberPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 /\-]*$`)

// needsTrainingNumber: doctors and dentists who said they hold one.
func needsTrainingNumber(d *Draft) bool {
	return medical(d) && d.Eligibility.TrainingNumber != nil && *d.Eligibility.TrainingNumber
}

// adjust fills in the words that depend on the applicant: the name of
// their registration number.
func adjust(d *Draft, f field) field {
	reg := regulatorFor(d.Eligibility.Profession)
	switch f.Name {
	case "registered":
		f.Label = "Do you have a " + reg.Number + "?"
		f.Hint = "Your registration with the " + reg.Name + "."
	case "registration_number":
		f.Label, f.Hint = reg.Number, reg.Hint
	}
	return f
}

func sectionBySlug(slug string) *section {
	for _, s := range sections {
		if s.Slug == slug {
			return s
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "None given"
	}
	return s
}

func yesNoLabel(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func longDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2 January 2006")
}

func regionLabel(v string) string {
	for _, o := range eligibility.Regions() {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

func programmeLabel(a eligibility.Answers) string {
	label := a.Programme
	for _, o := range eligibility.Programmes(a.Profession) {
		if o.Value == a.Programme {
			label = o.Label
		}
	}
	for _, o := range eligibility.Professions() {
		if o.Value == a.Profession {
			return o.Label + ": " + label
		}
	}
	return label
}
