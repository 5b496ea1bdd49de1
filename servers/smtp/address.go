package smtp

import (
	"errors"
	"strings"
)

// address is a parsed mailbox: local-part@domain, with the domain
// lower-cased (domains are case-insensitive, local parts are not).
type address struct {
	Local  string
	Domain string
}

func (a address) String() string { return a.Local + "@" + a.Domain }

// Reasons an address is refused; the session maps them to 553 replies.
var (
	errNoAt        = errors.New("need fully-qualified address")
	errLocalPart   = errors.New("invalid local part")
	errDomainName  = errors.New("invalid domain name")
	errTooLongAddr = errors.New("address too long")
)

// parseAddress checks an envelope mailbox as go-smtp hands it over (the
// angle brackets and source route already stripped). Only dot-atom local
// parts and host-name domains are accepted: this server does not offer
// SMTPUTF8 and does not deliver to address literals.
func parseAddress(s string) (address, error) {
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return address{}, errNoAt
	}
	// RFC 5321 §4.5.3.1: local part ≤ 64, path ≤ 256 octets.
	if len(s) > 254 || at > 64 {
		return address{}, errTooLongAddr
	}
	a := address{Local: s[:at], Domain: normDomain(s[at+1:])}
	if !validLocal(a.Local) {
		return address{}, errLocalPart
	}
	if !validDomain(a.Domain) {
		return address{}, errDomainName
	}
	return a, nil
}

// validLocal reports whether s is an RFC 5322 dot-atom.
func validLocal(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~.", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validDomain reports whether d (already lower-cased) is a host name by
// the RFC 1035 preferred syntax, as RFC 5321 §4.1.2 requires.
func validDomain(d string) bool {
	if d == "" || len(d) > 253 {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
