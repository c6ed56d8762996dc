package tz

import (
	"testing"
	"time"
)

func TestLoadReturnsTheZoneAndKeepsIt(t *testing.T) {
	var c Cache
	first, err := c.Load("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	second, err := c.Load("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Error("the second Load parsed the zone again instead of reusing it")
	}
	summer := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC).In(first)
	if _, offset := summer.Zone(); offset != 2*3600 {
		t.Errorf("Berlin in July is UTC+%d s, want UTC+7200", offset)
	}
}

func TestLoadRefusesAnUnknownZoneAndDoesNotKeepIt(t *testing.T) {
	var c Cache
	if _, err := c.Load("Mars/Olympus_Mons"); err == nil {
		t.Fatal("an unknown zone loaded")
	}
	n := 0
	c.zones.Range(func(any, any) bool { n++; return true })
	if n != 0 {
		t.Errorf("%d failed zones kept, want 0", n)
	}
}

func TestEmptyNameIsUTC(t *testing.T) {
	var c Cache
	loc, err := c.Load("")
	if err != nil || loc != time.UTC {
		t.Errorf("Load(\"\") = %v, %v; want UTC", loc, err)
	}
}
