package catalog_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/medjournal/medjournal/catalog"
)

func ExampleCatalog_ConvertVital() {
	c, err := catalog.Load()
	if err != nil {
		log.Fatal(err)
	}
	value, unit, err := c.ConvertVital("body_temperature", 100.4, "[degF]")
	fmt.Println(value, unit, err)

	_, _, err = c.ConvertVital("body_temperature", 38, "mg")
	fmt.Println(errors.Is(err, catalog.ErrUnitNotAccepted), err)
	// Output:
	// 38 Cel <nil>
	// true "mg" is not a unit of body_temperature; use one of Cel, [degF]
}

func ExampleCatalog_ConvertLab() {
	c, err := catalog.Load()
	if err != nil {
		log.Fatal(err)
	}
	// An absolute neutrophil count as a US lab reports it, per microlitre.
	anc, unit, _ := c.ConvertLab("751-8", 800, "/uL")
	fmt.Println(anc, unit)

	// Hemoglobin in g/L, as European labs report it.
	hb, unit, _ := c.ConvertLab("718-7", 75, "g/L")
	fmt.Println(hb, unit)

	_, _, err = c.ConvertLab("718-7", 75, "g/dL")
	fmt.Println(errors.Is(err, catalog.ErrImplausible), err)
	// Output:
	// 0.8 10*3/uL
	// 7.5 g/dL
	// true 75 g/dL is outside the plausible range for 718-7 (Hemoglobin): 1 to 25 g/dL
}
