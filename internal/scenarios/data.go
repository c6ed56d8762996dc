package scenarios

import medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"

// Categories, short.
const (
	infection     = medjournalv1.Category_CATEGORY_INFECTION
	heartAttack   = medjournalv1.Category_CATEGORY_HEART_ATTACK
	stroke        = medjournalv1.Category_CATEGORY_STROKE
	bloodClot     = medjournalv1.Category_CATEGORY_BLOOD_CLOT
	bloodCount    = medjournalv1.Category_CATEGORY_BLOOD_COUNT
	liver         = medjournalv1.Category_CATEGORY_LIVER
	giPerforation = medjournalv1.Category_CATEGORY_GI_PERFORATION
	allergic      = medjournalv1.Category_CATEGORY_ALLERGIC_REACTION
	lipids        = medjournalv1.Category_CATEGORY_LIPIDS
	malignancy    = medjournalv1.Category_CATEGORY_MALIGNANCY
	kidney        = medjournalv1.Category_CATEGORY_KIDNEY
	muscle        = medjournalv1.Category_CATEGORY_MUSCLE
	other         = medjournalv1.Category_CATEGORY_OTHER
)

// LOINC codes, short.
const (
	loincWBC   = "6690-2"
	loincANC   = "751-8"
	loincANC2  = "26499-4"
	loincALC   = "731-0"
	loincHb    = "718-7"
	loincPlt   = "777-3"
	loincALT   = "1742-6"
	loincAST   = "1920-8"
	loincBili  = "1975-2"
	loincChol  = "2093-3"
	loincLDL   = "13457-7"
	loincTG    = "2571-8"
	loincCK    = "2157-6"
	loincCreat = "2160-0"
	loincEGFR  = "98979-8"
)

// day is 24 hours, for stories over weeks.
const day = 24.0

// medOnce is the medication id dose entries refer to in the dose stories.
const medOnce = "6f1c1c52-2d1a-4b8e-9d43-3f0a5c1e7b21"

// Dose logs a dose of the stories' medication (MedicationID).
func Dose(hours float64, status medjournalv1.DoseStatus) Logged {
	return Logged{hours, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{
		MedicationId: medOnce, Amount: 1, Unit: "tablet", Status: status}}}}
}

// Prof is a profile: birth year (0 = unknown), smoker or not, risk factor codes.
func Prof(birthYear int32, smoker bool, risks ...string) *medjournalv1.Profile {
	p := &medjournalv1.Profile{BirthYear: birthYear, RiskFactors: risks, SmokingStatus: medjournalv1.SmokingStatus_SMOKING_STATUS_NEVER}
	if smoker {
		p.SmokingStatus = medjournalv1.SmokingStatus_SMOKING_STATUS_CURRENT
	}
	return p
}

