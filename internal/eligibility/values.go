package eligibility

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Regions.
const (
	RegionLondon          = "london"
	RegionKSS             = "kss"
	RegionEnglandOther    = "england-other"
	RegionScotland        = "scotland"
	RegionWales           = "wales"
	RegionNorthernIreland = "northern-ireland"
)

// Professions.
const (
	ProfessionDoctor              = "doctor"
	ProfessionDentist             = "dentist"
	ProfessionNurse               = "nurse"
	ProfessionAHP                 = "allied-health-professional"
	ProfessionPharmacist          = "pharmacist"
	ProfessionPharmacyTechnician  = "pharmacy-technician"
	ProfessionHealthcareScientist = "healthcare-scientist"
	ProfessionOther               = "other"
)

// Routes: the "route" value of a Decision.
const (
	// RouteIST: the person can refer themselves to the Individual Support Team.
	RouteIST = "ist"
	// RouteKSSWellbeing: KSS foundation trainees, who are served by the KSS
	// Professional Support & Wellbeing Service instead of the IST.
	RouteKSSWellbeing = "kss-professional-support-wellbeing"
	// RouteSignpost: not eligible; the signposts list other services.
	RouteSignpost = "signpost"
)

// Question names, as returned by NextQuestion. They are also the JSON field
// names of the API request.
const (
	QuestionRegion         = "region"
	QuestionProfession     = "profession"
	QuestionProgramme      = "programme"
	QuestionBand           = "band"
	QuestionTrainingNumber = "training_number"
)

// Band limits (NHS Agenda for Change bands; 8 covers 8a to 8d).
const (
	MinBand = 1
	MaxBand = 9
)

// Option is one answer to a question, with its plain-English label for the
// web checker. Value is what the API and the rules use.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Hint  string `json:"hint,omitempty"`
}

// Question is the wording of one question of the checker.
type Question struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Hint  string `json:"hint,omitempty"`
	// Error is shown on the page when nothing (or nothing valid) was chosen.
	Error string `json:"error"`
}

var regionOptions = []Option{
	{Value: RegionLondon, Label: "London"},
	{Value: RegionKSS, Label: "Kent, Surrey and Sussex (KSS)"},
	{Value: RegionEnglandOther, Label: "Somewhere else in England"},
	{Value: RegionScotland, Label: "Scotland"},
	{Value: RegionWales, Label: "Wales"},
	{Value: RegionNorthernIreland, Label: "Northern Ireland"},
}

var professionOptions = []Option{
	{Value: ProfessionDoctor, Label: "Doctor"},
	{Value: ProfessionDentist, Label: "Dentist"},
	{Value: ProfessionNurse, Label: "Nurse"},
	{Value: ProfessionAHP, Label: "Allied health professional", Hint: "For example a physiotherapist, occupational therapist, radiographer or paramedic."},
	{Value: ProfessionPharmacist, Label: "Pharmacist, or trainee pharmacist"},
	{Value: ProfessionPharmacyTechnician, Label: "Pharmacy technician, or trainee pharmacy technician"},
	{Value: ProfessionHealthcareScientist, Label: "Healthcare scientist"},
	{Value: ProfessionOther, Label: "Something else"},
}

var noneOption = Option{Value: "none", Label: "None of these"}

var medicalProgrammes = []Option{
	{Value: "foundation", Label: "Foundation training", Hint: "For example F1, F2 or dental foundation training."},
	{Value: "core", Label: "Core training", Hint: "For example core surgical training, internal medicine training or dental core training."},
	{Value: "specialty", Label: "Specialty training", Hint: "Training towards a Certificate of Completion of Training (CCT)."},
	{Value: "gp-specialty", Label: "GP specialty training"},
	{Value: "sas", Label: "Specialty and specialist (SAS) grade", Hint: "Staff grade, associate specialist, specialty doctor or specialist."},
	{Value: "completed-training", Label: "I have completed my training", Hint: "For example a consultant or a qualified GP."},
	{Value: "induction-returner", Label: "Induction and Refresher (I&R) scheme", Hint: "Also called Induction and Returning. Choose this if you have been offered a place."},
	{Value: "retainer", Label: "Retainer scheme", Hint: "Choose this if you have been offered a place."},
	{Value: "international-gp-recruitment", Label: "International GP Recruitment (IGPR) scheme", Hint: "Choose this if you have been offered a place."},
	{Value: "clinical-apprenticeship", Label: "Clinical Apprenticeship Scheme (CAPS)"},
	{Value: "medical-support-worker", Label: "Medical Support Worker (MSW) programme"},
	noneOption,
}

