// Package wire holds the HTTP rules every provider driver follows, so that
// each one does not have to get them right on its own: credentials never
// follow a redirect (and a redirect is one Redirected error), base URLs
// are https (plain http only to this machine, for emulators and local
// proxies), Retry-After is read one way, host names are checked one way,
// and a provider's own text is made safe (secrets first) in one place.
package wire

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// NoRedirects returns a copy of c (a fresh client when nil) that does not
// follow redirects: the 3xx response comes back to the driver, which treats
// it as an error. Go repeats a POST body on a 307/308 redirect, so a
// followed redirect could carry a login form or a signed request to
// another host.
func NoRedirects(c *http.Client) *http.Client {
	var cp http.Client
	if c != nil {
		cp = *c
	}
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// CheckBaseURL validates a configured base URL: absolute, http or https,
// no user info, query or fragment, and plain http only to a loopback host.
// The error names field and never quotes the URL (it may hold a pasted key).
func CheckBaseURL(field, raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		return fmt.Errorf("%s must be an absolute http(s) URL", field)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%s must use https", field)
	case u.User != nil:
		return fmt.Errorf("%s must not contain credentials", field)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("%s must not have a query or fragment", field)
	case u.Scheme == "http" && !IsLoopback(u.Hostname()):
		return fmt.Errorf("%s must use https (plain http only to 127.0.0.1, ::1 or localhost)", field)
	}
	return nil
}

// IsLoopback reports whether host is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
