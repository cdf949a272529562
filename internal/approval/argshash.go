package approval

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"

	"github.com/vpsops/vpsops/internal/canonical"
)

// ArgsHash binds an approval to the exact action: HMAC-SHA256, keyed with
// salt, over a canonical encoding of command, target and args, in hex. Any
// change of the command, the target, an argument's name or value (at any
// depth), or the salt changes the hash.
//
// Callers pass the FULL arguments, secrets included, so that a changed
// password is a changed action; only the hash is stored, never the secrets.
// A plain hash of a low-entropy secret (a short password) could be reversed
// by trying candidates, which is why the hash is keyed with a per-request
// random salt (Request.Salt, see NewSalt): it defeats precomputed tables and
// comparing hashes across requests. The salt is stored beside the hash, so
// on its own it stops neither a reader of the database trying candidates
// against one request nor a writer recomputing the hash for a retargeted
// request: a Store opened with a Secret stores this hash only keyed with
// that secret (see Store.binding), which rules out both.
//
// The canonical encoding is JSON of [version, command, target, args], in
// which encoding/json sorts map keys at every depth. JSON replaces invalid
// UTF-8 with U+FFFD, which would let two different arguments share a hash,
// so such input (and anything JSON cannot encode) yields "": no hash, which
// Create and Claim refuse.
func ArgsHash(salt []byte, command, target string, args map[string]any) string {
	enc, err := canonical.JSON([]any{"vpsops-args-v1", command, target, args})
	if err != nil {
		return ""
	}
	mac := hmac.New(sha256.New, salt)
	mac.Write(enc)
	return hex.EncodeToString(mac.Sum(nil))
}