var nursingProgrammes = []Option{
	{Value: "preceptorship", Label: "Preceptorship"},
	{Value: "specialist-development", Label: "A recognised scheme to develop into a more specialised clinical role"},
	noneOption,
}

var programmeOptions = map[string][]Option{
	ProfessionDoctor:  medicalProgrammes,
	ProfessionDentist: medicalProgrammes,
	ProfessionNurse:   nursingProgrammes,
	ProfessionAHP:     nursingProgrammes,
	ProfessionPharmacist: {
		{Value: "pre-registration", Label: "Pre-registration (trainee) pharmacist", Hint: "The one-year programme after your degree, in a trust."},
		{Value: "foundation", Label: "Foundation pharmacist", Hint: "The two years after registration."},
		{Value: "gp-pathway", Label: "Clinical pharmacist on the 18-month general practice training pathway"},
		noneOption,
	},
	ProfessionPharmacyTechnician: {
		{Value: "pre-registration", Label: "Pre-registration (trainee) pharmacy technician", Hint: "The two-year programme, employed by a trust."},
		noneOption,
	},
	ProfessionHealthcareScientist: {
		{Value: "stp", Label: "Scientist Training Programme (STP)"},
		{Value: "hsst", Label: "Higher Specialist Scientist Training (HSST)"},
		noneOption,
	},
	ProfessionOther: {noneOption},
}

var trainingNumberOptions = []Option{
	{Value: "true", Label: "Yes"},
	{Value: "false", Label: "No"},
}

// TrainingNumberNotSure is the web checker's third answer to the training
// number question. It is not an API value: the API asks for true or false.
const TrainingNumberNotSure = "not-sure"

var notSureOption = Option{Value: TrainingNumberNotSure, Label: "I am not sure",
	Hint: "You can still carry on. If the answer matters, the team will check it with you after you apply."}

// dentalProgrammes are the programmes a dentist is shown: the programme
// values of doctors and dentists that apply to dentists, worded for them.
// The doctors' workforce schemes and GP training are left out. The API
// still accepts every programme of medicalProgrammes for a dentist.
var dentalProgrammes = []Option{
	{Value: "foundation", Label: "Dental foundation training"},
	{Value: "core", Label: "Dental core training"},
	{Value: "specialty", Label: "Dental specialty training", Hint: "Training towards a Certificate of Completion of Training (CCT)."},
	{Value: "sas", Label: "Specialty and specialist (SAS) grade", Hint: "For example a specialty dentist or associate specialist."},
	{Value: "completed-training", Label: "I have completed my training", Hint: "For example a consultant or a specialist."},
	noneOption,
}

var questions = []Question{
	{Name: QuestionRegion, Title: "Where do you work or train?",
		Error: "Select where you work or train."},
	{Name: QuestionProfession, Title: "What is your profession?",
		Error: "Select your profession."},
	{Name: QuestionProgramme, Title: "Which training programme or scheme are you on?",
		Error: "Select your training programme or scheme, or \"None of these\"."},
	{Name: QuestionBand, Title: "What is your Agenda for Change band?", Hint: "If you are band 8a, 8b, 8c or 8d, choose band 8.",
		Error: "Select your band."},
	{Name: QuestionTrainingNumber, Title: "Do you hold a London or Kent, Surrey and Sussex training number?",
		Hint:  "Health Education England gives you a training number when you join a postgraduate training programme in London or in Kent, Surrey and Sussex, from foundation training until you complete your training. If you do not know whether you have one, your training programme director or educational supervisor can tell you.",
		Error: "Select yes if you hold a London or Kent, Surrey and Sussex training number, no if you do not, or \"I am not sure\"."},
}