// All are the clinical stories the rule set must get right, written from
// ../shared/clinical/REFERENCE.md (sections 1-3, 7 and 9). Each name says what it proves.
var All = []Scenario{
	// ----------------------------------------------------------------------------------
	// Infection: sec 2.2 serious-infection row, combination rules 2 and 3.
	// ----------------------------------------------------------------------------------
	{
		Name:    "measured fever on upadacitinib",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Vital(0, "body_temperature", 38.4, "Cel")},
		Want:    []Want{Flag(infection, urgent)},
	},
	{
		Name:    "normal temperature is benign",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Vital(0, "body_temperature", 36.9, "Cel")},
	},
	{
		Name:    "boundary: 37.9 °C is not a fever",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Vital(0, "body_temperature", 37.9, "Cel")},
	},
	{
		Name:    "boundary: 38.0 °C exactly is a fever",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Vital(0, "body_temperature", 38.0, "Cel")},
		Want:    []Want{Flag(infection, urgent)},
	},
	{
		Name:    "unit: 100.4 °F converts to 38.0 °C and is a fever",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Vital(0, "body_temperature", 100.4, "[degF]")},
		Want:    []Want{Flag(infection, urgent)},
	},
	{
		Name:    "unit: 100.2 °F (37.9 °C) is not a fever",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Vital(0, "body_temperature", 100.2, "[degF]")},
	},
	{
		Name:    "reported fever without a thermometer is urgent",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Sym(0, "fever", mild)},
		Want:    []Want{Flag(infection, urgent)},
	},
	{
		Name:    "chills alone are urgent (sec 2.2: fever or chills on any day)",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "chills", mild)},
		Want:    []Want{Flag(infection, urgent)},
	},
	{
		Name:  "fever then shortness of breath an hour later escalates to emergency",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Vital(0, "body_temperature", 38.6, "Cel"),
			Sym(1, "shortness_of_breath", mild),
		},
		Want: []Want{Flag(infection, emergency), Flag(bloodClot, routine)},
	},
	{
		Name:  "fever with confusion is an emergency (and no separate confusion flag)",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Sym(0, "fever", moderate),
			Sym(2, "confusion", mild),
		},
		Want: []Want{Flag(infection, emergency)},
	},
	{
		Name:  "fever with a racing heartbeat is an emergency",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Vital(0, "body_temperature", 39.1, "Cel"),
			Sym(0.5, "racing_heartbeat", moderate),
		},
		Want: []Want{Flag(infection, emergency)},
	},
	{
		Name:  "fever after severe vomiting (cannot keep fluids down) is an emergency; the vomiting alone was routine",
		Drugs: []string{"filgotinib"},
		Entries: []Logged{
			Sym(0, "vomiting", severe),
			Vital(1, "body_temperature", 38.3, "Cel"),
		},
		Want: []Want{Flag(infection, emergency), Flag(other, routine)},
	},
	{
		Name:  "fever with one mild vomit stays urgent",
		Drugs: []string{"filgotinib"},
		Entries: []Logged{
			Vital(0, "body_temperature", 38.3, "Cel"),
			Sym(1, "vomiting", mild),
		},
		Want: []Want{Flag(infection, urgent)},
	},
	{
		Name:  "out of order: breathlessness logged before the earlier fever still escalates",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(5, "shortness_of_breath", mild),
			Vital(3, "body_temperature", 38.6, "Cel"),
		},
		Want: []Want{Flag(infection, emergency), Flag(bloodClot, routine)},
	},
	{
		Name:  "rule 3: fever three days after ANC 0.8 on baricitinib is an emergency",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Lab(0, loincANC, 0.8, "10*3/uL"),
			Vital(3*day, "body_temperature", 38.2, "Cel"),
		},
		Want: []Want{Flag(bloodCount, urgent), Flag(infection, emergency)},
	},
	{
		Name:  "rule 3: fever five days after lymphocytes 0.4 is an emergency",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Lab(0, loincALC, 0.4, "10*3/uL"),
			Sym(5*day, "fever", moderate),
		},
		Want: []Want{Flag(bloodCount, urgent), Flag(infection, emergency)},
	},
	{
		Name:  "rule 3 uses the most recent count: a normal repeat ANC before the fever keeps it urgent",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Lab(0, loincANC, 0.8, "10*3/uL"),
			Lab(2*day, loincANC, 2.5, "10*3/uL"),
			Vital(4*day, "body_temperature", 38.4, "Cel"),
		},
		Want: []Want{Flag(bloodCount, urgent), Flag(infection, urgent)},
	},
	{
		Name:  "fever the day after a WBC of 0.8 (no differential) is an emergency",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Lab(0, loincWBC, 0.8, "10*3/uL"),
			Vital(day, "body_temperature", 38.5, "Cel"),
		},
		Want: []Want{Flag(bloodCount, urgent), Flag(infection, emergency)},
	},
	{
		Name:  "rule 2: cough and muscle aches on the same day without fever are urgent",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Sym(0, "cough", mild),
			Sym(4, "muscle_pain", mild),
		},
		Want: []Want{Flag(infection, urgent)},
	},
	{
		Name:  "rule 2: cough with moderate diarrhoea on the same day is urgent",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "diarrhea", moderate),
			Sym(3, "cough", mild),
		},
		Want: []Want{Flag(infection, urgent)},
	},
	{
		Name:  "benign: cough with mild tiredness does not make a cluster",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "cough", mild),
			Sym(2, "fatigue", mild),
		},
	},
	{
		Name:  "benign: a cold (runny nose, sore throat, cough) without fever does not flag",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "runny_nose", moderate),
			Sym(1, "sore_throat", mild),
			Sym(6, "cough", mild),
			Vital(7, "body_temperature", 37.4, "Cel"),
		},
	},
	{
		Name:    "benign: isolated sore throat does not flag",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "sore_throat", moderate)},
	},
	{
		Name:    "benign: isolated runny nose does not flag",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Sym(0, "runny_nose", moderate)},
	},
	{
		Name:  "runny nose with a fever flags as fever",
		Drugs: []string{"abrocitinib"},
		Entries: []Logged{
			Sym(0, "runny_nose", mild),
			Vital(2, "body_temperature", 38.1, "Cel"),
		},
		Want: []Want{Flag(infection, urgent)},
	},
	{
		Name:    "painful urination is urgent (possible UTI)",
		Drugs:   []string{"filgotinib"},
		Entries: []Logged{Sym(0, "painful_urination", mild)},
		Want:    []Want{Flag(infection, urgent)},
	},
	{
		Name:  "frequent urination joins a painful-urination flag",
		Drugs: []string{"filgotinib"},
		Entries: []Logged{
			Sym(0, "frequent_urination", moderate),
			Sym(2, "painful_urination", moderate),
		},
		Want: []Want{Flag(infection, urgent)},
	},
	{
		Name:    "benign: frequent urination once without pain does not flag",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "frequent_urination", mild)},
	},
	{
		Name:    "painful blistering rash is urgent (shingles, sec 1.6)",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "painful_blistering_rash", moderate)},
		Want:    []Want{Flag(infection, urgent)},
	},
	{
		Name:  "TB pattern: cough on four days over three weeks with night sweats and weight loss",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "cough", mild),
			Sym(6*day, "cough", mild),
			Sym(10*day, "night_sweats", moderate),
			Sym(12*day, "cough", moderate),
			Sym(18*day, "cough", moderate),
			Sym(20*day, "weight_loss", mild),
		},
		Want: []Want{Flag(infection, urgent)},
	},
	{
		Name:  "TB pattern: night sweats, fever and weight loss over two weeks without cough",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "night_sweats", moderate),
			Sym(5*day, "fever", mild),
			Sym(12*day, "weight_loss", mild),
		},
		Want: []Want{Flag(infection, urgent)},
	},
	{
		Name:  "cough on three days of a week is urgent (sec 2.2: cough > several days)",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Sym(0, "cough", mild),
			Sym(2*day, "cough", mild),
			Sym(4*day, "cough", mild),
		},
		Want: []Want{Flag(infection, urgent)},
	},
	{
		Name:  "diarrhoea on three days of a week is urgent",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "diarrhea", mild),
			Sym(day, "diarrhea", mild),
			Sym(3*day, "diarrhea", mild),
		},
		Want: []Want{Flag(infection, urgent)},
	},
	{
		Name:    "severe diarrhoea once is urgent",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "diarrhea", severe)},
		Want:    []Want{Flag(infection, urgent)},
	},
	{
		Name:  "benign: mild diarrhoea on two days (sec 7 guard)",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "diarrhea", mild),
			Sym(2*day, "diarrhea", mild),
		},
	},

	// ----------------------------------------------------------------------------------
	// Heart attack: sec 2.2 MACE row, S44, combination rule 4, sec 3.
	// ----------------------------------------------------------------------------------
	{
		Name:    "mild chest pain alone, no risk factors, is urgent",
		Profile: Prof(1990, false),
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "chest_pain", mild)},
		Want:    []Want{Flag(heartAttack, urgent)},
	},
	{
		Name:    "moderate chest pain is an emergency",
		Profile: Prof(1990, false),
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "chest_pain", moderate)},
		Want:    []Want{Flag(heartAttack, emergency)},
	},
	{
		Name:  "mild chest pain with a cold sweat is an emergency",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "chest_pain", mild),
			Sym(0.5, "cold_sweat", moderate),
		},
		Want: []Want{Flag(heartAttack, emergency)},
	},
	{
		Name:  "mild chest pain, then jaw and arm pain an hour later, is an emergency",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Sym(0, "chest_pain", mild),
			Sym(1, "arm_neck_jaw_back_pain", mild),
		},
		Want: []Want{Flag(heartAttack, emergency)},
	},
	{
		Name:  "mild chest pain with nausea is an emergency",
		Drugs: []string{"abrocitinib"},
		Entries: []Logged{
			Sym(0, "nausea", mild),
			Sym(0.25, "chest_pain", mild),
		},
		Want: []Want{Flag(heartAttack, emergency)},
	},
	{
		Name:  "mild chest pain with shortness of breath is an emergency",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "chest_pain", mild),
			Sym(0.2, "shortness_of_breath", mild),
		},
		Want: []Want{Flag(heartAttack, emergency), Flag(bloodClot, routine)},
	},
	{
		Name:  "out of order: chest pain logged after the later cold sweat still escalates",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(2, "cold_sweat", moderate),
			Sym(1, "chest_pain", mild),
		},
		Want: []Want{Flag(heartAttack, emergency)},
	},
	{
		Name:    "rule 4: mild chest pain in a 55-year-old smoker is an emergency",
		Profile: Prof(1971, true),
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "chest_pain", mild)},
		Want:    []Want{Flag(heartAttack, emergency)},
	},
	{
		Name:    "rule 4: a 35-year-old smoker with mild chest pain stays urgent (age < 50)",
		Profile: Prof(1991, true),
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "chest_pain", mild)},
		Want:    []Want{Flag(heartAttack, urgent)},
	},
	{
		Name:    "rule 4: mild chest pain with hypertension is an emergency",
		Profile: Prof(1985, false, "hypertension"),
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "chest_pain", mild)},
		Want:    []Want{Flag(heartAttack, emergency)},
	},
	{
		Name:    "rule 4: mild chest pain with diabetes is an emergency",
		Profile: Prof(1985, false, "diabetes"),
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "chest_pain", mild)},
		Want:    []Want{Flag(heartAttack, emergency)},
	},
	{
		Name:    "benign risk factor: diverticulitis does not raise chest pain",
		Profile: Prof(1985, false, "diverticulitis"),
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "chest_pain", mild)},
		Want:    []Want{Flag(heartAttack, urgent)},
	},
	{
		Name:  "arm/jaw pain with a cold sweat and no chest pain is urgent",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "arm_neck_jaw_back_pain", moderate),
			Sym(0.5, "cold_sweat", moderate),
		},
		Want: []Want{Flag(heartAttack, urgent)},
	},
	{
		Name:    "arm/jaw pain with a cold sweat after a previous heart attack is an emergency",
		Profile: Prof(1960, false, "history_of_mi_or_stroke"),
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "cold_sweat", mild),
			Sym(0.5, "arm_neck_jaw_back_pain", mild),
		},
		Want: []Want{Flag(heartAttack, emergency)},
	},
	{
		Name:  "benign: nausea with light-headedness and no chest, arm or jaw pain or sweat",
		Drugs: []string{"abrocitinib"},
		Entries: []Logged{
			Sym(0, "nausea", mild),
			Sym(1, "lightheadedness", mild),
		},
	},
	{
		Name:    "benign: back pain alone does not flag",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "arm_neck_jaw_back_pain", moderate)},
	},

	// ----------------------------------------------------------------------------------
	// Stroke: FAST at any severity; sudden severe headache.
	// ----------------------------------------------------------------------------------
	{
		Name:    "mild face drooping is an emergency",
		Drugs:   []string{"deuruxolitinib"},
		Entries: []Logged{Sym(0, "face_drooping", mild)},
		Want:    []Want{Flag(stroke, emergency)},
	},
	{
		Name:    "mild slurred speech that passed is still an emergency",
		Drugs:   []string{"ritlecitinib"},
		Entries: []Logged{Sym(0, "slurred_speech", mild)},
		Want:    []Want{Flag(stroke, emergency)},
	},
	{
		Name:    "one-sided weakness is an emergency",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "one_sided_weakness", moderate)},
		Want:    []Want{Flag(stroke, emergency)},
	},
	{
		Name:    "sudden severe headache alone is urgent",
		Profile: Prof(1995, false),
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "sudden_severe_headache", severe)},
		Want:    []Want{Flag(stroke, urgent)},
	},
	{
		Name:  "sudden severe headache then confusion is an emergency (one stroke flag)",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Sym(0, "sudden_severe_headache", severe),
			Sym(1, "confusion", moderate),
		},
		Want: []Want{Flag(stroke, emergency)},
	},
	{
		Name:    "rule 4: sudden severe headache with hypertension is an emergency",
		Profile: Prof(1980, false, "hypertension"),
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "sudden_severe_headache", severe)},
		Want:    []Want{Flag(stroke, emergency)},
	},
	{
		Name:  "FAST sign then a sudden headache stays one stroke emergency",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "one_sided_weakness", mild),
			Sym(0.5, "sudden_severe_headache", severe),
		},
		Want: []Want{Flag(stroke, emergency)},
	},
	{
		Name:    "benign: a mild ordinary headache does not flag",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Sym(0, "headache", mild)},
	},
	{
		Name:    "new confusion alone is urgent",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "confusion", moderate)},
		Want:    []Want{Flag(other, urgent)},
	},

	// ----------------------------------------------------------------------------------
	// Blood clots: sec 2.2 DVT/PE row, rule 4 (VTE).
	// ----------------------------------------------------------------------------------
	{
		Name:    "coughing blood is an emergency",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "coughing_blood", mild)},
		Want:    []Want{Flag(bloodClot, emergency)},
	},
	{
		Name:    "severe shortness of breath is an emergency (possible PE)",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "shortness_of_breath", severe)},
		Want:    []Want{Flag(bloodClot, emergency)},
	},
	{
		Name:    "moderate shortness of breath is urgent",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "shortness_of_breath", moderate)},
		Want:    []Want{Flag(bloodClot, urgent)},
	},
	{
		Name:    "mild shortness of breath alone is routine",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "shortness_of_breath", mild)},
		Want:    []Want{Flag(bloodClot, routine)},
	},
	{
		Name:    "rule 4: mild breathlessness after a previous clot is urgent",
		Profile: Prof(1970, false, "history_of_vte"),
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "shortness_of_breath", mild)},
		Want:    []Want{Flag(bloodClot, urgent)},
	},
	{
		Name:    "rule 4: moderate breathlessness after a previous clot is an emergency",
		Profile: Prof(1970, false, "history_of_vte"),
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "shortness_of_breath", moderate)},
		Want:    []Want{Flag(bloodClot, emergency)},
	},
	{
		Name:  "mild breathlessness with a racing heartbeat is urgent",
		Drugs: []string{"abrocitinib"},
		Entries: []Logged{
			Sym(0, "shortness_of_breath", mild),
			Sym(0.5, "racing_heartbeat", mild),
		},
		Want: []Want{Flag(bloodClot, urgent)},
	},
	{
		Name:    "leg swelling is urgent (possible DVT)",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "leg_swelling", moderate)},
		Want:    []Want{Flag(bloodClot, urgent)},
	},
	{
		Name:    "mild calf pain is urgent (possible DVT)",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "leg_pain", mild)},
		Want:    []Want{Flag(bloodClot, urgent)},
	},
	{
		Name:  "leg pain then breathlessness the next day is an emergency (PE)",
		Drugs: []string{"abrocitinib"},
		Entries: []Logged{
			Sym(0, "leg_pain", moderate),
			Sym(20, "shortness_of_breath", mild),
		},
		Want: []Want{Flag(bloodClot, emergency)},
	},
	{
		Name:  "out of order: leg swelling logged after the later breathlessness is an emergency",
		Drugs: []string{"abrocitinib"},
		Entries: []Logged{
			Sym(10, "shortness_of_breath", mild),
			Sym(0, "leg_swelling", moderate),
		},
		Want: []Want{Flag(bloodClot, emergency)},
	},
	{
		Name:    "rule 4: leg swelling with a history of blood clots is an emergency",
		Profile: Prof(1965, false, "history_of_vte"),
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "leg_swelling", mild)},
		Want:    []Want{Flag(bloodClot, emergency)},
	},
	{
		Name:    "benign: mild palpitations alone",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "racing_heartbeat", mild)},
	},
	{
		Name:    "benign: a mild wheeze once",
		Profile: Prof(1980, false, "chronic_lung_disease"),
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "wheezing", mild)},
	},
	{
		Name:  "chest pain with leg swelling is an emergency (PE)",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "chest_pain", mild),
			Sym(1, "leg_swelling", moderate),
		},
		Want: []Want{Flag(heartAttack, urgent), Flag(bloodClot, emergency)},
	},

	// ----------------------------------------------------------------------------------
	// Blood counts: sec 1.2 per-drug thresholds, confirmation, Hb fall, rule 3 and 7.
	// ----------------------------------------------------------------------------------
	{
		Name:    "drug-specific: ANC 0.8 on upadacitinib is urgent (label interrupt)",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincANC, 0.8, "10*3/uL")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "drug-specific: ANC 0.8 once on tofacitinib is routine (repeat the count)",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Lab(0, loincANC, 0.8, "10*3/uL")},
		Want:    []Want{Flag(bloodCount, routine)},
	},
	{
		Name:  "tofacitinib: ANC 0.8 then 0.7 (persistent 500-1000) is urgent",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Lab(0, loincANC, 0.8, "10*3/uL"),
			Lab(14*day, loincANC, 0.7, "10*3/uL"),
		},
		Want: []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "boundary: ANC exactly 1.0 on baricitinib does not flag",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Lab(0, loincANC, 1.0, "10*3/uL")},
	},
	{
		Name:    "boundary: ANC 0.99 on baricitinib is urgent",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Lab(0, loincANC, 0.99, "10*3/uL")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "unit: ANC 800 cells/uL on abrocitinib is urgent",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Lab(0, loincANC, 800, "/uL")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "unit: ANC 0.6 x10^9/L (alternate LOINC) on filgotinib is urgent",
		Drugs:   []string{"filgotinib"},
		Entries: []Logged{Lab(0, loincANC2, 0.6, "10*9/L")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "benign unit: ANC 1000 cells/uL on deuruxolitinib does not flag",
		Drugs:   []string{"deuruxolitinib"},
		Entries: []Logged{Lab(0, loincANC, 1000, "/uL")},
	},
	{
		Name:    "ANC 0.8 on ritlecitinib (no label threshold) is routine",
		Drugs:   []string{"ritlecitinib"},
		Entries: []Logged{Lab(0, loincANC, 0.8, "10*3/uL")},
		Want:    []Want{Flag(bloodCount, routine)},
	},
	{
		Name:    "ANC 0.4 is urgent on any drug",
		Drugs:   []string{"ruxolitinib_cream"},
		Entries: []Logged{Lab(0, loincANC, 0.4, "10*3/uL")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:  "ANC 0.4 six hours after a fever is an emergency",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Vital(0, "body_temperature", 38.7, "Cel"),
			Lab(6, loincANC, 0.4, "10*3/uL"),
		},
		Want: []Want{Flag(infection, urgent), Flag(bloodCount, emergency)},
	},
	{
		Name:  "rule 3: ANC 0.7 on upadacitinib the day after a fever is an emergency",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "fever", moderate),
			Lab(day, loincANC, 0.7, "10*3/uL"),
		},
		Want: []Want{Flag(infection, urgent), Flag(bloodCount, emergency)},
	},
	{
		Name:  "rule 3: ANC 0.8 on ritlecitinib with chills is an emergency",
		Drugs: []string{"ritlecitinib"},
		Entries: []Logged{
			Sym(0, "chills", moderate),
			Lab(2, loincANC, 0.8, "10*3/uL"),
		},
		Want: []Want{Flag(infection, urgent), Flag(bloodCount, emergency)},
	},
	{
		Name:  "confirmed tofacitinib ANC < 0.5 with a fever in between is an emergency in both groups",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Lab(0, loincANC, 0.4, "10*3/uL"),
			Vital(2*day, "body_temperature", 38.9, "Cel"),
			Lab(2*day+2, loincANC, 0.3, "10*3/uL"),
		},
		Want: []Want{Flag(infection, emergency), Flag(bloodCount, emergency)},
	},
	{
		Name:  "rule 3: ALC 0.4 logged after a fever is an emergency",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Sym(0, "fever", mild),
			Lab(5, loincALC, 0.4, "10*3/uL"),
		},
		Want: []Want{Flag(infection, urgent), Flag(bloodCount, emergency)},
	},
	{
		Name:  "confirmed ALC < 0.5 on abrocitinib with a fever is an emergency",
		Drugs: []string{"abrocitinib"},
		Entries: []Logged{
			Lab(-14*day, loincALC, 0.45, "10*3/uL"),
			Vital(-1, "body_temperature", 38.2, "Cel"),
			Lab(0, loincALC, 0.4, "10*3/uL"),
		},
		Want: []Want{Flag(infection, emergency), Flag(bloodCount, emergency)},
	},
	{
		Name:  "confirmation: ANC below 0.5 on two tests on tofacitinib raises the discontinue flag",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Lab(0, loincANC, 0.45, "10*3/uL"),
			Lab(3*day, loincANC, 0.3, "10*3/uL"),
		},
		Want: []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:  "out of order: an older low ANC logged after a newer one still flags each",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Lab(0, loincANC, 0.3, "10*3/uL"),
			Lab(-7*day, loincANC, 0.4, "10*3/uL"),
		},
		Want: []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "ALC 0.4 on baricitinib is urgent",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Lab(0, loincALC, 0.4, "10*3/uL")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:  "confirmation: ALC 450 cells/uL twice on tofacitinib is urgent",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Lab(0, loincALC, 450, "/uL"),
			Lab(7*day, loincALC, 0.42, "10*3/uL"),
		},
		Want: []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "benign: ALC 0.7 on upadacitinib (sec 7 guard, above 500)",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincALC, 0.7, "10*3/uL")},
	},
	{
		Name:    "Hb 7.5 g/dL is urgent",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Lab(0, loincHb, 7.5, "g/dL")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "unit: Hb 79 g/L is urgent",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincHb, 79, "g/L")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "unit: Hb 4.8 mmol/L (7.7 g/dL) is urgent",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincHb, 4.8, "mmol/L")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "boundary: Hb 80 g/L exactly on upadacitinib does not flag",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincHb, 80, "g/L")},
	},
	{
		Name:    "drug-specific: Hb 8.6 on tofacitinib is urgent (below 9)",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Lab(0, loincHb, 8.6, "g/dL")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "drug-specific benign: Hb 8.6 on upadacitinib does not flag",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincHb, 8.6, "g/dL")},
	},
	{
		Name:  "tofacitinib: Hb falling from 13.8 to 11.5 (> 2 g/dL from baseline) is urgent",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Lab(-90*day, loincHb, 13.8, "g/dL"),
			Lab(0, loincHb, 11.5, "g/dL"),
		},
		Want: []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:  "benign: the same Hb fall on upadacitinib (no delta rule in its label)",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Lab(-90*day, loincHb, 13.8, "g/dL"),
			Lab(0, loincHb, 11.5, "g/dL"),
		},
	},
	{
		Name:  "benign: tofacitinib Hb fall of exactly 2 g/dL stays in the maintain band",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Lab(-60*day, loincHb, 13.5, "g/dL"),
			Lab(0, loincHb, 11.5, "g/dL"),
		},
	},
	{
		Name:    "drug-specific: platelets 45 on abrocitinib are urgent (label discontinue)",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Lab(0, loincPlt, 45, "10*3/uL")},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "drug-specific: platelets 45 on upadacitinib are routine (no label threshold)",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincPlt, 45, "10*3/uL")},
		Want:    []Want{Flag(bloodCount, routine)},
	},
	{
		Name:  "platelets 45 on upadacitinib with bruising become urgent",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "unusual_bruising", mild),
			Lab(5, loincPlt, 45000, "/uL"),
		},
		Want: []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "boundary: platelets exactly 50 on ritlecitinib do not flag",
		Drugs:   []string{"ritlecitinib"},
		Entries: []Logged{Lab(0, loincPlt, 50, "10*9/L")},
	},
	{
		Name:    "unusual bruising is urgent",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "unusual_bruising", mild)},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "heavy bleeding is an emergency",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "bleeding", severe)},
		Want:    []Want{Flag(bloodCount, emergency)},
	},
	{
		Name:    "a mild nosebleed is urgent (sec 2.2 low counts)",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Sym(0, "nosebleed", mild)},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "very severe tiredness is urgent (possible anaemia)",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "fatigue", verySev)},
		Want:    []Want{Flag(bloodCount, urgent)},
	},
	{
		Name:    "WBC 1.8 without a differential is routine",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Lab(0, loincWBC, 1.8, "10*3/uL")},
		Want:    []Want{Flag(bloodCount, routine)},
	},
	{
		Name:    "benign: moderate tiredness does not flag",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "fatigue", moderate)},
	},

	// ----------------------------------------------------------------------------------
	// Liver: sec 2.2 liver row, sec 4.2 CTCAE grades, sec 9 L6.
	// ----------------------------------------------------------------------------------
	{
		Name:    "yellow eyes are urgent",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "yellow_skin_or_eyes", mild)},
		Want:    []Want{Flag(liver, urgent)},
	},
	{
		Name:    "dark urine is urgent",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "dark_urine", mild)},
		Want:    []Want{Flag(liver, urgent)},
	},
	{
		Name:  "jaundice then confusion is an emergency (one liver flag, no separate confusion flag)",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "yellow_skin_or_eyes", moderate),
			Sym(3, "confusion", mild),
		},
		Want: []Want{Flag(liver, emergency)},
	},
	{
		Name:    "ALT 200 U/L (> 3 x ULN 56) is urgent",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincALT, 200, "U/L")},
		Want:    []Want{Flag(liver, urgent)},
	},
	{
		Name:    "AST 130 with the lab's own range 10-40 (> 3 x ULN) is urgent",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Lab(0, loincAST, 130, "U/L", 10, 40)},
		Want:    []Want{Flag(liver, urgent)},
	},
	{
		Name:    "benign: ALT 120 with ULN 56 (2.1 x, grade 1) once on upadacitinib",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincALT, 120, "U/L")},
	},
	{
		Name:  "ALT grade 1 on two tests in a row is routine",
		Drugs: []string{"deuruxolitinib"},
		Entries: []Logged{
			Lab(0, loincALT, 90, "U/L"),
			Lab(30*day, loincALT, 100, "U/L"),
		},
		Want: []Want{Flag(liver, routine)},
	},
	{
		Name:    "bilirubin 2.0 mg/dL (> 1.5 x ULN 1.2) is urgent",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Lab(0, loincBili, 2.0, "mg/dL")},
		Want:    []Want{Flag(liver, urgent)},
	},
	{
		Name:    "unit: bilirubin 35 umol/L (2.0 mg/dL) is urgent",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Lab(0, loincBili, 35, "umol/L")},
		Want:    []Want{Flag(liver, urgent)},
	},
	{
		Name:    "benign: bilirubin 1.5 mg/dL (grade 1) does not flag",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Lab(0, loincBili, 1.5, "mg/dL")},
	},

	// ----------------------------------------------------------------------------------
	// GI perforation: sec 1.6, sec 2.2 GI row, MHRA, sec 3.
	// ----------------------------------------------------------------------------------
	{
		Name:    "severe abdominal pain is an emergency",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "abdominal_pain", severe)},
		Want:    []Want{Flag(giPerforation, emergency)},
	},
	{
		Name:    "moderate abdominal pain once is routine",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "abdominal_pain", moderate)},
		Want:    []Want{Flag(giPerforation, routine)},
	},
	{
		Name:  "moderate abdominal pain then a fever is urgent",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Sym(0, "abdominal_pain", moderate),
			Sym(4, "fever", mild),
		},
		Want: []Want{Flag(giPerforation, urgent), Flag(infection, urgent)},
	},
	{
		Name:    "moderate abdominal pain on ibuprofen is urgent",
		Drugs:   []string{"tofacitinib", "ibuprofen"},
		Entries: []Logged{Sym(0, "abdominal_pain", moderate)},
		Want:    []Want{Flag(giPerforation, urgent)},
	},
	{
		Name:    "rule 4: moderate abdominal pain with diverticular disease is urgent",
		Profile: Prof(1960, false, "diverticulitis"),
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "abdominal_pain", moderate)},
		Want:    []Want{Flag(giPerforation, urgent)},
	},
	{
		Name:  "moderate abdominal pain on two days is urgent (persistent)",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "abdominal_pain", moderate),
			Sym(day, "abdominal_pain", moderate),
		},
		Want: []Want{Flag(giPerforation, urgent)},
	},
	{
		Name:    "black stools are urgent",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "black_stools", mild)},
		Want:    []Want{Flag(giPerforation, urgent)},
	},
	{
		Name:  "black stools then feeling faint is an emergency",
		Drugs: []string{"tofacitinib", "prednisone"},
		Entries: []Logged{
			Sym(0, "black_stools", moderate),
			Sym(2, "lightheadedness", moderate),
		},
		Want: []Want{Flag(giPerforation, emergency)},
	},
	{
		Name:    "benign: mild nausea (sec 7 guard)",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Sym(0, "nausea", mild)},
	},
	{
		Name:    "benign: mild stomach ache once",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Sym(0, "abdominal_pain", mild)},
	},

	// ----------------------------------------------------------------------------------
	// Allergic reaction: sec 2.2 hypersensitivity row.
	// ----------------------------------------------------------------------------------
	{
		Name:    "lip swelling is an emergency",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Sym(0, "face_lip_tongue_swelling", mild)},
		Want:    []Want{Flag(allergic, emergency)},
	},
	{
		Name:    "hives alone are urgent",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "hives", mild)},
		Want:    []Want{Flag(allergic, urgent)},
	},
	{
		Name:  "hives then wheezing is an emergency",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "hives", moderate),
			Sym(0.5, "wheezing", mild),
		},
		Want: []Want{Flag(allergic, emergency)},
	},
	{
		Name:  "hives with light-headedness is an emergency",
		Drugs: []string{"ritlecitinib"},
		Entries: []Logged{
			Sym(0, "lightheadedness", moderate),
			Sym(0.2, "hives", moderate),
		},
		Want: []Want{Flag(allergic, emergency)},
	},
	{
		Name:    "benign: mild itching alone",
		Drugs:   []string{"ruxolitinib_cream"},
		Entries: []Logged{Sym(0, "itching", mild)},
	},
	{
		Name:    "severe rash is urgent",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "rash", severe)},
		Want:    []Want{Flag(allergic, urgent)},
	},
	{
		Name:  "severe rash with shortness of breath is an emergency",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Sym(0, "rash", severe),
			Sym(1, "shortness_of_breath", mild),
		},
		Want: []Want{Flag(allergic, emergency), Flag(bloodClot, routine)},
	},
	{
		Name:  "benign: moderate rash and itching on abrocitinib (atopic dermatitis activity)",
		Drugs: []string{"abrocitinib"},
		Entries: []Logged{
			Sym(0, "rash", moderate),
			Sym(0, "itching", moderate),
			Sym(day, "rash", moderate),
			Sym(2*day, "rash", moderate),
			Sym(3*day, "itching", severe),
		},
	},

	// ----------------------------------------------------------------------------------
	// Lipids: grade >= 2 only (sec 7 guard).
	// ----------------------------------------------------------------------------------
	{
		Name:    "total cholesterol 320 mg/dL (grade 2) is routine",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Lab(0, loincChol, 320, "mg/dL")},
		Want:    []Want{Flag(lipids, routine)},
	},
	{
		Name:    "unit: cholesterol 7.9 mmol/L (305 mg/dL) is routine",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Lab(0, loincChol, 7.9, "mmol/L")},
		Want:    []Want{Flag(lipids, routine)},
	},
	{
		Name:    "benign: cholesterol 240 mg/dL on baricitinib (grade 1, expected)",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Lab(0, loincChol, 240, "mg/dL")},
	},
	{
		Name:    "triglycerides 350 mg/dL are routine",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincTG, 350, "mg/dL")},
		Want:    []Want{Flag(lipids, routine)},
	},
	{
		Name:    "unit: triglycerides 12 mmol/L (grade 4, > 1000 mg/dL) are urgent",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincTG, 12, "mmol/L")},
		Want:    []Want{Flag(lipids, urgent)},
	},
	{
		Name:  "benign: LDL 190 and triglycerides 250 on filgotinib",
		Drugs: []string{"filgotinib"},
		Entries: []Logged{
			Lab(0, loincLDL, 190, "mg/dL"),
			Lab(0, loincTG, 250, "mg/dL"),
		},
	},

	// ----------------------------------------------------------------------------------
	// Malignancy hints: sec 1.6 NMSC, sec 2.2 malignancy row, sec 3.
	// ----------------------------------------------------------------------------------
	{
		Name:    "a new skin spot is routine (next skin exam)",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "new_skin_lesion", mild)},
		Want:    []Want{Flag(malignancy, routine)},
	},
	{
		Name:    "rule 4: a new skin spot after a previous cancer is urgent",
		Profile: Prof(1958, false, "history_of_cancer"),
		Drugs:   []string{"filgotinib"},
		Entries: []Logged{Sym(0, "new_skin_lesion", mild)},
		Want:    []Want{Flag(malignancy, urgent)},
	},
	{
		Name:  "night sweats and weight loss without fever or cough are urgent (malignancy)",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Sym(0, "night_sweats", moderate),
			Sym(7*day, "weight_loss", mild),
		},
		Want: []Want{Flag(malignancy, urgent)},
	},
	{
		Name:  "night sweats on three nights are urgent (persistent)",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "night_sweats", mild),
			Sym(3*day, "night_sweats", mild),
			Sym(9*day, "night_sweats", moderate),
		},
		Want: []Want{Flag(malignancy, urgent)},
	},
	{
		Name:    "unintended weight loss alone is routine",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "weight_loss", mild)},
		Want:    []Want{Flag(malignancy, routine)},
	},
	{
		Name:    "rule 4: unintended weight loss after a previous cancer is urgent",
		Profile: Prof(1962, true, "history_of_cancer"),
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "weight_loss", moderate)},
		Want:    []Want{Flag(malignancy, urgent)},
	},
	{
		Name:    "benign: night sweats once",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Sym(0, "night_sweats", mild)},
	},

	// ----------------------------------------------------------------------------------
	// Kidney: CTCAE grade >= 2, eGFR bands (sec 1.4).
	// ----------------------------------------------------------------------------------
	{
		Name:    "creatinine 2.1 mg/dL (> 1.5 x ULN 1.3) is urgent",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Lab(0, loincCreat, 2.1, "mg/dL")},
		Want:    []Want{Flag(kidney, urgent)},
	},
	{
		Name:    "unit: creatinine 186 umol/L (2.1 mg/dL) is urgent",
		Drugs:   []string{"filgotinib"},
		Entries: []Logged{Lab(0, loincCreat, 186, "umol/L")},
		Want:    []Want{Flag(kidney, urgent)},
	},
	{
		Name:  "creatinine rising from 0.7 to 1.2 mg/dL (> 1.5 x baseline, within range) is urgent",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Lab(-120*day, loincCreat, 0.7, "mg/dL"),
			Lab(0, loincCreat, 1.2, "mg/dL"),
		},
		Want: []Want{Flag(kidney, urgent)},
	},
	{
		Name:  "benign: creatinine 1.5 mg/dL (grade 1) on filgotinib, small rise from baseline",
		Drugs: []string{"filgotinib"},
		Entries: []Logged{
			Lab(-60*day, loincCreat, 1.1, "mg/dL"),
			Lab(0, loincCreat, 1.5, "mg/dL"),
		},
	},
	{
		Name:    "eGFR 25 is urgent",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincEGFR, 25, "mL/min/{1.73_m2}")},
		Want:    []Want{Flag(kidney, urgent)},
	},
	{
		Name:  "eGFR falling from 75 to 52 on baricitinib is routine (dose band)",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Lab(-90*day, loincEGFR, 75, "mL/min/{1.73_m2}"),
			Lab(0, loincEGFR, 52, "mL/min/{1.73_m2}"),
		},
		Want: []Want{Flag(kidney, routine)},
	},
	{
		Name:  "benign: eGFR 52 on upadacitinib (no band at 60)",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Lab(-90*day, loincEGFR, 75, "mL/min/{1.73_m2}"),
			Lab(0, loincEGFR, 52, "mL/min/{1.73_m2}"),
		},
	},

	// ----------------------------------------------------------------------------------
	// Muscle: CK grade >= 3, or any rise with symptoms (sec 9 L8, sec 7 guard).
	// ----------------------------------------------------------------------------------
	{
		Name:    "CK 1200 U/L (> 5 x ULN 200) is urgent",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Lab(0, loincCK, 1200, "U/L")},
		Want:    []Want{Flag(muscle, urgent)},
	},
	{
		Name:  "CK 450 after muscle pain the same day is urgent",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "muscle_pain", moderate),
			Lab(5, loincCK, 450, "U/L"),
		},
		Want: []Want{Flag(muscle, urgent)},
	},
	{
		Name:  "muscle pain the day after a CK of 300 is urgent",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Lab(0, loincCK, 300, "U/L"),
			Sym(day, "muscle_pain", mild),
		},
		Want: []Want{Flag(muscle, urgent)},
	},
	{
		Name:  "CK 450 with dark urine is urgent (muscle and liver)",
		Drugs: []string{"ritlecitinib"},
		Entries: []Logged{
			Lab(0, loincCK, 450, "U/L"),
			Sym(2, "dark_urine", moderate),
		},
		Want: []Want{Flag(muscle, urgent), Flag(liver, urgent)},
	},
	{
		Name:    "benign: CK 450 on upadacitinib without symptoms (grade 1, sec 7 guard)",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Lab(0, loincCK, 450, "U/L")},
	},
	{
		Name:    "benign: CK 900 (grade 2) without symptoms",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Lab(0, loincCK, 900, "U/L")},
	},

	// ----------------------------------------------------------------------------------
	// Other: combination rules 5 and 6, and the common mild effects of sec 7.
	// ----------------------------------------------------------------------------------
	{
		Name:  "rule 5: mild headache on three days of a week is routine",
		Drugs: []string{"abrocitinib"},
		Entries: []Logged{
			Sym(0, "headache", mild),
			Sym(2*day, "headache", mild),
			Sym(4*day, "headache", mild),
		},
		Want: []Want{Flag(other, routine)},
	},
	{
		Name:  "rule 5: sore throat on three days is routine",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "sore_throat", mild),
			Sym(day, "sore_throat", mild),
			Sym(2*day, "sore_throat", moderate),
		},
		Want: []Want{Flag(other, routine)},
	},
	{
		Name:    "rule 5 (worsening): a severe ordinary headache is routine",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Sym(0, "headache", severe)},
		Want:    []Want{Flag(other, routine)},
	},
	{
		Name:  "benign: mild headache and nausea in the first week on abrocitinib",
		Drugs: []string{"abrocitinib"},
		Entries: []Logged{
			Sym(0, "headache", mild),
			Sym(0, "nausea", mild),
			Sym(day, "nausea", mild),
		},
	},
	{
		Name:  "benign: acne every day for a week",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "acne", moderate), Sym(day, "acne", moderate), Sym(2*day, "acne", severe),
			Sym(3*day, "acne", moderate), Sym(4*day, "acne", moderate),
		},
	},
	{
		Name:  "benign: very severe joint pain (disease activity) on three days",
		Drugs: []string{"baricitinib", "methotrexate"},
		Entries: []Logged{
			Sym(0, "joint_pain", verySev), Sym(day, "joint_pain", severe), Sym(2*day, "joint_pain", severe),
		},
	},
	{
		Name:    "benign: mild mouth sores once",
		Drugs:   []string{"ritlecitinib"},
		Entries: []Logged{Sym(0, "mouth_sores", mild)},
	},
	{
		Name:    "benign: mild dizziness once on abrocitinib",
		Drugs:   []string{"abrocitinib"},
		Entries: []Logged{Sym(0, "dizziness", mild)},
	},
	{
		Name:    "benign: a note on its own",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Note(0, "Felt a bit tired after the gym, otherwise fine.")},
	},
	{
		Name:  "benign: normal vital signs",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Vital(0, "heart_rate", 78, "/min"),
			Vital(0, "systolic_bp", 128, "mm[Hg]"),
			Vital(0, "oxygen_saturation", 98, "%"),
			Vital(0, "body_weight", 72, "kg"),
		},
	},
	{
		Name:  "benign: normal CBC on tofacitinib",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Lab(0, loincWBC, 5.2, "10*3/uL"),
			Lab(0, loincANC, 3.1, "10*3/uL"),
			Lab(0, loincALC, 1.4, "10*3/uL"),
			Lab(0, loincHb, 13.2, "g/dL"),
			Lab(0, loincPlt, 240, "10*3/uL"),
		},
	},
	{
		Name:  "rule 6: two doses of once-daily upadacitinib on one day are urgent",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Dose(0, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
			Dose(3, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
		},
		Want: []Want{Flag(other, urgent)},
	},
	{
		Name:  "benign: tofacitinib twice a day is its normal schedule",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Dose(0, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
			Dose(12, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
		},
	},
	{
		Name:  "benign: a missed dose then a taken dose the next day",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Dose(0, medjournalv1.DoseStatus_DOSE_STATUS_MISSED),
			Dose(day, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
		},
	},

	// ----------------------------------------------------------------------------------
	// Measured vital signs: ADDENDUM A1 (NEWS2 bands, NICE NG51, UK Sepsis Trust), scale 1.
	// ----------------------------------------------------------------------------------
	{
		Name:    "A1 V1: SpO2 88 % on air alone is an emergency",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Vital(0, "oxygen_saturation", 88, "%")},
		Want:    []Want{Flag(other, emergency)},
	},
	{
		Name:    "A1 V1 boundary: SpO2 91 % is an emergency, 92 % is not",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Vital(0, "oxygen_saturation", 91, "%")},
		Want:    []Want{Flag(other, emergency)},
	},
	{
		Name:    "A1 V1: a breathing rate of 28 a minute alone is an emergency",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Vital(0, "respiratory_rate", 28, "/min")},
		Want:    []Want{Flag(other, emergency)},
	},
	{
		Name:    "A1 V1: systolic 86 mmHg alone is an emergency",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Vital(0, "systolic_bp", 86, "mm[Hg]")},
		Want:    []Want{Flag(other, emergency)},
	},
	{
		Name:    "A1 V1 boundary: a pulse of 131 alone is an emergency",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Vital(0, "heart_rate", 131, "/min")},
		Want:    []Want{Flag(other, emergency)},
	},
	{
		Name:    "A1 V2: SpO2 92 % alone means calling the care team",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Vital(0, "oxygen_saturation", 92, "%")},
		Want:    []Want{Flag(other, urgent)},
	},
	{
		Name:    "A1 V2: a pulse of 118 alone means calling the care team",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Vital(0, "heart_rate", 118, "/min")},
		Want:    []Want{Flag(other, urgent)},
	},
	{
		Name:    "A1 V2: a breathing rate of 22 alone means calling the care team",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Vital(0, "respiratory_rate", 22, "/min")},
		Want:    []Want{Flag(other, urgent)},
	},
	{
		Name:    "A1 V2: systolic 96 mmHg alone means calling the care team",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Vital(0, "systolic_bp", 96, "mm[Hg]")},
		Want:    []Want{Flag(other, urgent)},
	},
	{
		Name:    "A1 V2: systolic 224 mmHg alone means calling the care team",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Vital(0, "systolic_bp", 224, "mm[Hg]")},
		Want:    []Want{Flag(other, urgent)},
	},
	{
		Name:    "A1 V2: a pulse of 38 alone means calling the care team",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Vital(0, "heart_rate", 38, "/min")},
		Want:    []Want{Flag(other, urgent)},
	},
	{
		Name:    "A1 V4: a temperature of 34.8 °C alone means calling the care team",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Vital(0, "body_temperature", 34.8, "Cel")},
		Want:    []Want{Flag(other, urgent)},
	},
	{
		Name:    "A1 worked example: 38.6 °C, SpO2 88 %, pulse 124, breathing 28 at 76 is one infection emergency",
		Profile: Prof(1950, false),
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{
			Vital(0, "body_temperature", 38.6, "Cel"),
			Vital(0.1, "oxygen_saturation", 88, "%"),
			Vital(0.2, "heart_rate", 124, "/min"),
			Vital(0.3, "respiratory_rate", 28, "/min"),
		},
		Want: []Want{Flag(infection, emergency)},
	},
	{
		Name:    "A1 V3b: fever then SpO2 93 % is an infection emergency",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Vital(0, "body_temperature", 38.3, "Cel"), Vital(2, "oxygen_saturation", 93, "%")},
		Want:    []Want{Flag(infection, emergency)},
	},
	{
		Name:  "out of order: a pulse of 115 logged before the fever still makes one infection emergency",
		Drugs: []string{"baricitinib"},
		Entries: []Logged{
			Vital(1, "heart_rate", 115, "/min"),
			Sym(3, "chills", moderate),
		},
		Want: []Want{Flag(infection, emergency), Flag(other, urgent)},
	},
	{
		Name:  "A1 V3b with V4: 35.7 °C with a pulse of 118 is an emergency",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Vital(0, "body_temperature", 35.7, "Cel"),
			Vital(0.5, "heart_rate", 118, "/min"),
		},
		Want: []Want{Flag(other, emergency)},
	},
	{
		Name:  "A1 V3d: a pulse of 38 with lightheadedness is an emergency",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Vital(0, "heart_rate", 38, "/min"),
			Sym(0.2, "lightheadedness", moderate),
		},
		Want: []Want{Flag(other, emergency)},
	},
	{
		Name:  "out of order: lightheadedness logged before a pulse of 38 is still an emergency",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Sym(0, "lightheadedness", moderate),
			Vital(0.5, "heart_rate", 38, "/min"),
		},
		Want: []Want{Flag(other, emergency)},
	},
	{
		Name:  "A1: SpO2 89 % then a fever: the reading's emergency stands and the fever is an infection emergency",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Vital(0, "oxygen_saturation", 89, "%"),
			Vital(3, "body_temperature", 38.5, "Cel"),
		},
		Want: []Want{Flag(other, emergency), Flag(infection, emergency)},
	},
	{
		Name:  "A1 V3a: breathing 22, SpO2 93 %, pulse 115 and systolic 108 within an hour score NEWS2 7: an emergency",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Vital(0, "respiratory_rate", 22, "/min"),
			Vital(0.2, "oxygen_saturation", 93, "%"),
			Vital(0.4, "heart_rate", 115, "/min"),
			Vital(0.6, "systolic_bp", 108, "mm[Hg]"),
		},
		Want: []Want{Flag(other, emergency)},
	},
	{
		Name:  "A1 V3a: the same readings spread over five hours are not one set and stay a call to the care team",
		Drugs: []string{"upadacitinib"},
		Entries: []Logged{
			Vital(0, "respiratory_rate", 22, "/min"),
			Vital(1.5, "oxygen_saturation", 93, "%"),
			Vital(3, "heart_rate", 115, "/min"),
			Vital(4.5, "systolic_bp", 108, "mm[Hg]"),
		},
		Want: []Want{Flag(other, urgent)},
	},
	{
		Name:  "A1 V3a boundary: NEWS2 6 in one set stays a call to the care team",
		Drugs: []string{"tofacitinib"},
		Entries: []Logged{
			Vital(0, "respiratory_rate", 22, "/min"),
			Vital(0.2, "oxygen_saturation", 93, "%"),
			Vital(0.4, "heart_rate", 115, "/min"),
		},
		Want: []Want{Flag(other, urgent)},
	},
	{
		Name:    "benign: SpO2 96 %, pulse 80, breathing 16, systolic 125 raise nothing",
		Drugs:   []string{"upadacitinib"},
		Entries: []Logged{Vital(0, "oxygen_saturation", 96, "%"), Vital(0, "heart_rate", 80, "/min"), Vital(0, "respiratory_rate", 16, "/min"), Vital(0, "systolic_bp", 125, "mm[Hg]")},
	},
	{
		Name:    "benign: watch bands alone (SpO2 94 %, pulse 105, 35.6 °C) raise nothing",
		Drugs:   []string{"tofacitinib"},
		Entries: []Logged{Vital(0, "oxygen_saturation", 94, "%"), Vital(1, "heart_rate", 105, "/min"), Vital(2, "body_temperature", 35.6, "Cel")},
	},
	{
		Name:    "unit: 93.2 °F (34.0 °C) is a low temperature",
		Drugs:   []string{"baricitinib"},
		Entries: []Logged{Vital(0, "body_temperature", 93.2, "[degF]")},
		Want:    []Want{Flag(other, urgent)},
	},
}
