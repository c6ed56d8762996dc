package journal_test

import (
	"fmt"
	"log"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/medjournal/medjournal/catalog"
	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/journal"
)

func ExampleNormalizeEntry() {
	cat, err := catalog.Load()
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, time.March, 14, 12, 0, 0, 0, time.UTC)

	// A fever logged in Fahrenheit is stored with its value in Celsius for the rules.
	e := &medjournalv1.Entry{
		OccurredTime: timestamppb.New(now.Add(-time.Hour)),
		Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{
			Code: "body_temperature", Value: 101.3, Unit: "[degF]",
		}},
	}
	err = journal.NormalizeEntry(cat, e, "entry", now)
	fmt.Println(e.GetVital().GetCanonicalValue(), e.GetVital().GetCanonicalUnit(), err)

	// The error names the field in the request, here the fourth upsert of a Sync.
	e.GetVital().Unit = "mg"
	fmt.Println(journal.NormalizeEntry(cat, e, "upserts[3]", now))
	// Output:
	// 38.5 Cel <nil>
	// upserts[3].vital.unit: "mg" is not a unit of body_temperature; use one of Cel, [degF]
}
