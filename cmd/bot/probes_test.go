package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// With http.listen and no chat platform the bot serves the probes beside
// its shell: /healthz, /readyz and /metrics, which counts the shell's
// commands.
func TestHTTPListenWithoutChatServesTheProbes(t *testing.T) {
	cfg := writeConfig(t, t.TempDir(), "http: {listen: \"127.0.0.1:0\"}\n")
	stdin, typed := io.Pipe()
	var stdout, stderr syncBuffer
	exit := make(chan int, 1)
	go func() {
		exit <- runContext(context.Background(), []string{"--config", cfg, "--as", "shell:alice"}, stdin, &stdout, &stderr)
	}()
	defer func() {
		typed.Close() // end of input: the shell, then the bot, stop
		if code := <-exit; code != 0 {
			t.Errorf("exit %d\n%s", code, stderr.String())
		}
	}()

	addr := regexp.MustCompile(`"serving HTTP" listen=(\S+)`)
	deadline := time.Now().Add(20 * time.Second) // bounds a hang; measures nothing
	var url string
	for url == "" {
		if m := addr.FindStringSubmatch(stderr.String()); m != nil {
			url = "http://" + m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("the bot never served HTTP:\n%s", stderr.String())
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if _, err := io.WriteString(typed, "status demo-fra/fra-101\n"); err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for !strings.Contains(stdout.String(), "fra-101") {
		if time.Now().After(deadline) {
			t.Fatalf("the shell never answered:\n%s", stdout.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if status, body := get("/metrics"); status != http.StatusOK || !strings.Contains(body, `vpsops_commands_total{command="status",outcome="ok"} 1`) {
		t.Fatalf("/metrics: %d\n%s", status, body)
	}
	if status, body := get("/readyz"); status != http.StatusOK || body != "ready\n" {
		t.Fatalf("/readyz: %d %q", status, body)
	}
	if status, _ := get("/healthz"); status != http.StatusOK {
		t.Fatalf("/healthz: %d", status)
	}
}
