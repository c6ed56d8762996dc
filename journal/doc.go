// Package journal holds the business checks of journal entries and medications that
// protovalidate cannot express: codes that must exist in the catalog, units that must
// convert, values that must be plausible, calendar days that must exist, and the clock.
//
// The server runs protovalidate on a request first and this package second, before
// anything is stored. The checks that protovalidate also makes (a kind is set, the
// comment's length, finite numbers) are repeated here on purpose: they are cheap, and
// they keep the package safe for callers that build messages in Go and never pass
// through protovalidate, such as Sync's upserts, imports and tests.
//
// Every refusal is a [*FieldError] naming the most specific field at fault, with the
// request's path to it, so the server can answer invalid_argument with
// "upserts[3].vital.unit: ..." without knowing which check failed.
package journal
