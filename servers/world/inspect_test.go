package world

import (
	"strings"
	"testing"
	"time"
)

func TestInspectQueueAndDNS(t *testing.T) {
	rt := build(t, "server-down.yaml")
	// Comentum's SMTP service is down from 0s to 3m; Lisa sends at 5s.
	if err := rt.RunUntil(2 * time.Minute); err != nil {
		t.Fatal(err)
	}
	q := rt.SMTPQueue("smtp.otherisp.com")
	if len(q) != 1 || q[0].Rcpts[0] != "bob@comentum.com" || q[0].Attempts < 1 || !strings.Contains(q[0].LastError, "refused") {
		t.Fatalf("queue while comentum is down: %+v", q)
	}
	var cached bool
	for _, c := range rt.DNSCache("ns.otherisp.com") {
		cached = cached || (c.Type == "MX" && strings.HasPrefix(c.Name, "comentum.com"))
	}
	if !cached {
		t.Errorf("otherisp's resolver did not cache (at 2m) comentum.com MX: %+v", rt.DNSCache("ns.otherisp.com"))
	}
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	if q := rt.SMTPQueue("smtp.otherisp.com"); len(q) != 0 {
		t.Errorf("queue after comentum came back: %+v", q)
	}
	var mx bool
	for _, r := range rt.DNSRecords("ns.comentum.com") {
		mx = mx || (r.Type == "MX" && strings.HasPrefix(r.Name, "comentum.com"))
	}
	if !mx {
		t.Errorf("ns.comentum.com records lack comentum.com MX: %v", rt.DNSRecords("ns.comentum.com"))
	}
}
