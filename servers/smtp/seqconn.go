package smtp

import (
	"bytes"
	"net"
)

// go-smtp answers commands given out of order with 502 ("command not
// implemented"), but RFC 5321 §4.2.4 and §4.3.2 say the reply is 503
// "bad sequence of commands". seqListener wraps each connection so those
// replies go out as 503. go-smtp flushes every reply line in one Write,
// so matching whole lines is reliable.
type seqListener struct{ net.Listener }

func (l seqListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return seqConn{c}, nil
}

type seqConn struct{ net.Conn }

// sequenceReplies are go-smtp's out-of-sequence replies, with the text
// we send instead.
var sequenceReplies = []struct{ from, to []byte }{
	{[]byte("502 5.5.1 Missing MAIL FROM command.\r\n"), []byte("503 5.5.1 Error: need MAIL command\r\n")},
	{[]byte("502 5.5.1 Missing RCPT TO command.\r\n"), []byte("503 5.5.1 Error: need RCPT command\r\n")},
	{[]byte("502 5.5.1 Please introduce yourself first.\r\n"), []byte("503 5.5.1 Error: send HELO/EHLO first\r\n")},
}

func (c seqConn) Write(b []byte) (int, error) {
	for _, r := range sequenceReplies {
		if bytes.Equal(b, r.from) {
			if _, err := c.Conn.Write(r.to); err != nil {
				return 0, err
			}
			return len(b), nil
		}
	}
	return c.Conn.Write(b)
}
