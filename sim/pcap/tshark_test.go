package pcap_test

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mailsim/internal/testtool"
	"mailsim/scenarios"
	"mailsim/servers/world"
	"mailsim/sim/pcap"
	"mailsim/sim/scenario"
)

// capture runs a library scenario and returns its pcap file.
func capture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := fs.ReadFile(scenarios.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	rt, err := world.Build(sc, world.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := pcap.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Attach(rt.World)
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// tshark prints the frames of file matching filter, one line each, with
// checksum validation switched on.
func tshark(t *testing.T, file, filter string, fields ...string) []string {
	t.Helper()
	args := []string{"-r", file, "-n",
		"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
		"-Y", filter}
	if len(fields) > 0 {
		args = append(args, "-T", "fields")
		for _, f := range fields {
			args = append(args, "-e", f)
		}
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("tshark -Y %q: %v\n%s", filter, err, stderr)
	}
	s := strings.TrimSpace(string(out))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func TestTshark(t *testing.T) {
	testtool.Require(t, "tshark")
	file := filepath.Join(t.TempDir(), "figure-b.pcap")
	if err := os.WriteFile(file, capture(t, scenarios.Default), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, filter, field, want string
	}{
		{"SMTP MAIL FROM", `smtp.req.command == "MAIL"`, "smtp.req.parameter", "FROM:<lisa@otherisp.com>"},
		{"SMTP RCPT TO", `smtp.req.command == "RCPT"`, "smtp.req.parameter", "TO:<bob@comentum.com>"},
		{"POP3 RETR", `pop.request.command == "RETR"`, "pop.request.parameter", "1"},
		{"POP3 DELE", `pop.request.command == "DELE"`, "pop.request.parameter", "1"},
		{"DNS MX query", `dns.qry.type == 15 && dns.flags.response == 0`, "dns.qry.name", "comentum.com"},
		{"DNS MX answer", `dns.qry.type == 15 && dns.flags.response == 1 && dns.count.answers > 0`, "dns.resp.name", "comentum.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tshark(t, file, tt.filter, tt.field)
			if len(got) == 0 {
				t.Fatalf("no frame matches %s", tt.filter)
			}
			for _, g := range got {
				if strings.Contains(g, tt.want) {
					return
				}
			}
			t.Errorf("%s: %s = %q, want one containing %q", tt.filter, tt.field, got, tt.want)
		})
	}
	// A clean capture: every checksum right, and no TCP analysis warnings
	// (retransmissions, duplicate ACKs, lost segments, out of order) — a
	// segment written once per hop would show up as a retransmission.
	for _, filter := range []string{
		`ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad"`,
		`tcp.analysis.flags && !tcp.analysis.window_update`,
		`_ws.expert.severity >= "warning"`,
		`_ws.malformed`,
	} {
		if bad := tshark(t, file, filter); len(bad) > 0 {
			t.Errorf("%d frames match %s:\n%s", len(bad), filter, strings.Join(bad, "\n"))
		}
	}
	if all := tshark(t, file, "frame"); len(all) < 50 {
		t.Errorf("only %d frames", len(all))
	}
}
