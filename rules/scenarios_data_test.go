package rules_test

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

func dose(hours float64, status medjournalv1.DoseStatus) logged {
	return logged{hours, &medjournalv1.Entry{Kind: &medjournalv1.Entry_Dose{Dose: &medjournalv1.Dose{
		MedicationId: medOnce, Amount: 1, Unit: "tablet", Status: status}}}}
}

// prof is a profile: birth year (0 = unknown), smoker or not, risk factor codes.
func prof(birthYear int32, smoker bool, risks ...string) *medjournalv1.Profile {
	p := &medjournalv1.Profile{BirthYear: birthYear, RiskFactors: risks, SmokingStatus: medjournalv1.SmokingStatus_SMOKING_STATUS_NEVER}
	if smoker {
		p.SmokingStatus = medjournalv1.SmokingStatus_SMOKING_STATUS_CURRENT
	}
	return p
}

// scenarios are the clinical stories the rule set must get right, written from
// ../shared/clinical/REFERENCE.md (sections 1-3, 7 and 9). Each name says what it proves.
var scenarios = []scenario{
	// ----------------------------------------------------------------------------------
	// Infection: sec 2.2 serious-infection row, combination rules 2 and 3.
	// ----------------------------------------------------------------------------------
	{
		name:    "measured fever on upadacitinib",
		drugs:   []string{"upadacitinib"},
		entries: []logged{vital(0, "body_temperature", 38.4, "Cel")},
		want:    []flagWant{flag(infection, urgent)},
	},
	{
		name:    "normal temperature is benign",
		drugs:   []string{"upadacitinib"},
		entries: []logged{vital(0, "body_temperature", 36.9, "Cel")},
	},
	{
		name:    "boundary: 37.9 °C is not a fever",
		drugs:   []string{"baricitinib"},
		entries: []logged{vital(0, "body_temperature", 37.9, "Cel")},
	},
	{
		name:    "boundary: 38.0 °C exactly is a fever",
		drugs:   []string{"baricitinib"},
		entries: []logged{vital(0, "body_temperature", 38.0, "Cel")},
		want:    []flagWant{flag(infection, urgent)},
	},
	{
		name:    "unit: 100.4 °F converts to 38.0 °C and is a fever",
		drugs:   []string{"tofacitinib"},
		entries: []logged{vital(0, "body_temperature", 100.4, "[degF]")},
		want:    []flagWant{flag(infection, urgent)},
	},
	{
		name:    "unit: 100.2 °F (37.9 °C) is not a fever",
		drugs:   []string{"tofacitinib"},
		entries: []logged{vital(0, "body_temperature", 100.2, "[degF]")},
	},
	{
		name:    "reported fever without a thermometer is urgent",
		drugs:   []string{"abrocitinib"},
		entries: []logged{sym(0, "fever", mild)},
		want:    []flagWant{flag(infection, urgent)},
	},
	{
		name:    "chills alone are urgent (sec 2.2: fever or chills on any day)",
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "chills", mild)},
		want:    []flagWant{flag(infection, urgent)},
	},
	{
		name:  "fever then shortness of breath an hour later escalates to emergency",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			vital(0, "body_temperature", 38.6, "Cel"),
			sym(1, "shortness_of_breath", mild),
		},
		want: []flagWant{flag(infection, emergency), flag(bloodClot, routine)},
	},
	{
		name:  "fever with confusion is an emergency (and no separate confusion flag)",
		drugs: []string{"baricitinib"},
		entries: []logged{
			sym(0, "fever", moderate),
			sym(2, "confusion", mild),
		},
		want: []flagWant{flag(infection, emergency)},
	},
	{
		name:  "fever with a racing heartbeat is an emergency",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			vital(0, "body_temperature", 39.1, "Cel"),
			sym(0.5, "racing_heartbeat", moderate),
		},
		want: []flagWant{flag(infection, emergency)},
	},
	{
		name:  "fever after severe vomiting (cannot keep fluids down) is an emergency; the vomiting alone was routine",
		drugs: []string{"filgotinib"},
		entries: []logged{
			sym(0, "vomiting", severe),
			vital(1, "body_temperature", 38.3, "Cel"),
		},
		want: []flagWant{flag(infection, emergency), flag(other, routine)},
	},
	{
		name:  "fever with one mild vomit stays urgent",
		drugs: []string{"filgotinib"},
		entries: []logged{
			vital(0, "body_temperature", 38.3, "Cel"),
			sym(1, "vomiting", mild),
		},
		want: []flagWant{flag(infection, urgent)},
	},
	{
		name:  "out of order: breathlessness logged before the earlier fever still escalates",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(5, "shortness_of_breath", mild),
			vital(3, "body_temperature", 38.6, "Cel"),
		},
		want: []flagWant{flag(infection, emergency), flag(bloodClot, routine)},
	},
	{
		name:  "rule 3: fever three days after ANC 0.8 on baricitinib is an emergency",
		drugs: []string{"baricitinib"},
		entries: []logged{
			lab(0, loincANC, 0.8, "10*3/uL"),
			vital(3*day, "body_temperature", 38.2, "Cel"),
		},
		want: []flagWant{flag(bloodCount, urgent), flag(infection, emergency)},
	},
	{
		name:  "rule 3: fever five days after lymphocytes 0.4 is an emergency",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			lab(0, loincALC, 0.4, "10*3/uL"),
			sym(5*day, "fever", moderate),
		},
		want: []flagWant{flag(bloodCount, urgent), flag(infection, emergency)},
	},
	{
		name:  "rule 3 uses the most recent count: a normal repeat ANC before the fever keeps it urgent",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			lab(0, loincANC, 0.8, "10*3/uL"),
			lab(2*day, loincANC, 2.5, "10*3/uL"),
			vital(4*day, "body_temperature", 38.4, "Cel"),
		},
		want: []flagWant{flag(bloodCount, urgent), flag(infection, urgent)},
	},
	{
		name:  "fever the day after a WBC of 0.8 (no differential) is an emergency",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			lab(0, loincWBC, 0.8, "10*3/uL"),
			vital(day, "body_temperature", 38.5, "Cel"),
		},
		want: []flagWant{flag(bloodCount, urgent), flag(infection, emergency)},
	},
	{
		name:  "rule 2: cough and muscle aches on the same day without fever are urgent",
		drugs: []string{"baricitinib"},
		entries: []logged{
			sym(0, "cough", mild),
			sym(4, "muscle_pain", mild),
		},
		want: []flagWant{flag(infection, urgent)},
	},
	{
		name:  "rule 2: cough with moderate diarrhoea on the same day is urgent",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(0, "diarrhea", moderate),
			sym(3, "cough", mild),
		},
		want: []flagWant{flag(infection, urgent)},
	},
	{
		name:  "benign: cough with mild tiredness does not make a cluster",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "cough", mild),
			sym(2, "fatigue", mild),
		},
	},
	{
		name:  "benign: a cold (runny nose, sore throat, cough) without fever does not flag",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "runny_nose", moderate),
			sym(1, "sore_throat", mild),
			sym(6, "cough", mild),
			vital(7, "body_temperature", 37.4, "Cel"),
		},
	},
	{
		name:    "benign: isolated sore throat does not flag",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "sore_throat", moderate)},
	},
	{
		name:    "benign: isolated runny nose does not flag",
		drugs:   []string{"abrocitinib"},
		entries: []logged{sym(0, "runny_nose", moderate)},
	},
	{
		name:  "runny nose with a fever flags as fever",
		drugs: []string{"abrocitinib"},
		entries: []logged{
			sym(0, "runny_nose", mild),
			vital(2, "body_temperature", 38.1, "Cel"),
		},
		want: []flagWant{flag(infection, urgent)},
	},
	{
		name:    "painful urination is urgent (possible UTI)",
		drugs:   []string{"filgotinib"},
		entries: []logged{sym(0, "painful_urination", mild)},
		want:    []flagWant{flag(infection, urgent)},
	},
	{
		name:  "frequent urination joins a painful-urination flag",
		drugs: []string{"filgotinib"},
		entries: []logged{
			sym(0, "frequent_urination", moderate),
			sym(2, "painful_urination", moderate),
		},
		want: []flagWant{flag(infection, urgent)},
	},
	{
		name:    "benign: frequent urination once without pain does not flag",
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "frequent_urination", mild)},
	},
	{
		name:    "painful blistering rash is urgent (shingles, sec 1.6)",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "painful_blistering_rash", moderate)},
		want:    []flagWant{flag(infection, urgent)},
	},
	{
		name:  "TB pattern: cough on four days over three weeks with night sweats and weight loss",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(0, "cough", mild),
			sym(6*day, "cough", mild),
			sym(10*day, "night_sweats", moderate),
			sym(12*day, "cough", moderate),
			sym(18*day, "cough", moderate),
			sym(20*day, "weight_loss", mild),
		},
		want: []flagWant{flag(infection, urgent)},
	},
	{
		name:  "TB pattern: night sweats, fever and weight loss over two weeks without cough",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "night_sweats", moderate),
			sym(5*day, "fever", mild),
			sym(12*day, "weight_loss", mild),
		},
		want: []flagWant{flag(infection, urgent)},
	},
	{
		name:  "cough on three days of a week is urgent (sec 2.2: cough > several days)",
		drugs: []string{"baricitinib"},
		entries: []logged{
			sym(0, "cough", mild),
			sym(2*day, "cough", mild),
			sym(4*day, "cough", mild),
		},
		want: []flagWant{flag(infection, urgent)},
	},
	{
		name:  "diarrhoea on three days of a week is urgent",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(0, "diarrhea", mild),
			sym(day, "diarrhea", mild),
			sym(3*day, "diarrhea", mild),
		},
		want: []flagWant{flag(infection, urgent)},
	},
	{
		name:    "severe diarrhoea once is urgent",
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "diarrhea", severe)},
		want:    []flagWant{flag(infection, urgent)},
	},
	{
		name:  "benign: mild diarrhoea on two days (sec 7 guard)",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(0, "diarrhea", mild),
			sym(2*day, "diarrhea", mild),
		},
	},

	// ----------------------------------------------------------------------------------
	// Heart attack: sec 2.2 MACE row, S44, combination rule 4, sec 3.
	// ----------------------------------------------------------------------------------
	{
		name:    "mild chest pain alone, no risk factors, is urgent",
		profile: prof(1990, false),
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "chest_pain", mild)},
		want:    []flagWant{flag(heartAttack, urgent)},
	},
	{
		name:    "moderate chest pain is an emergency",
		profile: prof(1990, false),
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "chest_pain", moderate)},
		want:    []flagWant{flag(heartAttack, emergency)},
	},
	{
		name:  "mild chest pain with a cold sweat is an emergency",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(0, "chest_pain", mild),
			sym(0.5, "cold_sweat", moderate),
		},
		want: []flagWant{flag(heartAttack, emergency)},
	},
	{
		name:  "mild chest pain, then jaw and arm pain an hour later, is an emergency",
		drugs: []string{"baricitinib"},
		entries: []logged{
			sym(0, "chest_pain", mild),
			sym(1, "arm_neck_jaw_back_pain", mild),
		},
		want: []flagWant{flag(heartAttack, emergency)},
	},
	{
		name:  "mild chest pain with nausea is an emergency",
		drugs: []string{"abrocitinib"},
		entries: []logged{
			sym(0, "nausea", mild),
			sym(0.25, "chest_pain", mild),
		},
		want: []flagWant{flag(heartAttack, emergency)},
	},
	{
		name:  "mild chest pain with shortness of breath is an emergency",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "chest_pain", mild),
			sym(0.2, "shortness_of_breath", mild),
		},
		want: []flagWant{flag(heartAttack, emergency), flag(bloodClot, routine)},
	},
	{
		name:  "out of order: chest pain logged after the later cold sweat still escalates",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(2, "cold_sweat", moderate),
			sym(1, "chest_pain", mild),
		},
		want: []flagWant{flag(heartAttack, emergency)},
	},
	{
		name:    "rule 4: mild chest pain in a 55-year-old smoker is an emergency",
		profile: prof(1971, true),
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "chest_pain", mild)},
		want:    []flagWant{flag(heartAttack, emergency)},
	},
	{
		name:    "rule 4: a 35-year-old smoker with mild chest pain stays urgent (age < 50)",
		profile: prof(1991, true),
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "chest_pain", mild)},
		want:    []flagWant{flag(heartAttack, urgent)},
	},
	{
		name:    "rule 4: mild chest pain with hypertension is an emergency",
		profile: prof(1985, false, "hypertension"),
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "chest_pain", mild)},
		want:    []flagWant{flag(heartAttack, emergency)},
	},
	{
		name:    "rule 4: mild chest pain with diabetes is an emergency",
		profile: prof(1985, false, "diabetes"),
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "chest_pain", mild)},
		want:    []flagWant{flag(heartAttack, emergency)},
	},
	{
		name:    "benign risk factor: diverticulitis does not raise chest pain",
		profile: prof(1985, false, "diverticulitis"),
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "chest_pain", mild)},
		want:    []flagWant{flag(heartAttack, urgent)},
	},
	{
		name:  "arm/jaw pain with a cold sweat and no chest pain is urgent",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(0, "arm_neck_jaw_back_pain", moderate),
			sym(0.5, "cold_sweat", moderate),
		},
		want: []flagWant{flag(heartAttack, urgent)},
	},
	{
		name:    "arm/jaw pain with a cold sweat after a previous heart attack is an emergency",
		profile: prof(1960, false, "history_of_mi_or_stroke"),
		drugs:   []string{"tofacitinib"},
		entries: []logged{
			sym(0, "cold_sweat", mild),
			sym(0.5, "arm_neck_jaw_back_pain", mild),
		},
		want: []flagWant{flag(heartAttack, emergency)},
	},
	{
		name:  "benign: nausea with light-headedness and no chest, arm or jaw pain or sweat",
		drugs: []string{"abrocitinib"},
		entries: []logged{
			sym(0, "nausea", mild),
			sym(1, "lightheadedness", mild),
		},
	},
	{
		name:    "benign: back pain alone does not flag",
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "arm_neck_jaw_back_pain", moderate)},
	},

	// ----------------------------------------------------------------------------------
	// Stroke: FAST at any severity; sudden severe headache.
	// ----------------------------------------------------------------------------------
	{
		name:    "mild face drooping is an emergency",
		drugs:   []string{"deuruxolitinib"},
		entries: []logged{sym(0, "face_drooping", mild)},
		want:    []flagWant{flag(stroke, emergency)},
	},
	{
		name:    "mild slurred speech that passed is still an emergency",
		drugs:   []string{"ritlecitinib"},
		entries: []logged{sym(0, "slurred_speech", mild)},
		want:    []flagWant{flag(stroke, emergency)},
	},
	{
		name:    "one-sided weakness is an emergency",
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "one_sided_weakness", moderate)},
		want:    []flagWant{flag(stroke, emergency)},
	},
	{
		name:    "sudden severe headache alone is urgent",
		profile: prof(1995, false),
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "sudden_severe_headache", severe)},
		want:    []flagWant{flag(stroke, urgent)},
	},
	{
		name:  "sudden severe headache then confusion is an emergency (one stroke flag)",
		drugs: []string{"baricitinib"},
		entries: []logged{
			sym(0, "sudden_severe_headache", severe),
			sym(1, "confusion", moderate),
		},
		want: []flagWant{flag(stroke, emergency)},
	},
	{
		name:    "rule 4: sudden severe headache with hypertension is an emergency",
		profile: prof(1980, false, "hypertension"),
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "sudden_severe_headache", severe)},
		want:    []flagWant{flag(stroke, emergency)},
	},
	{
		name:  "FAST sign then a sudden headache stays one stroke emergency",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "one_sided_weakness", mild),
			sym(0.5, "sudden_severe_headache", severe),
		},
		want: []flagWant{flag(stroke, emergency)},
	},
	{
		name:    "benign: a mild ordinary headache does not flag",
		drugs:   []string{"abrocitinib"},
		entries: []logged{sym(0, "headache", mild)},
	},
	{
		name:    "new confusion alone is urgent",
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "confusion", moderate)},
		want:    []flagWant{flag(other, urgent)},
	},

	// ----------------------------------------------------------------------------------
	// Blood clots: sec 2.2 DVT/PE row, rule 4 (VTE).
	// ----------------------------------------------------------------------------------
	{
		name:    "coughing blood is an emergency",
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "coughing_blood", mild)},
		want:    []flagWant{flag(bloodClot, emergency)},
	},
	{
		name:    "severe shortness of breath is an emergency (possible PE)",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "shortness_of_breath", severe)},
		want:    []flagWant{flag(bloodClot, emergency)},
	},
	{
		name:    "moderate shortness of breath is urgent",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "shortness_of_breath", moderate)},
		want:    []flagWant{flag(bloodClot, urgent)},
	},
	{
		name:    "mild shortness of breath alone is routine",
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "shortness_of_breath", mild)},
		want:    []flagWant{flag(bloodClot, routine)},
	},
	{
		name:    "rule 4: mild breathlessness after a previous clot is urgent",
		profile: prof(1970, false, "history_of_vte"),
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "shortness_of_breath", mild)},
		want:    []flagWant{flag(bloodClot, urgent)},
	},
	{
		name:    "rule 4: moderate breathlessness after a previous clot is an emergency",
		profile: prof(1970, false, "history_of_vte"),
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "shortness_of_breath", moderate)},
		want:    []flagWant{flag(bloodClot, emergency)},
	},
	{
		name:  "mild breathlessness with a racing heartbeat is urgent",
		drugs: []string{"abrocitinib"},
		entries: []logged{
			sym(0, "shortness_of_breath", mild),
			sym(0.5, "racing_heartbeat", mild),
		},
		want: []flagWant{flag(bloodClot, urgent)},
	},
	{
		name:    "leg swelling is urgent (possible DVT)",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "leg_swelling", moderate)},
		want:    []flagWant{flag(bloodClot, urgent)},
	},
	{
		name:    "mild calf pain is urgent (possible DVT)",
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "leg_pain", mild)},
		want:    []flagWant{flag(bloodClot, urgent)},
	},
	{
		name:  "leg pain then breathlessness the next day is an emergency (PE)",
		drugs: []string{"abrocitinib"},
		entries: []logged{
			sym(0, "leg_pain", moderate),
			sym(20, "shortness_of_breath", mild),
		},
		want: []flagWant{flag(bloodClot, emergency)},
	},
	{
		name:  "out of order: leg swelling logged after the later breathlessness is an emergency",
		drugs: []string{"abrocitinib"},
		entries: []logged{
			sym(10, "shortness_of_breath", mild),
			sym(0, "leg_swelling", moderate),
		},
		want: []flagWant{flag(bloodClot, emergency)},
	},
	{
		name:    "rule 4: leg swelling with a history of blood clots is an emergency",
		profile: prof(1965, false, "history_of_vte"),
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "leg_swelling", mild)},
		want:    []flagWant{flag(bloodClot, emergency)},
	},
	{
		name:    "benign: mild palpitations alone",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "racing_heartbeat", mild)},
	},
	{
		name:    "benign: a mild wheeze once",
		profile: prof(1980, false, "chronic_lung_disease"),
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "wheezing", mild)},
	},
	{
		name:  "chest pain with leg swelling is an emergency (PE)",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(0, "chest_pain", mild),
			sym(1, "leg_swelling", moderate),
		},
		want: []flagWant{flag(heartAttack, urgent), flag(bloodClot, emergency)},
	},

	// ----------------------------------------------------------------------------------
	// Blood counts: sec 1.2 per-drug thresholds, confirmation, Hb fall, rule 3 and 7.
	// ----------------------------------------------------------------------------------
	{
		name:    "drug-specific: ANC 0.8 on upadacitinib is urgent (label interrupt)",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincANC, 0.8, "10*3/uL")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "drug-specific: ANC 0.8 once on tofacitinib is routine (repeat the count)",
		drugs:   []string{"tofacitinib"},
		entries: []logged{lab(0, loincANC, 0.8, "10*3/uL")},
		want:    []flagWant{flag(bloodCount, routine)},
	},
	{
		name:  "tofacitinib: ANC 0.8 then 0.7 (persistent 500-1000) is urgent",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			lab(0, loincANC, 0.8, "10*3/uL"),
			lab(14*day, loincANC, 0.7, "10*3/uL"),
		},
		want: []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "boundary: ANC exactly 1.0 on baricitinib does not flag",
		drugs:   []string{"baricitinib"},
		entries: []logged{lab(0, loincANC, 1.0, "10*3/uL")},
	},
	{
		name:    "boundary: ANC 0.99 on baricitinib is urgent",
		drugs:   []string{"baricitinib"},
		entries: []logged{lab(0, loincANC, 0.99, "10*3/uL")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "unit: ANC 800 cells/uL on abrocitinib is urgent",
		drugs:   []string{"abrocitinib"},
		entries: []logged{lab(0, loincANC, 800, "/uL")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "unit: ANC 0.6 x10^9/L (alternate LOINC) on filgotinib is urgent",
		drugs:   []string{"filgotinib"},
		entries: []logged{lab(0, loincANC2, 0.6, "10*9/L")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "benign unit: ANC 1000 cells/uL on deuruxolitinib does not flag",
		drugs:   []string{"deuruxolitinib"},
		entries: []logged{lab(0, loincANC, 1000, "/uL")},
	},
	{
		name:    "ANC 0.8 on ritlecitinib (no label threshold) is routine",
		drugs:   []string{"ritlecitinib"},
		entries: []logged{lab(0, loincANC, 0.8, "10*3/uL")},
		want:    []flagWant{flag(bloodCount, routine)},
	},
	{
		name:    "ANC 0.4 is urgent on any drug",
		drugs:   []string{"ruxolitinib_cream"},
		entries: []logged{lab(0, loincANC, 0.4, "10*3/uL")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:  "ANC 0.4 six hours after a fever is an emergency",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			vital(0, "body_temperature", 38.7, "Cel"),
			lab(6, loincANC, 0.4, "10*3/uL"),
		},
		want: []flagWant{flag(infection, urgent), flag(bloodCount, emergency)},
	},
	{
		name:  "rule 3: ANC 0.7 on upadacitinib the day after a fever is an emergency",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "fever", moderate),
			lab(day, loincANC, 0.7, "10*3/uL"),
		},
		want: []flagWant{flag(infection, urgent), flag(bloodCount, emergency)},
	},
	{
		name:  "rule 3: ANC 0.8 on ritlecitinib with chills is an emergency",
		drugs: []string{"ritlecitinib"},
		entries: []logged{
			sym(0, "chills", moderate),
			lab(2, loincANC, 0.8, "10*3/uL"),
		},
		want: []flagWant{flag(infection, urgent), flag(bloodCount, emergency)},
	},
	{
		name:  "confirmed tofacitinib ANC < 0.5 with a fever in between is an emergency in both groups",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			lab(0, loincANC, 0.4, "10*3/uL"),
			vital(2*day, "body_temperature", 38.9, "Cel"),
			lab(2*day+2, loincANC, 0.3, "10*3/uL"),
		},
		want: []flagWant{flag(infection, emergency), flag(bloodCount, emergency)},
	},
	{
		name:  "rule 3: ALC 0.4 logged after a fever is an emergency",
		drugs: []string{"baricitinib"},
		entries: []logged{
			sym(0, "fever", mild),
			lab(5, loincALC, 0.4, "10*3/uL"),
		},
		want: []flagWant{flag(infection, urgent), flag(bloodCount, emergency)},
	},
	{
		name:  "confirmed ALC < 0.5 on abrocitinib with a fever is an emergency",
		drugs: []string{"abrocitinib"},
		entries: []logged{
			lab(-14*day, loincALC, 0.45, "10*3/uL"),
			vital(-1, "body_temperature", 38.2, "Cel"),
			lab(0, loincALC, 0.4, "10*3/uL"),
		},
		want: []flagWant{flag(infection, emergency), flag(bloodCount, emergency)},
	},
	{
		name:  "confirmation: ANC below 0.5 on two tests on tofacitinib raises the discontinue flag",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			lab(0, loincANC, 0.45, "10*3/uL"),
			lab(3*day, loincANC, 0.3, "10*3/uL"),
		},
		want: []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:  "out of order: an older low ANC logged after a newer one still flags each",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			lab(0, loincANC, 0.3, "10*3/uL"),
			lab(-7*day, loincANC, 0.4, "10*3/uL"),
		},
		want: []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "ALC 0.4 on baricitinib is urgent",
		drugs:   []string{"baricitinib"},
		entries: []logged{lab(0, loincALC, 0.4, "10*3/uL")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:  "confirmation: ALC 450 cells/uL twice on tofacitinib is urgent",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			lab(0, loincALC, 450, "/uL"),
			lab(7*day, loincALC, 0.42, "10*3/uL"),
		},
		want: []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "benign: ALC 0.7 on upadacitinib (sec 7 guard, above 500)",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincALC, 0.7, "10*3/uL")},
	},
	{
		name:    "Hb 7.5 g/dL is urgent",
		drugs:   []string{"baricitinib"},
		entries: []logged{lab(0, loincHb, 7.5, "g/dL")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "unit: Hb 79 g/L is urgent",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincHb, 79, "g/L")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "unit: Hb 4.8 mmol/L (7.7 g/dL) is urgent",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincHb, 4.8, "mmol/L")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "boundary: Hb 80 g/L exactly on upadacitinib does not flag",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincHb, 80, "g/L")},
	},
	{
		name:    "drug-specific: Hb 8.6 on tofacitinib is urgent (below 9)",
		drugs:   []string{"tofacitinib"},
		entries: []logged{lab(0, loincHb, 8.6, "g/dL")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "drug-specific benign: Hb 8.6 on upadacitinib does not flag",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincHb, 8.6, "g/dL")},
	},
	{
		name:  "tofacitinib: Hb falling from 13.8 to 11.5 (> 2 g/dL from baseline) is urgent",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			lab(-90*day, loincHb, 13.8, "g/dL"),
			lab(0, loincHb, 11.5, "g/dL"),
		},
		want: []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:  "benign: the same Hb fall on upadacitinib (no delta rule in its label)",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			lab(-90*day, loincHb, 13.8, "g/dL"),
			lab(0, loincHb, 11.5, "g/dL"),
		},
	},
	{
		name:  "benign: tofacitinib Hb fall of exactly 2 g/dL stays in the maintain band",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			lab(-60*day, loincHb, 13.5, "g/dL"),
			lab(0, loincHb, 11.5, "g/dL"),
		},
	},
	{
		name:    "drug-specific: platelets 45 on abrocitinib are urgent (label discontinue)",
		drugs:   []string{"abrocitinib"},
		entries: []logged{lab(0, loincPlt, 45, "10*3/uL")},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "drug-specific: platelets 45 on upadacitinib are routine (no label threshold)",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincPlt, 45, "10*3/uL")},
		want:    []flagWant{flag(bloodCount, routine)},
	},
	{
		name:  "platelets 45 on upadacitinib with bruising become urgent",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "unusual_bruising", mild),
			lab(5, loincPlt, 45000, "/uL"),
		},
		want: []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "boundary: platelets exactly 50 on ritlecitinib do not flag",
		drugs:   []string{"ritlecitinib"},
		entries: []logged{lab(0, loincPlt, 50, "10*9/L")},
	},
	{
		name:    "unusual bruising is urgent",
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "unusual_bruising", mild)},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "heavy bleeding is an emergency",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "bleeding", severe)},
		want:    []flagWant{flag(bloodCount, emergency)},
	},
	{
		name:    "a mild nosebleed is urgent (sec 2.2 low counts)",
		drugs:   []string{"abrocitinib"},
		entries: []logged{sym(0, "nosebleed", mild)},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "very severe tiredness is urgent (possible anaemia)",
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "fatigue", verySev)},
		want:    []flagWant{flag(bloodCount, urgent)},
	},
	{
		name:    "WBC 1.8 without a differential is routine",
		drugs:   []string{"baricitinib"},
		entries: []logged{lab(0, loincWBC, 1.8, "10*3/uL")},
		want:    []flagWant{flag(bloodCount, routine)},
	},
	{
		name:    "benign: moderate tiredness does not flag",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "fatigue", moderate)},
	},

	// ----------------------------------------------------------------------------------
	// Liver: sec 2.2 liver row, sec 4.2 CTCAE grades, sec 9 L6.
	// ----------------------------------------------------------------------------------
	{
		name:    "yellow eyes are urgent",
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "yellow_skin_or_eyes", mild)},
		want:    []flagWant{flag(liver, urgent)},
	},
	{
		name:    "dark urine is urgent",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "dark_urine", mild)},
		want:    []flagWant{flag(liver, urgent)},
	},
	{
		name:  "jaundice then confusion is an emergency (one liver flag, no separate confusion flag)",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(0, "yellow_skin_or_eyes", moderate),
			sym(3, "confusion", mild),
		},
		want: []flagWant{flag(liver, emergency)},
	},
	{
		name:    "ALT 200 U/L (> 3 x ULN 56) is urgent",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincALT, 200, "U/L")},
		want:    []flagWant{flag(liver, urgent)},
	},
	{
		name:    "AST 130 with the lab's own range 10-40 (> 3 x ULN) is urgent",
		drugs:   []string{"baricitinib"},
		entries: []logged{lab(0, loincAST, 130, "U/L", 10, 40)},
		want:    []flagWant{flag(liver, urgent)},
	},
	{
		name:    "benign: ALT 120 with ULN 56 (2.1 x, grade 1) once on upadacitinib",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincALT, 120, "U/L")},
	},
	{
		name:  "ALT grade 1 on two tests in a row is routine",
		drugs: []string{"deuruxolitinib"},
		entries: []logged{
			lab(0, loincALT, 90, "U/L"),
			lab(30*day, loincALT, 100, "U/L"),
		},
		want: []flagWant{flag(liver, routine)},
	},
	{
		name:    "bilirubin 2.0 mg/dL (> 1.5 x ULN 1.2) is urgent",
		drugs:   []string{"tofacitinib"},
		entries: []logged{lab(0, loincBili, 2.0, "mg/dL")},
		want:    []flagWant{flag(liver, urgent)},
	},
	{
		name:    "unit: bilirubin 35 umol/L (2.0 mg/dL) is urgent",
		drugs:   []string{"tofacitinib"},
		entries: []logged{lab(0, loincBili, 35, "umol/L")},
		want:    []flagWant{flag(liver, urgent)},
	},
	{
		name:    "benign: bilirubin 1.5 mg/dL (grade 1) does not flag",
		drugs:   []string{"tofacitinib"},
		entries: []logged{lab(0, loincBili, 1.5, "mg/dL")},
	},

	// ----------------------------------------------------------------------------------
	// GI perforation: sec 1.6, sec 2.2 GI row, MHRA, sec 3.
	// ----------------------------------------------------------------------------------
	{
		name:    "severe abdominal pain is an emergency",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "abdominal_pain", severe)},
		want:    []flagWant{flag(giPerforation, emergency)},
	},
	{
		name:    "moderate abdominal pain once is routine",
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "abdominal_pain", moderate)},
		want:    []flagWant{flag(giPerforation, routine)},
	},
	{
		name:  "moderate abdominal pain then a fever is urgent",
		drugs: []string{"baricitinib"},
		entries: []logged{
			sym(0, "abdominal_pain", moderate),
			sym(4, "fever", mild),
		},
		want: []flagWant{flag(giPerforation, urgent), flag(infection, urgent)},
	},
	{
		name:    "moderate abdominal pain on ibuprofen is urgent",
		drugs:   []string{"tofacitinib", "ibuprofen"},
		entries: []logged{sym(0, "abdominal_pain", moderate)},
		want:    []flagWant{flag(giPerforation, urgent)},
	},
	{
		name:    "rule 4: moderate abdominal pain with diverticular disease is urgent",
		profile: prof(1960, false, "diverticulitis"),
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "abdominal_pain", moderate)},
		want:    []flagWant{flag(giPerforation, urgent)},
	},
	{
		name:  "moderate abdominal pain on two days is urgent (persistent)",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "abdominal_pain", moderate),
			sym(day, "abdominal_pain", moderate),
		},
		want: []flagWant{flag(giPerforation, urgent)},
	},
	{
		name:    "black stools are urgent",
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "black_stools", mild)},
		want:    []flagWant{flag(giPerforation, urgent)},
	},
	{
		name:  "black stools then feeling faint is an emergency",
		drugs: []string{"tofacitinib", "prednisone"},
		entries: []logged{
			sym(0, "black_stools", moderate),
			sym(2, "lightheadedness", moderate),
		},
		want: []flagWant{flag(giPerforation, emergency)},
	},
	{
		name:    "benign: mild nausea (sec 7 guard)",
		drugs:   []string{"abrocitinib"},
		entries: []logged{sym(0, "nausea", mild)},
	},
	{
		name:    "benign: mild stomach ache once",
		drugs:   []string{"abrocitinib"},
		entries: []logged{sym(0, "abdominal_pain", mild)},
	},

	// ----------------------------------------------------------------------------------
	// Allergic reaction: sec 2.2 hypersensitivity row.
	// ----------------------------------------------------------------------------------
	{
		name:    "lip swelling is an emergency",
		drugs:   []string{"upadacitinib"},
		entries: []logged{sym(0, "face_lip_tongue_swelling", mild)},
		want:    []flagWant{flag(allergic, emergency)},
	},
	{
		name:    "hives alone are urgent",
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "hives", mild)},
		want:    []flagWant{flag(allergic, urgent)},
	},
	{
		name:  "hives then wheezing is an emergency",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(0, "hives", moderate),
			sym(0.5, "wheezing", mild),
		},
		want: []flagWant{flag(allergic, emergency)},
	},
	{
		name:  "hives with light-headedness is an emergency",
		drugs: []string{"ritlecitinib"},
		entries: []logged{
			sym(0, "lightheadedness", moderate),
			sym(0.2, "hives", moderate),
		},
		want: []flagWant{flag(allergic, emergency)},
	},
	{
		name:    "benign: mild itching alone",
		drugs:   []string{"ruxolitinib_cream"},
		entries: []logged{sym(0, "itching", mild)},
	},
	{
		name:    "severe rash is urgent",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "rash", severe)},
		want:    []flagWant{flag(allergic, urgent)},
	},
	{
		name:  "severe rash with shortness of breath is an emergency",
		drugs: []string{"baricitinib"},
		entries: []logged{
			sym(0, "rash", severe),
			sym(1, "shortness_of_breath", mild),
		},
		want: []flagWant{flag(allergic, emergency), flag(bloodClot, routine)},
	},
	{
		name:  "benign: moderate rash and itching on abrocitinib (atopic dermatitis activity)",
		drugs: []string{"abrocitinib"},
		entries: []logged{
			sym(0, "rash", moderate),
			sym(0, "itching", moderate),
			sym(day, "rash", moderate),
			sym(2*day, "rash", moderate),
			sym(3*day, "itching", severe),
		},
	},

	// ----------------------------------------------------------------------------------
	// Lipids: grade >= 2 only (sec 7 guard).
	// ----------------------------------------------------------------------------------
	{
		name:    "total cholesterol 320 mg/dL (grade 2) is routine",
		drugs:   []string{"baricitinib"},
		entries: []logged{lab(0, loincChol, 320, "mg/dL")},
		want:    []flagWant{flag(lipids, routine)},
	},
	{
		name:    "unit: cholesterol 7.9 mmol/L (305 mg/dL) is routine",
		drugs:   []string{"tofacitinib"},
		entries: []logged{lab(0, loincChol, 7.9, "mmol/L")},
		want:    []flagWant{flag(lipids, routine)},
	},
	{
		name:    "benign: cholesterol 240 mg/dL on baricitinib (grade 1, expected)",
		drugs:   []string{"baricitinib"},
		entries: []logged{lab(0, loincChol, 240, "mg/dL")},
	},
	{
		name:    "triglycerides 350 mg/dL are routine",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincTG, 350, "mg/dL")},
		want:    []flagWant{flag(lipids, routine)},
	},
	{
		name:    "unit: triglycerides 12 mmol/L (grade 4, > 1000 mg/dL) are urgent",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincTG, 12, "mmol/L")},
		want:    []flagWant{flag(lipids, urgent)},
	},
	{
		name:  "benign: LDL 190 and triglycerides 250 on filgotinib",
		drugs: []string{"filgotinib"},
		entries: []logged{
			lab(0, loincLDL, 190, "mg/dL"),
			lab(0, loincTG, 250, "mg/dL"),
		},
	},

	// ----------------------------------------------------------------------------------
	// Malignancy hints: sec 1.6 NMSC, sec 2.2 malignancy row, sec 3.
	// ----------------------------------------------------------------------------------
	{
		name:    "a new skin spot is routine (next skin exam)",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "new_skin_lesion", mild)},
		want:    []flagWant{flag(malignancy, routine)},
	},
	{
		name:    "rule 4: a new skin spot after a previous cancer is urgent",
		profile: prof(1958, false, "history_of_cancer"),
		drugs:   []string{"filgotinib"},
		entries: []logged{sym(0, "new_skin_lesion", mild)},
		want:    []flagWant{flag(malignancy, urgent)},
	},
	{
		name:  "night sweats and weight loss without fever or cough are urgent (malignancy)",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			sym(0, "night_sweats", moderate),
			sym(7*day, "weight_loss", mild),
		},
		want: []flagWant{flag(malignancy, urgent)},
	},
	{
		name:  "night sweats on three nights are urgent (persistent)",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "night_sweats", mild),
			sym(3*day, "night_sweats", mild),
			sym(9*day, "night_sweats", moderate),
		},
		want: []flagWant{flag(malignancy, urgent)},
	},
	{
		name:    "unintended weight loss alone is routine",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "weight_loss", mild)},
		want:    []flagWant{flag(malignancy, routine)},
	},
	{
		name:    "rule 4: unintended weight loss after a previous cancer is urgent",
		profile: prof(1962, true, "history_of_cancer"),
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "weight_loss", moderate)},
		want:    []flagWant{flag(malignancy, urgent)},
	},
	{
		name:    "benign: night sweats once",
		drugs:   []string{"baricitinib"},
		entries: []logged{sym(0, "night_sweats", mild)},
	},

	// ----------------------------------------------------------------------------------
	// Kidney: CTCAE grade >= 2, eGFR bands (sec 1.4).
	// ----------------------------------------------------------------------------------
	{
		name:    "creatinine 2.1 mg/dL (> 1.5 x ULN 1.3) is urgent",
		drugs:   []string{"baricitinib"},
		entries: []logged{lab(0, loincCreat, 2.1, "mg/dL")},
		want:    []flagWant{flag(kidney, urgent)},
	},
	{
		name:    "unit: creatinine 186 umol/L (2.1 mg/dL) is urgent",
		drugs:   []string{"filgotinib"},
		entries: []logged{lab(0, loincCreat, 186, "umol/L")},
		want:    []flagWant{flag(kidney, urgent)},
	},
	{
		name:  "creatinine rising from 0.7 to 1.2 mg/dL (> 1.5 x baseline, within range) is urgent",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			lab(-120*day, loincCreat, 0.7, "mg/dL"),
			lab(0, loincCreat, 1.2, "mg/dL"),
		},
		want: []flagWant{flag(kidney, urgent)},
	},
	{
		name:  "benign: creatinine 1.5 mg/dL (grade 1) on filgotinib, small rise from baseline",
		drugs: []string{"filgotinib"},
		entries: []logged{
			lab(-60*day, loincCreat, 1.1, "mg/dL"),
			lab(0, loincCreat, 1.5, "mg/dL"),
		},
	},
	{
		name:    "eGFR 25 is urgent",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincEGFR, 25, "mL/min/{1.73_m2}")},
		want:    []flagWant{flag(kidney, urgent)},
	},
	{
		name:  "eGFR falling from 75 to 52 on baricitinib is routine (dose band)",
		drugs: []string{"baricitinib"},
		entries: []logged{
			lab(-90*day, loincEGFR, 75, "mL/min/{1.73_m2}"),
			lab(0, loincEGFR, 52, "mL/min/{1.73_m2}"),
		},
		want: []flagWant{flag(kidney, routine)},
	},
	{
		name:  "benign: eGFR 52 on upadacitinib (no band at 60)",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			lab(-90*day, loincEGFR, 75, "mL/min/{1.73_m2}"),
			lab(0, loincEGFR, 52, "mL/min/{1.73_m2}"),
		},
	},

	// ----------------------------------------------------------------------------------
	// Muscle: CK grade >= 3, or any rise with symptoms (sec 9 L8, sec 7 guard).
	// ----------------------------------------------------------------------------------
	{
		name:    "CK 1200 U/L (> 5 x ULN 200) is urgent",
		drugs:   []string{"abrocitinib"},
		entries: []logged{lab(0, loincCK, 1200, "U/L")},
		want:    []flagWant{flag(muscle, urgent)},
	},
	{
		name:  "CK 450 after muscle pain the same day is urgent",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "muscle_pain", moderate),
			lab(5, loincCK, 450, "U/L"),
		},
		want: []flagWant{flag(muscle, urgent)},
	},
	{
		name:  "muscle pain the day after a CK of 300 is urgent",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			lab(0, loincCK, 300, "U/L"),
			sym(day, "muscle_pain", mild),
		},
		want: []flagWant{flag(muscle, urgent)},
	},
	{
		name:  "CK 450 with dark urine is urgent (muscle and liver)",
		drugs: []string{"ritlecitinib"},
		entries: []logged{
			lab(0, loincCK, 450, "U/L"),
			sym(2, "dark_urine", moderate),
		},
		want: []flagWant{flag(muscle, urgent), flag(liver, urgent)},
	},
	{
		name:    "benign: CK 450 on upadacitinib without symptoms (grade 1, sec 7 guard)",
		drugs:   []string{"upadacitinib"},
		entries: []logged{lab(0, loincCK, 450, "U/L")},
	},
	{
		name:    "benign: CK 900 (grade 2) without symptoms",
		drugs:   []string{"abrocitinib"},
		entries: []logged{lab(0, loincCK, 900, "U/L")},
	},

	// ----------------------------------------------------------------------------------
	// Other: combination rules 5 and 6, and the common mild effects of sec 7.
	// ----------------------------------------------------------------------------------
	{
		name:  "rule 5: mild headache on three days of a week is routine",
		drugs: []string{"abrocitinib"},
		entries: []logged{
			sym(0, "headache", mild),
			sym(2*day, "headache", mild),
			sym(4*day, "headache", mild),
		},
		want: []flagWant{flag(other, routine)},
	},
	{
		name:  "rule 5: sore throat on three days is routine",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "sore_throat", mild),
			sym(day, "sore_throat", mild),
			sym(2*day, "sore_throat", moderate),
		},
		want: []flagWant{flag(other, routine)},
	},
	{
		name:    "rule 5 (worsening): a severe ordinary headache is routine",
		drugs:   []string{"tofacitinib"},
		entries: []logged{sym(0, "headache", severe)},
		want:    []flagWant{flag(other, routine)},
	},
	{
		name:  "benign: mild headache and nausea in the first week on abrocitinib",
		drugs: []string{"abrocitinib"},
		entries: []logged{
			sym(0, "headache", mild),
			sym(0, "nausea", mild),
			sym(day, "nausea", mild),
		},
	},
	{
		name:  "benign: acne every day for a week",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			sym(0, "acne", moderate), sym(day, "acne", moderate), sym(2*day, "acne", severe),
			sym(3*day, "acne", moderate), sym(4*day, "acne", moderate),
		},
	},
	{
		name:  "benign: very severe joint pain (disease activity) on three days",
		drugs: []string{"baricitinib", "methotrexate"},
		entries: []logged{
			sym(0, "joint_pain", verySev), sym(day, "joint_pain", severe), sym(2*day, "joint_pain", severe),
		},
	},
	{
		name:    "benign: mild mouth sores once",
		drugs:   []string{"ritlecitinib"},
		entries: []logged{sym(0, "mouth_sores", mild)},
	},
	{
		name:    "benign: mild dizziness once on abrocitinib",
		drugs:   []string{"abrocitinib"},
		entries: []logged{sym(0, "dizziness", mild)},
	},
	{
		name:    "benign: a note on its own",
		drugs:   []string{"upadacitinib"},
		entries: []logged{note(0, "Felt a bit tired after the gym, otherwise fine.")},
	},
	{
		name:  "benign: normal vital signs",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			vital(0, "heart_rate", 78, "/min"),
			vital(0, "systolic_bp", 128, "mm[Hg]"),
			vital(0, "oxygen_saturation", 98, "%"),
			vital(0, "body_weight", 72, "kg"),
		},
	},
	{
		name:  "benign: normal CBC on tofacitinib",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			lab(0, loincWBC, 5.2, "10*3/uL"),
			lab(0, loincANC, 3.1, "10*3/uL"),
			lab(0, loincALC, 1.4, "10*3/uL"),
			lab(0, loincHb, 13.2, "g/dL"),
			lab(0, loincPlt, 240, "10*3/uL"),
		},
	},
	{
		name:  "rule 6: two doses of once-daily upadacitinib on one day are urgent",
		drugs: []string{"upadacitinib"},
		entries: []logged{
			dose(0, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
			dose(3, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
		},
		want: []flagWant{flag(other, urgent)},
	},
	{
		name:  "benign: tofacitinib twice a day is its normal schedule",
		drugs: []string{"tofacitinib"},
		entries: []logged{
			dose(0, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
			dose(12, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
		},
	},
	{
		name:  "benign: a missed dose then a taken dose the next day",
		drugs: []string{"baricitinib"},
		entries: []logged{
			dose(0, medjournalv1.DoseStatus_DOSE_STATUS_MISSED),
			dose(day, medjournalv1.DoseStatus_DOSE_STATUS_TAKEN),
		},
	},
}
