package mua

import (
	"context"
	"fmt"

	"mailsim/servers/env"
	"mailsim/servers/imap"
)

// checkIMAP is Send/Recv over IMAP (RFC 3501): log in, open INBOX, list
// the messages by UID, fetch the ones this program has not got yet (which
// flags them \Seen on the server) and, unless LeaveOnServer, flag them
// \Deleted and EXPUNGE. Every program that reads the mailbox, on any
// computer or through Web Mail, sees the same messages and flags.
func (p *Program) checkIMAP(ctx context.Context) (Report, error) {
	var rep Report
	srv := p.acct.IMAPServer
	who := p.acct.owner()
	timeout := p.acct.timeout()
	fail := func(step string, err error) (Report, error) {
		if env.IsTimeout(err) {
			p.e.Logf("%s's mail program: %s sent nothing for %v at %s; gave up", who, srv, timeout, step)
		} else {
			p.e.Logf("%s's mail program: checking %s failed at %s: %v", who, srv, step, err)
		}
		return rep, &FetchError{Server: srv, Step: step, Err: err}
	}
	p.e.Logf("%s's mail program checks mail at %s over IMAP", who, srv)
	nc, err := p.dial(ctx, srv, "")
	if err != nil {
		return fail("connect", err)
	}
	c, err := imap.NewClient(nc, p.e, timeout)
	if err != nil {
		nc.Close()
		return fail("greeting", err)
	}
	defer c.Close()
	if err := c.Login(p.acct.Username, p.acct.Password); err != nil {
		return fail("LOGIN", err)
	}
	n, err := c.Select("INBOX")
	if err != nil {
		return fail("SELECT", err)
	}
	var list []imap.Summary
	if n > 0 {
		if list, err = c.Fetch("1:*", "UID FLAGS"); err != nil {
			return fail("FETCH", err)
		}
	}
	deleted := 0
	var gone []string // Message-IDs flagged \Deleted, reported after EXPUNGE
	for _, m := range list {
		key := fmt.Sprintf("imap:%d", m.UID)
		id := p.uidMessageID(key)
		fresh := !p.wasSeen(key)
		if fresh {
			got, err := c.Fetch(fmt.Sprint(m.UID), "BODY[]")
			if err != nil || len(got) == 0 {
				if err == nil {
					err = fmt.Errorf("message %d is gone", m.UID)
				}
				return fail(fmt.Sprintf("FETCH %d", m.UID), err)
			}
			id = p.keep(key, got[0].Body)
			p.track.Report(env.Step{Kind: env.StepDownloaded, MessageID: id, From: srv, To: p.e.Name(), Proto: "imap",
				Reply: `FETCH BODY[] (now flagged \Seen)`, Detail: fmt.Sprintf("UID FETCH %d", m.UID)})
			rep.New++
		}
		if p.acct.LeaveOnServer {
			if fresh { // said once, when it is downloaded
				p.track.Report(env.Step{Kind: env.StepLeft, MessageID: id, From: p.e.Name(), To: srv, Proto: "imap",
					Reply: `\Seen, kept in INBOX`})
			}
			rep.Kept++
			continue
		}
		if err := c.AddFlags(m.UID, `\Deleted`); err != nil {
			return fail(fmt.Sprintf("STORE %d", m.UID), err)
		}
		gone = append(gone, id)
		deleted++
	}
	if deleted > 0 {
		if err := c.Expunge(); err != nil {
			return fail("EXPUNGE", err)
		}
		for _, id := range gone {
			p.track.Report(env.Step{Kind: env.StepDeleted, MessageID: id, From: p.e.Name(), To: srv, Proto: "imap", Reply: `\Deleted, then EXPUNGE`})
		}
		rep.Deleted = deleted
	}
	if err := c.Logout(); err != nil {
		return fail("LOGOUT", err)
	}
	p.e.Logf("%s's mail program: %d new, %d deleted from the server, %d left there", who, rep.New, rep.Deleted, rep.Kept)
	return rep, nil
}
