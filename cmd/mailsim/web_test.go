package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// site writes a fake built site: the three files, and .br/.gz siblings
// of the wasm whose contents say which one was served.
func site(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":      "<!doctype html>page",
		"wasm_exec.js":    "// go",
		"mailsim.wasm":    "\x00asm raw",
		"mailsim.wasm.br": "brotli bytes",
		"mailsim.wasm.gz": "gzip bytes",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestWebServesPrecompressed(t *testing.T) {
	srv := httptest.NewServer(webHandler(site(t)))
	defer srv.Close()
	for _, tc := range []struct {
		path, accept          string
		code                  int
		body, ctype, encoding string
		vary                  bool
	}{
		{"/mailsim.wasm", "gzip, deflate, br, zstd", 200, "brotli bytes", "application/wasm", "br", true},
		{"/mailsim.wasm", "gzip", 200, "gzip bytes", "application/wasm", "gzip", true},
		{"/mailsim.wasm", "br;q=0, gzip;q=0.5", 200, "gzip bytes", "application/wasm", "gzip", true},
		{"/mailsim.wasm", "*", 200, "brotli bytes", "application/wasm", "br", true},
		{"/mailsim.wasm", "identity", 200, "\x00asm raw", "application/wasm", "", true},
		{"/mailsim.wasm", "", 200, "\x00asm raw", "application/wasm", "", true},
		{"/", "br", 200, "<!doctype html>page", "text/html; charset=utf-8", "", false},
		{"/wasm_exec.js", "gzip", 200, "// go", "text/javascript; charset=utf-8", "", false},
		{"/missing.wasm", "br", 404, "", "", "", false},
		{"/sub", "", 404, "", "", "", false},
		{"/../web_test.go", "", 404, "", "", "", false}, // never outside DIR
	} {
		req, _ := http.NewRequest("GET", srv.URL+tc.path, nil)
		// An empty header would make Go's transport ask for gzip itself.
		req.Header.Set("Accept-Encoding", tc.accept)
		if tc.accept == "" {
			req.Header.Set("Accept-Encoding", "identity;q=1")
		}
		resp, err := srv.Client().Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		name := tc.path + " (" + tc.accept + ")"
		if resp.StatusCode != tc.code {
			t.Errorf("%s: status %d, want %d", name, resp.StatusCode, tc.code)
			continue
		}
		if tc.code != 200 {
			continue
		}
		if string(body) != tc.body {
			t.Errorf("%s: body %q, want %q", name, body, tc.body)
		}
		if got := resp.Header.Get("Content-Type"); got != tc.ctype {
			t.Errorf("%s: Content-Type %q, want %q", name, got, tc.ctype)
		}
		if got := resp.Header.Get("Content-Encoding"); got != tc.encoding {
			t.Errorf("%s: Content-Encoding %q, want %q", name, got, tc.encoding)
		}
		if got, want := resp.Header.Get("Content-Length"), strconv.Itoa(len(tc.body)); got != want {
			t.Errorf("%s: Content-Length %q, want %s", name, got, want)
		}
		if got := resp.Header.Get("Vary") == "Accept-Encoding"; got != tc.vary {
			t.Errorf("%s: Vary %q, want Accept-Encoding: %v", name, resp.Header.Get("Vary"), tc.vary)
		}
	}
}

func TestWebRejectsWrites(t *testing.T) {
	srv := httptest.NewServer(webHandler(site(t)))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/index.html", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST: status %d, want 405", resp.StatusCode)
	}
}

func TestWebCommandErrors(t *testing.T) {
	empty := t.TempDir()
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"web", "--help"}, exitOK, "usage: mailsim web [--addr ADDR] [DIR]", ""},
		{[]string{"help", "web"}, exitOK, "application/wasm", ""},
		{[]string{"web", filepath.Join(empty, "nope")}, exitUsage, "", "no such folder: run make web first"},
		{[]string{"web", empty}, exitUsage, "", "index.html is missing: run make web first"},
		{[]string{"web", "a", "b"}, exitUsage, "", "one folder at a time"},
		{[]string{"web", "--addr", "256.0.0.1:80", site(t)}, exitUsage, "", "mailsim web: listen tcp"},
		{[]string{"--help"}, exitOK, "web [DIR]", ""},
	} {
		var out, errb bytes.Buffer
		c := &cli{stdout: &out, stderr: &errb}
		code := c.main(tc.args)
		if code != tc.code || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errb.String(), tc.stderr) {
			t.Errorf("mailsim %v: status %d, stdout %q, stderr %q; want %d, %q, %q",
				tc.args, code, out.String(), errb.String(), tc.code, tc.stdout, tc.stderr)
		}
	}
}
