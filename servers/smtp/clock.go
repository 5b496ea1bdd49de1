package smtp

import (
	"net"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"mailsim/servers/env"
)

// go-smtp computes every deadline as time.Now() plus one of its timeouts.
// The conns it gets are told so: each deadline passes through the host's
// WallDeadline with the timeouts it can be, so in the simulation it is
// exactly that much virtual time from now, whatever the epoch.

// The client's timeouts, set explicitly so the conn knows them: go-smtp's
// defaults, from RFC 5321 §4.5.3.2 (5 minutes per command, 10 for the
// reply to the end of data, which go-smtp rounds up to 12).
const (
	clientCommandTimeout    = 5 * time.Minute
	clientSubmissionTimeout = 12 * time.Minute
)

// newClient is a go-smtp (or, for lmtp, LMTP) client over conn, a conn
// of e.
func newClient(e env.Env, conn net.Conn, lmtp bool) *gosmtp.Client {
	conn = env.WallClockConn(e, conn, clientCommandTimeout, clientSubmissionTimeout)
	var c *gosmtp.Client
	if lmtp {
		c = gosmtp.NewClientLMTP(conn)
	} else {
		c = gosmtp.NewClient(conn)
	}
	c.CommandTimeout = clientCommandTimeout
	c.SubmissionTimeout = clientSubmissionTimeout
	return c
}

// wallDeadline converts the deadlines the go-smtp server gs sets on its
// conns (now + ReadTimeout or WriteTimeout) into e's clock.
func wallDeadline(e env.Env, gs *gosmtp.Server) func(time.Time) time.Time {
	return func(t time.Time) time.Time {
		return e.WallDeadline(t, gs.ReadTimeout, gs.WriteTimeout)
	}
}
