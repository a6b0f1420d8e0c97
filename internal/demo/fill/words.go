package fill

// Everything below is made up. Every person is called "Demo …", every
// organisation "Demo …", every address is at example.com, example.org or
// example.net (reserved for examples), every phone number is in Ofcom's
// range for drama (07700 900000 to 900999), and registration numbers are
// drawn from ranges no regulator issues, so nothing here can reach or
// name a real person.

var firstNames = []string{
	"Aderyn", "Ffion", "Tariq", "Mei", "Oluwaseun", "Priya", "Callum", "Niamh", "Rhys", "Anya",
	"Kofi", "Leena", "Tomasz", "Ines", "Joel", "Saanvi", "Eilidh", "Marcus", "Zainab", "Hamish",
	"Yusuf", "Clara", "Dev", "Aoife", "Rosalind", "Kwame", "Lucia", "Farah", "Ewan", "Nadia",
	"Isaac", "Harriet", "Bilal", "Mira", "Owain", "Sofia", "Jonah", "Amara", "Felix", "Rukhsana",
	"Theo", "Grace", "Arjun", "Maeve", "Samir", "Bethan", "Ravi", "Ottilie", "Idris", "Chiara",
	"Zofia", "Emeka", "Lowri", "Hiro", "Esme", "Tobias", "Ayesha", "Finley", "Noor", "Cerys",
}

var lastNames = []string{
	"Quill", "Ambler", "Thistlewood", "Marchbank", "Fennimore", "Halloway", "Brackenridge", "Ashdown",
	"Penhallow", "Wetherell", "Larkspur", "Tremaine", "Culverhouse", "Rookwood", "Hazelgrove", "Merriweather",
	"Kestrel", "Oakhurst", "Fairbairn", "Linwood", "Sandiford", "Blackwell-Oyelaran", "Okafor-Lane", "Castellane",
	"Devereux", "Emberly", "Galloway-Singh", "Hartigan", "Inglewood", "Juniper", "Kilbride", "Lindqvist",
	"Moorcroft", "Nightingale-Osei", "Ormsby", "Pemberton", "Quarrie", "Ravensworth", "Stonebridge", "Thackeray",
	"Underhill", "Varga-Hughes", "Whitcombe", "Yardley", "Zeller", "Abernethy", "Bramwell", "Coppergate",
}

var pronouns = []string{"she/her", "he/him", "they/them"}

var trusts = []string{
	"Demo Northmere NHS Foundation Trust", "Demo Wyvernvale Hospitals NHS Trust", "Demo Larkhollow University Hospitals",
	"Demo Brambledene Community Health NHS Trust", "Demo Saltmarsh and District Hospitals", "Demo Eastbrook Mental Health NHS Trust",
	"Demo Harrowgate Dental Practice", "Demo Riverside Primary Care Network", "Demo Kingsmere Community Pharmacy",
}

var referrerRoles = []string{
	"Educational supervisor", "Clinical supervisor", "Training programme director", "Head of school",
	"Practice education facilitator", "Preceptorship lead", "Director of medical education",
}

var referrerReasons = []string{
	"Has found the last few months hard since the move to a new rota, and has agreed that I let you know.",
	"Failed a second attempt at a postgraduate exam and would like help to plan the next one.",
	"There have been some difficulties in the team, and the trainee would value someone outside it to talk to.",
	"Returning after a long period of leave; we have discussed a supported return and the trainee is happy to be contacted.",
	"Has raised doubts about staying in the programme and would like to talk through the options.",
	"Was slow to complete the portfolio this year; we think a conversation about organisation and possible dyslexia would help.",
}

var situations = map[string][]string{
	"exams": {
		"I have now failed the written part twice. I revise in the evenings after long shifts and I think I am not using the time well.",
		"My next attempt is my last one. I understand the material at work but I freeze in the exam hall.",
	},
	"relationships": {
		"Since I joined this rotation I have struggled to get on with one of the senior colleagues, and it is affecting how I feel about going in.",
		"Feedback in my last placement was mostly negative and I am not sure how to respond to it.",
	},
	"personal": {
		"A family member has been unwell and I have been travelling a long way at weekends to help care for them.",
		"I moved here for this post and I do not know many people yet; the commute and the rota leave little time for anything else.",
	},
	"mental-health": {
		"For a few months I have felt exhausted most of the time and I dread the on-call weeks.",
		"I have been feeling low and anxious, and I am finding it hard to concentrate at work.",
	},
	"dyslexia": {
		"I take much longer than colleagues to write notes and letters, and someone suggested I might be dyslexic.",
		"Reading long guidelines under time pressure is hard for me, and I wonder whether there is a reason for it.",
	},
	"career": {
		"I am no longer sure that this specialty is right for me and I would like to think about other paths.",
		"I am thinking about less than full-time training and would like to understand what that would mean.",
	},
	"other": {
		"I am not sure which of the options fits; mostly I would like to talk to someone about how things are going.",
	},
}

var hopes = []string{
	"A plan for the next few months, and someone to check in with.",
	"To talk it through with someone who understands how training works.",
	"Help to prepare for my next attempt, and to find a better way to revise.",
	"Advice on what support is available and how to ask for it at work.",
	"To find out whether an assessment would help, and what happens after it.",
}

var meetingTimes = []string{
	"Tuesday and Thursday afternoons.", "Any weekday after 4pm.", "Mornings before 10am, or my study days.",
	"Wednesdays are best; I am on nights the week after next.", "Fridays, or any evening by phone.",
}

