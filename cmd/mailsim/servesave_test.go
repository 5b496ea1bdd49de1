package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mailsim/servers/world"
)

// M4: what remains at a stop is said, and --save writes every mailbox as
// a Maildir and every queue entry, so mail survives the stop.
func TestSaveMail(t *testing.T) {
	sc, _, err := loadArg("server-down")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := world.Build(sc, world.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// At 1m Lisa's message waits in otherisp's queue (Comentum is down).
	if err := rt.RunUntil(time.Minute); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	printRemains(&out, rt)
	if !strings.Contains(out.String(), "1 accepted: 0 in mailboxes, 0 downloaded, 0 bounced, 0 to postmaster, 1 queued, 0 lost") {
		t.Errorf("remains: %s", out.String())
	}
	dir := t.TempDir()
	boxes, queued, err := saveMail(dir, rt)
	if err != nil || boxes != 0 || queued != 1 {
		t.Fatalf("saved %d, %d: %v", boxes, queued, err)
	}
	q, _ := filepath.Glob(filepath.Join(dir, "queue", "smtp.otherisp.com", "*.eml"))
	if len(q) != 1 {
		t.Fatalf("queue files: %v", q)
	}
	data, _ := os.ReadFile(q[0])
	if !strings.HasPrefix(string(data), "X-Mailsim-From: <lisa@otherisp.com>\r\nX-Mailsim-To: bob@comentum.com") {
		t.Errorf("queue file:\n%s", data)
	}
	// Run on: the message is delivered; stored mail lands in new/.
	if err := rt.RunUntil(20 * time.Minute); err != nil { // a retry delivers it; Bob checks at 25m
		t.Fatal(err)
	}
	dir = t.TempDir()
	if boxes, _, err = saveMail(dir, rt); err != nil || boxes != 1 {
		t.Fatalf("saved %d: %v", boxes, err)
	}
	m, _ := filepath.Glob(filepath.Join(dir, "comentum", "bob", "new", "*"))
	if len(m) != 1 {
		t.Fatalf("bob's Maildir new/: %v", m)
	}
	for _, sub := range []string{"tmp", "cur"} {
		if fi, err := os.Stat(filepath.Join(dir, "comentum", "bob", sub)); err != nil || !fi.IsDir() {
			t.Errorf("no %s/: %v", sub, err)
		}
	}
}
