package smtp

import (
	"sort"
	"strings"
)

// RFC 5321 §4.5.1: every server that delivers mail MUST accept mail for
// "postmaster", in any case, both bare (RCPT TO:<postmaster>, rewritten
// to the first domain on the wire, see wireread.go) and at each of its
// domains. A postmaster@domain entry in Config.Mailboxes is used as it
// stands; every other postmaster address is an alias, like Postfix's
// virtual alias maps, for the mailbox postmasterBox picks.

// postmasterBox is the mailbox that gets postmaster mail: Config.Postmaster
// if set, else the mailbox of postmaster@<first domain> if Mailboxes has
// it, else the mailbox of the alphabetically first address in Mailboxes.
// "" (no postmaster) only when there is no mailbox at all.
func (s *Server) postmasterBox() string {
	if s.cfg.Postmaster != "" {
		return s.cfg.Postmaster
	}
	if len(s.cfg.Domains) > 0 {
		if box, ok := s.explicitBox(address{Local: "postmaster", Domain: normDomain(s.cfg.Domains[0])}); ok {
			return box
		}
	}
	addrs := s.sortedAddrs()
	if len(addrs) == 0 {
		return ""
	}
	return s.boxes[addrs[0]]
}

// postmasterTarget is the address postmaster mail is re-addressed to:
// the alphabetically first address of the postmaster's mailbox, so the
// LMTP host, which maps addresses itself, knows it too; else
// postmaster@<first domain>, which mailbox maps for the store.
func (s *Server) postmasterTarget() address {
	for _, a := range s.sortedAddrs() {
		if s.boxes[a] == s.pmBox {
			addr, _ := parseAddress(a) // checked by withDefaults
			return addr
		}
	}
	return address{Local: "postmaster", Domain: normDomain(s.cfg.Domains[0])}
}

func (s *Server) sortedAddrs() []string {
	addrs := make([]string, 0, len(s.boxes))
	for a := range s.boxes {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	return addrs
}

// isPostmasterAlias reports whether a is postmaster at one of our domains
// without an entry of its own in Mailboxes.
func (s *Server) isPostmasterAlias(a address) bool {
	if !strings.EqualFold(a.Local, "postmaster") || !s.isLocalDomain(a.Domain) || s.pmBox == "" {
		return false
	}
	_, explicit := s.explicitBox(a)
	return !explicit
}

// expandPostmaster re-addresses a postmaster alias to the postmaster's
// mailbox; other addresses are returned as they are.
func (s *Server) expandPostmaster(a address) address {
	if s.isPostmasterAlias(a) {
		return s.pmAddr
	}
	return a
}
