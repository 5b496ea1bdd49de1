package smtp

// A backup MX (RFC 5321 §5.1): a server listed with a worse preference
// than a domain's primary takes the domain's mail from anyone, queues
// it and forwards it to a better-preference MX once one answers.

// isRelayDomain reports whether the server is a backup MX for d.
func (s *Server) isRelayDomain(d string) bool {
	d = normDomain(d)
	for _, r := range s.cfg.RelayFor {
		if normDomain(r) == d {
			return true
		}
	}
	return false
}

// pruneSelf applies RFC 5321 §5.1: when this server appears in the MX
// list (sorted by preference), every MX with a preference equal to or
// worse than its own is dropped, so a backup hands mail only upward.
// hosts and prefs are parallel; self reports whether it was listed.
func (s *Server) pruneSelf(hosts []string, prefs []uint16) (kept []string, self bool) {
	for i, h := range hosts {
		if normDomain(h) == normDomain(s.cfg.Hostname) {
			own := prefs[i]
			for j := range hosts {
				if prefs[j] < own {
					kept = append(kept, hosts[j])
				}
			}
			return kept, true
		}
	}
	return hosts, false
}
