package dns

import (
	"context"
	"net"
	"net/netip"

	mdns "github.com/miekg/dns"
)

// Server is an ISP's name server host: authoritative for the ISP's own
// zones, and a recursive resolver for the ISP's customers.
//
// Queries for names in Zones get authoritative answers, recursion desired
// or not, as BIND does for its own zones. Other queries with RD set go to
// Resolver when AllowRecursion admits the client (nil admits everyone);
// the rest are REFUSED (RFC 5358: no open resolvers).
type Server struct {
	Zones          *Authoritative
	Resolver       *Resolver
	AllowRecursion func(client netip.Addr) bool
}

var _ mdns.Handler = (*Server)(nil)

// NewServer wires an ISP's name server: the resolver answers names in
// zones in process (see Resolver.Local) instead of querying itself.
func NewServer(zones *Authoritative, r *Resolver, allow func(netip.Addr) bool) *Server {
	if r != nil && r.Local == nil {
		r.Local = zones
	}
	return &Server{Zones: zones, Resolver: r, AllowRecursion: allow}
}

// ServeDNS implements mdns.Handler.
func (s *Server) ServeDNS(w mdns.ResponseWriter, req *mdns.Msg) {
	_ = w.WriteMsg(s.Answer(context.Background(), clientAddr(w.RemoteAddr()), req))
}

// Answer builds the reply to req from client.
func (s *Server) Answer(ctx context.Context, client netip.Addr, req *mdns.Msg) *mdns.Msg {
	if rc, ok := checkQuery(req); !ok {
		return errorReply(req, rc)
	}
	if s.Zones != nil && s.Zones.Serves(req.Question[0].Name) {
		m := s.Zones.Answer(req)
		m.RecursionAvailable = s.mayRecurse(client)
		return m
	}
	if req.RecursionDesired && s.mayRecurse(client) {
		return s.Resolver.Answer(ctx, req)
	}
	m := errorReply(req, mdns.RcodeRefused)
	m.RecursionAvailable = s.mayRecurse(client)
	return m
}

func (s *Server) mayRecurse(client netip.Addr) bool {
	return s.Resolver != nil && (s.AllowRecursion == nil || s.AllowRecursion(client))
}

// clientAddr extracts the IP of a UDP or TCP peer (or any addr whose
// String is host:port, as simulated addresses may be).
func clientAddr(a net.Addr) netip.Addr {
	switch v := a.(type) {
	case *net.UDPAddr:
		return v.AddrPort().Addr().Unmap()
	case *net.TCPAddr:
		return v.AddrPort().Addr().Unmap()
	case nil:
		return netip.Addr{}
	}
	if ap, err := netip.ParseAddrPort(a.String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}
