package wire

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestNoRedirectsKeepsTheBodyHome(t *testing.T) {
	var stolen bool
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { stolen = true }))
	defer evil.Close()
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, evil.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer home.Close()
	orig := &http.Client{}
	c := NoRedirects(orig)
	resp, err := c.Post(home.URL, "application/x-www-form-urlencoded", strings.NewReader("pw=secret"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || stolen {
		t.Fatalf("status %d, redirect followed: %v", resp.StatusCode, stolen)
	}
	if orig.CheckRedirect != nil {
		t.Fatal("the caller's client was modified")
	}
}

func TestCheckBaseURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://api.glesys.com":             true,
		"http://127.0.0.1:8080/api/v1":       true,
		"http://[::1]:9000":                  true,
		"http://localhost:1":                 true,
		"http://api.glesys.com":              false,
		"https://u:p@api.example":            false,
		"https://api.example/?key=SECRETKEY": false,
		"ftp://x":                            false,
		"api.example.com":                    false,
		"":                                   false,
	} {
		err := CheckBaseURL("base_url", raw)
		if (err == nil) != ok {
			t.Errorf("%q: %v", raw, err)
		}
		if err != nil && strings.Contains(err.Error(), "SECRETKEY") {
			t.Errorf("error quotes the URL: %v", err)
		}
	}
}
