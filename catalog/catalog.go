package catalog

import (
	"embed"
	"fmt"
	"io/fs"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

//go:embed data/*.json
var embedded embed.FS

// Catalog is the parsed, checked catalog data with indexes by code. It is read-only after
// Load, so one value may be shared by all goroutines of the server.
type Catalog struct {
	drugs       *medjournalv1.ListDrugsResponse
	symptoms    *medjournalv1.ListSymptomsResponse
	vitals      *medjournalv1.ListVitalsResponse
	labTests    *medjournalv1.ListLabTestsResponse
	riskFactors *medjournalv1.ListRiskFactorsResponse

	drugByCode       map[string]*medjournalv1.Drug
	symptomByCode    map[string]*medjournalv1.SymptomType
	vitalByCode      map[string]*medjournalv1.VitalType
	labTestByCode    map[string]*medjournalv1.LabTest
	riskFactorByCode map[string]*medjournalv1.RiskFactor
}

// File names under data/, one per List*Response message.
const (
	drugsFile       = "drugs.json"
	symptomsFile    = "symptoms.json"
	vitalsFile      = "vitals.json"
	labTestsFile    = "lab_tests.json"
	riskFactorsFile = "risk_factors.json"
)

// Load parses and checks the catalog embedded in the binary. An error names the file and
// the item at fault; since the data is compiled in, an error here is a bug in data/ that
// the package tests catch before release.
func Load() (*Catalog, error) {
	data, err := fs.Sub(embedded, "data")
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return loadFS(data)
}

// loadFS reads the five catalog files from the root of fsys. It is separate from Load so
// that tests can feed it broken data.
func loadFS(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{
		drugs:       &medjournalv1.ListDrugsResponse{},
		symptoms:    &medjournalv1.ListSymptomsResponse{},
		vitals:      &medjournalv1.ListVitalsResponse{},
		labTests:    &medjournalv1.ListLabTestsResponse{},
		riskFactors: &medjournalv1.ListRiskFactorsResponse{},
	}
	files := []struct {
		name string
		msg  proto.Message
	}{
		{drugsFile, c.drugs},
		{symptomsFile, c.symptoms},
		{vitalsFile, c.vitals},
		{labTestsFile, c.labTests},
		{riskFactorsFile, c.riskFactors},
	}
	for _, f := range files {
		if err := readProtoJSON(fsys, f.name, f.msg); err != nil {
			return nil, err
		}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	c.index()
	return c, nil
}

// readProtoJSON unmarshals one file. Unknown fields are an error, not skipped, so a
// misspelled key in the data cannot silently drop a value.
func readProtoJSON(fsys fs.FS, name string, msg proto.Message) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("catalog: %w", err)
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: false}).Unmarshal(b, msg); err != nil {
		return fmt.Errorf("catalog: %s: %w", name, err)
	}
	return nil
}

// index builds the lookup maps. It runs after validate, which has ruled out duplicates.
func (c *Catalog) index() {
	c.drugByCode = indexByCode(c.drugs.GetDrugs())
	c.symptomByCode = indexByCode(c.symptoms.GetSymptoms())
	c.vitalByCode = indexByCode(c.vitals.GetVitals())
	c.labTestByCode = indexByCode(c.labTests.GetLabTests())
	c.riskFactorByCode = indexByCode(c.riskFactors.GetRiskFactors())
}

// coded is any catalog item: every one has a code.
type coded interface{ GetCode() string }

func indexByCode[T coded](items []T) map[string]T {
	m := make(map[string]T, len(items))
	for _, it := range items {
		m[it.GetCode()] = it
	}
	return m
}
