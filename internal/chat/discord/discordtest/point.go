package discordtest

import (
	"net/http"
	"net/url"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Point sends every REST call of session to the fake instead of Discord.
//
// discordgo builds its URLs from package variables, and reassigning
// EndpointAPI is not enough: the string variables derived from it
// (EndpointChannels, EndpointWebhooks, EndpointApplications,
// EndpointGateway, EndpointGatewayBot, EndpointGuilds, EndpointUsers...)
// were computed once when the package was initialised, while the function
// variables (EndpointInteractionResponse, EndpointFollowupMessage...) read
// EndpointAPI on every call. Reassigning only EndpointAPI would send
// interaction callbacks to the fake and channel messages to discord.com;
// reassigning all of them is global to the process and races with
// parallel tests. Point instead gives session an HTTP client whose
// transport rewrites the scheme and host of every request to the fake's,
// keeping the path (/api/v9/...), so nothing leaves the machine and each
// session has its own fake. The gateway needs nothing more: Session.Open
// asks GET /gateway for the websocket URL, and the fake answers with its
// own.
//
// Call it after discordgo.New and before the first call or Open.
func (s *Server) Point(session *discordgo.Session) {
	base, _ := url.Parse(s.srv.URL) // httptest's URL always parses
	session.Client = &http.Client{
		Timeout:   20 * time.Second,
		Transport: redirect{to: base, next: http.DefaultTransport},
	}
}

// redirect is a RoundTripper that sends every request to one host.
type redirect struct {
	to   *url.URL
	next http.RoundTripper
}

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.URL.Scheme = r.to.Scheme
	out.URL.Host = r.to.Host
	out.Host = r.to.Host
	return r.next.RoundTrip(out)
}
