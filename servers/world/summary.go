package world

import (
	"mailsim/servers/dns"
	"mailsim/servers/service"
	"mailsim/sim"
)

// maxDNSSummaries bounds the cache of DNS summaries; it starts again
// when full. A 10,000-message load has a few thousand.
const maxDNSSummaries = 1 << 14

// summaries writes one line per segment with the summary parser of the
// service on either port (for DNS the question or answer, "MX?
// comentum.com"); "" leaves the kernel's default, the first line.
//
// It keeps the DNS ones: a load asks the same questions thousands of
// times, which differ only in their ID, and unpacking each message again
// was a tenth of a traced run. It runs on the kernel's goroutine only.
type summaries struct{ dns map[string]string }

func (c *summaries) summarize(e *sim.Event) string {
	s := service.OfConversation(e.Src.Port(), e.Dst.Port())
	if s == nil {
		return ""
	}
	if s.Kind != service.DNS || e.Proto != "udp" {
		return s.Summarize(e.Proto, e.Payload)
	}
	key, ok := dns.SummaryKey(e.Payload)
	if !ok {
		return s.Summarize(e.Proto, e.Payload)
	}
	if v, ok := c.dns[string(key)]; ok {
		return v
	}
	v := s.Summarize(e.Proto, e.Payload)
	if len(c.dns) >= maxDNSSummaries {
		clear(c.dns)
	}
	c.dns[string(key)] = v
	return v
}
