package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// Sign returns the X-Slack-Signature value Slack sends for a request with
// timestamp header ts and raw body: "v0=" and 64 lowercase hex digits. The
// verifier uses it, and so do tests and the fake Slack, so that there is one
// definition of the scheme.
func Sign(secret, ts string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + ts + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}
