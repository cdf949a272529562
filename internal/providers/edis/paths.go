package edis

import "strings"

// endpoint is the path of one management call. Calls on the api_host and
// on the api_rdns host share the session fields; onRDNS tells them apart.
// Paths whose existence the reference does not confirm are declared in
// unverified.go, not here.
type endpoint string

// Documented paths (reference: docs/providers/edis.md).
const (
	pathAuth   = "/kvm/v2/get/auth"       // session host
	pathCancel = "/kvm/v2/cancel/product" // order host; raw credentials, no session

	epPower            endpoint = "/kvm/v2/get/power"
	epPowerOn          endpoint = "/kvm/v2/set/poweron"
	epImages           endpoint = "/kvm/v2/get/images"
	epTurnkeyImages    endpoint = "/kvm/v2/get/turnkey_images"
	epReinstall        endpoint = "/kvm/v2/set/reinstall"
	epTurnkeyReinstall endpoint = "/kvm/v2/set/turnkey_reinstall"
	epISOs             endpoint = "/kvm/v2/get/isos"
	epMount            endpoint = "/kvm/v2/set/mount"
	epUmount           endpoint = "/kvm/v2/set/umount"
	epCurrentMount     endpoint = "/kvm/v2/get/mount"
	epVNCEnable        endpoint = "/kvm/v2/set/vnc/enable"
	epVNCStatus        endpoint = "/kvm/v2/get/vnc/status"
	epTraffic          endpoint = "/kvm/v2/get/traffic"
	epCPU              endpoint = "/kvm/v2/get/cpu_usage"

	// PTR calls go to the api_rdns host and also carry api_host.
	epPTRGet endpoint = "/get/ptr"
	epPTRSet endpoint = "/set/ptr"
	epPTRDel endpoint = "/del/ptr"
)

// onRDNS reports whether e is served by the VPS's api_rdns host.
func (e endpoint) onRDNS() bool { return e == epPTRGet || e == epPTRSet || e == epPTRDel }

// mutates reports whether e changes something (set/..., del/...). Such a
// call that answers 2xx with plain text instead of JSON is taken as
// accepted (see post).
func (e endpoint) mutates() bool {
	n := e.name()
	return strings.HasPrefix(n, "set/") || strings.HasPrefix(n, "del/")
}

// name is e for messages: the path without the /kvm/v2/ prefix.
func (e endpoint) name() string {
	const prefix = "/kvm/v2/"
	s := string(e)
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):]
	}
	return s[1:]
}
