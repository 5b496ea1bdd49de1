package mua

import (
	"bufio"
	"context"
	"errors"
	"io"
	"testing"

	"mailsim/servers/env"
	"mailsim/servers/pop3"
)

// TestCheckMailGarbledServer: a server that talks nonsense or drops the
// line yields a FetchError naming the step, never a panic or a hang.
func TestCheckMailGarbledServer(t *testing.T) {
	tests := []struct {
		name, script, step string
		cmds               int // client lines to read before hanging up
	}{
		{"not pop3", "220 smtp here\r\n", "greeting", 0},
		{"dropped after greeting", "+OK hi\r\n", "USER", 0},
		{"refuses login", "+OK hi\r\n+OK\r\n-ERR [IN-USE] busy\r\n", "PASS", 2},
		{"bad uidl", "+OK hi\r\n+OK\r\n+OK\r\n+OK\r\nnot a listing\r\n.\r\n", "UIDL", 3},
		{"retr cut", "+OK hi\r\n+OK\r\n+OK\r\n+OK\r\n1 a\r\n.\r\n+OK\r\nSubject: x\r\n", "RETR 1", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := listen(t)
			defer l.Close()
			go func() {
				c, err := l.Accept()
				if err != nil {
					return
				}
				defer c.Close()
				io.WriteString(c, tc.script)
				br := bufio.NewReader(c)
				for i := 0; i < tc.cmds; i++ {
					if _, err := br.ReadString('\n'); err != nil {
						return
					}
				}
			}()
			p := New(env.NewLoopback("bob-pc", 1), Account{Address: "bob@comentum.com", Username: "bob", Password: "pw", POP3Server: l.Addr().String()})
			_, err := p.CheckMail(context.Background())
			var fe *FetchError
			if !errors.As(err, &fe) || fe.Step != tc.step {
				t.Fatalf("err = %v, want a FetchError at %s", err, tc.step)
			}
			if tc.name == "refuses login" {
				var pe *pop3.Error
				if !errors.As(err, &pe) || pe.Code != "IN-USE" {
					t.Errorf("err = %v, want [IN-USE]", err)
				}
			}
			if len(p.Inbox()) != 0 {
				t.Errorf("inbox not empty: %+v", p.Inbox())
			}
		})
	}
}
