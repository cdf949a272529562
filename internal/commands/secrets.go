package commands

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"maps"
)

func randomKey() []byte {
	k := make([]byte, 32)
	rand.Read(k) // never fails (crypto/rand panics rather than return short)
	return k
}

// hashArgs is what the approval store hashes to bind a request to its
// exact arguments: secret values replaced by an HMAC under this process's
// key. A different value still changes the
// hash, but the stored hash cannot be used to test password guesses.
func (r *Runner) hashArgs(cmd *Command, args Args) map[string]any {
	out := make(map[string]any, len(args))
	maps.Copy(out, args)
	for _, a := range cmd.Args {
		if s, ok := out[a.Name].(string); ok && a.Secret() {
			m := hmac.New(sha256.New, r.secretKey)
			m.Write([]byte(s))
			out[a.Name] = "hmac:" + hex.EncodeToString(m.Sum(nil))
		}
	}
	return out
}
