package cyberpanel

import (
	"fmt"
	"net/http"

	"github.com/vpsops/vpsops/internal/fault"
)

// classify maps an API refusal to a portable error: every documented
// error_code first, then, for codes the reference does not list, the HTTP
// status. Messages are ours (safe, one line, naming what failed); the
// API's own text appears only for unknown codes and MISSING_FIELDS, after
// apiText has cleaned it.
func classify(c call, status int, code, text string) *fault.Error {
	e := func(cl fault.Class, format string, args ...any) *fault.Error {
		return &fault.Error{Class: cl, Message: fmt.Sprintf(format, args...)}
	}
	switch code {
	// 401: the key.
	case "NO_API_KEY":
		return e(fault.Unauthenticated, "no API key was sent to CyberPanel")
	case "INVALID_API_KEY":
		return e(fault.Unauthenticated, "CyberPanel rejected the API key; check api_key")
	case "EXPIRED_API_KEY":
		return e(fault.Unauthenticated, "the CyberPanel API key has expired; create a new one at platform.cyberpersons.com/api-keys")
	case "INACTIVE_API_KEY":
		return e(fault.Unauthenticated, "the CyberPanel API key is deactivated")
	// 403.
	case "IP_NOT_ALLOWED":
		return e(fault.PermissionDenied, "the API key's IP allow-list does not include this host's address")
	case "INSUFFICIENT_SCOPE":
		scope := c.scope
		if scope == "" {
			scope = "the required scope"
		}
		return e(fault.PermissionDenied, "API key lacks scope %s", scope)
	case "VPS_SUSPENDED":
		return e(fault.Conflict, "%s is suspended (billing or abuse); contact CyberPanel support", c.what)
	// 404 and 400 for things that are gone.
	case "VPS_NOT_FOUND":
		return e(fault.NotFound, "%s not found", c.what)
	case "KEY_NOT_FOUND":
		return e(fault.NotFound, "API key not found")
	case "VPS_DELETED", "VPS_ALREADY_DELETED":
		return e(fault.NotFound, "%s has been deleted", c.what)
	// 400: the request (these come from create, which vpsops does not
	// call, but a refusal must still read right).
	case "PLAN_NOT_FOUND":
		return e(fault.Invalid, "plan not found")
	case "LOCATION_NOT_FOUND":
		return e(fault.Invalid, "location not found")
	case "INVALID_TEMPLATE":
		return e(fault.Invalid, "template not found or not allowed")
	case "MISSING_FIELDS":
		return e(fault.Invalid, "CyberPanel refused the request for %s: required fields missing (%s)", c.what, text)
	case "INVALID_HOSTNAME":
		return e(fault.Invalid, "hostname is not a valid FQDN")
	case "PASSWORD_TOO_SHORT":
		return e(fault.Invalid, "root password is shorter than 8 characters")
	case "PASSWORD_TOO_LONG":
		return e(fault.Invalid, "root password is longer than 72 characters")
	case "PASSWORD_WEAK":
		return e(fault.Invalid, "root password must contain letters and digits")
	case "INSUFFICIENT_BALANCE":
		return e(fault.Conflict, "the CyberPanel account balance is too low")
	// 429.
	case "RATE_LIMIT_EXCEEDED":
		return e(fault.RateLimited, "CyberPanel API rate limit exceeded")
	// 500: the platform or its Proxmox node failed; the action may or may
	// not have happened, so it is not retried (Unavailable, mutating).
	case "START_FAILED":
		return e(fault.Unavailable, "CyberPanel could not start %s", c.what)
	case "STOP_FAILED":
		return e(fault.Unavailable, "CyberPanel could not stop %s", c.what)
	case "RESTART_FAILED":
		return e(fault.Unavailable, "CyberPanel could not restart %s", c.what)
	case "DELETE_FAILED":
		return e(fault.Unavailable, "CyberPanel could not delete %s", c.what)
	case "STATUS_FAILED":
		return e(fault.Unavailable, "CyberPanel could not read the live status of %s", c.what)
	case "CONSOLE_FAILED":
		return e(fault.Unavailable, "CyberPanel could not open a console for %s", c.what)
	case "DEPLOYMENT_FAILED":
		return e(fault.Unavailable, "deployment of %s failed", c.what)
	case "NODE_NOT_FOUND":
		return e(fault.Unavailable, "the Proxmox node of %s is unavailable", c.what)
	}
	return byStatus(c, status, code, text)
}

// byStatus classifies an answer without a documented code.
func byStatus(c call, status int, code, text string) *fault.Error {
	var cl fault.Class
	busy := false
	switch {
	case status == http.StatusUnauthorized:
		cl = fault.Unauthenticated
	case status == http.StatusForbidden:
		cl = fault.PermissionDenied
	case status == http.StatusNotFound:
		cl = fault.NotFound
	case status == http.StatusConflict:
		cl = fault.Conflict
	case status == http.StatusLocked:
		cl, busy = fault.Conflict, true
	case status == http.StatusTooManyRequests:
		cl = fault.RateLimited
	case status >= 500:
		cl = fault.Unavailable
	case status >= 400:
		cl = fault.Invalid
	default: // 2xx with success=false and no code (do handles 3xx)
		cl = fault.Unavailable
	}
	msg := fmt.Sprintf("CyberPanel refused the request for %s (HTTP %d", c.what, status)
	if code != "" {
		msg += " " + code
	}
	msg += ")"
	if text != "" {
		msg += ": " + text
	}
	return &fault.Error{Class: cl, Message: msg, Busy: busy}
}
