package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunPcapWebMailTshark: in a capture of web-mail, tshark decodes the
// browser's GET /inbox and Web Mail's IMAP FETCH.
func TestRunPcapWebMailTshark(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed (apt-get install tshark)")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "web-mail.pcap")
	if r := mailsim(t, dir, "run", "--quiet", "--pcap", file, "web-mail"); r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, tt := range []struct{ filter, want string }{
		{`http.request.uri == "/inbox"`, "GET /inbox HTTP/1.1"},
		{`http.response.code == 403`, "HTTP/1.1 403 Forbidden"},
		{`imap.request contains "FETCH"`, "UID FETCH 1 (UID BODY[])"},
	} {
		out, err := exec.Command("tshark", "-r", file, "-n", "-Y", tt.filter).Output()
		if err != nil {
			t.Fatalf("tshark -Y %q: %v", tt.filter, err)
		}
		if got := string(out); !strings.Contains(got, tt.want) {
			t.Errorf("tshark -Y %q: want a frame showing %q, got:\n%s", tt.filter, tt.want, got)
		}
	}
}
