package mua

import (
	"errors"
	"net"
	"time"
)

// DefaultServerTimeout is how long the mail program waits for a server
// that has gone quiet: 5 minutes, go-smtp's CommandTimeout and RFC 5321's
// recommendation for most SMTP replies.
const DefaultServerTimeout = 5 * time.Minute

// timeout is ServerTimeout with its default applied.
func (a Account) timeout() time.Duration {
	if a.ServerTimeout > 0 {
		return a.ServerTimeout
	}
	return DefaultServerTimeout
}

// isTimeout: err is, or wraps, a net.Error that timed out, i.e. a server
// timeout ran out.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
