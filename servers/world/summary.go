package world

import (
	"bytes"

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
	if s.Kind != service.DNS || e.Proto != "udp" || len(e.Payload) < 2 {
		return s.Summarize(e.Proto, e.Payload)
	}
	key := e.Payload[2:] // all but the ID, which no summary shows
	if v, ok := c.dns[string(key)]; ok {
		return v
	}
	v := s.Summarize(e.Proto, e.Payload)
	if pointsAtID(key) {
		return v // its names may be read from the ID: not the same for another ID
	}
	if len(c.dns) >= maxDNSSummaries {
		clear(c.dns)
	}
	c.dns[string(key)] = v
	return v
}

// pointsAtID tells whether a message (without its ID) holds a name
// compression pointer to offset 0 or 1 (RFC 1035 §4.1.4), which would
// read labels from the ID. Our servers never write one; a datagram from
// outside (mailsim serve) might.
func pointsAtID(key []byte) bool {
	return bytes.Contains(key, []byte{0xc0, 0x00}) || bytes.Contains(key, []byte{0xc0, 0x01})
}
