package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	medjournalv1 "github.com/medjournal/medjournal/gen/medjournal/v1"
	"github.com/medjournal/medjournal/storage"
)

const accountColumns = `id, email, display_name, role, time_zone, birth_year, sex,
	smoking_status, risk_factors, create_time`

// CreateAccount stores a new account with its password hash and returns it with its id and
// creation time. The e-mail address is stored lower-cased; a taken address is
// storage.ErrAlreadyExists.
func (s *Store) CreateAccount(ctx context.Context, a *medjournalv1.Account, passwordHash string) (*medjournalv1.Account, error) {
	created := proto.Clone(a).(*medjournalv1.Account)
	created.Id = uuid.NewString()
	created.Email = storage.NormalizeEmail(a.GetEmail())
	if created.Profile == nil {
		created.Profile = &medjournalv1.Profile{}
	}
	risk, err := json.Marshal(nonNil(created.Profile.GetRiskFactors()))
	if err != nil {
		return nil, fmt.Errorf("encode risk factors: %w", err)
	}
	err = s.write(ctx, func(tx *dbTx) error {
		created.CreateTime = timestamppb.New(tx.now)
		_, err := tx.ExecContext(ctx, `INSERT INTO accounts (id, email, display_name, role,
			time_zone, password_hash, birth_year, sex, smoking_status, risk_factors,
			create_time, update_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			created.Id, created.Email, created.DisplayName, int32(created.Role),
			created.TimeZone, passwordHash, created.Profile.BirthYear,
			int32(created.Profile.Sex), int32(created.Profile.SmokingStatus), string(risk),
			millis(tx.now), millis(tx.now))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create account %s: %w", created.Email, err)
	}
	return created, nil
}

// Account returns the account with the given id.
func (s *Store) Account(ctx context.Context, id string) (*medjournalv1.Account, error) {
	var a *medjournalv1.Account
	err := s.read(ctx, func(tx *dbTx) error {
		var err error
		a, err = accountByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get account %s: %w", id, err)
	}
	return a, nil
}

// Credentials returns the account with the given e-mail address and its password hash,
// for signing in.
func (s *Store) Credentials(ctx context.Context, email string) (*medjournalv1.Account, string, error) {
	var (
		a    *medjournalv1.Account
		hash string
	)
	err := s.read(ctx, func(tx *dbTx) error {
		row := tx.QueryRowContext(ctx, `SELECT `+accountColumns+`, password_hash
			FROM accounts WHERE email = ?`, storage.NormalizeEmail(email))
		var err error
		a, err = scanAccount(row, &hash)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("get credentials: %w", err)
	}
	return a, hash, nil
}

// UpdateProfile reads the account's profile, lets change modify it, and stores the result,
// all in one transaction so concurrent updates cannot lose each other's fields.
func (s *Store) UpdateProfile(ctx context.Context, accountID string, change func(*medjournalv1.Profile) error) (*medjournalv1.Profile, error) {
	var p *medjournalv1.Profile
	err := s.write(ctx, func(tx *dbTx) error {
		a, err := accountByID(ctx, tx, accountID)
		if err != nil {
			return err
		}
		p = a.Profile
		if err := change(p); err != nil {
			return err
		}
		risk, err := json.Marshal(nonNil(p.RiskFactors))
		if err != nil {
			return fmt.Errorf("encode risk factors: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE accounts SET birth_year = ?, sex = ?,
			smoking_status = ?, risk_factors = ?, update_time = ? WHERE id = ?`,
			p.BirthYear, int32(p.Sex), int32(p.SmokingStatus), string(risk),
			millis(tx.now), accountID)
		if err != nil {
			return err
		}
		return bumpJournalVersion(ctx, tx, accountID)
	})
	if err != nil {
		return nil, fmt.Errorf("update profile of %s: %w", accountID, err)
	}
	return p, nil
}

func accountByID(ctx context.Context, tx *dbTx, id string) (*medjournalv1.Account, error) {
	row := tx.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id)
	return scanAccount(row)
}

// scanAccount reads accountColumns, followed by any extra destinations.
func scanAccount(row scanner, extra ...any) (*medjournalv1.Account, error) {
	var (
		a                  = &medjournalv1.Account{Profile: &medjournalv1.Profile{}}
		role, sex, smoking int32
		riskJSON           string
		createMillis       int64
	)
	dest := append([]any{&a.Id, &a.Email, &a.DisplayName, &role, &a.TimeZone,
		&a.Profile.BirthYear, &sex, &smoking, &riskJSON, &createMillis}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, mapError(err)
	}
	a.Role = medjournalv1.Role(role)
	a.Profile.Sex = medjournalv1.Sex(sex)
	a.Profile.SmokingStatus = medjournalv1.SmokingStatus(smoking)
	if err := json.Unmarshal([]byte(riskJSON), &a.Profile.RiskFactors); err != nil {
		return nil, fmt.Errorf("decode risk factors of %s: %w", a.Id, err)
	}
	a.CreateTime = timestamppb.New(fromMillis(createMillis))
	return a, nil
}

// nonNil makes JSON encode an empty list as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
