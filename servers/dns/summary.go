package dns

import (
	"bytes"
	"fmt"
	"strings"

	mdns "github.com/miekg/dns"
)

// maxSummarized is how many answer records a summary spells out.
const maxSummarized = 3

// SummaryKey is what Summarize reads of a message: all of it but the ID,
// which no summary shows, so messages that differ only in their ID can
// share one. ok is false when the message holds a name compression
// pointer to offset 0 or 1 (RFC 1035 §4.1.4), which reads labels from
// the ID: our servers never write one, a datagram from outside might.
func SummaryKey(payload []byte) (key []byte, ok bool) {
	if len(payload) < 2 {
		return nil, false
	}
	key = payload[2:]
	if bytes.Contains(key, []byte{0xc0, 0x00}) || bytes.Contains(key, []byte{0xc0, 0x01}) {
		return nil, false
	}
	return key, true
}

// Summarize describes a DNS message in one short line for the trace and
// the window: "MX? comentum.com" for a query; "MX comentum.com → 10
// smtp.comentum.com", "NXDOMAIN nosuch.example", "NODATA AAAA
// comentum.com" or "referral comentum.com → ns.comentum.com" for replies.
func Summarize(payload []byte) string {
	m := new(mdns.Msg)
	if err := m.Unpack(payload); err != nil {
		return fmt.Sprintf("malformed DNS message (%d bytes)", len(payload))
	}
	qname, qtype := "", "?"
	if len(m.Question) > 0 {
		qname = trimDot(m.Question[0].Name)
		qtype = typeName(m.Question[0].Qtype)
	}
	var s string
	switch {
	case !m.Response && m.Opcode != mdns.OpcodeQuery:
		s = fmt.Sprintf("%s %s", mdns.OpcodeToString[m.Opcode], qname)
	case !m.Response:
		s = fmt.Sprintf("%s? %s", qtype, qname)
	case m.Rcode != mdns.RcodeSuccess:
		s = fmt.Sprintf("%s %s", rcodeName(m.Rcode), qname)
	case len(m.Answer) > 0:
		var parts []string
		for i, rr := range m.Answer {
			if i == maxSummarized {
				parts = append(parts, fmt.Sprintf("+%d more", len(m.Answer)-i))
				break
			}
			parts = append(parts, rdata(rr, qtype))
		}
		s = fmt.Sprintf("%s %s → %s", qtype, qname, strings.Join(parts, ", "))
	default:
		if child, ns := referral(m, ".", mdns.CanonicalName(qname)); child != "" || isRootReferral(m) {
			if child == "" {
				child, ns = ".", m.Ns
			}
			var hosts []string
			for _, rr := range ns {
				hosts = append(hosts, trimDot(rr.(*mdns.NS).Ns))
			}
			s = fmt.Sprintf("referral %s → %s", trimDot(child), strings.Join(hosts, ", "))
		} else {
			s = fmt.Sprintf("NODATA %s %s", qtype, qname)
		}
	}
	if m.Truncated {
		s += " (truncated)"
	}
	return s
}

// isRootReferral spots a referral to the root servers (an upward referral).
func isRootReferral(m *mdns.Msg) bool {
	if m.Authoritative || len(m.Ns) == 0 {
		return false
	}
	for _, rr := range m.Ns {
		if _, ok := rr.(*mdns.NS); !ok || rr.Header().Name != "." {
			return false
		}
	}
	return true
}

// rdata renders a record's data briefly; records of another type than
// the question say which type they are ("CNAME www.example.com").
func rdata(rr mdns.RR, qtype string) string {
	fields := strings.Fields(strings.TrimPrefix(rr.String(), rr.Header().String()))
	for i, f := range fields {
		fields[i] = trimDot(f)
	}
	s := strings.Join(fields, " ")
	if t := typeName(rr.Header().Rrtype); t != qtype {
		s = t + " " + s
	}
	return s
}

func typeName(t uint16) string {
	if s, ok := mdns.TypeToString[t]; ok {
		return s
	}
	return fmt.Sprintf("TYPE%d", t)
}
