package smtp

import (
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// gatedEnv is a Loopback whose Sleep waits for the test: the test sees
// each delay the queue asks for and decides when virtual time moves on.
type gatedEnv struct {
	*env.Loopback
	slept chan time.Duration
	wake  chan struct{}
	quit  chan struct{} // closed when the test ends: sleepers go on
}

func newGatedEnv(name string, seed int64, log *syncBuffer) *gatedEnv {
	e := env.NewLoopback(name, seed)
	e.Log = log
	return &gatedEnv{Loopback: e, slept: make(chan time.Duration), wake: make(chan struct{}), quit: make(chan struct{})}
}

func (g *gatedEnv) Sleep(d time.Duration) {
	select {
	case g.slept <- d:
	case <-g.quit:
		return
	}
	select {
	case <-g.wake:
	case <-g.quit:
		return
	}
	g.Loopback.Sleep(d)
}

// GoAfter sleeps through the gate, as the queue's retries do.
func (g *gatedEnv) GoAfter(d time.Duration, name string, fn func()) {
	go func() {
		if d > 0 {
			g.Sleep(d)
		}
		fn()
	}()
}

// nextSleep waits for the queue to ask for a delay.
func (g *gatedEnv) nextSleep(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-g.slept:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("the queue never went to sleep")
		return 0
	}
}

// isps is the story's two ISPs on loopback: both servers listen on
// 127.0.0.1, on their own ports, and each knows the other's port as its
// RemotePort.
type isps struct {
	other, com           *Server
	otherStore, comStore *store.Store
	otherLog, comLog     *syncBuffer
	otherEnv             *gatedEnv
	otherAddr, comAddr   string
	comCfg               Config
	startCom             func()
}

// newISPs builds both servers; the Comentum one is only started when the
// test calls startCom, so a test can play a dead destination first.
func newISPs(t *testing.T, r *memResolver) *isps {
	t.Helper()
	w := &isps{otherLog: &syncBuffer{}, comLog: &syncBuffer{}}
	otherL := listen(t, "127.0.0.1:0")
	comL := listen(t, "127.0.0.1:0")
	w.otherAddr, w.comAddr = otherL.Addr().String(), comL.Addr().String()
	comL.Close() // dead until startCom

	w.otherEnv = newGatedEnv("smtp.otherisp.com", 1, w.otherLog)
	w.otherStore = otherispStore()
	ocfg := otherispConfig(w.otherEnv, w.otherStore, r)
	ocfg.RemotePort = portOf(t, w.comAddr)
	w.other = mustNew(t, ocfg)
	startOn(t, w.other, otherL)
	t.Cleanup(func() { close(w.otherEnv.quit) }) // before Close, which waits for the queue

	ce := env.NewLoopback("smtp.comentum.com", 2)
	ce.Log = w.comLog
	w.comStore = comentumStore()
	w.comCfg = comentumConfig(ce, w.comStore, r)
	w.comCfg.RemotePort = portOf(t, w.otherAddr)
	w.startCom = func() {
		w.com = mustNew(t, w.comCfg)
		startOn(t, w.com, listen(t, w.comAddr))
	}
	return w
}

// submit is Lisa's mail program: a go-smtp client talking to her ISP.
func submit(t *testing.T, addr, from string, to []string, msg string) {
	t.Helper()
	c, err := gosmtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("lisa-pc"); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail(from, to, strings.NewReader(msg)); err != nil {
		t.Fatalf("SendMail: %v", err)
	}
	c.Quit()
}

const lisaMsg = "From: Lisa <lisa@otherisp.com>\r\nTo: Bob <bob@comentum.com>\r\nSubject: Lunch?\r\nDate: Mon, 05 Jan 2026 08:59:00 +0000\r\nMessage-ID: <lunch@lisa-pc>\r\n\r\nAre you free at noon?\r\n"

func waitMessages(t *testing.T, st *store.Store, box string, n int) []store.Message {
	t.Helper()
	waitFor(t, func() bool { return len(st.Messages(box)) >= n })
	msgs := st.Messages(box)
	if len(msgs) != n {
		t.Fatalf("%s has %d messages, want %d", box, len(msgs), n)
	}
	return msgs
}

