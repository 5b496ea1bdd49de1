package mua

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"mailsim/servers/env"
)

// messageIDOf reads the Message-ID header of a message, "" if none.
// It reads the header as ParseDownloaded does, but parses nothing else
// (dates and addresses cost more than the send itself).
func messageIDOf(msg []byte) string {
	th, err := readHeader(msg)
	if err != nil && th.Len() == 0 {
		return ""
	}
	return strings.TrimSpace(th.Get("Message-ID"))
}

// smtpReply is an SMTP error as the reply line the server sent.
func smtpReply(se *smtp.SMTPError) string {
	ec := se.EnhancedCode
	if ec == smtp.EnhancedCodeNotSet || ec == smtp.NoEnhancedCode {
		return fmt.Sprintf("%d %s", se.Code, se.Message)
	}
	return fmt.Sprintf("%d %d.%d.%d %s", se.Code, ec[0], ec[1], ec[2], se.Message)
}

// SendError is a failed send: which server, at which SMTP step, and why.
// Err is often a *smtp.SMTPError with the server's reply code, which
// errors.As finds through SendError, or, when the server went quiet for
// the account's ServerTimeout, a net.Error whose Timeout() is true.
type SendError struct {
	Server string // host:port
	Step   string // "connect", "EHLO", "AUTH", "MAIL FROM", "RCPT TO <addr>", "DATA", "QUIT"
	Err    error
}

func (e *SendError) Error() string {
	return fmt.Sprintf("mua: sending via %s failed at %s: %v", e.Server, e.Step, e.Err)
}

func (e *SendError) Unwrap() error { return e.Err }

// Send composes a message (see Compose) and sends it.
func (p *Program) Send(ctx context.Context, to []string, subject, body string) error {
	msg, id, err := p.compose(to, subject, body)
	if err != nil {
		return err
	}
	p.track.Report(env.Step{Kind: env.StepComposed, MessageID: id, Subject: subject,
		Sender: p.acct.Address, Rcpts: to, From: p.e.Name()})
	return p.sendRaw(ctx, to, msg, id)
}

// SendRaw sends msg, an RFC 5322 message, to the given recipients through
// the account's SMTP server. The envelope sender is the account address.
//
// ctx bounds the dial (as does the host's TCP connect timeout). After it,
// go-smtp's client bounds every wait, the greeting included, with its
// CommandTimeout, set here to the account's ServerTimeout. It computes
// its deadlines from the wall clock; the conn is wrapped so the host
// converts them (to virtual time in the simulator).
func (p *Program) SendRaw(ctx context.Context, to []string, msg []byte) error {
	return p.sendRaw(ctx, to, msg, messageIDOf(msg))
}

// sendRaw is SendRaw for a message whose Message-ID (id) is read already.
func (p *Program) sendRaw(ctx context.Context, to []string, msg []byte, id string) error {
	srv := p.acct.SMTPServer
	fail := func(step string, err error) error {
		st := env.Step{Kind: env.StepRefused, MessageID: id, From: p.e.Name(), To: srv, Proto: "smtp",
			Detail: step, Reply: err.Error()}
		var se *smtp.SMTPError
		var le *lookupError
		if errors.As(err, &se) {
			st.Reply = smtpReply(se)
		} else if errors.As(err, &le) {
			st.Proto, st.Reply = "dns", le.short()
		} else if env.IsTimeout(err) {
			st.Reply = fmt.Sprintf("no reply for %v", p.acct.timeout())
		}
		p.track.Report(st)
		if env.IsTimeout(err) {
			p.e.Logf("%s's mail program: %s sent nothing for %v at %s; gave up", p.acct.owner(), srv, p.acct.timeout(), step)
		} else if errors.As(err, &se) {
			p.e.Logf("%s's mail program: %s refused %s: %d %s", p.acct.owner(), srv, step, se.Code, se.Message)
		} else {
			p.e.Logf("%s's mail program: sending via %s failed at %s: %v", p.acct.owner(), srv, step, err)
		}
		return &SendError{Server: srv, Step: step, Err: err}
	}
	if len(to) == 0 {
		return fail("RCPT TO", errors.New("no recipients"))
	}
	p.e.Logf("%s's mail program sends to %s", p.acct.owner(), srv)
	nc, err := p.dial(ctx, srv, id)
	if err != nil {
		return fail(dialStep(err), err)
	}
	// go-smtp waits 5 minutes per command and 12 for the reply to the
	// end of DATA; keep that ratio for the account's setting.
	cmdTimeout := p.acct.timeout()
	subTimeout := cmdTimeout * 12 / 5
	c := smtp.NewClient(env.WallClockConn(p.e, nc, cmdTimeout, subTimeout))
	c.CommandTimeout = cmdTimeout
	c.SubmissionTimeout = subTimeout
	defer c.Close()
	if err := c.Hello(p.e.Name()); err != nil {
		return fail("EHLO", err)
	}
	if p.acct.UseAuth {
		if err := c.Auth(sasl.NewPlainClient("", p.acct.Username, p.acct.Password)); err != nil {
			return fail("AUTH", err)
		}
	}
	if err := c.Mail(p.acct.Address, nil); err != nil {
		return fail("MAIL FROM", err)
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return fail("RCPT TO <"+rcpt+">", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fail("DATA", err)
	}
	if p.acct.HangUpInData { // w is never closed: that would end the message
		return fail("DATA", hangUpInData(nc, msg))
	}
	if _, err := bytes.NewReader(msg).WriteTo(w); err != nil {
		w.Close()
		return fail("DATA", err)
	}
	if err := w.Close(); err != nil {
		return fail("DATA", err)
	}
	if err := c.Quit(); err != nil {
		// The message was already accepted at the end of DATA.
		p.e.Logf("%s's mail program: QUIT to %s: %v", p.acct.owner(), srv, err)
	}
	p.e.Logf("%s's mail program: %s accepted the message for %d recipient(s)", p.acct.owner(), srv, len(to))
	return nil
}
