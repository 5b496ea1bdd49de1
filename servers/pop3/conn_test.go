package pop3

import (
	"strings"
	"testing"
)

const greeting = "+OK pop.comentum.com POP3 server ready\r\n"

// login is the exchange that opens bob's maildrop.
var login = []step{
	{"USER bob\r\n", "+OK send PASS\r\n"},
	{"PASS secret\r\n", "+OK bob's maildrop has 2 messages (126 octets)\r\n"},
}

type step struct{ send, want string }

func steps(groups ...[]step) []step {
	var out []step
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// TestConversation replays client sessions and compares every reply byte
// for byte.
func TestConversation(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
	}{
		{"quit at once", []step{
			{"QUIT\r\n", "+OK pop.comentum.com POP3 server signing off\r\n"},
		}},
		{"capa before login", []step{
			{"CAPA\r\n", "+OK capability list follows\r\nTOP\r\nUIDL\r\nUSER\r\nRESP-CODES\r\nAUTH-RESP-CODE\r\nPIPELINING\r\nIMPLEMENTATION mailsim-pop3\r\n.\r\n"},
		}},
		{"stat list uidl", steps(login, []step{
			{"STAT\r\n", "+OK 2 126\r\n"},
			{"LIST\r\n", "+OK 2 messages (126 octets)\r\n1 96\r\n2 30\r\n.\r\n"},
			{"LIST 2\r\n", "+OK 2 30\r\n"},
			{"UIDL\r\n", "+OK unique-id listing follows\r\n1 bob.1\r\n2 bob.2\r\n.\r\n"},
			{"uidl 1\r\n", "+OK 1 bob.1\r\n"},
			{"LIST 3\r\n", "-ERR no such message\r\n"},
			{"LIST 0\r\n", "-ERR no such message\r\n"},
			{"LIST -1\r\n", "-ERR invalid message number\r\n"},
			{"LIST 99999999999999999999\r\n", "-ERR invalid message number\r\n"},
			{"NOOP\r\n", "+OK\r\n"},
		})},
		{"retr dot-stuffs and normalises CRLF", steps(login, []step{
			{"RETR 1\r\n", "+OK 96 octets\r\n" + strings.Replace(msg1, "\r\n.hidden", "\r\n..hidden", 1) + ".\r\n"},
			{"RETR 2\r\n", "+OK 30 octets\r\nSubject: two\r\n\r\nline1\r\nline2\r\n.\r\n"},
		})},
		{"top", steps(login, []step{
			{"TOP 1 0\r\n", "+OK top of message follows\r\nFrom: lisa@otherisp.com\r\nTo: bob@comentum.com\r\nSubject: Hello\r\n\r\n.\r\n"},
			{"TOP 1 2\r\n", "+OK top of message follows\r\nFrom: lisa@otherisp.com\r\nTo: bob@comentum.com\r\nSubject: Hello\r\n\r\nHi Bob\r\n..hidden dot line\r\n.\r\n"},
			{"TOP 2 100\r\n", "+OK top of message follows\r\nSubject: two\r\n\r\nline1\r\nline2\r\n.\r\n"},
			{"TOP 1 -1\r\n", "-ERR invalid line count\r\n"},
			{"TOP 1\r\n", "-ERR usage: TOP msg lines\r\n"},
		})},
		{"dele rset quit", steps(login, []step{
			{"DELE 1\r\n", "+OK message 1 deleted\r\n"},
			{"DELE 1\r\n", "-ERR message 1 already deleted\r\n"},
			{"RETR 1\r\n", "-ERR message 1 already deleted\r\n"},
			{"STAT\r\n", "+OK 1 30\r\n"},
			{"LIST\r\n", "+OK 1 messages (30 octets)\r\n2 30\r\n.\r\n"},
			{"RSET\r\n", "+OK maildrop has 2 messages (126 octets)\r\n"},
			{"DELE 2\r\n", "+OK message 2 deleted\r\n"},
			{"QUIT\r\n", "+OK pop.comentum.com POP3 server signing off (1 messages left)\r\n"},
		})},
		{"out of sequence", []step{
			{"STAT\r\n", "-ERR command not valid in this state, log in first\r\n"},
			{"RETR 1\r\n", "-ERR command not valid in this state, log in first\r\n"},
			{"PASS secret\r\n", "-ERR USER first\r\n"},
			{"USER\r\n", "-ERR usage: USER name\r\n"},
			{"USER bob\r\n", "+OK send PASS\r\n"},
			{"PASS wrong\r\n", "-ERR [AUTH] invalid user name or password\r\n"},
			{"PASS secret\r\n", "-ERR USER first\r\n"},
			{"USER nobody\r\n", "+OK send PASS\r\n"},
			{"PASS x\r\n", "-ERR [AUTH] invalid user name or password\r\n"},
			{"user bob\r\n", "+OK send PASS\r\n"},
			{"pass secret\r\n", "+OK bob's maildrop has 2 messages (126 octets)\r\n"},
			{"USER bob\r\n", "-ERR already logged in\r\n"},
			{"STAT extra\r\n", "-ERR STAT takes no argument\r\n"},
			{"RETR\r\n", "-ERR message number required\r\n"},
		}},
		{"password with spaces and bare LF", []step{
			{"USER alice\n", "+OK send PASS\r\n"},
			{"PASS pw with spaces\n", "+OK alice's maildrop has 0 messages (0 octets)\r\n"},
			{"LIST\n", "+OK 0 messages (0 octets)\r\n.\r\n"},
		}},
		{"unknown and empty", []step{
			{"XYZZY\r\n", "-ERR unknown command\r\n"},
			{"\r\n", "-ERR unknown command\r\n"},
			{"APOP bob 0123\r\n", "-ERR unknown command\r\n"},
		}},
		{"overlong line then sane", steps([]step{
			{strings.Repeat("A", 5000) + "\r\n", "-ERR line too long\r\n"},
			{"USER " + strings.Repeat("b", 508) + "\r\n", "-ERR line too long\r\n"},
			{"NOOP\r\n", "-ERR command not valid in this state, log in first\r\n"},
		}, login, []step{
			{"STAT\r\n", "+OK 2 126\r\n"},
		})},
		{"pipelined", []step{
			{"USER bob\r\nPASS secret\r\nSTAT\r\nLIST 1\r\n", "+OK send PASS\r\n+OK bob's maildrop has 2 messages (126 octets)\r\n+OK 2 126\r\n+OK 1 96\r\n"},
		}},
		{"binary junk", []step{
			{"\x00\xff\xfe\x01 \x7f\r\n", "-ERR unknown command\r\n"},
			{"\x00\x00\x00\n", "-ERR unknown command\r\n"},
			{"RETR \xff\r\n", "-ERR command not valid in this state, log in first\r\n"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			addr, _ := startServer(t, newStore(t))
			c := dialRaw(t, addr)
			c.expect(greeting)
			for _, s := range tc.steps {
				c.send(s.send)
				c.expect(s.want)
			}
		})
	}
}

// TestBadCommandLimit: junk without end gets the connection closed.
func TestBadCommandLimit(t *testing.T) {
	addr, _ := startServer(t, newStore(t))
	c := dialRaw(t, addr)
	c.expect(greeting)
	for i := 0; i < DefaultMaxBadCommands; i++ {
		c.send("JUNK\r\n")
		c.expect("-ERR unknown command\r\n")
	}
	c.expect("-ERR too many bad commands, closing connection\r\n")
	c.expectEOF()
}

// TestQuitClosesAndDeletes: deletions happen at QUIT and the server
// closes the connection after its reply.
func TestQuitClosesAndDeletes(t *testing.T) {
	st := newStore(t)
	addr, _ := startServer(t, st)
	c := dialRaw(t, addr)
	c.expect(greeting)
	for _, s := range steps(login, []step{{"DELE 1\r\n", "+OK message 1 deleted\r\n"}}) {
		c.send(s.send)
		c.expect(s.want)
	}
	if n := len(st.Messages("bob")); n != 2 {
		t.Fatalf("before QUIT: %d messages in store, want 2 (DELE must wait for UPDATE)", n)
	}
	c.send("QUIT\r\n")
	c.expect("+OK pop.comentum.com POP3 server signing off (1 messages left)\r\n")
	c.expectEOF()
	msgs := st.Messages("bob")
	if len(msgs) != 1 || msgs[0].UID != "bob.2" {
		t.Fatalf("after QUIT: %+v, want only bob.2", msgs)
	}
}