// TestRelayChain is the whole story: Lisa → smtp.otherisp.com → (MX
// lookup) → smtp.comentum.com → Bob's mailbox, with a Received field
// for each hop.
func TestRelayChain(t *testing.T) {
	w := newISPs(t, world())
	w.startCom()
	submit(t, w.otherAddr, "lisa@otherisp.com", []string{"bob@comentum.com"}, lisaMsg)
	msgs := waitMessages(t, w.comStore, "bob", 1)
	golden(t, "relay-chain.eml", msgs[0].Data)

	header, _ := splitMessage(msgs[0].Data)
	if n := countFields(header, "Received"); n != 2 {
		t.Errorf("%d Received fields, want 2", n)
	}
	h := string(header)
	first := strings.Index(h, "by smtp.comentum.com")
	second := strings.Index(h, "by smtp.otherisp.com")
	if first < 0 || second < 0 || first > second {
		t.Errorf("Received chain out of order:\n%s", h)
	}
	waitFor(t, func() bool { return len(w.other.Queue()) == 0 })
	for _, want := range []string{"looking up MX comentum.com", "relayed ", "to smtp.comentum.com: 250 2.0.0"} {
		if !strings.Contains(w.otherLog.String(), want) {
			t.Errorf("otherisp notes lack %q:\n%s", want, w.otherLog)
		}
	}
}

// TestBounceOn5xx: Comentum refuses an unknown user at RCPT, so Lisa's
// ISP bounces at once, without waiting, and the bounce lands in her box.
func TestBounceOn5xx(t *testing.T) {
	w := newISPs(t, world())
	w.startCom()
	submit(t, w.otherAddr, "lisa@otherisp.com", []string{"nobody@comentum.com"}, lisaMsg)
	msgs := waitMessages(t, w.otherStore, "lisa", 1)
	golden(t, "bounce-5xx.eml", msgs[0].Data)
	dsn := string(msgs[0].Data)
	for _, want := range []string{
		"Return-Path: <>",
		"Content-Type: multipart/report; report-type=delivery-status;",
		"Final-Recipient: rfc822; nobody@comentum.com",
		"Action: failed",
		"Status: 5.1.1",
		"Diagnostic-Code: smtp; 550 5.1.1 <nobody@comentum.com>: Recipient address rejected: User unknown",
		"Message-ID: <lunch@lisa-pc>",
	} {
		if !strings.Contains(dsn, want) {
			t.Errorf("bounce lacks %q", want)
		}
	}
	if !strings.Contains(w.otherLog.String(), "to lisa@otherisp.com: 5.1.1") {
		t.Errorf("no bounce note:\n%s", w.otherLog)
	}
}

// TestDoubleBounce (L12): a bounce (null sender) that cannot be
// delivered is never bounced back; it goes to the local postmaster as a
// double bounce (RFC 5321 §6.1). On otherisp the postmaster is lisa.
func TestDoubleBounce(t *testing.T) {
	w := newISPs(t, world())
	w.startCom()
	submit(t, w.otherAddr, "", []string{"nobody@comentum.com"}, lisaMsg)
	waitFor(t, func() bool { return len(w.otherStore.Messages("lisa")) == 1 })
	got := string(w.otherStore.Messages("lisa")[0].Data)
	for _, want := range []string{"Return-Path: <>", "Subject: Postmaster Copy: Undelivered Mail", "nobody@comentum.com"} {
		if !strings.Contains(got, want) {
			t.Errorf("double bounce lacks %q:\n%s", want, got)
		}
	}
	if !strings.Contains(w.otherLog.String(), "double bounce") {
		t.Errorf("no note:\n%s", w.otherLog)
	}
	waitFor(t, func() bool { return len(w.other.Queue()) == 0 })
}

