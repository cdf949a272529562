package discord

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/bwmarrin/discordgo"

	"github.com/vpsops/vpsops/internal/fault"
)

// classify turns a REST failure into the shared vocabulary, so that
// chat.Approvals knows what retrying can fix. The message names the
// operation and Discord's status and code, never a token (an interaction
// token is part of a webhook URL, which discordgo's errors may quote).
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var (
		rest   *discordgo.RESTError
		rl     *discordgo.RateLimitError
		netErr net.Error
	)
	switch {
	case errors.As(err, &rl):
		return &fault.Error{Class: fault.RateLimited, RetryAfter: rl.RetryAfter, Message: "discord " + op + ": rate limited"}
	case errors.As(err, &rest) && rest.Response != nil:
		code := 0
		if rest.Message != nil {
			code = rest.Message.Code
		}
		return &fault.Error{Class: restClass(rest.Response.StatusCode, code),
			Message: fmt.Sprintf("discord %s: HTTP %d (code %d)", op, rest.Response.StatusCode, code)}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr):
		return &fault.Error{Class: fault.Unavailable, Message: "discord " + op + ": no answer"}
	case errors.Is(err, context.Canceled):
		return &fault.Error{Class: fault.Unavailable, Message: "discord " + op + ": cancelled"}
	}
	return &fault.Error{Class: fault.Unavailable, Message: "discord " + op + ": unreadable answer"}
}

func restClass(status, code int) fault.Class {
	switch {
	case status == 429:
		return fault.RateLimited
	case status == 401 || status == 403:
		return fault.PermissionDenied
	case status == 404:
		return fault.NotFound
	case status >= 500:
		return fault.Unavailable
	}
	return fault.Invalid
}
