package catalog

// The codes SPEC.md ("Catalog codes clients rely on") promises. Clients hard-code them,
// so Load refuses a catalog that lacks any of them. The catalog may hold more.
var (
	requiredJAKInhibitors = []string{
		"tofacitinib", "baricitinib", "upadacitinib", "abrocitinib",
		"filgotinib", "ritlecitinib", "deuruxolitinib", "ruxolitinib_cream",
	}

	requiredSymptoms = []string{
		"fever", "chills", "night_sweats", "cough", "coughing_blood",
		"shortness_of_breath", "wheezing", "sore_throat", "runny_nose", "painful_urination",
		"frequent_urination", "diarrhea", "nausea", "vomiting", "abdominal_pain", "black_stools",
		"chest_pain", "arm_neck_jaw_back_pain", "cold_sweat", "lightheadedness",
		"racing_heartbeat", "face_drooping", "one_sided_weakness", "slurred_speech",
		"sudden_severe_headache", "confusion", "headache", "dizziness", "leg_swelling",
		"leg_pain", "unusual_bruising", "bleeding", "nosebleed", "fatigue", "muscle_pain",
		"joint_pain", "painful_blistering_rash", "rash", "hives", "face_lip_tongue_swelling",
		"itching", "acne", "yellow_skin_or_eyes", "dark_urine", "pale_stools", "weight_loss",
		"new_skin_lesion", "mouth_sores", "decreased_appetite",
	}

	requiredVitals = []string{
		"body_temperature", "heart_rate", "systolic_bp", "diastolic_bp",
		"oxygen_saturation", "respiratory_rate", "body_weight",
	}

	requiredLabTests = []string{
		"6690-2",           // WBC
		"751-8", "26499-4", // neutrophils
		"731-0", "26474-7", // lymphocytes
		"718-7",            // hemoglobin
		"777-3", "26515-7", // platelets
		"1742-6",  // ALT
		"1920-8",  // AST
		"1975-2",  // bilirubin
		"2093-3",  // cholesterol
		"13457-7", // LDL
		"2085-9",  // HDL
		"2571-8",  // triglycerides
		"2157-6",  // CK
		"2160-0",  // creatinine
		"98979-8", // eGFR
	}

	requiredRiskFactors = []string{
		"history_of_vte", "history_of_mi_or_stroke", "cardiovascular_disease",
		"hypertension", "diabetes", "history_of_cancer", "diverticulitis",
		"chronic_nsaid_or_steroid_use", "history_of_herpes_zoster", "chronic_lung_disease",
	}
)
