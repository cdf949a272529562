package slack

import (
	"context"
	"errors"
	"net"

	"github.com/slack-go/slack"

	"github.com/vpsops/vpsops/internal/fault"
)

// classify turns a Web API failure into the shared vocabulary, so that
// chat.Approvals knows what retrying can fix: a rate limit waits for
// Retry-After, an outage is retried on the next round, and a missing
// channel, a missing scope or a refused payload is never retried. The
// message names the API method and Slack's error code, nothing more (no
// token, no payload).
func classify(method string, err error) error {
	if err == nil {
		return nil
	}
	var (
		rl     *slack.RateLimitedError
		status slack.StatusCodeError
		api    slack.SlackErrorResponse
		netErr net.Error
	)
	switch {
	case errors.As(err, &rl):
		return &fault.Error{Class: fault.RateLimited, RetryAfter: rl.RetryAfter, Message: "slack " + method + ": rate limited", Err: err}
	case errors.As(err, &status):
		return &fault.Error{Class: statusClass(status.Code), Message: "slack " + method + ": " + status.Status, Err: err}
	case errors.As(err, &api):
		return &fault.Error{Class: apiClass(api.Err), Message: "slack " + method + ": " + api.Err, Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr):
		return &fault.Error{Class: fault.Unavailable, Message: "slack " + method + ": no answer", Err: err}
	case errors.Is(err, context.Canceled):
		return &fault.Error{Class: fault.Unavailable, Message: "slack " + method + ": cancelled", Err: err}
	}
	// A body that is not Slack's JSON envelope (a proxy's error page).
	return &fault.Error{Class: fault.Unavailable, Message: "slack " + method + ": unreadable answer", Err: err}
}

func statusClass(code int) fault.Class {
	switch {
	case code == 429:
		return fault.RateLimited
	case code == 401 || code == 403:
		return fault.PermissionDenied
	case code == 404:
		return fault.NotFound
	case code >= 500:
		return fault.Unavailable
	}
	return fault.Invalid
}

// apiClass sorts Slack's error codes (the "error" of an ok:false answer).
func apiClass(code string) fault.Class {
	switch code {
	case "ratelimited":
		return fault.RateLimited
	case "channel_not_found", "message_not_found", "user_not_found", "thread_not_found", "expired_trigger_id":
		return fault.NotFound
	case "not_in_channel", "is_archived", "missing_scope", "not_authed", "invalid_auth", "account_inactive",
		"token_revoked", "token_expired", "no_permission", "restricted_action", "ekm_access_denied",
		"cant_update_message", "edit_window_closed", "user_not_in_channel":
		return fault.PermissionDenied
	case "invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text", "too_many_attachments",
		"invalid_arguments", "invalid_arg_name", "invalid_array_arg", "invalid_charset", "invalid_form_data",
		"invalid_post_type", "missing_post_type", "invalid_json", "json_not_object", "too_many_blocks":
		return fault.Invalid
	case "internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org":
		return fault.Unavailable
	}
	return fault.Unavailable
}
