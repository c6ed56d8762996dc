package server

import (
	"bytes"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// An entry changed after its encoding was cached would be answered as it was: with checks
// on, reusing the encoding fails instead, so the tests (which run with checks) catch a
// handler that modifies an entry other requests share. Off, every answer is encoded anew.
func TestEncodingCacheChecksAndSwitch(t *testing.T) {
	entry := func() *medjournalv1.Entry {
		return &medjournalv1.Entry{Id: "e1", OccurredTime: timestamppb.Now(),
			Kind: &medjournalv1.Entry_Note{Note: &medjournalv1.Note{Text: "before"}}}
	}
	for _, c := range []struct {
		name       string
		cfg        Config
		wantErr    bool
		wantBefore bool // the second encoding still says "before"
	}{
		{"unchecked serves the stale encoding", Config{}, false, true},
		{"checked refuses it", Config{CheckCaches: true}, true, false},
		{"off encodes anew", Config{NoEncodingCache: true}, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cache := newEntryEncodingCache(marshalEntryJSON, c.cfg)
			e := entry()
			if _, err := cache.encoding(e); err != nil {
				t.Fatal(err)
			}
			e.GetNote().Text = "after"
			b, err := cache.encoding(e)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v, want error %v", err, c.wantErr)
			}
			if err != nil {
				if !strings.Contains(err.Error(), "must not be modified") {
					t.Fatalf("error %q does not say why", err)
				}
				return
			}
			if got := bytes.Contains(b, []byte("before")); got != c.wantBefore {
				t.Fatalf("second encoding %s: says before %v, want %v", b, got, c.wantBefore)
			}
		})
	}
}
