package server

import (
	"testing"

	"github.com/medjournal/medjournal/flagging"
)

func TestDrainChangesKeepsOnePerFlag(t *testing.T) {
	queue := make(chan flagging.FlagChange, 8)
	for _, id := range []string{"b", "a", "b", "c", "a"} {
		queue <- flagging.FlagChange{FlagID: id, PatientID: "p"}
	}
	batch := drainChanges(flagging.FlagChange{FlagID: "a", PatientID: "p"}, queue)
	var got []string
	for _, ch := range batch {
		got = append(got, ch.FlagID)
	}
	if want := []string{"a", "b", "c"}; len(got) != len(want) || got[0] != "a" || got[1] != "b" || got[2] != "c" {
		t.Fatalf("batch = %v, want %v in first-seen order", got, want)
	}
	if len(queue) != 0 {
		t.Errorf("%d changes left queued", len(queue))
	}
}
