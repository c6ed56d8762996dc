package server

import (
	"context"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// catalogService implements medjournal.v1.CatalogService. The catalog is read-only and
// the same for everyone, so it needs no sign-in.
type catalogService struct{ *Server }

func (s *catalogService) ListDrugs(context.Context, *medjournalv1.ListDrugsRequest) (*medjournalv1.ListDrugsResponse, error) {
	return s.catalog.Drugs(), nil
}

func (s *catalogService) ListSymptoms(context.Context, *medjournalv1.ListSymptomsRequest) (*medjournalv1.ListSymptomsResponse, error) {
	return s.catalog.Symptoms(), nil
}

func (s *catalogService) ListVitals(context.Context, *medjournalv1.ListVitalsRequest) (*medjournalv1.ListVitalsResponse, error) {
	return s.catalog.Vitals(), nil
}

func (s *catalogService) ListLabTests(context.Context, *medjournalv1.ListLabTestsRequest) (*medjournalv1.ListLabTestsResponse, error) {
	return s.catalog.LabTests(), nil
}

func (s *catalogService) ListRiskFactors(context.Context, *medjournalv1.ListRiskFactorsRequest) (*medjournalv1.ListRiskFactorsResponse, error) {
	return s.catalog.RiskFactors(), nil
}

func (s *catalogService) ListRules(context.Context, *medjournalv1.ListRulesRequest) (*medjournalv1.ListRulesResponse, error) {
	return s.engine.Rules(), nil
}
