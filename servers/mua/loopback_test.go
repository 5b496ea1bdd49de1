package mua

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mailsim/internal/testtool"
	"mailsim/servers/env"
	"mailsim/servers/pop3"
	"mailsim/servers/store"
)

// mta is a tiny go-smtp backend: it requires AUTH PLAIN when a password
// is set, refuses recipients outside its domain, and delivers into a
// store (the local part is the mailbox).
type mta struct {
	st       *store.Store
	domain   string
	user, pw string

	mu       sync.Mutex
	envelope []string // "from -> to" per delivery
}

type mtaSession struct {
	m      *mta
	authed bool
	from   string
	rcpts  []string
}

var (
	_ smtp.Backend     = (*mta)(nil)
	_ smtp.AuthSession = (*mtaSession)(nil)
)

func (m *mta) NewSession(*smtp.Conn) (smtp.Session, error) { return &mtaSession{m: m}, nil }

func (s *mtaSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mtaSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pw string) error {
		if user != s.m.user || pw != s.m.pw {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *mtaSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.m.pw != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *mtaSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	local, dom, _ := strings.Cut(to, "@")
	if dom != s.m.domain || !s.m.st.HasUser(local) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
	}
	s.rcpts = append(s.rcpts, local)
	return nil
}

func (s *mtaSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	for _, rc := range s.rcpts {
		if _, err := s.m.st.Deliver(rc, data, env.Epoch); err != nil {
			return err
		}
		s.m.mu.Lock()
		s.m.envelope = append(s.m.envelope, s.from+" -> "+rc)
		s.m.mu.Unlock()
	}
	return nil
}

func (s *mtaSession) Reset()        { s.from, s.rcpts = "", nil }
func (s *mtaSession) Logout() error { return nil }

func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// world is one ISP on loopback: an SMTP server and a POP3 server sharing
// a store that has the mailbox bob (password bobpw).
type world struct {
	st       *store.Store
	mta      *mta
	smtpAddr string
	popAddr  string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	st := store.New()
	st.AddUser("bob", "bobpw")
	m := &mta{st: st, domain: "comentum.com", user: "lisa", pw: "lisapw"}
	ss := smtp.NewServer(m)
	ss.Domain = "smtp.comentum.com"
	ss.AllowInsecureAuth = true
	ss.ErrorLog = testLogger{t}
	sl := listen(t)
	go ss.Serve(sl)
	t.Cleanup(func() { ss.Close() })

	ps := pop3.NewServer(pop3.NewStoreBackend(st))
	ps.Domain = "pop.comentum.com"
	pl := listen(t)
	go ps.Serve(pl)
	t.Cleanup(func() { ps.Close() })
	return &world{st: st, mta: m, smtpAddr: sl.Addr().String(), popAddr: pl.Addr().String()}
}

type testLogger struct{ t *testing.T }

func (l testLogger) Printf(f string, v ...any) { l.t.Logf(f, v...) }
func (l testLogger) Println(v ...any)          { l.t.Log(v...) }

func (w *world) lisa(log io.Writer) *Program {
	e := env.NewLoopback("lisa-pc", 7)
	e.Log = log
	return New(e, Account{
		Name: "Lisa", Address: "lisa@otherisp.com", Username: "lisa", Password: "lisapw",
		SMTPServer: w.smtpAddr, POP3Server: w.popAddr, UseAuth: true,
	})
}

func (w *world) bob(leave bool) *Program {
	return New(env.NewLoopback("bob-pc", 8), Account{
		Address: "bob@comentum.com", Username: "bob", Password: "bobpw",
		SMTPServer: w.smtpAddr, POP3Server: w.popAddr, LeaveOnServer: leave,
	})
}

