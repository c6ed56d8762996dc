package journal

// FieldError is a problem with one request field. The server turns it into
// invalid_argument with the message "<Field>: <Message>".
type FieldError struct {
	// Field is the path of the field in the request, in the proto field names that
	// protovalidate uses too, e.g. "entry.occurred_time" or "upserts[3].vital.unit".
	Field string
	// Message says what is wrong and, where it can, what would be accepted. It is meant
	// for the person who entered the value.
	Message string
}

// Error returns "<Field>: <Message>".
func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// fieldPath appends a field name to the path of its parent. An empty prefix leaves the
// name alone, for a caller that validates a message at the root of its request.
func fieldPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