// TestRetryUntilBack: Comentum's server is down; Lisa's ISP defers with
// growing delays in virtual time, and delivers once it is back.
func TestRetryUntilBack(t *testing.T) {
	w := newISPs(t, world())
	submit(t, w.otherAddr, "lisa@otherisp.com", []string{"bob@comentum.com", "carol@comentum.com"}, lisaMsg)

	for i, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute} {
		if got := w.otherEnv.nextSleep(t); got != want {
			t.Fatalf("delay %d = %v, want %v", i, got, want)
		}
		q := w.other.Queue()
		if len(q) != 1 || q[0].Attempts != i+1 || len(q[0].Rcpts) != 2 || q[0].Destination != "comentum.com" ||
			!strings.Contains(q[0].LastError, "connection refused") {
			t.Fatalf("queue after attempt %d: %+v", i+1, q)
		}
		if !q[0].NextAttempt.Equal(w.otherEnv.Now().Add(want)) {
			t.Errorf("next attempt %v, want now+%v", q[0].NextAttempt, want)
		}
		if i == 2 {
			w.startCom()
		}
		w.otherEnv.wake <- struct{}{}
	}
	waitMessages(t, w.comStore, "bob", 1)
	waitFor(t, func() bool { return len(w.other.Queue()) == 0 })
	notes := w.otherLog.String()
	for _, want := range []string{"retry in 1m", "retry in 2m", "retry in 4m", "relayed "} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
}

// TestGiveUp: the destination never comes back; after the lifetime (2h
// of virtual time) the sender gets a bounce saying why.
func TestGiveUp(t *testing.T) {
	w := newISPs(t, world())
	submit(t, w.otherAddr, "lisa@otherisp.com", []string{"bob@comentum.com"}, lisaMsg)
	var got []time.Duration
	var total time.Duration
	for total < DefaultLifetime {
		d := w.otherEnv.nextSleep(t)
		got = append(got, d)
		total += d
		w.otherEnv.wake <- struct{}{}
	}
	want := []time.Duration{1, 2, 4, 8, 15, 15, 15, 15, 15, 15, 15}
	if len(got) != len(want) {
		t.Fatalf("delays %v, want %v minutes", got, want)
	}
	for i := range want {
		if got[i] != want[i]*time.Minute {
			t.Fatalf("delays %v, want %v minutes", got, want)
		}
	}
	msgs := waitMessages(t, w.otherStore, "lisa", 1)
	dsn := string(msgs[0].Data)
	for _, want := range []string{"Status: 4.4.1", "Diagnostic-Code: X-mailsim; connect to smtp.comentum.com[127.0.0.1]",
		"Action: failed", "could not be delivered for 2 hour(s)", "Last-Attempt-Date: Mon, 05 Jan 2026 11:00:00 +0000"} {
		if !strings.Contains(dsn, want) {
			t.Errorf("bounce lacks %q:\n%s", want, dsn)
		}
	}
	waitFor(t, func() bool { return len(w.other.Queue()) == 0 })
}

// TestGiveUpAfter4xx: a server that keeps answering 4xx is retried, and
// the bounce carries its last reply as the Diagnostic-Code.
func TestGiveUpAfter4xx(t *testing.T) {
	r := world()
	w := newISPs(t, r)
	// Comentum's server cannot check otherisp.com for now: 451 at MAIL.
	r.mu.Lock()
	r.temp["otherisp.com"] = true
	r.mu.Unlock()
	w.startCom()
	submit(t, w.otherAddr, "lisa@otherisp.com", []string{"bob@comentum.com"}, lisaMsg)
	for total := time.Duration(0); total < DefaultLifetime; {
		total += w.otherEnv.nextSleep(t)
		w.otherEnv.wake <- struct{}{}
	}
	msgs := waitMessages(t, w.otherStore, "lisa", 1)
	dsn := string(msgs[0].Data)
	for _, want := range []string{"Status: 4.4.3", "Remote-MTA: dns; smtp.comentum.com",
		"Diagnostic-Code: smtp; 451 4.4.3 <lisa@otherisp.com>: Sender address rejected: Domain lookup failed"} {
		if !strings.Contains(dsn, want) {
			t.Errorf("bounce lacks %q:\n%s", want, dsn)
		}
	}
}
