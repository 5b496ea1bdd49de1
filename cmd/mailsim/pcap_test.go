package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mailsim/internal/testtool"
)

// TestRunPcapTshark: "mailsim run --pcap" on the default scenario gives a
// capture in which tshark finds the story: SMTP MAIL FROM, POP3 RETR and
// a DNS MX query, with every checksum verified.
func TestRunPcapTshark(t *testing.T) {
	testtool.Require(t, "tshark")
	dir := t.TempDir()
	file := filepath.Join(dir, "figure-b.pcap")
	if r := mailsim(t, dir, "run", "--quiet", "--pcap", file); r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	tests := []struct{ filter, want string }{
		{`smtp.req.command == "MAIL"`, "MAIL FROM:<lisa@otherisp.com>"},
		{`pop.request.command == "RETR"`, "RETR 1"},
		{`dns.qry.type == 15`, "MX comentum.com"},
		{`ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad"`, ""},
	}
	for _, tt := range tests {
		out, err := exec.Command("tshark", "-r", file, "-n",
			"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
			"-Y", tt.filter).Output()
		if err != nil {
			t.Fatalf("tshark -Y %q: %v", tt.filter, err)
		}
		got := strings.TrimSpace(string(out))
		if tt.want == "" {
			if got != "" {
				t.Errorf("frames with bad checksums:\n%s", got)
			}
			continue
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("tshark -Y %q: want a frame showing %q, got:\n%s", tt.filter, tt.want, got)
		}
	}
}
