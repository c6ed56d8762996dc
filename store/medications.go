package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

// CreateMedication adds a medication to the patient's regimen. A client-chosen id that
// exists with the same content returns the stored medication (a retry); with other content,
// or belonging to someone else, it is storage.ErrAlreadyExists.
func (s *Store) CreateMedication(ctx context.Context, patientID string, m *medjournalv1.Medication) (*medjournalv1.Medication, error) {
	m = medicationContent(m)
	if m.Id == "" {
		m.Id = uuid.NewString()
	}
	var out *medjournalv1.Medication
	err := s.write(ctx, func(tx *dbTx) error {
		existing, err := medicationByID(ctx, tx, m.Id)
		switch {
		case err == nil:
			if existing.PatientId == patientID && proto.Equal(medicationContent(existing), m) {
				out = existing
				return nil
			}
			return fmt.Errorf("%w: medication id %s is taken", storage.ErrAlreadyExists, m.Id)
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		body, err := marshal(m)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO medications (id, patient_id, body,
			create_time, update_time) VALUES (?, ?, ?, ?, ?)`,
			m.Id, patientID, body, millis(tx.now), millis(tx.now)); err != nil {
			return err
		}
		if err := bumpJournalVersion(ctx, tx, patientID); err != nil {
			return err
		}
		out, err = medicationByID(ctx, tx, m.Id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create medication: %w", err)
	}
	return out, nil
}

// Medication returns one of the patient's medications; another patient's is storage.ErrNotFound.
func (s *Store) Medication(ctx context.Context, patientID, id string) (*medjournalv1.Medication, error) {
	var m *medjournalv1.Medication
	err := s.read(ctx, func(tx *dbTx) error {
		var err error
		m, err = patientMedication(ctx, tx, patientID, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get medication %s: %w", id, err)
	}
	return m, nil
}

// ListMedications returns the patient's whole regimen, by display name.
func (s *Store) ListMedications(ctx context.Context, patientID string) ([]*medjournalv1.Medication, error) {
	var out []*medjournalv1.Medication
	err := s.read(ctx, func(tx *dbTx) error {
		var err error
		out, err = medicationsOf(ctx, tx, patientID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list medications: %w", err)
	}
	return out, nil
}

// UpdateMedication reads the medication, lets change modify it and stores the result in
// one transaction.
func (s *Store) UpdateMedication(ctx context.Context, patientID, id string, change func(*medjournalv1.Medication) error) (*medjournalv1.Medication, error) {
	var out *medjournalv1.Medication
	err := s.write(ctx, func(tx *dbTx) error {
		m, err := patientMedication(ctx, tx, patientID, id)
		if err != nil {
			return err
		}
		if err := change(m); err != nil {
			return err
		}
		m = medicationContent(m)
		m.Id = id
		body, err := marshal(m)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE medications SET body = ?, update_time = ? WHERE id = ?`,
			body, millis(tx.now), id); err != nil {
			return err
		}
		if err := bumpJournalVersion(ctx, tx, patientID); err != nil {
			return err
		}
		out, err = medicationByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("update medication %s: %w", id, err)
	}
	return out, nil
}

// DeleteMedication removes a medication added by mistake. While doses refer to it, it is
// storage.ErrFailedPrecondition: deleting it would orphan journal entries.
func (s *Store) DeleteMedication(ctx context.Context, patientID, id string) (*medjournalv1.Medication, error) {
	var out *medjournalv1.Medication
	err := s.write(ctx, func(tx *dbTx) error {
		var err error
		out, err = patientMedication(ctx, tx, patientID, id)
		if err != nil {
			return err
		}
		var doses int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM entries WHERE medication_id = ?`, id).Scan(&doses); err != nil {
			return err
		}
		if doses > 0 {
			return &storage.PreconditionError{Reason: fmt.Sprintf("%d journal entries record doses of this medication; set its end_date instead", doses)}
		}
		if _, err = tx.ExecContext(ctx, `DELETE FROM medications WHERE id = ?`, id); err != nil {
			return err
		}
		return bumpJournalVersion(ctx, tx, patientID)
	})
	if err != nil {
		return nil, fmt.Errorf("delete medication %s: %w", id, err)
	}
	return out, nil
}

func patientMedication(ctx context.Context, tx *dbTx, patientID, id string) (*medjournalv1.Medication, error) {
	m, err := medicationByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if m.PatientId != patientID {
		return nil, storage.ErrNotFound
	}
	return m, nil
}

func medicationByID(ctx context.Context, tx *dbTx, id string) (*medjournalv1.Medication, error) {
	return scanMedication(tx.QueryRowContext(ctx, `SELECT id, patient_id, body, create_time,
		update_time FROM medications WHERE id = ?`, id))
}

func medicationsOf(ctx context.Context, tx *dbTx, patientID string) ([]*medjournalv1.Medication, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, patient_id, body, create_time, update_time
		FROM medications WHERE patient_id = ?`, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*medjournalv1.Medication
	for rows.Next() {
		m, err := scanMedication(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortMedications(out)
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanMedication(row scanner) (*medjournalv1.Medication, error) {
	var (
		id, patientID   string
		body            []byte
		created, update int64
	)
	if err := row.Scan(&id, &patientID, &body, &created, &update); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, storage.ErrNotFound
		}
		return nil, err
	}
	m := &medjournalv1.Medication{}
	if err := proto.Unmarshal(body, m); err != nil {
		return nil, fmt.Errorf("decode medication %s: %w", id, err)
	}
	m.Id, m.PatientId = id, patientID
	m.CreateTime, m.UpdateTime = timestamppb.New(fromMillis(created)), timestamppb.New(fromMillis(update))
	return m, nil
}

// medicationContent is the client-supplied part of a medication, as stored in body.
func medicationContent(m *medjournalv1.Medication) *medjournalv1.Medication {
	c := proto.Clone(m).(*medjournalv1.Medication)
	c.PatientId, c.CreateTime, c.UpdateTime = "", nil, nil
	return c
}

// marshal encodes deterministically, so equal messages store equal bytes.
func marshal(m proto.Message) ([]byte, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", m, err)
	}
	return b, nil
}
