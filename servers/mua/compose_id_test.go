package mua

import (
	"testing"

	"mailsim/servers/env"
)

// compose returns the Message-ID it wrote, as the message's own header
// field reads.
func TestComposeID(t *testing.T) {
	p := New(env.NewLoopback("lisa-pc", 3), Account{Name: "Lisa", Address: "lisa@otherisp.com"})
	for range 3 {
		msg, id, err := p.compose([]string{"bob@comentum.com"}, "Hi", "Hello Bob")
		if err != nil {
			t.Fatal(err)
		}
		if got := messageIDOf(msg); got != id || id == "" {
			t.Errorf("compose says %q, the message %q", id, got)
		}
	}
}