func copyOptions(o []Option) []Option { return slices.Clone(o) }

// Regions returns the region answers in display order.
func Regions() []Option { return copyOptions(regionOptions) }

// Professions returns the profession answers in display order.
func Professions() []Option { return copyOptions(professionOptions) }

// Programmes returns the programme answers that are valid for profession,
// in display order, or nil for an unknown profession. For "other" the only
// answer is "none".
func Programmes(profession string) []Option { return copyOptions(programmeOptions[profession]) }

// Bands returns the band answers 1 to 9. Value is the band number as text.
func Bands() []Option {
	out := make([]Option, 0, MaxBand)
	for b := MinBand; b <= MaxBand; b++ {
		o := Option{Value: strconv.Itoa(b), Label: fmt.Sprintf("Band %d", b)}
		if b == 8 {
			o.Label = "Band 8 (8a, 8b, 8c or 8d)"
		}
		out = append(out, o)
	}
	return out
}

// TrainingNumberOptions returns the yes/no answers; Value is "true" or "false".
func TrainingNumberOptions() []Option { return copyOptions(trainingNumberOptions) }

// Questions returns every question, in the order they are asked.
func Questions() []Question { return slices.Clone(questions) }

// QuestionByName returns the wording of one question.
func QuestionByName(name string) (Question, bool) {
	for _, q := range questions {
		if q.Name == name {
			return q, true
		}
	}
	return Question{}, false
}

// Options returns the answers the web pages offer for question, given the
// answers so far: the programme list depends on the profession (a dentist
// sees only dental programmes), and the training number question also
// offers "I am not sure". Answers.Set accepts only these.
func (a Answers) Options(question string) []Option {
	switch question {
	case QuestionRegion:
		return Regions()
	case QuestionProfession:
		return Professions()
	case QuestionProgramme:
		if a.Profession == ProfessionDentist {
			return copyOptions(dentalProgrammes)
		}
		return Programmes(a.Profession)
	case QuestionBand:
		return Bands()
	case QuestionTrainingNumber:
		return append(TrainingNumberOptions(), notSureOption)
	}
	return nil
}

func hasValue(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

func values(opts []Option) []string {
	out := make([]string, len(opts))
	for i, o := range opts {
		out[i] = o.Value
	}
	return out
}

// ValidRegion reports whether v is a known region value.
func ValidRegion(v string) bool { return hasValue(regionOptions, v) }

// ValidProfession reports whether v is a known profession value.
func ValidProfession(v string) bool { return hasValue(professionOptions, v) }

// ValidProgramme reports whether programme is valid for profession.
func ValidProgramme(profession, programme string) bool {
	return hasValue(programmeOptions[profession], programme)
}

// anyProgramme reports whether v is a programme of any profession.
func anyProgramme(v string) bool {
	for _, p := range professionOptions {
		if ValidProgramme(p.Value, v) {
			return true
		}
	}
	return false
}

// UsesBand reports whether the band question applies to profession.
func UsesBand(profession string) bool {
	return profession == ProfessionNurse || profession == ProfessionAHP
}

// UsesTrainingNumber reports whether the training number question applies to
// profession.
func UsesTrainingNumber(profession string) bool {
	return profession == ProfessionDoctor || profession == ProfessionDentist
}

// quoteList renders values as `"a", "b" or "c"`.
func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = strconv.Quote(v)
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// professionNoun is the plural used in messages: "nurses".
var professionNoun = map[string]string{
	ProfessionDoctor:              "doctors",
	ProfessionDentist:             "dentists",
	ProfessionNurse:               "nurses",
	ProfessionAHP:                 "allied health professionals",
	ProfessionPharmacist:          "pharmacists",
	ProfessionPharmacyTechnician:  "pharmacy technicians",
	ProfessionHealthcareScientist: "healthcare scientists",
	ProfessionOther:               "other professions",
}
