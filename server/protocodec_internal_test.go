package server

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// TestProtoCodecWritesWhatProtoMarshalWrites: for empty, partial and full pages, with and
// without a next-page token, the codec writes the bytes proto.Marshal writes for the whole
// message, the first time and from its cache.
func TestProtoCodecWritesWhatProtoMarshalWrites(t *testing.T) {
	c := &protoCodec{entries: newEntryEncodingCache(marshalEntry, Config{})}
	for _, page := range []*medjournalv1.ListEntriesResponse{
		codecTestPage(0, ""), codecTestPage(0, "tok"), codecTestPage(1, ""), codecTestPage(3, "a+b/c=="), codecTestPage(50, "next"),
	} {
		want, err := proto.Marshal(page)
		if err != nil {
			t.Fatal(err)
		}
		for round := range 2 {
			got, err := c.Marshal(page)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("round %d, %d entries: codec wrote %d bytes unlike proto.Marshal's %d", round, len(page.Entries), len(got), len(want))
			}
			back := &medjournalv1.ListEntriesResponse{}
			if err := c.Unmarshal(got, back); err != nil || !proto.Equal(back, page) {
				t.Errorf("round %d: read back %v (%v), want %v", round, back, err, page)
			}
		}
	}
	if n := c.entries.len(); n != 54 {
		t.Errorf("%d entries cached, want 54 (each entry object once)", n)
	}
}
