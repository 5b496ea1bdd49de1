package mua

import (
	"strings"
	"time"
)

// Account is the mail program's configuration, as its Tools → Accounts
// dialog would hold it.
type Account struct {
	// Name is the display name put in From, e.g. "Lisa"; may be empty.
	Name string
	// Address is the user's mail address, e.g. "lisa@otherisp.com".
	Address string
	// Username and Password log in to the ISP's servers.
	Username string
	Password string
	// SMTPServer is the outgoing server, host:port, e.g.
	// "smtp.otherisp.com:25".
	SMTPServer string
	// POP3Server is the incoming server, host:port, e.g.
	// "pop.otherisp.com:110".
	POP3Server string
	// IMAPServer, when set, is the incoming server instead, host:port,
	// e.g. "pop3.comentum.com:143": the program reads the mailbox over
	// IMAP, and the mail stays there unless LeaveOnServer is false.
	IMAPServer string
	// UseAuth makes the program log in to the SMTP server (AUTH PLAIN)
	// before sending.
	UseAuth bool
	// LeaveOnServer keeps downloaded messages on the server, as Web
	// Mail does; otherwise they are deleted after download (over IMAP:
	// flagged \Deleted, then EXPUNGE).
	LeaveOnServer bool
	// ServerTimeout is Outlook Express's "Server Timeouts" setting: how
	// long to wait for a server that sends nothing before giving up on
	// the Send/Recv with a timeout error. It is measured on the host's
	// clock (env.Env.Deadline: virtual time in the simulator). 0 means
	// DefaultServerTimeout.
	ServerTimeout time.Duration
	// HangUpInData makes the program drop the connection halfway
	// through the message, after the 354 (a laptop lid closing): the
	// server must not keep the half, and the message stays in the
	// outbox. Chaos runs use it.
	HangUpInData bool
	// Hosts, if set, resolves the server names through DNS (the PC's
	// ISP's resolver); without it the names go to the host's Dial as is.
	Hosts *HostCache
}

// owner is the user's short name for log notes: "lisa" for
// lisa@otherisp.com.
func (a Account) owner() string {
	if i := strings.IndexByte(a.Address, '@'); i > 0 {
		return a.Address[:i]
	}
	if a.Username != "" {
		return a.Username
	}
	return "the user"
}

// domain is the part of the address after "@", for Message-IDs.
func (a Account) domain() string {
	if i := strings.LastIndexByte(a.Address, '@'); i >= 0 && i < len(a.Address)-1 {
		return a.Address[i+1:]
	}
	return ""
}
