package edis

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/vpsops/vpsops/internal/fault"
	"github.com/vpsops/vpsops/internal/providers/driver"
)

// vncResponse is the answer of set/vnc/enable and get/vnc/status. The
// ports are integers in one example and strings in another.
type vncResponse struct {
	envelope
	VNCStatus string   `json:"vnc_status"`
	VNCHost   string   `json:"vnc_host"`
	VNCPort   flexPort `json:"vnc_port"`
	NoVNCPort flexPort `json:"novnc_port"`
}

// flexPort decodes a port given as a number or a numeric string.
type flexPort int

func (p *flexPort) UnmarshalJSON(b []byte) error {
	s := strings.Trim(strings.TrimSpace(string(b)), `"`)
	if s == "" || s == "null" {
		*p = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 65535 {
		return &json.UnsupportedValueError{Str: "port"}
	}
	*p = flexPort(n)
	return nil
}

// vncPasswordAlphabet: EDIS wants exactly 8 characters from [A-Za-z0-9].
const vncPasswordAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// Console implements driver.Consoler: it enables VNC with a fresh random
// 8-character password (EDIS cannot tell an existing one) and returns the
// host and port from the answer, or from get/vnc/status when the answer
// lacks them. The password is a secret for the requester only; enabling
// again replaces it.
func (d *Driver) Console(ctx context.Context, id string) (*driver.Console, error) {
	pw := vncPassword()
	var r vncResponse
	if err := d.call(ctx, id, epVNCEnable, url.Values{"vnc_pw": {pw}}, &r); err != nil {
		return nil, err
	}
	if r.VNCHost == "" || r.VNCPort == 0 {
		r = vncResponse{}
		if err := d.call(ctx, id, epVNCStatus, nil, &r); err != nil {
			return nil, err
		}
	}
	if r.VNCHost == "" || r.VNCPort == 0 || !validHost(r.VNCHost) {
		return nil, fault.Errorf(fault.Unavailable, "EDIS enabled VNC for %s but gave no usable host and port", id)
	}
	return &driver.Console{Kind: "vnc", Host: r.VNCHost, Port: int(r.VNCPort), Password: pw}, nil
}

// vncPassword returns 8 random characters of vncPasswordAlphabet.
func vncPassword() string {
	var b [8]byte
	out := make([]byte, len(b))
	for i := range out {
		// Rejection sampling keeps the distribution uniform.
		for {
			if _, err := rand.Read(b[:1]); err != nil {
				panic("crypto/rand failed: " + err.Error()) // rand.Read never fails on supported platforms
			}
			if int(b[0]) < 256-256%len(vncPasswordAlphabet) {
				out[i] = vncPasswordAlphabet[int(b[0])%len(vncPasswordAlphabet)]
				break
			}
		}
	}
	return string(out)
}
