package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// tokenBytes is 256 bits: far beyond guessing, even by an attacker who may try online.
const tokenBytes = 32

// NewToken returns a random opaque bearer token and the SHA-256 hash to store for it. The
// token itself is never stored, so a copy of the database yields no working tokens; a plain
// hash suffices because the token has full entropy, unlike a password.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("read random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the stored form of a token.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