var adjustments = []string{
	"A quiet room, if we meet in person.", "Written notes after the meeting would help.", "Afternoons are easier for me.",
}

var healthDetails = []string{
	"I have had periods of anxiety and I am seeing my GP about it.", "I have a long-term condition that means I tire easily.",
}

var proceedingsDetails = []string{
	"A complaint last year was looked into by the trust and closed with no further action.",
	"My employer has started a local investigation about a prescribing error; I have been told it is routine.",
}

var caseNotes = []string{
	"Read the application. Suggest a first conversation by video, as the trainee asked.",
	"Left a voicemail without saying who we are, as the trainee asked; will try again tomorrow.",
	"Spoke to the trainee. Agreed a first meeting and sent our leaflet on what to expect.",
	"The trainee would like us to liaise with the training programme director; consent recorded.",
	"Discussed study planning and a revision timetable. Trainee to send a draft plan before we meet again.",
	"Trainee has been signposted to occupational health for an assessment, with their agreement.",
	"Summary drafted and checked with the trainee before sending.",
	"Trainee reports things are settling; agreed to review in six weeks.",
}

var pauseReasons = []string{
	"Waiting for the trainee to reply with times they are free.",
	"The trainee asked us to wait until they are back from leave.",
	"Waiting for the trainee to confirm which address we may write to.",
}

var closeReasons = []string{
	"All actions agreed at the last meeting are complete.", "The trainee has not replied to three messages over a month.",
	"The trainee is now supported by their new region's service.",
}

var withdrawReasons = []string{
	"The trainee told us things have improved and they no longer want support.",
	"The trainee has decided to leave the programme and asked us to close the case.",
}

var glassReasons = []string{
	"Covering the adviser's cases while they are on leave.",
	"The trainee phoned and asked to speak to someone today.",
}

// grades by profession: what a trainee writes as their grade or stage.
var grades = map[string][]string{
	"doctor":                     {"F1", "F2", "CT1", "CT2", "ST3", "ST4", "ST6", "GPST2", "Specialty doctor"},
	"dentist":                    {"DF1", "DCT1", "DCT2", "StR2"},
	"nurse":                      {"Band 5", "Band 6", "Band 7"},
	"allied-health-professional": {"Band 5", "Band 6", "Band 7"},
	"pharmacist":                 {"Trainee pharmacist", "Foundation pharmacist year 1", "Foundation pharmacist year 2"},
	"pharmacy-technician":        {"Trainee pharmacy technician, year 1", "Trainee pharmacy technician, year 2"},
	"healthcare-scientist":       {"STP year 1", "STP year 2", "STP year 3", "HSST year 2"},
}

var specialties = map[string][]string{
	"doctor":                     {"General surgery", "Psychiatry", "Paediatrics", "General practice", "Anaesthetics", "Emergency medicine", "Internal medicine"},
	"dentist":                    {"Oral surgery", "Orthodontics", "Restorative dentistry"},
	"nurse":                      {"Adult nursing", "Mental health nursing", "Children's nursing"},
	"allied-health-professional": {"Physiotherapy", "Occupational therapy", "Diagnostic radiography", "Paramedic science"},
	"healthcare-scientist":       {"Clinical biochemistry", "Cardiac science", "Medical physics"},
}

var exams = map[string][]struct{ name, part string }{
	"doctor":               {{"MRCP", "Part 1"}, {"MRCS", "Part A"}, {"MRCPsych", "Paper B"}, {"MRCGP", "AKT"}, {"FRCA", "Primary"}, {"MRCPCH", "Foundation of Practice"}},
	"dentist":              {{"MJDF", "Part 1"}, {"MFDS", "Part 2"}},
	"pharmacist":           {{"GPhC registration assessment", ""}},
	"pharmacy-technician":  {{"Level 3 diploma", "Unit 4"}},
	"healthcare-scientist": {{"FRCPath", "Part 1"}, {"STP end-point assessment", ""}},
	"nurse":                {{"Non-medical prescribing", "Pharmacology exam"}},
	"allied-health-professional": {
		{"Non-medical prescribing", "Pharmacology exam"},
	},
}

// passwordWords make passwords of random words, as the password advice
// says: easy to type from the screen, hard to guess.
var passwordWords = []string{
	"amber", "anchor", "apricot", "badger", "basalt", "beacon", "birch", "bramble", "breeze", "bronze",
	"cactus", "canopy", "cedar", "chalk", "cinder", "clover", "cobalt", "comet", "copper", "coral",
	"cradle", "crimson", "dapple", "delta", "dune", "ember", "falcon", "fennel", "fern", "fjord",
	"flint", "forge", "garnet", "geyser", "ginger", "glacier", "granite", "gull", "harbour", "hazel",
	"heron", "hollow", "indigo", "iris", "jasper", "juniper", "kestrel", "kettle", "lagoon", "lantern",
	"larch", "lichen", "linen", "lobster", "maple", "marble", "meadow", "mica", "mistral", "moss",
	"nectar", "nettle", "nutmeg", "oak", "ochre", "orchid", "osprey", "otter", "paddle", "pebble",
	"pepper", "plover", "poplar", "quarry", "quartz", "quiver", "raven", "reed", "ripple", "rowan",
	"saffron", "sable", "salt", "sorrel", "spruce", "starling", "tansy", "thistle", "timber", "topaz",
	"tundra", "umber", "velvet", "walnut", "willow", "wren", "yarrow", "zephyr", "zinc", "teasel",
}
