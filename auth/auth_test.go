package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/medjournal/medjournal/auth"
)

// fastParams keep the tests quick; production uses OWASPParams.
var fastParams = auth.Argon2Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1}

func TestHashAndVerify(t *testing.T) {
	h := auth.NewHasher(fastParams, 2)
	ctx := context.Background()
	hash, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not in PHC argon2id form", hash)
	}
	if err := h.Verify(ctx, "correct horse battery", hash); err != nil {
		t.Errorf("verify right password: %v", err)
	}
	if err := h.Verify(ctx, "correct horse batterY", hash); !errors.Is(err, auth.ErrMismatch) {
		t.Errorf("verify wrong password: err = %v, want ErrMismatch", err)
	}
	if err := h.Verify(ctx, "", ""); !errors.Is(err, auth.ErrMismatch) {
		t.Errorf("verify against no account: err = %v, want ErrMismatch", err)
	}
	other, _ := h.Hash(ctx, "correct horse battery")
	if other == hash {
		t.Error("two hashes of one password are equal; salt is not random")
	}
}

func TestHashOldParametersStillVerify(t *testing.T) {
	ctx := context.Background()
	old, err := auth.NewHasher(fastParams, 1).Hash(ctx, "a long passphrase")
	if err != nil {
		t.Fatal(err)
	}
	newer := auth.NewHasher(auth.Argon2Params{MemoryKiB: 128, Iterations: 2, Parallelism: 1}, 1)
	if err := newer.Verify(ctx, "a long passphrase", old); err != nil {
		t.Fatalf("verify hash made with older parameters: %v", err)
	}
}

func TestHasherBoundsConcurrency(t *testing.T) {
	// One slot, taken by a slow hash: a second caller must wait, and gives up when its
	// context ends instead of starting another memory-hungry hash.
	slow := auth.Argon2Params{MemoryKiB: 64 * 1024, Iterations: 3, Parallelism: 1}
	h := auth.NewHasher(slow, 1)
	done := make(chan error, 1)
	go func() {
		_, err := h.Hash(context.Background(), "first")
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // the first hash holds the slot for far longer
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "second"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second hash with the slot taken: err = %v, want deadline exceeded", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("first hash: %v", err)
	}
}

func TestTokens(t *testing.T) {
	tok, hash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) != 43 {
		t.Errorf("token length = %d, want 43 (256 bits, base64url)", len(tok))
	}
	if string(auth.HashToken(tok)) != string(hash) {
		t.Error("HashToken disagrees with NewToken's hash")
	}
	tok2, _, _ := auth.NewToken()
	if tok == tok2 {
		t.Error("two tokens are equal")
	}
}
