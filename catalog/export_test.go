package catalog

// Hooks for the black-box tests in package catalog_test.
var (
	// LoadFS lets tests feed Load a broken catalog.
	LoadFS = loadFS
	// ValidLOINC and ValidSNOMED let tests check the check-digit algorithms directly.
	ValidLOINC  = validLOINC
	ValidSNOMED = validSNOMED
)
