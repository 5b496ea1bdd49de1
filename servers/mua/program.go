package mua

import (
	"strings"
	"sync"

	"mailsim/servers/env"
)

// Program is one user's mail program running on a host.
type Program struct {
	e    env.Env
	acct Account

	// HeadersOnly keeps what the inbox shows of a downloaded message,
	// not the message itself (Downloaded.Data is nil): for a replay that
	// never reads it.
	HeadersOnly bool
	// NoInbox keeps no inbox at all (Inbox is empty): for a replay in
	// which nothing reads it. Each download's Message-ID is still read,
	// for its steps.
	NoInbox bool

	mu    sync.Mutex
	inbox []Downloaded
	msgID map[string]string // UIDs already downloaded → Message-ID, for deletion steps
	track env.StepFunc
}

// Track makes the program report each step of the messages it sends
// and downloads (composed, refused, downloaded, deleted, left) to fn.
func (p *Program) Track(fn env.StepFunc) { p.track = fn }

// New returns the mail program for acct on the host e.
func New(e env.Env, acct Account) *Program {
	return &Program{e: e, acct: acct, msgID: map[string]string{}}
}

// Account returns the program's configuration.
func (p *Program) Account() Account { return p.acct }

// Inbox returns the messages downloaded so far, oldest first.
func (p *Program) Inbox() []Downloaded {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Downloaded(nil), p.inbox...)
}

// DisplayName turns lisa@otherisp.com into "Lisa": the name a mail
// program, Web Mail and the story give the owner of an address.
func DisplayName(addr string) string {
	local, _, _ := strings.Cut(addr, "@")
	if local == "" {
		return ""
	}
	return strings.ToUpper(local[:1]) + local[1:]
}
