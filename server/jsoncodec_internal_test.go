package server

import (
	"encoding/json"
	"runtime"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

func codecTestPage(n int, token string) *medjournalv1.ListEntriesResponse {
	page := &medjournalv1.ListEntriesResponse{NextPageToken: token}
	for i := range n {
		page.Entries = append(page.Entries, &medjournalv1.Entry{Id: string(rune('a'+i)) + "-id", PatientId: "p",
			OccurredTime: timestamppb.New(time.Date(2026, 3, 29, 1, i, 0, 0, time.UTC)),
			Comment:      `quotes " backslash \ <script> and ünïcödé ✓`,
			FlagIds:      []string{"f1", "f2"},
			Kind: &medjournalv1.Entry_Vital{Vital: &medjournalv1.Vital{Code: "body_temperature", Value: 38.25,
				Unit: "Cel", CanonicalValue: 38.25, CanonicalUnit: "Cel"}}})
	}
	return page
}

// TestJSONCodecWritesWhatProtojsonWrites: for empty, partial and full pages, with and
// without a next-page token, the codec's document is valid JSON that reads back as the
// same message, and parses to the same JSON value as protojson's own encoding.
func TestJSONCodecWritesWhatProtojsonWrites(t *testing.T) {
	c := &jsonCodec{name: "json", entries: newEntryEncodingCache(marshalEntryJSON, Config{})}
	for _, page := range []*medjournalv1.ListEntriesResponse{
		codecTestPage(0, ""), codecTestPage(0, "tok"), codecTestPage(1, ""), codecTestPage(3, "a+b/c=="), codecTestPage(50, "next"),
	} {
		for round := range 2 { // the second round comes from the cache
			got, err := c.Marshal(page)
			if err != nil {
				t.Fatal(err)
			}
			want, err := protojson.Marshal(page)
			if err != nil {
				t.Fatal(err)
			}
			var gotValue, wantValue any
			if err := json.Unmarshal(got, &gotValue); err != nil {
				t.Fatalf("round %d: codec wrote invalid JSON: %v\n%s", round, err, got)
			}
			if err := json.Unmarshal(want, &wantValue); err != nil {
				t.Fatal(err)
			}
			gotJSON, _ := json.Marshal(gotValue)
			wantJSON, _ := json.Marshal(wantValue)
			if string(gotJSON) != string(wantJSON) {
				t.Errorf("round %d, %d entries:\n codec     %s\n protojson %s", round, len(page.Entries), gotJSON, wantJSON)
			}
			back := &medjournalv1.ListEntriesResponse{}
			if err := c.Unmarshal(got, back); err != nil {
				t.Fatal(err)
			}
			if !proto.Equal(back, page) {
				t.Errorf("round %d: read back %v, want %v", round, back, page)
			}
		}
	}
	// Other messages are plain protojson.
	other := &medjournalv1.GetDayResponse{Date: "2026-03-29"}
	got, err := c.Marshal(other)
	if err != nil {
		t.Fatal(err)
	}
	back := &medjournalv1.GetDayResponse{}
	if err := c.Unmarshal(got, back); err != nil || !proto.Equal(back, other) {
		t.Errorf("GetDayResponse round trip: %v, %v", back, err)
	}
}

// TestCodecsKnowEveryPageField: jsonCodec and protoCodec write ListEntriesResponse field by
// field; a field added to the message must be added to both, or they would drop it.
func TestCodecsKnowEveryPageField(t *testing.T) {
	fields := (&medjournalv1.ListEntriesResponse{}).ProtoReflect().Descriptor().Fields()
	var names []string
	for i := range fields.Len() {
		names = append(names, string(fields.Get(i).Name()))
	}
	if want := []string{"entries", "next_page_token"}; !slices.Equal(names, want) {
		t.Fatalf("ListEntriesResponse has fields %v; jsonCodec and protoCodec write %v: teach them the new ones", names, want)
	}
}

// TestEntryEncodingCacheForgetsDroppedEntries: an entry's encoding lives only as long as
// the entry object, so the cache cannot grow past what the store keeps.
func TestEntryEncodingCacheForgetsDroppedEntries(t *testing.T) {
	c := newEntryEncodingCache(marshalEntryJSON, Config{})
	codec := &jsonCodec{name: "json", entries: c}
	if _, err := codec.Marshal(codecTestPage(20, "")); err != nil {
		t.Fatal(err)
	}
	if n := c.len(); n != 20 {
		t.Fatalf("%d entries cached after one page of 20", n)
	}
	for range 100 {
		runtime.GC()
		if c.len() == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond) // cleanups run on their own goroutine
	}
	t.Errorf("%d entries still cached after their page was dropped", c.len())
}
