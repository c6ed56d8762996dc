package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// careTeamService implements medjournal.v1.CareTeamService.
type careTeamService struct{ *Server }

// inviteTTL is how long an invite code works: long enough to reach the clinic, short
// enough that a code on a forgotten note is useless.
const inviteTTL = 24 * time.Hour

// inviteAlphabet is Crockford's base32: no I, L, O or U, so a code read aloud or typed from
// paper is not mistaken.
const inviteAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func (s *careTeamService) CreateInvite(ctx context.Context, _ *medjournalv1.CreateInviteRequest) (*medjournalv1.CreateInviteResponse, error) {
	c := callerFrom(ctx)
	if err := requireRole(c, medjournalv1.Role_ROLE_PATIENT); err != nil {
		return nil, err
	}
	code, err := newInviteCode()
	if err != nil {
		return nil, s.toConnectError(ctx, "create invite", err)
	}
	expires, err := s.store.CreateInvite(ctx, c.id(), hashInviteCode(code), inviteTTL)
	if err != nil {
		return nil, s.toConnectError(ctx, "create invite", err)
	}
	return &medjournalv1.CreateInviteResponse{Code: code, ExpireTime: timestamppb.New(expires)}, nil
}

func (s *careTeamService) AcceptInvite(ctx context.Context, req *medjournalv1.AcceptInviteRequest) (*medjournalv1.AcceptInviteResponse, error) {
	c := callerFrom(ctx)
	if err := requireRole(c, medjournalv1.Role_ROLE_CLINICIAN); err != nil {
		return nil, err
	}
	patient, err := s.store.AcceptInvite(ctx, hashInviteCode(req.GetCode()), c.id())
	if errors.Is(err, storage.ErrNotFound) {
		return nil, connect.NewError(connect.CodeNotFound, errors.New("code: this invite code is unknown, used or expired; ask the patient for a new one"))
	}
	if err != nil {
		return nil, s.toConnectError(ctx, "accept invite", err)
	}
	noteRead(ctx, patient.GetId())
	return &medjournalv1.AcceptInviteResponse{Patient: patient}, nil
}

func (s *careTeamService) ListPatients(ctx context.Context, _ *medjournalv1.ListPatientsRequest) (*medjournalv1.ListPatientsResponse, error) {
	c := callerFrom(ctx)
	if err := requireRole(c, medjournalv1.Role_ROLE_CLINICIAN); err != nil {
		return nil, err
	}
	patients, err := s.store.ListPatients(ctx, c.id())
	if err != nil {
		return nil, s.toConnectError(ctx, "list patients", err)
	}
	for _, p := range patients {
		noteRead(ctx, p.GetId())
	}
	return &medjournalv1.ListPatientsResponse{Patients: patients}, nil
}

func (s *careTeamService) ListCareTeam(ctx context.Context, _ *medjournalv1.ListCareTeamRequest) (*medjournalv1.ListCareTeamResponse, error) {
	c := callerFrom(ctx)
	if err := requireRole(c, medjournalv1.Role_ROLE_PATIENT); err != nil {
		return nil, err
	}
	clinicians, err := s.store.ListCareTeam(ctx, c.id())
	if err != nil {
		return nil, s.toConnectError(ctx, "list care team", err)
	}
	// A patient sees who their clinicians are, not their profiles.
	for _, a := range clinicians {
		a.Profile = nil
	}
	return &medjournalv1.ListCareTeamResponse{Clinicians: clinicians}, nil
}

func (s *careTeamService) RevokeAccess(ctx context.Context, req *medjournalv1.RevokeAccessRequest) (*medjournalv1.RevokeAccessResponse, error) {
	c := callerFrom(ctx)
	if err := requireRole(c, medjournalv1.Role_ROLE_PATIENT); err != nil {
		return nil, err
	}
	if err := s.store.RevokeAccess(ctx, c.id(), req.GetClinicianId()); err != nil {
		return nil, s.toConnectError(ctx, "revoke access", err)
	}
	return &medjournalv1.RevokeAccessResponse{}, nil
}

// newInviteCode returns 8 random characters (40 bits) as XXXX-XXXX.
func newInviteCode() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	for i := range b {
		b[i] = inviteAlphabet[int(b[i])%len(inviteAlphabet)] // 256 is a multiple of 32: no bias
	}
	return string(b[:4]) + "-" + string(b[4:]), nil
}

// hashInviteCode normalizes a typed code (case, dashes, spaces, the letters Crockford
// reads as digits) and hashes it: codes are stored only as hashes.
func hashInviteCode(code string) []byte {
	code = strings.ToUpper(code)
	code = strings.NewReplacer("-", "", " ", "", "I", "1", "L", "1", "O", "0").Replace(code)
	sum := sha256.Sum256([]byte(code))
	return sum[:]
}
