package scenario

import "net/netip"

// index makes Host, ISP, PC, Mailbox and HostsOf constant-time lookups:
// with thousands of ISPs and PCs, linear scans inside loops over them
// made loading and building a world quadratic. It is built once the
// slices are complete; a lookup checks that its slice has not grown
// since (tests build Scenario values by hand) and scans otherwise.
type index struct {
	nHosts, nISPs, nPCs int
	hosts, isps, pcs    map[string]int
	addrs               map[netip.Addr]int
	mailbox             map[string][2]string // address -> ISP, login
	ispHosts            map[string][]int     // ISP -> its hosts, in order
}

// reindex (re)builds s's index; call it after changing the slices.
func (s *Scenario) reindex() {
	x := &index{nHosts: len(s.Hosts), nISPs: len(s.ISPs), nPCs: len(s.PCs),
		hosts: make(map[string]int, len(s.Hosts)), isps: make(map[string]int, len(s.ISPs)),
		pcs: make(map[string]int, len(s.PCs)), addrs: make(map[netip.Addr]int, len(s.Hosts)), mailbox: map[string][2]string{}, ispHosts: map[string][]int{}}
	for i := len(s.Hosts) - 1; i >= 0; i-- { // the first of duplicate names wins, as a scan finds it
		x.hosts[s.Hosts[i].Name] = i
		if a := s.Hosts[i].Addr; a.IsValid() {
			x.addrs[a] = i
		}
	}
	for i := range s.Hosts {
		if isp := s.Hosts[i].ISP; isp != "" {
			x.ispHosts[isp] = append(x.ispHosts[isp], i)
		}
	}
	for i := len(s.ISPs) - 1; i >= 0; i-- {
		x.isps[s.ISPs[i].Name] = i
		for j := len(s.ISPs[i].Users) - 1; j >= 0; j-- {
			u := s.ISPs[i].Users[j]
			for _, a := range u.Addresses {
				x.mailbox[a] = [2]string{s.ISPs[i].Name, u.Login}
			}
		}
	}
	for i := len(s.PCs) - 1; i >= 0; i-- {
		x.pcs[s.PCs[i].Host] = i
	}
	s.idx = x
}

// fresh returns the index if it still describes s.
func (s *Scenario) fresh() *index {
	x := s.idx
	if x == nil || x.nHosts != len(s.Hosts) || x.nISPs != len(s.ISPs) || x.nPCs != len(s.PCs) {
		return nil
	}
	return x
}

// HostsOf returns the hosts in the named ISP's LAN, in order.
func (s *Scenario) HostsOf(isp string) []*Host {
	var out []*Host
	if x := s.fresh(); x != nil {
		for _, i := range x.ispHosts[isp] {
			out = append(out, &s.Hosts[i])
		}
		return out
	}
	for i := range s.Hosts {
		if s.Hosts[i].ISP == isp {
			out = append(out, &s.Hosts[i])
		}
	}
	return out
}

// HostByAddr returns the host with address a, or nil.
func (s *Scenario) HostByAddr(a netip.Addr) *Host {
	if x := s.fresh(); x != nil {
		if i, ok := x.addrs[a]; ok {
			return &s.Hosts[i]
		}
		return nil
	}
	for i := range s.Hosts {
		if s.Hosts[i].Addr == a {
			return &s.Hosts[i]
		}
	}
	return nil
}
