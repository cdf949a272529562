package approval

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// argsKeyLabel separates the key derived here from every other use of the
// same secret (the audit chain uses audit.hmac_key as is): one can never
// stand in for the other.
const argsKeyLabel = "vpsops/approval/args-binding/v1"

// deriveArgsKey derives the key that binds stored argument hashes from a
// secret kept outside the database; nil without one.
func deriveArgsKey(secret []byte) ([]byte, error) {
	if len(secret) == 0 {
		return nil, nil
	}
	k, err := hkdf.Key(sha256.New, secret, nil, argsKeyLabel, sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("derive the argument-binding key: %w", err)
	}
	return k, nil
}

// binding is what the args_hash column holds for a request: the caller's
// ArgsHash, keyed with the Store's argument key (when it has one) together
// with the request's id, requester and the requester's groups.
//
// ArgsHash is keyed only with the salt, which sits in the same row: someone
// who can write the database could retarget a request (new target or
// arguments, ArgsHash recomputed with the stored salt) and the executor would
// find it consistent. With the key, producing a matching args_hash needs a
// secret the database does not hold, and binding the id and the principal
// stops a valid value from being moved to another row or requester, or the
// requester from being given groups (and so, at re-authorization, rights)
// it did not ask with. It also
// keeps a reader of the database from testing candidate secrets against the
// hash. Without a key the column holds ArgsHash as is: the behaviour, and the
// limits, of before.
func (s *Store) binding(id, principal string, groups []string, argsHash string) string {
	if s.argsKey == nil {
		return argsHash
	}
	m := hmac.New(sha256.New, s.argsKey)
	fields := []string{id, principal, argsHash}
	if g, ok := groupsText(groups).(string); ok {
		// Only when there are groups, so that a request stored before
		// groups existed keeps its binding.
		fields = append(fields, g)
	}
	for _, f := range fields {
		// Length-prefixed, so no two field lists encode alike.
		fmt.Fprintf(m, "%d:%s", len(f), f)
	}
	return hex.EncodeToString(m.Sum(nil))
}
