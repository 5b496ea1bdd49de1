package imap

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

const msg1 = "From: Lisa <lisa@otherisp.com>\r\nTo: bob@comentum.com\r\nSubject: Dinner\r\n\r\nSeven o'clock?\r\n"
const msg2 = "From: Ann <ann@comentum.com>\r\nTo: bob@comentum.com\r\nSubject: Books\r\n\r\nDue Monday.\r\n"

// serve starts a server over a fresh store with bob's two messages.
func serve(t *testing.T) (*store.Store, string) {
	t.Helper()
	st := store.New()
	st.AddUser("bob", "secret")
	st.Deliver("bob", []byte(msg1), env.Epoch)
	st.Deliver("bob", []byte(msg2), env.Epoch)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(st)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return st, l.Addr().String()
}

// TestThirdPartyClient drives the server with go-imap's own client over
// real sockets: fetching marks \Seen in the store, and STORE \Deleted
// plus EXPUNGE removes the message for POP3 as well.
func TestThirdPartyClient(t *testing.T) {
	st, addr := serve(t)
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if caps := c.Caps(); caps.Has(imap.CapIdle) {
		t.Errorf("IDLE advertised: %v", caps)
	}
	if err := c.Login("bob", "wrong").Wait(); err == nil {
		t.Fatal("wrong password accepted")
	}
	if err := c.Login("bob", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil || sel.NumMessages != 2 || sel.UIDValidity != UIDValidity {
		t.Fatalf("select: %+v, %v", sel, err)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{
		UID: true, Envelope: true, BodySection: []*imap.FetchItemBodySection{{}},
	}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch: %v %v", msgs, err)
	}
	if got := msgs[0].Envelope.Subject; got != "Dinner" {
		t.Errorf("subject %q", got)
	}
	if body := msgs[0].FindBodySection(&imap.FetchItemBodySection{}); string(body) != msg1 {
		t.Errorf("body %q", body)
	}
	if m := st.Messages("bob"); !m[0].HasFlag(store.FlagSeen) || m[1].HasFlag(store.FlagSeen) {
		t.Errorf("flags after fetch: %v / %v", m[0].Flags, m[1].Flags)
	}
	if err := c.Store(imap.SeqSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	gone, err := c.Expunge().Collect()
	if err != nil || len(gone) != 1 || gone[0] != 2 {
		t.Fatalf("expunge: %v %v", gone, err)
	}
	if m := st.Messages("bob"); len(m) != 1 || !strings.Contains(string(m[0].Data), "Dinner") {
		t.Errorf("store after expunge: %d messages", len(m))
	}
	if err := c.Logout().Wait(); err != nil {
		t.Error(err)
	}
}

// TestOwnClient is the client the simulated programs use, against the
// same server, including a message removed by someone else (POP3) while
// the folder is selected.
func TestOwnClient(t *testing.T) {
	st, addr := serve(t)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(nc, env.NewLoopback("pc", 1), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login("bob", "nope"); err == nil || !strings.Contains(err.Error(), "NO") {
		t.Fatalf("wrong password: %v", err)
	}
	if err := c.Login("bob", "secret"); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Select("INBOX"); n != 2 || err != nil {
		t.Fatalf("select: %d %v", n, err)
	}
	list, err := c.Fetch("1:*", "UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]")
	if err != nil || len(list) != 2 {
		t.Fatalf("fetch: %+v %v", list, err)
	}
	if !strings.Contains(string(list[1].Header), "Subject: Books") || list[0].Seen() || list[0].Size != len(msg1) {
		t.Errorf("summary: %+v", list[0])
	}
	// POP3 takes the first message away.
	md, _ := st.Open("bob")
	md.Expunge([]string{md.Messages()[0].UID})
	md.Close()
	us, _, err := c.Cmd("NOOP")
	if err != nil || len(us) == 0 || us[0].Word != "EXPUNGE" || us[0].Num != 1 {
		t.Errorf("NOOP after POP3 removed one: %+v %v", us, err)
	}
	body, err := c.Fetch(fmt.Sprint(list[1].UID), "BODY[]")
	if err != nil || len(body) != 1 || string(body[0].Body) != msg2 {
		t.Fatalf("body: %+v %v", body, err)
	}
	if !st.Messages("bob")[0].HasFlag(store.FlagSeen) {
		t.Error("BODY[] did not set \\Seen")
	}
	if err := c.AddFlags(list[1].UID, `\Deleted`); err != nil {
		t.Fatal(err)
	}
	if err := c.Expunge(); err != nil {
		t.Fatal(err)
	}
	if n := len(st.Messages("bob")); n != 0 {
		t.Errorf("%d messages left", n)
	}
	if err := c.Logout(); err != nil {
		t.Error(err)
	}
}

// TestNoIdle: IDLE is listed neither before nor after login.
func TestNoIdle(t *testing.T) {
	_, addr := serve(t)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(nc, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("bob", "secret"); err != nil {
		t.Fatal(err)
	}
	us, text, err := c.Cmd("CAPABILITY")
	if err != nil || len(us) != 1 || strings.Contains(us[0].Text, "IDLE") || !strings.Contains(us[0].Text, "IMAP4rev1") {
		t.Errorf("CAPABILITY: %+v %q %v", us, text, err)
	}
	if strings.Contains(c.Greeting, "IDLE") {
		t.Errorf("greeting %q", c.Greeting)
	}
}

// SEARCH with go-imap's client: header, body and text criteria, NOT and
// OR, and flags, each picking the message it names.
func TestSearch(t *testing.T) {
	_, addr := serve(t)
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("bob", "secret").Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{}}}).Collect(); err != nil {
		t.Fatal(err) // message 1 is \Seen from here on
	}
	for _, tc := range []struct {
		name string
		c    imap.SearchCriteria
		want []uint32
	}{
		{"subject", imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Subject", Value: "dinner"}}}, []uint32{1}},
		{"from", imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "From", Value: "ann@"}}}, []uint32{2}},
		{"body", imap.SearchCriteria{Body: []string{"monday"}}, []uint32{2}},
		{"body, not the header", imap.SearchCriteria{Body: []string{"Subject"}}, nil},
		{"text", imap.SearchCriteria{Text: []string{"lisa"}}, []uint32{1}},
		{"not", imap.SearchCriteria{Not: []imap.SearchCriteria{{Body: []string{"seven"}}}}, []uint32{2}},
		{"or", imap.SearchCriteria{Or: [][2]imap.SearchCriteria{{{Body: []string{"seven"}}, {Body: []string{"monday"}}}}}, []uint32{1, 2}},
		{"unseen", imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagSeen}}, []uint32{2}},
	} {
		data, err := c.Search(&tc.c, nil).Wait()
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := data.AllSeqNums(); fmt.Sprint(got) != fmt.Sprint(tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
			t.Errorf("%s: messages %v, want %v", tc.name, got, tc.want)
		}
	}
}
