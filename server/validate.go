package server

import (
	"errors"
	"fmt"
	"strings"

	"buf.build/go/protovalidate"
	"connectrpc.com/connect"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// newValidator returns the protovalidate validator the server checks requests with. Its
// clock is the server's, so rules such as "not in the future" agree with the rest of the
// server (and tests can pin time).
func newValidator(now func() *timestamppb.Timestamp) (protovalidate.Validator, error) {
	v, err := protovalidate.New(protovalidate.WithNowFunc(now))
	if err != nil {
		return nil, fmt.Errorf("create validator: %w", err)
	}
	return v, nil
}

// validateMerged checks a resource after an update mask was applied to it. Update requests
// leave fields outside the mask empty, so their resource is checked here, as a whole,
// rather than by the interceptor. Violations name the field under prefix ("entry.lab.unit").
func (s *Server) validateMerged(prefix string, m proto.Message) error {
	err := s.validator.Validate(m)
	var ve *protovalidate.ValidationError
	if err == nil || !errors.As(err, &ve) {
		return err
	}
	msgs := make([]string, 0, len(ve.Violations))
	for _, v := range ve.Violations {
		field := prefix
		if path := protovalidate.FieldPathString(v.Proto.GetField()); path != "" {
			field += "." + path
		}
		msgs = append(msgs, field+": "+v.Proto.GetMessage())
	}
	return connect.NewError(connect.CodeInvalidArgument, errors.New(strings.Join(msgs, "; ")))
}
