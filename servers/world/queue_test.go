package world

import (
	"strings"
	"testing"
	"time"
)

// After warn_after (4h by default) the sender's mailbox holds a delay
// warning as Postfix writes it: an RFC 3464 report with Action: delayed
// and the time the server will keep trying until; it is not a bounce.
func TestDelayWarning(t *testing.T) {
	rt := buildScenario(t, load(t, "queue-lifetime.yaml"))
	if err := rt.RunUntil(4*time.Hour + time.Minute); err != nil {
		t.Fatal(err)
	}
	msgs := rt.Store("otherisp").Messages("lisa")
	if len(msgs) != 1 {
		t.Fatalf("lisa has %d messages at 4h01m, want the delay warning", len(msgs))
	}
	dsn := string(msgs[0].Data)
	for _, want := range []string{"Subject: Delayed Mail (still being retried)", "THIS IS A WARNING ONLY",
		"could not be delivered for more than 4 hour(s)", "retried until it is 5 day(s) old",
		"Action: delayed", "Status: 4.4.1", "Will-Retry-Until: Sat, 08 Jan 2000 09:00:10 +0000"} {
		if !strings.Contains(dsn, want) {
			t.Errorf("delay warning lacks %q:\n%s", want, dsn)
		}
	}
	if parseBounce(msgs[0].Data) != nil {
		t.Error("a delay warning counts as a bounce")
	}
	if q := rt.SMTPQueue("smtp.otherisp.com"); len(q) != 1 {
		t.Errorf("queue holds %d entries after the warning, want the message still", len(q))
	}
}
