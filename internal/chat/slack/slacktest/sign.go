package slacktest

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Sign returns the headers Slack signs a request to an app with, under
// signing secret secret at time ts: X-Slack-Request-Timestamp (Unix
// seconds) and X-Slack-Signature, "v0=" + hex(HMAC-SHA256(secret,
// "v0:<timestamp>:<body>")). It is written here again, apart from the
// adapter's verifier, so that each checks the other.
func Sign(secret string, ts time.Time, body []byte) http.Header {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%s:", stamp)
	mac.Write(body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	return h
}

// SignedRequest builds the POST Slack sends an app's request URL: a form
// body (a slash command's fields, or payload=<json> for an interaction),
// signed with the workspace's secret at the fake's clock.
func (s *Server) SignedRequest(ctx context.Context, url string, body []byte) (*http.Request, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("slacktest: signed request: %w", err)
	}
	for k, v := range Sign(s.opts.SigningSecret, s.opts.Clock(), body) {
		r.Header[k] = v
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
	return r, nil
}

// PostSigned sends SignedRequest to the app and returns its answer's
// status and body.
func (s *Server) PostSigned(ctx context.Context, url string, body []byte) (int, []byte, error) {
	r, err := s.SignedRequest(ctx, url, body)
	if err != nil {
		return 0, nil, err
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return 0, nil, fmt.Errorf("slacktest: posting to the app: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("slacktest: reading the app's answer: %w", err)
	}
	return resp.StatusCode, b, nil
}
