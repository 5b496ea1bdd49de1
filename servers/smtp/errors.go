package smtp

import (
	"fmt"

	gosmtp "github.com/emersion/go-smtp"
)

// Replies the session gives. They are *gosmtp.SMTPError, which go-smtp
// writes verbatim and callers can find with errors.As.
func reply(code int, ec gosmtp.EnhancedCode, format string, args ...any) *gosmtp.SMTPError {
	return &gosmtp.SMTPError{Code: code, EnhancedCode: ec, Message: fmt.Sprintf(format, args...)}
}

func errBadSender(addr string, why error) *gosmtp.SMTPError {
	// RFC 5321: 553 "mailbox name not allowed"; RFC 3463 X.1.7 is
	// "bad sender's mailbox address syntax".
	return reply(553, gosmtp.EnhancedCode{5, 1, 7}, "<%s>: Sender address rejected: %v", addr, why)
}

func errBadRecipient(addr string, why error) *gosmtp.SMTPError {
	return reply(553, gosmtp.EnhancedCode{5, 1, 3}, "<%s>: Recipient address rejected: %v", addr, why)
}

func errRelayDenied(addr string) *gosmtp.SMTPError {
	return reply(554, gosmtp.EnhancedCode{5, 7, 1}, "<%s>: Relay access denied", addr)
}

func errUnknownUser(addr string) *gosmtp.SMTPError {
	return reply(550, gosmtp.EnhancedCode{5, 1, 1}, "<%s>: Recipient address rejected: User unknown", addr)
}

// errMailboxFull refuses a recipient whose mailbox is over its quota
// (RFC 3463 X.2.2 "mailbox full").
func errMailboxFull(addr string) *gosmtp.SMTPError {
	return reply(552, gosmtp.EnhancedCode{5, 2, 2}, "<%s>: Recipient address rejected: Mailbox full", addr)
}

// errLMTPQuota is the POP3 host's LMTP refusal, in Dovecot's words.
func errLMTPQuota(addr string) *gosmtp.SMTPError {
	return reply(552, gosmtp.EnhancedCode{5, 2, 2}, "<%s> Quota exceeded (mailbox for user is full)", addr)
}

// quotaFailure is a local delivery that found the mailbox full.
func quotaFailure(r address) *DeliveryError {
	return &DeliveryError{Status: "5.2.2", Text: "mailbox full: " + r.String()}
}

func errSenderDomainNotFound(addr string) *gosmtp.SMTPError {
	return reply(550, gosmtp.EnhancedCode{5, 1, 8}, "<%s>: Sender address rejected: Domain not found", addr)
}

func errSenderDomainTemp(addr string) *gosmtp.SMTPError {
	return reply(451, gosmtp.EnhancedCode{4, 4, 3}, "<%s>: Sender address rejected: Domain lookup failed, try again later", addr)
}

func errSenderNullMX(addr string) *gosmtp.SMTPError {
	// RFC 7505 §4.2.
	return reply(550, gosmtp.EnhancedCode{5, 7, 27}, "<%s>: Sender address rejected: Domain does not accept mail (null MX)", addr)
}

var (
	errTooManyHops = reply(554, gosmtp.EnhancedCode{5, 4, 6}, "Too many hops (mail forwarding loop)")
	// RFC 5321 §4.5.3.1.6 limits a line to 1000 octets. Past that the
	// stream cannot be resynchronised, so the one reply says the
	// connection closes; X.5.2 is RFC 3463's syntax error.
	errLineTooLong = reply(500, gosmtp.EnhancedCode{5, 5, 2}, "Line too long, closing connection")
	errStoreFailed = reply(451, gosmtp.EnhancedCode{4, 3, 0}, "Local delivery failed, try again later")
)

// errTimeout ends a session the client left idle (RFC 5321 §4.5.3.2.7),
// worded like Postfix; §3.8 wants the server's name in a 421.
func errTimeout(hostname string) *gosmtp.SMTPError {
	return reply(421, gosmtp.EnhancedCode{4, 4, 2}, "%s Error: timeout exceeded", hostname)
}

// DeliveryError says why the queue could not deliver to some recipients:
// the RFC 3463 status, and the remote reply when there was one. Bounces
// are built from it.
type DeliveryError struct {
	Status    string // enhanced status code, e.g. "5.1.1" or "4.4.1"
	RemoteMTA string // host that replied, "" when none did
	Reply     string // the remote reply, "550 5.1.1 ...", "" when none
	Command   string // the command the reply answered: "RCPT TO", "DATA", ...
	Text      string // what happened, for the log and the bounce text
	Err       error  // underlying cause, if any
}

func (e *DeliveryError) Error() string {
	if e.Reply != "" {
		return fmt.Sprintf("host %s said: %s (in reply to %s command)", e.RemoteMTA, e.Reply, e.Command)
	}
	return e.Text
}

func (e *DeliveryError) Unwrap() error { return e.Err }

// Temporary reports whether a later attempt may succeed (a 4.x.x status).
func (e *DeliveryError) Temporary() bool { return len(e.Status) > 0 && e.Status[0] == '4' }

// fromSMTP builds a DeliveryError from a remote SMTP reply.
func fromSMTP(host, command string, se *gosmtp.SMTPError) *DeliveryError {
	ec := se.EnhancedCode
	status := fmt.Sprintf("%d.%d.%d", ec[0], ec[1], ec[2])
	replyText := fmt.Sprintf("%d %s %s", se.Code, status, se.Message)
	if ec == gosmtp.EnhancedCodeNotSet || ec == gosmtp.NoEnhancedCode || ec[0] != se.Code/100 {
		// RFC 3463 §3: without an enhanced code, X.0.0 from the class.
		status = fmt.Sprintf("%d.0.0", se.Code/100)
		replyText = fmt.Sprintf("%d %s", se.Code, se.Message)
	}
	return &DeliveryError{Status: status, RemoteMTA: host, Reply: replyText, Command: command, Text: replyText, Err: se}
}

// errAuthRequired refuses a transaction before AUTH on the submission
// port (RFC 4954 §6, RFC 6409 §4.3), in Postfix's words.
var errAuthRequired = &gosmtp.SMTPError{Code: 530, EnhancedCode: gosmtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
