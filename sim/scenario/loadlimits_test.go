package scenario

import (
	"fmt"
	"strings"
	"testing"
)

const limitsBase = `isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum: {domain: comentum.com, users: {bob: secret2}}
hosts:
  lisa-pc: {user: lisa@otherisp.com}
expect:
  - {mailbox: {of: bob@comentum.com, count: 0}}
`

// L3: an epoch whose distance from today does not fit a Go duration is
// refused when the scenario loads, not found out by timeouts.
func TestEpochRange(t *testing.T) {
	for _, c := range []struct {
		epoch string
		ok    bool
	}{{"2000-01-03T09:00:00Z", true}, {"1900-01-01T00:00:00Z", true}, {"2199-12-31T23:59:59Z", true},
		{"2400-01-01T00:00:00Z", false}, {"1600-01-01T00:00:00Z", false}, {"9999-01-01T00:00:00Z", false}} {
		_, err := Parse("e.yaml", []byte("epoch: "+c.epoch+"\n"+limitsBase))
		if c.ok != (err == nil) {
			t.Errorf("epoch %s: %v", c.epoch, err)
		}
		if err != nil && !strings.Contains(err.Error(), "out of range: from 1900 to 2199") {
			t.Errorf("epoch %s: %v", c.epoch, err)
		}
	}
}

// L4: a send to more than 100 recipients is refused with a hint, rather
// than validating and then losing the message.
func TestSendRecipientLimit(t *testing.T) {
	to := func(n int) string {
		var r []string
		for i := range n {
			r = append(r, fmt.Sprintf("u%d@comentum.com", i))
		}
		return "[" + strings.Join(r, ", ") + "]"
	}
	for _, n := range []int{100, 101} {
		y := limitsBase + "timeline:\n  - {at: 0s, send: {from: lisa@otherisp.com, to: " + to(n) + "}}\n"
		_, err := Parse("r.yaml", []byte(y))
		if n == 100 && err != nil {
			t.Errorf("100 recipients: %v", err)
		}
		if n == 101 && (err == nil || !strings.Contains(err.Error(), "send has 101 recipients; at most 100 (split them over several send: actions)")) {
			t.Errorf("101 recipients: %v", err)
		}
	}
}
