package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/fault"
)

// responseBody is what a response_url takes.
type responseBody struct {
	Type    string        `json:"response_type,omitempty"` // "ephemeral" (default) or "in_channel"
	Replace bool          `json:"replace_original,omitempty"`
	Text    string        `json:"text"`
	Blocks  []slack.Block `json:"blocks,omitempty"`
}

// errUsedUp says a response_url cannot take another post (five uses, 30
// minutes, or Slack says it is gone): the caller falls back to the Web API.
var errUsedUp = errors.New("slack: response_url used up")

func errorsIsUsedUp(err error) bool { return errors.Is(err, errUsedUp) }

func asFault(err error, fe **fault.Error) bool { return errors.As(err, fe) }

// postResponse posts body to a command's or press's response_url.
func (a *Adapter) postResponse(ctx context.Context, u *responseURL, body responseBody) error {
	if !u.take() {
		return errUsedUp
	}
	b, err := json.Marshal(body)
	if err != nil {
		return fault.Errorf(fault.Internal, "slack response: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.url, bytes.NewReader(b))
	if err != nil {
		return fault.Errorf(fault.Invalid, "slack response: malformed response_url")
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := a.http.Do(req)
	if err != nil {
		return &fault.Error{Class: fault.Unavailable, Message: "slack response: no answer", Err: err}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode == http.StatusNotFound:
		// used_url, expired_url: this URL is done for.
		return errUsedUp
	case resp.StatusCode == http.StatusTooManyRequests:
		return &fault.Error{Class: fault.RateLimited, Message: "slack response: rate limited"}
	case resp.StatusCode >= 300:
		return &fault.Error{Class: statusClass(resp.StatusCode), Message: fmt.Sprintf("slack response: HTTP %d", resp.StatusCode)}
	}
	// A response_url answers "ok" or {"ok":true}; {"ok":false,...} names
	// what was wrong.
	var env struct {
		OK    *bool  `json:"ok"`
		Error string `json:"error"`
	}
	if json.Unmarshal(answer, &env) == nil && env.OK != nil && !*env.OK {
		if env.Error == "used_url" || env.Error == "expired_url" {
			return errUsedUp
		}
		return &fault.Error{Class: apiClass(env.Error), Message: "slack response: " + env.Error}
	}
	return nil
}

// responseURLAllowed says whether the bot may post to u: Slack's own
// https://hooks.slack.com/, or the host of slack.api_url when that is set
// (a fake Slack, a proxy). A response_url only ever comes from a payload
// Slack signed or sent over the app's own socket; this keeps a mistake
// there (or a leaked signing secret) from making the bot post its answers,
// secrets included, anywhere else.
func (a *Adapter) responseURLAllowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.User != nil {
		return false
	}
	if u.Scheme == "https" && u.Host == "hooks.slack.com" {
		return true
	}
	if a.cfg.APIURL == "" {
		return false
	}
	api, err := url.Parse(a.cfg.APIURL)
	return err == nil && u.Scheme == api.Scheme && u.Host == api.Host
}

// noRedirects is c, except that a redirect is not followed: an answer is
// posted where Slack said, or not at all.
func noRedirects(c *http.Client) *http.Client {
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}
