package sim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"runtime"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// A minimal go-smtp backend that keeps what it receives.
type memBackend struct{ got []string }

func (b *memBackend) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return &memSession{b: b}, nil }

type memSession struct {
	b        *memBackend
	from, to string
}

func (s *memSession) Mail(from string, _ *gosmtp.MailOptions) error { s.from = from; return nil }
func (s *memSession) Rcpt(to string, _ *gosmtp.RcptOptions) error   { s.to = to; return nil }
func (s *memSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.got = append(s.b.got, fmt.Sprintf("%s→%s: %s", s.from, s.to, bytes.TrimSpace(data)))
	return nil
}
func (s *memSession) Reset()        {}
func (s *memSession) Logout() error { return nil }

// smtpExchange runs one go-smtp server and one go-smtp client across the
// two-router topology and returns the trace and what the server received.
func smtpExchange(t testing.TB, seed int64, msgs int) (trace string, events []*Event, got []string) {
	w, a, b := twoISPs(t, seed)
	var buf bytes.Buffer
	tw := NewTextTrace(&buf)
	w.Subscribe(tw.Event)
	w.Subscribe(func(e *Event) { events = append(events, e) })
	be := &memBackend{}
	srv := gosmtp.NewServer(be)
	srv.Domain = "server"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, err := b.Listen("tcp", ":25")
	if err != nil {
		t.Fatal(err)
	}
	b.Go("smtpd", func() { srv.Serve(ln) })
	a.Go("mail program", func() {
		for i := 0; i < msgs; i++ {
			conn, err := a.Dial(context.Background(), "tcp", "203.0.113.25:25")
			if err != nil {
				t.Error(err)
				return
			}
			c := goSMTPClient(a, conn)
			msg := fmt.Sprintf("Subject: hi %d\r\n\r\nHello Bob.\r\n", i)
			if err := c.SendMail("lisa@otherisp.com", []string{"bob@comentum.com"}, strings.NewReader(msg)); err != nil {
				t.Error(err)
			}
			c.Quit()
		}
		ln.Close()
	})
	if err := w.RunUntil(time.Hour); err != nil {
		t.Fatal(err)
	}
	tw.Flush()
	return buf.String(), events, be.got
}

func TestGoSMTPEndToEnd(t *testing.T) {
	trace, events, got := smtpExchange(t, 42, 1)
	if len(got) != 1 || got[0] != "lisa@otherisp.com→bob@comentum.com: Subject: hi 0\r\n\r\nHello Bob." {
		t.Fatalf("server received %q\ntrace:\n%s", got, trace)
	}
	// The order of first appearances on each link: SYN, greeting, then the
	// envelope commands, each crossing client→r1→r2→server in order.
	type step struct {
		summary string
		links   []string
	}
	want := []step{
		{"[SYN]", []string{"client→r1", "r1→r2", "r2→server"}},
		{"220 ", []string{"server→r2", "r2→r1", "r1→client"}},
		{"MAIL FROM:<lisa@otherisp.com>", []string{"client→r1", "r1→r2", "r2→server"}},
		{"RCPT TO:<bob@comentum.com>", []string{"client→r1", "r1→r2", "r2→server"}},
		{"DATA", []string{"client→r1", "r1→r2", "r2→server"}},
	}
	idx := 0
	for _, s := range want {
		var hops []string
		var last time.Duration
		for ; idx < len(events) && len(hops) < len(s.links); idx++ {
			e := events[idx]
			if e.Kind != KindHop || !strings.HasPrefix(e.Summary, s.summary) {
				continue
			}
			if e.Depart < last {
				t.Errorf("%s: hop %d departs before the previous one arrived", s.summary, e.Hop)
			}
			last = e.Arrive
			hops = append(hops, e.From+"→"+e.To)
		}
		if strings.Join(hops, " ") != strings.Join(s.links, " ") {
			t.Fatalf("%q crossed %v, want %v\ntrace:\n%s", s.summary, hops, s.links, trace)
		}
	}
	// Sequence numbers: the first data segment's seq is the SYN's + 1.
	var synSeq uint32
	for _, e := range events {
		if e.Kind == KindHop && e.Flags == SYN {
			synSeq = e.TCPSeq
		}
		if e.Kind == KindHop && strings.HasPrefix(e.Summary, "EHLO") {
			if e.TCPSeq != synSeq+1 {
				t.Errorf("EHLO seq %d, want SYN seq+1 = %d", e.TCPSeq, synSeq+1)
			}
			break
		}
	}
}

func TestDeterministicTrace(t *testing.T) {
	first, _, _ := smtpExchange(t, 7, 2)
	runs := 50
	if testing.Short() {
		runs = 5
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for i := 1; i < runs; i++ {
		procs := []int{1, 2, 8}[i%3]
		runtime.GOMAXPROCS(procs)
		got, _, _ := smtpExchange(t, 7, 2)
		if got != first {
			t.Fatalf("run %d (GOMAXPROCS=%d) differs from run 0:\n%s\n---\n%s", i, procs, got, first)
		}
	}
	other, _, _ := smtpExchange(t, 8, 2)
	if other == first {
		t.Error("a different seed gave the same trace (sequence numbers and ports should differ)")
	}
}

func TestStep(t *testing.T) {
	w, a, b := twoISPs(t, 3)
	var n int
	w.Subscribe(func(*Event) { n++ })
	srv := gosmtp.NewServer(&memBackend{})
	srv.ErrorLog = log.New(io.Discard, "", 0)
	ln, _ := b.Listen("tcp", ":25")
	b.Go("smtpd", func() { srv.Serve(ln) })
	a.Go("client", func() {
		conn, err := a.Dial(context.Background(), "tcp", "server:25")
		if err == nil {
			err = goSMTPClient(a, conn).Quit()
		}
		if err != nil {
			t.Error(err)
		}
		ln.Close()
	})
	var last time.Duration
	steps := 0
	for {
		before := n
		ok, err := w.Step()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		steps++
		if n == before {
			t.Fatalf("step %d emitted no event", steps)
		}
		if w.Now() < last {
			t.Fatalf("time went back at step %d", steps)
		}
		last = w.Now()
	}
	if steps < 9 { // SYN, SYN-ACK, ACK, greeting, QUIT, 221, FINs: each crosses 3 links
		t.Errorf("only %d steps", steps)
	}
}
