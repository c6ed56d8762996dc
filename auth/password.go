// Package auth hashes passwords and makes session tokens.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters.
type Argon2Params struct {
	MemoryKiB   uint32
	Iterations  uint32
	Parallelism uint8
}

// OWASPParams are the argon2id parameters the OWASP Password Storage Cheat Sheet lists
// first: 19 MiB of memory, 2 iterations, 1 lane.
var OWASPParams = Argon2Params{MemoryKiB: 19 * 1024, Iterations: 2, Parallelism: 1}

const (
	saltLen = 16
	keyLen  = 32
)

// ErrMismatch means the password does not match the hash.
var ErrMismatch = errors.New("password does not match")

// Hasher hashes and verifies passwords with argon2id. Each hash needs MemoryKiB of memory,
// so at most a fixed number run at once: a burst of sign-ins waits its turn instead of
// exhausting memory.
type Hasher struct {
	params Argon2Params
	slots  chan struct{}
	// dummy is verified against when an account does not exist, so that a sign-in for an
	// unknown e-mail address takes as long as one with a wrong password.
	dummy string
}

// NewHasher returns a Hasher that runs at most concurrency hashes at a time.
func NewHasher(params Argon2Params, concurrency int) *Hasher {
	h := &Hasher{params: params, slots: make(chan struct{}, max(1, concurrency))}
	h.dummy = h.encode(make([]byte, saltLen), h.key("", make([]byte, saltLen)))
	return h
}

// Hash returns the PHC-format argon2id hash of password with a fresh random salt.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.encode(salt, h.key(password, salt)), nil
}

// Verify reports whether password matches encoded: nil if it does, ErrMismatch if not.
// An empty encoded hash (no such account) is checked against a dummy hash and fails, in
// the same time a real mismatch takes.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) error {
	if encoded == "" {
		encoded = h.dummy
		password += "\x00" // can never match the dummy's empty password
	}
	params, salt, want, err := decode(encoded)
	if err != nil {
		return err
	}
	if err := h.acquire(ctx); err != nil {
		return err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, params.Iterations, params.MemoryKiB, params.Parallelism, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for password hashing: %w", ctx.Err())
	}
}

func (h *Hasher) release() { <-h.slots }

func (h *Hasher) key(password string, salt []byte) []byte {
	return argon2.IDKey([]byte(password), salt, h.params.Iterations, h.params.MemoryKiB, h.params.Parallelism, keyLen)
}

// encode writes the PHC string format used by the reference implementation:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>, base64 without padding.
func (h *Hasher) encode(salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.MemoryKiB, h.params.Iterations, h.params.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses a PHC argon2id string, so hashes made with older parameters still verify
// after the parameters are raised.
func decode(encoded string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("password hash is not argon2id")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Iterations, &p.Parallelism); err != nil {
		return p, nil, nil, fmt.Errorf("parse argon2 parameters: %w", err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, fmt.Errorf("decode salt: %w", err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return p, nil, nil, fmt.Errorf("decode key: %w", err)
	}
	return p, salt, key, nil
}
