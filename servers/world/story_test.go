package world

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"

	"mailsim/sim"
)

// The seed's Figure B over the simulated network: the hops in order, the
// Received chain of the message Bob downloads, and download-and-delete.
func TestFigureBStory(t *testing.T) {
	rt := build(t, "figure-b.yaml")
	var hops []string
	rt.World.Subscribe(func(e *sim.Event) {
		if e.Kind == sim.KindHop && e.Hop == 1 && len(e.Payload) > 0 {
			hops = append(hops, e.SrcHost+" > "+e.DstHost+" "+e.Summary)
		}
	})
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"lisa-pc > smtp.otherisp.com MAIL FROM:<lisa@otherisp.com>",
		"lisa-pc > smtp.otherisp.com RCPT TO:<bob@comentum.com>",
		"smtp.otherisp.com > ns.otherisp.com MX? comentum.com",
		"ns.otherisp.com > root-dns MX? comentum.com",
		"root-dns > ns.otherisp.com referral comentum.com",
		"ns.otherisp.com > ns.comentum.com MX? comentum.com",
		"ns.comentum.com > ns.otherisp.com MX comentum.com → 10 smtp.comentum.com",
		"smtp.otherisp.com > smtp.comentum.com EHLO smtp.otherisp.com",
		"smtp.otherisp.com > smtp.comentum.com RCPT TO:<bob@comentum.com>",
		"smtp.comentum.com > pop3.comentum.com LHLO smtp.comentum.com",
		"smtp.comentum.com > pop3.comentum.com RCPT TO:<bob@comentum.com>",
		"bob-pc > pop3.comentum.com USER bob",
		"bob-pc > pop3.comentum.com RETR 1",
		"bob-pc > pop3.comentum.com DELE 1",
		"bob-pc > pop3.comentum.com QUIT",
	}
	i := 0
	for _, h := range hops {
		if i < len(want) && strings.HasPrefix(h, want[i]) {
			i++
		}
	}
	if i < len(want) {
		t.Fatalf("hop %q never came (in order); hops:\n%s", want[i], strings.Join(hops, "\n"))
	}

	in := rt.Program("bob-pc").Inbox()
	if len(in) != 1 {
		t.Fatalf("bob downloaded %d messages, want 1", len(in))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(in[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	var by []string
	for _, f := range msg.Header["Received"] {
		m := byRE.FindStringSubmatch(f)
		if m == nil {
			t.Fatalf("Received field without by: %q", f)
		}
		by = append(by, m[1])
	}
	if got := strings.Join(by, " < "); got != "pop3.comentum.com < smtp.comentum.com < smtp.otherisp.com" {
		t.Errorf("Received chain (newest first) = %s", got)
	}
	if first := msg.Header["Received"][2]; !strings.Contains(first, "from lisa-pc ([198.51.100.100])") {
		t.Errorf("first hop's Received does not name Lisa's PC: %q", first)
	}
	if n := len(rt.Store("comentum").Messages("bob")); n != 0 {
		t.Errorf("after Bob's Send/Recv the server still holds %d message(s)", n)
	}
}

// Client mail downloads and deletes; Web Mail style leave-on-server keeps
// the message on the server, and a second Send/Recv fetches nothing new.
func TestLeaveOnServer(t *testing.T) {
	rt := build(t, "leave-on-server.yaml")
	if err := rt.RunUntil(time.Minute); err != nil {
		t.Fatal(err)
	}
	st := rt.Store("comentum")
	if n := len(st.Messages("bob")); n != 0 {
		t.Errorf("bob (download and delete): %d left on the server", n)
	}
	if n := len(st.Messages("carol")); n != 1 {
		t.Errorf("carol (leave on server): %d on the server, want 1", n)
	}
	if err := rt.Run(); err != nil {
		t.Fatal(err)
	}
	if n := len(rt.Program("carol-pc").Inbox()); n != 1 {
		t.Errorf("carol's second Send/Recv: %d downloaded in all, want 1 (UIDL says it is not new)", n)
	}
}
