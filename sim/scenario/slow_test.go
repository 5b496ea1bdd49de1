package scenario

import (
	"strings"
	"testing"
	"time"
)

const slowBase = `isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum: {domain: comentum.com, users: {bob: secret2}}
hosts:
  lisa-pc: {user: lisa@otherisp.com}
  bob-pc: {user: bob@comentum.com}
timeline:
  - {at: 0s, send: {from: lisa@otherisp.com, to: bob@comentum.com, subject: Hi, disconnect: mid_data}}
%sexpect:
  - {mailbox: {of: bob@comentum.com, count: 0}}
`

// A slow window takes the values given and the link's own for the rest;
// it only adds latency, needs for: and something to change, and one
// window per link at a time.
func TestSlowAction(t *testing.T) {
	s := mustParse(t, strings.Replace(slowBase, "%s", "  - {at: 9m, slow: {link: [comentum-router, internet], for: 2m, latency: 400ms, loss: 5%}}\n", 1))
	var a *Action
	for i := range s.Timeline {
		if s.Timeline[i].Kind == ActSlow {
			a = &s.Timeline[i]
		}
	}
	if a == nil || a.Slow == nil {
		t.Fatalf("no slow action in %+v", s.Timeline)
	}
	var built Link
	for _, l := range s.Links {
		if pairKey(l.A, l.B) == pairKey("comentum-router", "internet") {
			built = l
		}
	}
	want := LinkSlow{For: 2 * time.Minute, Latency: 400 * time.Millisecond, Bandwidth: built.Bandwidth, Loss: 5, Jitter: built.Jitter}
	if *a.Slow != want {
		t.Errorf("slow %+v, want %+v", *a.Slow, want)
	}
	if s.Until != 12*time.Minute { // the window's end, 11m, plus a minute
		t.Errorf("until %v, want 12m", s.Until)
	}
	if s.Timeline[0].Mail.Disconnect != DisconnectMidData {
		t.Errorf("send disconnect %q", s.Timeline[0].Mail.Disconnect)
	}
	for _, tt := range []struct{ line, want string }{
		{"{at: 1m, slow: {link: [comentum-router, internet], for: 1m, latency: 1ms}}", "slow latency 1ms is below the link's own"},
		{"{at: 1m, slow: {link: [comentum-router, internet], latency: 1s}}", "slow needs for:"},
		{"{at: 1m, slow: {link: [comentum-router, internet], for: 0s, loss: 5%}}", "slow for: must be longer than 0s"},
		{"{at: 1m, slow: {link: [comentum-router, internet], for: 1m}}", "slow needs at least one of latency:, bandwidth:, loss:, jitter:"},
		{"{at: 1m, slow: {link: [lisa-pc, bob-pc], for: 1m, loss: 5%}}", "there is no link between lisa-pc and bob-pc"},
		{"{at: 1m, slow: {link: [comentum-router, internet], for: 1m, loss: 5%}}\n  - {at: 90s, slow: {link: [internet, comentum-router], for: 1m, jitter: 5ms}}", "the link internet—comentum-router is already slow until 2m"},
	} {
		_, err := Parse("t.yaml", []byte(strings.Replace(slowBase, "%s", "  - "+tt.line+"\n", 1)))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.line, err, tt.want)
		}
	}
	if _, err := Parse("t.yaml", []byte(strings.NewReplacer("disconnect: mid_data", "disconnect: soon", "%s", "").Replace(slowBase))); err == nil ||
		!strings.Contains(err.Error(), `unknown disconnect "soon"`) {
		t.Errorf("disconnect: soon: %v", err)
	}
}
