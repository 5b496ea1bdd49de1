package pop3

import (
	"errors"
	"io"
	"net"
	"strings"
	"testing"
)

// scriptConn is a net.Conn whose peer sends script and then closes,
// while swallowing whatever the client writes.
type scriptConn struct {
	net.Conn // nil: only Read, Write and Close are used
	r        *strings.Reader
}

func (s *scriptConn) Read(p []byte) (int, error)  { return s.r.Read(p) }
func (s *scriptConn) Write(p []byte) (int, error) { return len(p), nil }
func (s *scriptConn) Close() error                { return nil }

func fakeServer(t *testing.T, script string) net.Conn {
	return &scriptConn{r: strings.NewReader(script)}
}

// TestClientGarbledServer: whatever a server sends, the client returns an
// error of a known kind and never panics or reads without bound.
func TestClientGarbledServer(t *testing.T) {
	const ok = "+OK hi\r\n"
	tests := []struct {
		name   string
		script string
		op     func(*Client) error
		check  func(error) bool
	}{
		{"greeting not +OK", "HELLO\r\n", nil, isProto},
		{"greeting -ERR", "-ERR [SYS/TEMP] busy\r\n", nil, isCode("SYS/TEMP")},
		{"greeting cut", "+OK no newline", nil, isEOF},
		{"endless greeting", "+OK " + strings.Repeat("x", DefaultClientMaxLine+10) + "\r\n", nil, isTooLong},
		{"stat garbage", ok + "+OK two 3\r\n", stat, isProto},
		{"stat short", ok + "+OK\r\n", stat, isProto},
		{"stat negative", ok + "+OK -1 5\r\n", stat, isProto},
		{"list garbage", ok + "+OK\r\n1 x\r\n.\r\n", list, isProto},
		{"list zero", ok + "+OK\r\n0 10\r\n.\r\n", list, isProto},
		{"list one field", ok + "+OK\r\n1\r\n.\r\n", list, isProto},
		{"list no end", ok + "+OK\r\n1 10\r\n", list, isEOF},
		{"uidl too long", ok + "+OK\r\n1 " + strings.Repeat("u", 71) + "\r\n.\r\n", uidl, isProto},
		{"retr no end", ok + "+OK\r\nSubject: x\r\n", retr, isEOF},
		{"retr huge line", ok + "+OK\r\n" + strings.Repeat("y", DefaultClientMaxLine+1) + "\r\n.\r\n", retr, isTooLong},
		{"retr binary", ok + "+OK\r\n\x00\xff\r\n.\r\n", retr, func(err error) bool { return err == nil }},
		{"dele junk reply", ok + "\x00\x01\r\n", dele, isProto},
		{"err without text", ok + "-ERR\r\n", dele, isCode("")},
		{"unclosed code", ok + "-ERR [AUTH bad\r\n", dele, isCode("")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewClient(fakeServer(t, tc.script))
			if tc.op != nil {
				if err != nil {
					t.Fatalf("greeting: %v", err)
				}
				err = tc.op(c)
			}
			if !tc.check(err) {
				t.Fatalf("unexpected error %#v (%v)", err, err)
			}
		})
	}
}

// TestClientResponseLimit: a server can't make the client hold more than
// MaxResponse octets.
func TestClientResponseLimit(t *testing.T) {
	c, err := NewClient(fakeServer(t, "+OK\r\n+OK\r\n"+strings.Repeat("line\r\n", 1000)+".\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	c.MaxResponse = 100
	if _, err := c.Retr(1); !isProto(err) {
		t.Fatalf("Retr = %v, want size-limit protocol error", err)
	}
}

func stat(c *Client) error     { _, _, err := c.Stat(); return err }
func list(c *Client) error     { _, err := c.List(); return err }
func uidl(c *Client) error     { _, err := c.UIDL(); return err }
func retr(c *Client) error     { _, err := c.Retr(1); return err }
func dele(c *Client) error     { return c.Dele(1) }
func isProto(err error) bool   { var pe *ProtocolError; return errors.As(err, &pe) }
func isEOF(err error) bool     { return errors.Is(err, io.EOF) }
func isTooLong(err error) bool { return errors.Is(err, ErrLineTooLong) }
func isCode(code string) func(error) bool {
	return func(err error) bool { var e *Error; return errors.As(err, &e) && e.Code == code }
}

func TestWireSize(t *testing.T) {
	for in, want := range map[string]int{
		"":             0,
		"a\r\n":        3,
		"a\n":          3,
		"a":            3,
		"\n\n":         4,
		"a\r\nb\nc":    9,
		"x\r\n\r\ny\n": 8,
	} {
		if got := wireSize([]byte(in)); got != want {
			t.Errorf("wireSize(%q) = %d, want %d", in, got, want)
		}
	}
}
