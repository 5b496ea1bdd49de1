package webmail

import (
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/imap"
	"mailsim/servers/store"
)

const lisaMsg = "From: Lisa <lisa@otherisp.com>\r\nTo: bob@comentum.com\r\nSubject: Dinner <b>tonight</b>\r\nDate: Mon, 05 Jan 2026 09:00:00 +0000\r\n\r\nSeven o'clock?\r\n"

// start runs an IMAP server and Web Mail on loopback sockets.
func start(t *testing.T) (*store.Store, string) {
	t.Helper()
	st := store.New()
	st.AddUser("bob", "secret2")
	st.Deliver("bob", []byte(lisaMsg), env.Epoch)
	il, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	is := imap.NewServer(st)
	go is.Serve(il)
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := env.NewLoopback("webmail.comentum.com", 1)
	app := New(Config{Env: e, ISP: "Comentum", IMAP: il.Addr().String(), SMTP: "127.0.0.1:1", Address: map[string]string{"bob": "bob@comentum.com"}})
	go Serve(hl, app, e)
	t.Cleanup(func() { hl.Close(); is.Close() })
	return st, "http://" + hl.Addr().String()
}

func TestReadLeavesMailOnServer(t *testing.T) {
	st, base := start(t)
	b := NewBrowser(env.NewLoopback("library-pc", 2), 10*time.Second)
	p, err := b.Get(base + "/inbox")
	if err != nil || !strings.HasSuffix(p.URL, "/login") {
		t.Fatalf("inbox without login: %+v %v", p, err)
	}
	out, err := b.Run(Visit{Base: base, User: "bob", Password: "secret2", Do: "read", Subject: "Dinner <b>tonight</b>"})
	if err != nil || !out.LoggedIn || out.Inbox != 1 {
		t.Fatalf("visit: %+v %v", out, err)
	}
	m := st.Messages("bob")
	if len(m) != 1 || !m[0].HasFlag(store.FlagSeen) {
		t.Fatalf("after reading: %d messages, flags %v", len(m), m)
	}
}

func TestEscapingCSRFAndWrongPassword(t *testing.T) {
	st, base := start(t)
	b := NewBrowser(env.NewLoopback("pc", 3), 10*time.Second)
	p, _ := b.Get(base + "/login")
	bad, err := b.Post(base+"/login", url.Values{"csrf": {csrf(p)}, "user": {"bob"}, "password": {"nope"}})
	if err != nil || bad.Status != 403 || !strings.Contains(bad.Body, "Wrong user name or password") {
		t.Fatalf("wrong password: %+v %v", bad, err)
	}
	if f, _ := b.Post(base+"/login", url.Values{"user": {"bob"}, "password": {"secret2"}}); f.Status != 403 {
		t.Errorf("login without CSRF token: %d", f.Status)
	}
	p, err = b.Post(base+"/login", url.Values{"csrf": {csrf(bad)}, "user": {"bob"}, "password": {"secret2"}})
	if err != nil || p.Status != 200 {
		t.Fatalf("login: %+v %v", p, err)
	}
	if strings.Contains(p.Body, "<b>tonight") || !strings.Contains(p.Body, "Dinner &lt;b&gt;tonight&lt;/b&gt;") {
		t.Errorf("subject not escaped:\n%s", p.Body)
	}
	uid := reRow.FindStringSubmatch(p.Body)[1]
	if f, _ := b.Post(base+"/delete", url.Values{"csrf": {"0123"}, "uid": {uid}}); f.Status != 403 || len(st.Messages("bob")) != 1 {
		t.Errorf("delete with a forged token: %d, %d messages", f.Status, len(st.Messages("bob")))
	}
	if d, err := b.Post(base+"/delete", url.Values{"csrf": {csrf(p)}, "uid": {uid}}); err != nil || d.Status != 200 || len(st.Messages("bob")) != 0 {
		t.Errorf("delete: %+v %v, %d messages", d, err, len(st.Messages("bob")))
	}
}
