package wire

import (
	"errors"
	"fmt"

	"github.com/vpsops/vpsops/internal/fault"
)

// ErrRedirect is in the chain of every Redirected error.
var ErrRedirect = errors.New("the provider answered with a redirect, which is not followed")

// Redirected is the error for a 3xx answer, which NoRedirects never
// follows. provider names the provider ("GleSYS"), what the call.
//
// Its class is Internal, not Unavailable: the same request to the same
// address is redirected again, so a retry (which the portable wrapper
// makes for Unavailable reads) cannot help and "try again later" would
// mislead; the base URL is wrong, or the provider moved its API, and an
// operator has to look. The Location is not quoted: it is the provider's
// (or an attacker's) text and says nothing the user can act on.
func Redirected(provider, what string, status int) *fault.Error {
	return &fault.Error{Class: fault.Internal, Err: ErrRedirect,
		Message: fmt.Sprintf("%s answered %s with a redirect (HTTP %d), which is not followed; check the provider's URLs in the configuration", provider, what, status)}
}
