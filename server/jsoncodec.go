package server

import (
	"encoding/json"
	"fmt"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// jsonCodec is connect-go's JSON codec (protojson, unknown fields discarded on input),
// except that it writes a ListEntriesResponse from each entry's JSON, encoded once per
// entry object. The store serves a patient's newest page from memory while the journal is
// unchanged, the same entry objects each time; encoding those 50 entries with protojson
// was then a third of ListEntries' CPU over Connect-JSON. The JSON is the same document
// protojson writes for the whole message (protojson's whitespace aside, which it varies on
// purpose so that nobody depends on it).
//
// It relies on entries being immutable once they are answered, which the store's page
// cache already requires of its shared entries, and handlers respect: they answer what
// the store gave them.
type jsonCodec struct {
	name    string
	entries *entryEncodingCache
}

func (c *jsonCodec) Name() string { return c.name }

func (c *jsonCodec) Marshal(message any) ([]byte, error) {
	return c.MarshalAppend(nil, message)
}

func (c *jsonCodec) MarshalAppend(dst []byte, message any) ([]byte, error) {
	if page, ok := message.(*medjournalv1.ListEntriesResponse); ok && len(page.ProtoReflect().GetUnknown()) == 0 {
		return c.appendPage(dst, page)
	}
	m, ok := message.(proto.Message)
	if !ok {
		return nil, fmt.Errorf("%T is not a protobuf message", message)
	}
	return protojson.MarshalOptions{}.MarshalAppend(dst, m)
}

func (c *jsonCodec) Unmarshal(data []byte, message any) error {
	m, ok := message.(proto.Message)
	if !ok {
		return fmt.Errorf("%T is not a protobuf message", message)
	}
	if len(data) == 0 {
		return fmt.Errorf("zero-length payload is not a valid JSON object")
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, m); err != nil {
		return fmt.Errorf("unmarshal into %T: %w", message, err)
	}
	return nil
}

// appendPage writes page as protojson would: fields by their JSON names, empty ones left
// out. It knows the message's two fields; a field added to the message later fails
// TestCodecsKnowEveryPageField until it is written here too.
func (c *jsonCodec) appendPage(dst []byte, page *medjournalv1.ListEntriesResponse) ([]byte, error) {
	dst = append(dst, '{')
	if len(page.GetEntries()) > 0 {
		dst = append(dst, `"entries":[`...)
		for i, e := range page.GetEntries() {
			if i > 0 {
				dst = append(dst, ',')
			}
			js, err := c.entries.encoding(e)
			if err != nil {
				return nil, err
			}
			dst = append(dst, js...)
		}
		dst = append(dst, ']')
	}
	if tok := page.GetNextPageToken(); tok != "" {
		if len(page.GetEntries()) > 0 {
			dst = append(dst, ',')
		}
		quoted, err := json.Marshal(tok)
		if err != nil {
			return nil, err
		}
		dst = append(dst, `"nextPageToken":`...)
		dst = append(dst, quoted...)
	}
	return append(dst, '}'), nil
}

// marshalEntryJSON is the JSON encoding jsonCodec caches.
func marshalEntryJSON(e *medjournalv1.Entry) ([]byte, error) { return protojson.Marshal(e) }

// withJSONCodec installs jsonCodec under both names connect-go registers its JSON codec as.
func withJSONCodec(entries *entryEncodingCache) connect.HandlerOption {
	return connect.WithHandlerOptions(
		connect.WithCodec(&jsonCodec{name: "json", entries: entries}),
		connect.WithCodec(&jsonCodec{name: "json; charset=utf-8", entries: entries}),
	)
}
