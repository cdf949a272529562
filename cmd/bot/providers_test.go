package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vpsops "github.com/vpsops/vpsops"
	"github.com/vpsops/vpsops/internal/providers/cyberpanel/cyberpaneltest"
	"github.com/vpsops/vpsops/internal/providers/edis/edistest"
	"github.com/vpsops/vpsops/internal/providers/glesys/glesystest"
	"github.com/vpsops/vpsops/internal/providers/suble/subletest"
	"github.com/vpsops/vpsops/internal/providers/vpsbg/vpsbgtest"
)

// TestRealProvidersEndToEnd runs the bot's whole start-up path with a config
// naming the GleSYS and Suble emulators (real HTTP on loopback) and drives
// them from the shell adapter, as an operator would.
func TestRealProvidersEndToEnd(t *testing.T) {
	gl := glesystest.New()
	defer gl.Close()
	sb := subletest.New()
	defer sb.Close()
	cp := cyberpaneltest.New()
	defer cp.Close()
	bg := vpsbgtest.New()
	defer bg.Close()
	ed := edistest.New()
	defer ed.Close()

	dir := t.TempDir()
	policy := filepath.Join(dir, "policy.csv")
	os.WriteFile(policy, []byte(vpsops.DefaultPolicy+"\ng, shell:alice, admin\ng, shell:bob, approver\n"), 0o600)
	t.Setenv("GLESYS_KEY", glesystest.APIKey)
	t.Setenv("SUBLE_TOKEN", subletest.Token)
	t.Setenv("CYBERPANEL_API_KEY", cyberpaneltest.APIKey)
	t.Setenv("VPSBG_TOKEN", vpsbgtest.DefaultWriteToken)
	t.Setenv("EDIS_PASSWORD", edistest.Password)
	t.Setenv("SUBLE_PASSWORD", subletest.Password)
	cfg := writeConfig(t, dir, fmt.Sprintf(`policy: {policy: %s}
providers:
  - {name: glesys, type: glesys, project: %s, api_key: "${GLESYS_KEY}", base_url: %q, poll_interval: 10ms}
  - {name: suble, type: suble, project: %s, token: "${SUBLE_TOKEN}", base_url: %q, poll_interval: 10ms}
  - {name: cp, type: cyberpanel, api_key: "${CYBERPANEL_API_KEY}", base_url: %q, poll_interval: 10ms}
  - {name: bg, type: vpsbg, token: "${VPSBG_TOKEN}", base_url: %q, poll_interval: 10ms}
  - {name: edis-fra, type: edis, email: %s, password: "${EDIS_PASSWORD}", session_url: %q, order_url: %q, api_scheme: http, poll_interval: 10ms}
`, policy, glesystest.Project, gl.URL, subletest.Project, sb.URL, cp.BaseURL, bg.URL, edistest.Email, ed.URL, ed.URL)+
		fmt.Sprintf("  - {name: suble-jwt, type: suble, project: %s, email: %s, password: \"${SUBLE_PASSWORD}\", base_url: %q, poll_interval: 10ms}\n",
			subletest.Project, subletest.Email, sb.URL))

	script := fmt.Sprintf(`providers
list
status glesys/%[1]s
stop glesys/%[1]s
start glesys/%[1]s
images glesys/%[1]s
reinstall glesys/%[1]s debian-12
isos glesys/%[1]s
ptr glesys/%[1]s
console glesys/%[1]s
status suble/%[2]s
reboot suble/%[2]s
reinstall suble/%[3]s debian-12 password=hunter2hunter2
console suble/%[2]s
status glesys/kvm0000000
status suble-jwt/%[2]s
status cp/%[4]d
stop cp/%[4]d
snapshot create cp/%[4]d nightly
snapshots cp/%[4]d
poweroff cp/%[4]d
status bg/%[5]s
reboot bg/%[5]s
ptr set bg/%[5]s %[6]s mail.example.com
ptr bg/%[5]s
snapshots bg/%[5]s
console bg/%[5]s
delete bg/%[5]s
confirm
status edis-fra/%[7]s
stop edis-fra/%[7]s
reboot edis-fra/%[7]s
reset edis-fra/%[7]s
confirm
images edis-fra/%[7]s
reinstall edis-fra/%[7]s %[8]s
confirm
isos edis-fra/%[7]s
iso mount edis-fra/%[7]s %[9]s
iso unmount edis-fra/%[7]s
ptr set edis-fra/%[7]s %[10]s host.example.com
ptr edis-fra/%[7]s
console edis-fra/%[7]s
snapshots edis-fra/%[7]s
delete edis-fra/%[11]s
confirm
`, glesystest.RunningID, subletest.RunningID, subletest.StoppedID, cyberpaneltest.RunningID, vpsbgtest.RunningID, vpsbgtest.RunningIP,
		edistest.RunningID, edistest.Image, edistest.ISO, edistest.RunningIP, edistest.StoppedID)
	var out, errOut bytes.Buffer
	code := run([]string{"--config", cfg, "--as", "shell:alice", "--log-format", "json"}, strings.NewReader(script), &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	o := out.String()
	for _, want := range []string{
		"GleSYS", "Suble.io", glesystest.RunningID, subletest.RunningID,
		"stop done — now stopped", "start done — now running",
		"GleSYS has no reinstall API; use destroy and create, or the control panel",
		"Only you can see the following", // console credentials
		"reboot done",
		"cannot set a root password on reinstall",
		"error: glesys: get server kvm0000000",
		"CyberPanel Cloud", "cp/45: stop done — now stopped", "Snapshot nightly of cp/45 created", "nightly",
		"CyberPanel Cloud cannot poweroff a server",
		"VPSBG", "bg/2864: reboot done", "PTR of 87.121.52.159 set to mail.example.com", "mail.example.com",
		"VPSBG has no console API; use the control panel",
		"bg/2864: deletion accepted; the server still exists", "billing cancellation",
		"EDIS Global", "EDIS Global cannot stop a server; it supports start, poweroff, reset; EDIS has no graceful shutdown API",
		"EDIS Global cannot reboot a server", "reset done", "reinstalled with " + edistest.Image, "root password:",
		edistest.ISO + " mounted", "PTR of " + edistest.RunningIP + " set to host.example.com",
		"EDIS Global has no snapshot API", "edis-fra/" + edistest.StoppedID + " deleted",
	} {
		if !strings.Contains(o, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if !strings.Contains(o, "suble-jwt/"+subletest.RunningID+" (Web Server 01): running") {
		t.Error("the email+password Suble login did not work")
	}
	for _, secret := range []string{subletest.Password, glesystest.APIKey, subletest.Token, cyberpaneltest.APIKey, vpsbgtest.DefaultWriteToken, edistest.Password, "hunter2hunter2"} {
		if strings.Contains(o, secret) || strings.Contains(errOut.String(), secret) {
			t.Errorf("a secret reached the output or the logs")
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("stdout:\n%s", o)
	}
}
