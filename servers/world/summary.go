package world

import (
	"mailsim/servers/dns"
	"mailsim/sim"
)

// summarize writes one line per segment: the protocol line it carries,
// or for DNS the question or answer ("MX? comentum.com").
func summarize(e *sim.Event) string {
	if e.Src.Port() == 53 || e.Dst.Port() == 53 {
		p := e.Payload
		if e.Proto == "tcp" {
			if len(p) < 2 {
				return ""
			}
			p = p[2:] // RFC 1035 §4.2.2 length prefix
		}
		if len(p) == 0 {
			return ""
		}
		return dns.Summarize(p)
	}
	return ""
}
