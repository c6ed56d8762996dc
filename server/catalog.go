package server

import (
	"context"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
)

// catalogService implements medjournal.v1.CatalogService. The catalog is read-only and
// the same for everyone, so it needs no sign-in.
// ListRules arrives with the warning-sign engine; until then the embedded handler answers
// unimplemented.
type catalogService struct {
	*Server
	medjournalv1connect.UnimplementedCatalogServiceHandler
}

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
