package server

import (
	"context"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
)

// access is what a caller may do with a journal.
type access int

const (
	readAccess access = iota
	writeAccess
)

// authorizeJournal resolves the journal a request names (empty patient_id means the
// caller's own) and checks that the caller may read or write it. It is the one place
// journal access is decided: patients reach only their own journal; clinicians read the
// journals of patients who granted them access and never write them.
func (s *Server) authorizeJournal(ctx context.Context, c *caller, patientID string, want access) (string, error) {
	switch c.role() {
	case medjournalv1.Role_ROLE_PATIENT:
		if patientID == "" || patientID == c.id() {
			return c.id(), nil
		}
		return "", permissionDenied("patients can only reach their own journal")
	case medjournalv1.Role_ROLE_CLINICIAN:
		if want == writeAccess {
			return "", permissionDenied("only the patient writes their journal")
		}
		if patientID == "" {
			return "", invalidArgument("patient_id", "required for clinicians: name the patient whose journal to read")
		}
		ok, err := s.hasGrant(ctx, patientID, c.id())
		if err != nil {
			return "", err
		}
		if !ok {
			return "", permissionDenied("this patient has not granted you access")
		}
		noteRead(ctx, patientID)
		return patientID, nil
	}
	return "", permissionDenied("this method is not available to your role")
}

// hasGrant reports whether the patient granted the clinician access to their journal. It
// reads the grant on every call, so a revocation takes effect on the next one.
func (s *Server) hasGrant(ctx context.Context, patientID, clinicianID string) (bool, error) {
	ok, err := s.store.HasGrant(ctx, patientID, clinicianID)
	if err != nil {
		return false, s.toConnectError(ctx, "check access", err)
	}
	return ok, nil
}
