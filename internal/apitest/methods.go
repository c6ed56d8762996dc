package apitest

import (
	"context"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/medjournal/medjournal/gen/medjournal/v1" // registers the descriptors
)

// Method is one RPC of a medjournal.v1 service, found from the generated descriptors, so a
// test that loops over Methods covers a new method without being edited.
type Method struct {
	Service   string // e.g. "medjournal.v1.JournalService"
	Procedure string // e.g. "/medjournal.v1.JournalService/GetEntry"
	Streaming bool   // server-streaming
	input     protoreflect.MessageType
	output    protoreflect.MessageType
}

// Methods lists every method of every service in package medjournal.v1.
func Methods(t testing.TB) []Method {
	t.Helper()
	var out []Method
	protoregistry.GlobalFiles.RangeFilesByPackage("medjournal.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			for j := range sd.Methods().Len() {
				md := sd.Methods().Get(j)
				in, err := protoregistry.GlobalTypes.FindMessageByName(md.Input().FullName())
				if err != nil {
					t.Fatalf("input of %s: %v", md.FullName(), err)
				}
				outType, err := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
				if err != nil {
					t.Fatalf("output of %s: %v", md.FullName(), err)
				}
				out = append(out, Method{
					Service:   string(sd.FullName()),
					Procedure: "/" + string(sd.FullName()) + "/" + string(md.Name()),
					Streaming: md.IsStreamingServer(),
					input:     in,
					output:    outType,
				})
			}
		}
		return true
	})
	if len(out) == 0 {
		t.Fatal("no medjournal.v1 methods registered")
	}
	return out
}

// NewRequest returns an empty request message of the method's input type.
func (m Method) NewRequest() proto.Message { return m.input.New().Interface() }

// NewResponse returns an empty response message of the method's output type.
func (m Method) NewResponse() proto.Message { return m.output.New().Interface() }

// Call calls the method with req, reading a streaming method's responses until it ends.
func (m Method) Call(ctx context.Context, c *Client, token string, req proto.Message) error {
	if m.Streaming {
		return c.Stream(ctx, m.Procedure, token, req, m.NewResponse, func(proto.Message) bool { return false })
	}
	return c.Call(ctx, m.Procedure, token, req, m.NewResponse())
}
