package dns

import (
	"fmt"

	mdns "github.com/miekg/dns"
)

// RcodeError is a lookup that ended in a DNS response code other than
// NOERROR, such as SERVFAIL when every server of a zone failed or NXDOMAIN
// at a client. Err, when set, is the cause (a timeout, a refused dial).
type RcodeError struct {
	Name  string
	Qtype uint16
	Rcode int // mdns.RcodeServerFailure, mdns.RcodeNameError, ...
	Err   error
}

func (e *RcodeError) Error() string {
	what := rcodeName(e.Rcode)
	if e.Rcode == mdns.RcodeSuccess {
		what = "no such record (NODATA)"
	}
	s := fmt.Sprintf("dns: %s %s: %s", trimDot(e.Name), mdns.TypeToString[e.Qtype], what)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *RcodeError) Unwrap() error { return e.Err }

func servfail(name string, qtype uint16, format string, args ...any) *RcodeError {
	return &RcodeError{Name: name, Qtype: qtype, Rcode: mdns.RcodeServerFailure, Err: fmt.Errorf(format, args...)}
}

func rcodeName(rc int) string {
	if s, ok := mdns.RcodeToString[rc]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rc)
}

func trimDot(name string) string {
	if len(name) > 1 && name[len(name)-1] == '.' {
		return name[:len(name)-1]
	}
	return name
}
