package world

import (
	"mailsim/servers/service"
	"mailsim/sim"
)

// summarize writes one line per segment with the summary parser of the
// service on either port (for DNS the question or answer, "MX?
// comentum.com"); "" leaves the kernel's default, the first line.
func summarize(e *sim.Event) string {
	if s := service.OfConversation(e.Src.Port(), e.Dst.Port()); s != nil {
		return s.Summarize(e.Proto, e.Payload)
	}
	return ""
}