// TestSendAndCheckMail is the story end to end on one ISP: Lisa sends,
// Bob presses Send/Recv, downloads the message and it leaves the server.
func TestSendAndCheckMail(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var log bytes.Buffer
	lisa := w.lisa(&log)
	if err := lisa.Send(ctx, []string{"bob@comentum.com"}, "Lunch?", "Hi Bob,\n.lunch on Friday?\n"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(w.mta.envelope, ";"); got != "lisa@otherisp.com -> bob" {
		t.Fatalf("envelope %q", got)
	}
	wantLog := "lisa-pc: lisa's mail program sends to " + w.smtpAddr + "\n" +
		"lisa-pc: lisa's mail program: " + w.smtpAddr + " accepted the message for 1 recipient(s)\n"
	if log.String() != wantLog {
		t.Errorf("log:\n%s\nwant:\n%s", log.String(), wantLog)
	}
	stored := w.st.Messages("bob")
	if len(stored) != 1 {
		t.Fatalf("%d messages stored", len(stored))
	}

	bob := w.bob(false)
	rep, err := bob.CheckMail(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep != (Report{New: 1, Deleted: 1}) {
		t.Errorf("report %+v", rep)
	}
	in := bob.Inbox()
	if len(in) != 1 {
		t.Fatalf("inbox has %d", len(in))
	}
	d := in[0]
	if d.Subject != "Lunch?" || d.From != `"Lisa" <lisa@otherisp.com>` || d.To != "<bob@comentum.com>" ||
		!d.Date.Equal(env.Epoch) || !d.When.Equal(env.Epoch) || d.UID != stored[0].UID {
		t.Errorf("downloaded %+v", d)
	}
	if !bytes.Equal(d.Data, stored[0].Data) || !bytes.Contains(d.Data, []byte("\r\n.lunch on Friday?\r\n")) {
		t.Errorf("data changed in transit:\n%q\nstored:\n%q", d.Data, stored[0].Data)
	}
	if n := len(w.st.Messages("bob")); n != 0 {
		t.Errorf("%d messages left on server", n)
	}
	if rep, err := bob.CheckMail(ctx); err != nil || rep != (Report{}) {
		t.Errorf("second check: %+v, %v", rep, err)
	}
}

// TestLeaveOnServer: with the option on, messages stay and are downloaded
// once; turning it off later deletes them without downloading again.
func TestLeaveOnServer(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	lisa := w.lisa(nil)
	for _, s := range []string{"one", "two"} {
		if err := lisa.Send(ctx, []string{"bob@comentum.com"}, s, s); err != nil {
			t.Fatal(err)
		}
	}
	bob := w.bob(true)
	for i, want := range []Report{{New: 2, Kept: 2}, {Kept: 2}} {
		rep, err := bob.CheckMail(ctx)
		if err != nil || rep != want {
			t.Fatalf("check %d: %+v, %v; want %+v", i, rep, err, want)
		}
	}
	lisa.Send(ctx, []string{"bob@comentum.com"}, "three", "3")
	bob.acct.LeaveOnServer = false
	rep, err := bob.CheckMail(ctx)
	if err != nil || rep != (Report{New: 1, Deleted: 3}) {
		t.Fatalf("check after turning the option off: %+v, %v", rep, err)
	}
	var subjects []string
	for _, d := range bob.Inbox() {
		subjects = append(subjects, d.Subject)
	}
	if got := strings.Join(subjects, ","); got != "one,two,three" {
		t.Errorf("inbox subjects %q", got)
	}
	if n := len(w.st.Messages("bob")); n != 0 {
		t.Errorf("%d left on server", n)
	}
}

// TestErrors: refusals come back typed, with the server's reply codes.
func TestErrors(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()

	var se *SendError
	var smtpErr *smtp.SMTPError
	err := w.lisa(nil).Send(ctx, []string{"nobody@comentum.com"}, "s", "b")
	if !errors.As(err, &se) || se.Step != "RCPT TO <nobody@comentum.com>" || !errors.As(err, &smtpErr) || smtpErr.Code != 550 {
		t.Errorf("unknown recipient: %v", err)
	}
	noAuth := w.lisa(nil)
	noAuth.acct.UseAuth = false
	if err := noAuth.Send(ctx, []string{"bob@comentum.com"}, "s", "b"); !errors.As(err, &smtpErr) || smtpErr.Code != 502 {
		t.Errorf("send without AUTH: %v", err)
	}
	badPw := w.lisa(nil)
	badPw.acct.Password = "wrong"
	if err := badPw.Send(ctx, []string{"bob@comentum.com"}, "s", "b"); !errors.As(err, &se) || se.Step != "AUTH" || !errors.As(err, &smtpErr) || smtpErr.Code != 535 {
		t.Errorf("bad SMTP password: %v", err)
	}

	bob := w.bob(false)
	bob.acct.Password = "wrong"
	var fe *FetchError
	var pe *pop3.Error
	if _, err := bob.CheckMail(ctx); !errors.As(err, &fe) || fe.Step != "PASS" || !errors.As(err, &pe) || pe.Code != "AUTH" {
		t.Errorf("bad POP3 password: %v", err)
	}
	closed := listen(t)
	addr := closed.Addr().String()
	closed.Close()
	bob.acct.POP3Server = addr
	if _, err := bob.CheckMail(ctx); !errors.As(err, &fe) || fe.Step != "connect" {
		t.Errorf("no server: %v", err)
	}
}

// TestSwaksThenCheckMail: mail sent by swaks, a third-party SMTP client,
// arrives intact in Bob's mail program.
func TestSwaksThenCheckMail(t *testing.T) {
	swaks := testtool.Require(t, "swaks")
	w := newWorld(t)
	out, err := exec.Command(swaks, "--server", w.smtpAddr, "--from", "carol@example.net", "--to", "bob@comentum.com",
		"--auth", "PLAIN", "--auth-user", "lisa", "--auth-password", "lisapw",
		"--header", "Subject: from swaks", "--body", "sent by swaks\n.dot line", "--helo", "carol-pc").CombinedOutput()
	if err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}
	bob := w.bob(false)
	rep, err := bob.CheckMail(context.Background())
	if err != nil || rep != (Report{New: 1, Deleted: 1}) {
		t.Fatalf("CheckMail: %+v, %v", rep, err)
	}
	d := bob.Inbox()[0]
	if d.Subject != "from swaks" || d.From != "<carol@example.net>" || !bytes.Contains(d.Data, []byte("\r\n\r\nsent by swaks\r\n.dot line\r\n")) {
		t.Errorf("downloaded %+v\n%s", d, d.Data)
	}
}
