package store

import (
	"context"
	"fmt"
	"time"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// CreateInvite stores a one-time invite code (by its hash) from a patient, valid for ttl,
// and returns when it expires.
func (s *Store) CreateInvite(ctx context.Context, patientID string, codeHash []byte, ttl time.Duration) (time.Time, error) {
	var expires time.Time
	err := s.write(ctx, func(tx *dbTx) error {
		expires = tx.now.Add(ttl)
		_, err := tx.ExecContext(ctx, `INSERT INTO invites (code_hash, patient_id, create_time, expire_time)
			VALUES (?, ?, ?, ?)`, codeHash, patientID, millis(tx.now), millis(expires))
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("create invite: %w", err)
	}
	return expires, nil
}

// AcceptInvite uses up an invite code for the clinician and grants them access to the
// patient's journal, returning the patient. An unknown, used or expired code is
// storage.ErrNotFound, all alike, so a guesser learns nothing.
func (s *Store) AcceptInvite(ctx context.Context, codeHash []byte, clinicianID string) (*medjournalv1.Account, error) {
	var patient *medjournalv1.Account
	err := s.write(ctx, func(tx *dbTx) error {
		var patientID string
		err := tx.QueryRowContext(ctx, `SELECT patient_id FROM invites
			WHERE code_hash = ? AND used_by IS NULL AND expire_time > ?`,
			codeHash, millis(tx.now)).Scan(&patientID)
		if err != nil {
			return mapError(err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invites SET used_by = ?, used_time = ? WHERE code_hash = ?`,
			clinicianID, millis(tx.now), codeHash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO grants (patient_id, clinician_id, create_time)
			VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, patientID, clinicianID, millis(tx.now)); err != nil {
			return err
		}
		patient, err = accountByID(ctx, tx, patientID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("accept invite: %w", err)
	}
	return patient, nil
}

// HasGrant reports whether the patient has granted the clinician access. It reads the
// committed state on every call, so a revocation takes effect on the next request.
func (s *Store) HasGrant(ctx context.Context, patientID, clinicianID string) (bool, error) {
	var n int
	err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM grants WHERE patient_id = ? AND clinician_id = ?`,
		patientID, clinicianID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check grant: %w", mapError(err))
	}
	return n > 0, nil
}

// PatientsOf returns the ids of the patients who granted the clinician access.
func (s *Store) PatientsOf(ctx context.Context, clinicianID string) ([]string, error) {
	rows, err := s.reader.QueryContext(ctx, `SELECT patient_id FROM grants WHERE clinician_id = ? ORDER BY patient_id`, clinicianID)
	if err != nil {
		return nil, fmt.Errorf("patients of %s: %w", clinicianID, mapError(err))
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ListPatients returns the accounts of the patients who granted the clinician access.
func (s *Store) ListPatients(ctx context.Context, clinicianID string) ([]*medjournalv1.Account, error) {
	return s.grantAccounts(ctx, `SELECT patient_id FROM grants WHERE clinician_id = ?`, clinicianID)
}

// ListCareTeam returns the accounts of the clinicians the patient granted access.
func (s *Store) ListCareTeam(ctx context.Context, patientID string) ([]*medjournalv1.Account, error) {
	return s.grantAccounts(ctx, `SELECT clinician_id FROM grants WHERE patient_id = ?`, patientID)
}

func (s *Store) grantAccounts(ctx context.Context, idsQuery, id string) ([]*medjournalv1.Account, error) {
	var out []*medjournalv1.Account
	err := s.read(ctx, func(tx *dbTx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts
			WHERE id IN (`+idsQuery+`) ORDER BY display_name, id`, id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanAccount(rows)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list grants: %w", err)
	}
	return out, nil
}

// RevokeAccess removes the clinician's access to the patient's journal.
func (s *Store) RevokeAccess(ctx context.Context, patientID, clinicianID string) error {
	err := s.write(ctx, func(tx *dbTx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM grants WHERE patient_id = ? AND clinician_id = ?`, patientID, clinicianID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return storage.ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke access: %w", err)
	}
	return nil
}
