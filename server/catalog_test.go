package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	mj "github.com/medjournal/medjournal/gen/medjournal/v1/medjournalv1connect"
	"github.com/medjournal/medjournal/internal/apitest"
)

// TestCatalogIsPublic: anyone can read the catalog, over gRPC, Connect POST and Connect GET.
func TestCatalogIsPublic(t *testing.T) {
	env := apitest.Start(t)
	forEachProtocol(t, env, func(t *testing.T, c *apitest.Client) {
		var drugs medjournalv1.ListDrugsResponse
		if err := c.Call(t.Context(), mj.CatalogServiceListDrugsProcedure, "", &medjournalv1.ListDrugsRequest{}, &drugs); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, d := range drugs.Drugs {
			if d.Code == "upadacitinib" && d.DrugClass == medjournalv1.DrugClass_DRUG_CLASS_JAK_INHIBITOR {
				found = true
			}
		}
		if !found {
			t.Errorf("upadacitinib missing from %d drugs", len(drugs.Drugs))
		}
		var symptoms medjournalv1.ListSymptomsResponse
		if err := c.Call(t.Context(), mj.CatalogServiceListSymptomsProcedure, "", &medjournalv1.ListSymptomsRequest{}, &symptoms); err != nil {
			t.Fatal(err)
		}
		if len(symptoms.Symptoms) < 49 {
			t.Errorf("%d symptoms, want every SPEC code", len(symptoms.Symptoms))
		}
		var labs medjournalv1.ListLabTestsResponse
		if err := c.Call(t.Context(), mj.CatalogServiceListLabTestsProcedure, "", &medjournalv1.ListLabTestsRequest{}, &labs); err != nil {
			t.Fatal(err)
		}
		var vitals medjournalv1.ListVitalsResponse
		if err := c.Call(t.Context(), mj.CatalogServiceListVitalsProcedure, "", &medjournalv1.ListVitalsRequest{}, &vitals); err != nil {
			t.Fatal(err)
		}
		var risks medjournalv1.ListRiskFactorsResponse
		if err := c.Call(t.Context(), mj.CatalogServiceListRiskFactorsProcedure, "", &medjournalv1.ListRiskFactorsRequest{}, &risks); err != nil {
			t.Fatal(err)
		}
		if len(labs.LabTests) < 18 || len(vitals.Vitals) < 7 || len(risks.RiskFactors) < 10 {
			t.Errorf("catalog sizes: %d labs, %d vitals, %d risk factors", len(labs.LabTests), len(vitals.Vitals), len(risks.RiskFactors))
		}
	})

	t.Run("connect-get", func(t *testing.T) {
		u := env.URL + mj.CatalogServiceListLabTestsProcedure + "?encoding=json&message=" + url.QueryEscape("{}")
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d %s", resp.StatusCode, body)
		}
		var out struct {
			LabTests []struct {
				Code          string `json:"code"`
				CanonicalUnit string `json:"canonicalUnit"`
			} `json:"labTests"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		units := map[string]string{}
		for _, l := range out.LabTests {
			units[l.Code] = l.CanonicalUnit
		}
		if units["751-8"] != "10*3/uL" || units["718-7"] != "g/dL" {
			t.Errorf("canonical units = %v", units)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=3600" {
			t.Errorf("Cache-Control = %q, want the catalog cacheable", cc)
		}
	})
}
