package smtp

import (
	"strings"
	"testing"
)

// TestRouting covers how the queue finds the next hop: MX preference
// with fallback, the implicit MX of RFC 5321 §5.1, a domain with no mail
// service and a null MX. The permanent cases bounce without waiting.
func TestRouting(t *testing.T) {
	tests := []struct {
		name   string
		rcpt   string
		setup  func(r *memResolver)
		box    string   // mailbox at Comentum that gets the message, if any
		bounce []string // lines the bounce to Lisa must have, if any
	}{
		{"first MX dead, second takes it", "bob@comentum.com", func(r *memResolver) {
			r.mx["comentum.com"] = nil
			r.addMX("comentum.com", "backup.comentum.com", 20)
			r.addMX("comentum.com", "mx1.comentum.com", 10) // 127.0.0.2: nobody listens there
			r.addHost("mx1.comentum.com", "127.0.0.2")
			r.addHost("backup.comentum.com", "127.0.0.1")
		}, "bob", nil},
		{"no MX: the A record is the implicit MX", "joe@implicit.example", func(r *memResolver) {
			r.addHost("implicit.example", "127.0.0.1")
		}, "", []string{"Status: 5.7.1", "Remote-MTA: dns; implicit.example", "Relay access denied"}},
		{"domain does not exist", "joe@nxdomain.example", nil, "",
			[]string{"Status: 5.1.2", "Diagnostic-Code: X-mailsim; Host or domain name not found"}},
		{"null MX", "joe@nullmx.example", nil, "", []string{"Status: 5.1.10", "null MX"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := world()
			if tc.setup != nil {
				tc.setup(r)
			}
			w := newISPs(t, r)
			w.startCom()
			submit(t, w.otherAddr, "lisa@otherisp.com", []string{tc.rcpt}, lisaMsg)
			if tc.box != "" {
				waitMessages(t, w.comStore, tc.box, 1)
			}
			if tc.bounce != nil {
				dsn := string(waitMessages(t, w.otherStore, "lisa", 1)[0].Data)
				for _, want := range tc.bounce {
					if !strings.Contains(dsn, want) {
						t.Errorf("bounce lacks %q:\n%s", want, dsn)
					}
				}
			}
			// Nothing here should have needed a retry.
			waitFor(t, func() bool { return len(w.other.Queue()) == 0 })
			if strings.Contains(w.otherLog.String(), "deferred") {
				t.Errorf("unexpected deferral:\n%s", w.otherLog)
			}
		})
	}
}
