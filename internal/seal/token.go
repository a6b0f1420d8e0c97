package seal

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// NewToken is 32 random bytes as URL-safe text: the secret of a single-use
// link (sign-in, share, feedback). Keep only its TokenHash.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // crypto/rand never fails
	return base64.RawURLEncoding.EncodeToString(b)
}

// TokenHash is how a token is kept: its SHA-256 in hex, which finds the
// row without holding the secret.
func TokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}
