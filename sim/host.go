package sim

import (
	"context"
	"fmt"
	"math/rand"
	"net"
	"net/netip"
	"time"
)

// Host is a simulated computer with one address. It implements
// servers/env.Env, so servers and the mail program run on it unchanged.
type Host struct {
	w    *World
	name string
	addr netip.Addr
	node *node
	rnd  *rand.Rand

	listeners map[uint16]*listener
	tcp       map[connKey]*tcpConn
	udp       map[uint16]*udpConn
	nextPort  uint16
}

type connKey struct {
	local, remote netip.AddrPort
}

func newHost(w *World, name string, addr netip.Addr) *Host {
	return &Host{
		w: w, name: name, addr: addr,
		listeners: map[uint16]*listener{},
		tcp:       map[connKey]*tcpConn{},
		udp:       map[uint16]*udpConn{},
		nextPort:  49152,
	}
}

// Name is the host's name.
func (h *Host) Name() string { return h.name }

// Addr is the host's address.
func (h *Host) Addr() netip.Addr { return h.addr }

// World is the world the host belongs to.
func (h *Host) World() *World { return h.w }

// Now is the current virtual time as a wall-clock instant.
func (h *Host) Now() time.Time {
	return h.w.cfg.Epoch.Add(h.w.Now())
}

// Deadline is d of virtual time from now, for SetDeadline on this host's
// conns.
func (h *Host) Deadline(d time.Duration) time.Time { return h.Now().Add(d) }

// Sleep blocks the calling goroutine for d of virtual time. Once the
// world is closing it ends the goroutine instead (see World.Close).
func (h *Host) Sleep(d time.Duration) {
	h.w.sleep(d, fmt.Sprintf("%s: sleep %s", h.name, d))
}

// Go starts fn on this host, as a goroutine of the simulation.
func (h *Host) Go(name string, fn func()) {
	h.w.Go(h.name+": "+name, fn)
}

// GoAfter starts fn on this host after d of virtual time, as a goroutine
// of the simulation. Until then nothing of it runs or waits: a queue of
// messages waiting to be retried keeps no goroutines, nor their stacks.
func (h *Host) GoAfter(d time.Duration, name string, fn func()) {
	h.w.GoAfter(d, h.name+": "+name, fn)
}

// Rand is the host's seeded random source. It is made on first use,
// and its state is kept only while it is drawn from often (rand.go).
// Its seed depends on the host's name only, so when does not matter.
func (h *Host) Rand() *rand.Rand {
	if h.rnd == nil {
		h.rnd = h.w.newHostRand("host:" + h.name)
	}
	return h.rnd
}

// Logf records a note from this host in the trace.
func (h *Host) Logf(format string, args ...any) {
	h.w.mu.Lock()
	defer h.w.mu.Unlock()
	text := ""
	if h.w.heard() { // unheard, the note only counts: no need to format it
		text = fmt.Sprintf(format, args...)
	}
	h.w.noteLocked(h.name, text)
}

// ephemeralPort picks the next free local port, as an OS would. w.mu held.
func (h *Host) ephemeralPort() uint16 {
	for i := 0; i < 16384; i++ {
		p := h.nextPort
		h.nextPort++
		if h.nextPort == 0 {
			h.nextPort = 49152
		}
		if h.listeners[p] == nil && h.udp[p] == nil {
			return p
		}
	}
	return 0
}

// resolve turns "host:port" into an address. Hosts of the topology can be
// named directly, as in an /etc/hosts file; everything else must be an IP.
func (w *World) resolve(network, address string) (netip.AddrPort, error) {
	hostPart, portPart, err := net.SplitHostPort(address)
	if err != nil {
		return netip.AddrPort{}, err
	}
	port, err := net.LookupPort(network, portPart)
	if err != nil {
		return netip.AddrPort{}, err
	}
	if ip, err := netip.ParseAddr(hostPart); err == nil {
		return netip.AddrPortFrom(ip.Unmap(), uint16(port)), nil
	}
	w.mu.Lock()
	n := w.nodes[hostPart]
	w.mu.Unlock()
	if n == nil || n.host == nil {
		return netip.AddrPort{}, &net.DNSError{Err: "no such host", Name: hostPart, IsNotFound: true}
	}
	return netip.AddrPortFrom(n.host.addr, uint16(port)), nil
}

// Dial connects from this host, like net.Dialer.DialContext. Networks:
// "tcp", "tcp4", "udp", "udp4".
func (h *Host) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	raddr, err := h.w.resolve(network, address)
	if err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, &net.OpError{Op: "dial", Net: network, Addr: tcpAddr(raddr), Err: err}
	}
	switch network {
	case "tcp", "tcp4":
		return h.dialTCP(raddr)
	case "udp", "udp4":
		return h.dialUDP(raddr)
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: net.UnknownNetworkError(network)}
}

// Listen listens for TCP connections on this host, e.g. ":25".
func (h *Host) Listen(network, address string) (net.Listener, error) {
	if network != "tcp" && network != "tcp4" {
		return nil, &net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)}
	}
	port, err := h.localPort(network, address)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: network, Err: err}
	}
	return h.listenTCP(port)
}

// ListenPacket opens a UDP socket on this host, e.g. ":53".
func (h *Host) ListenPacket(network, address string) (net.PacketConn, error) {
	if network != "udp" && network != "udp4" {
		return nil, &net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)}
	}
	port, err := h.localPort(network, address)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: network, Err: err}
	}
	return h.listenUDP(port, netip.AddrPort{})
}

func (h *Host) localPort(network, address string) (uint16, error) {
	hostPart, portPart, err := net.SplitHostPort(address)
	if err != nil {
		return 0, err
	}
	if hostPart != "" {
		ip, err := netip.ParseAddr(hostPart)
		if err != nil || (ip.Unmap() != h.addr && !ip.IsUnspecified()) {
			return 0, fmt.Errorf("%s is not an address of host %s (%s)", hostPart, h.name, h.addr)
		}
	}
	p, err := net.LookupPort(network, portPart)
	return uint16(p), err
}

func tcpAddr(ap netip.AddrPort) *net.TCPAddr { return net.TCPAddrFromAddrPort(ap) }
func udpAddr(ap netip.AddrPort) *net.UDPAddr { return net.UDPAddrFromAddrPort(ap) }
