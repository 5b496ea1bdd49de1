package mua

import "time"

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
