package world

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"

	"mailsim/servers/service"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// ExposeOptions say how the simulated servers appear on the real loopback.
type ExposeOptions struct {
	// From is the simulated host real clients appear to connect from, so
	// its ISP's relaying rules apply. Default: the first PC.
	From string
	// PortOffset is added to a port that cannot be bound as is (below
	// 1024 without root, or taken). Default 10000: 25 → 10025.
	PortOffset int
	// AlwaysOffset uses the offset ports even when the real ones are free.
	AlwaysOffset bool
	// Base is the loopback address host addresses count up from: the
	// i-th host gets Base+i+1. Default 127.1.0.0. It must be in 127/8.
	Base netip.Addr
}

// Endpoint is one simulated service reachable on loopback.
type Endpoint struct {
	Host    string         `json:"host"`    // simulated host, e.g. smtp.comentum.com
	Service string         `json:"service"` // a kind of the service table: smtp, submission, pop3, dns
	Proto   string         `json:"proto"`   // tcp or udp
	Sim     netip.AddrPort `json:"sim"`     // its address inside the simulation
	Real    netip.AddrPort `json:"real"`    // where real clients connect
}

// Exposure is the set of loopback sockets bridging real clients into the
// simulation. Close it to stop.
type Exposure struct {
	From      string
	Endpoints []Endpoint
	closers   []io.Closer
	wg        sync.WaitGroup // accept loops and bridges

	mu     sync.Mutex
	closed bool
	conns  map[*net.TCPConn]net.Conn // bridged real connections, and their simulated halves once dialed
}

// DefaultBase is where loopback host addresses start: 127.1.0.1, …
var DefaultBase = netip.AddrFrom4([4]byte{127, 1, 0, 0})

// LoopbackAddr is the 127.x.y.z address given to the i-th host (0-based)
// of a scenario: base+1, base+2, … (127.1.0.1, 127.1.0.2, … by default).
func LoopbackAddr(base netip.Addr, i int) netip.Addr {
	b := base.As4()
	n := uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n += uint32(i) + 1
	return netip.AddrFrom4([4]byte{127, byte(n >> 16), byte(n >> 8), byte(n)})
}

// Expose listens on loopback for every service of every server host and
// bridges each real connection or datagram into the simulation, as if
// sent from the From host. Run a paced driver (World.Pace) alongside.
func (rt *Runtime) Expose(opts ExposeOptions) (*Exposure, error) {
	if opts.PortOffset == 0 {
		opts.PortOffset = 10000
	}
	if !opts.Base.IsValid() {
		opts.Base = DefaultBase
	}
	if !opts.Base.Is4() || opts.Base.As4()[0] != 127 {
		return nil, fmt.Errorf("loopback base %s is not in 127.0.0.0/8: only loopback is ever bound", opts.Base)
	}
	from := opts.From
	if from == "" && len(rt.Scenario.PCs) > 0 {
		from = rt.Scenario.PCs[0].Host
	}
	client := rt.hosts[from]
	if client == nil {
		return nil, fmt.Errorf("no host %q to connect from", from)
	}
	x := &Exposure{From: from}
	// Hosts are numbered in scenario order, routers left out, so an
	// address stays the same whichever services a host runs.
	i := -1
	for _, h := range rt.Scenario.Hosts {
		if h.Kind == scenario.KindRouter {
			continue
		}
		i++
		hs := rt.services[h.Name]
		if hs == nil {
			continue
		}
		name := h.Name
		ip := LoopbackAddr(opts.Base, i)
		simIP := hs.host.Addr()
		for _, spec := range service.All() {
			if _, runs := hs.serve[spec.Kind]; !runs || !spec.Exposed {
				continue // LMTP trusts its SMTP server and is never exposed
			}
			for _, p := range spec.Ports {
				ep := Endpoint{Host: name, Service: string(spec.Kind), Proto: p.Transport, Sim: netip.AddrPortFrom(simIP, p.Num)}
				var err error
				if p.Transport == "tcp" {
					err = x.listenTCP(client, &ep, ip, opts)
				} else {
					err = x.listenUDP(client, &ep, ip, opts)
				}
				if err != nil {
					x.Close()
					return nil, err
				}
				x.Endpoints = append(x.Endpoints, ep)
			}
		}
	}
	return x, nil
}

// bind tries the real port, then the offset one.
func bind[T io.Closer](ip netip.Addr, port uint16, opts ExposeOptions, listen func(netip.AddrPort) (T, error)) (T, netip.AddrPort, error) {
	if !opts.AlwaysOffset {
		ap := netip.AddrPortFrom(ip, port)
		if l, err := listen(ap); err == nil {
			return l, ap, nil
		}
	}
	ap := netip.AddrPortFrom(ip, port+uint16(opts.PortOffset))
	l, err := listen(ap)
	return l, ap, err
}

func (x *Exposure) listenTCP(client *sim.Host, ep *Endpoint, ip netip.Addr, opts ExposeOptions) error {
	l, ap, err := bind(ip, ep.Sim.Port(), opts, func(ap netip.AddrPort) (*net.TCPListener, error) {
		return net.ListenTCP("tcp", net.TCPAddrFromAddrPort(ap))
	})
	if err != nil {
		return fmt.Errorf("expose %s %s: %w", ep.Host, ep.Service, err)
	}
	ep.Real = ap
	x.closers = append(x.closers, l)
	target := ep.Sim.String()
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		for {
			rc, err := l.AcceptTCP()
			if err != nil {
				return
			}
			if !x.track(rc) {
				rc.Close()
				return
			}
			x.wg.Add(1)
			go func() {
				defer x.wg.Done()
				defer x.untrack(rc)
				x.bridgeTCP(client, rc, target)
			}()
		}
	}()
	return nil
}

// bridgeTCP joins a real connection to a simulated one dialed from client.
// Both copying goroutines are outside the simulation: each sim operation
// they make gets its own turn from the kernel, and a blocked one holds
// none. So a simulated Write that waits for the TCP window stops this
// side reading the real socket, and the real client is slowed to the
// simulated link (its kernel's buffers fill); a real client that reads
// slowly stops the simulated server's writes the same way, never the
// kernel. What one connection holds is bounded by the buffers and the
// window.
func (x *Exposure) bridgeTCP(client *sim.Host, rc *net.TCPConn, target string) {
	defer rc.Close()
	sc, err := client.Dial(context.Background(), "tcp", target)
	if err != nil {
		// The simulated server refused (stopped service) or is out of
		// reach: reset the real connection rather than close it without
		// a greeting, so the client sees a refusal.
		rc.SetLinger(0)
		return
	}
	if !x.adopt(rc, sc) {
		sc.Close()
		return
	}
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		pump(rc, sc, func() { sc.Close() }, func() { rc.CloseWrite() })
	}()
	pump(sc, rc, func() {}, func() { sc.Close() }) // rc is closed on return
}

// pump copies src to dst until one fails: writeFailed runs when dst
// does, readEnded when src ends (EOF or error).
func pump(dst io.Writer, src io.Reader, writeFailed, readEnded func()) {
	buf := make([]byte, 32*1024)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				writeFailed()
				return
			}
		}
		if err != nil {
			readEnded()
			return
		}
	}
}

func (x *Exposure) listenUDP(client *sim.Host, ep *Endpoint, ip netip.Addr, opts ExposeOptions) error {
	pc, ap, err := bind(ip, ep.Sim.Port(), opts, func(ap netip.AddrPort) (*net.UDPConn, error) {
		return net.ListenUDP("udp", net.UDPAddrFromAddrPort(ap))
	})
	if err != nil {
		return fmt.Errorf("expose %s %s: %w", ep.Host, ep.Service, err)
	}
	ep.Real = ap
	x.closers = append(x.closers, pc)
	target := ep.Sim.String()
	x.wg.Add(1)
	go func() {
		defer x.wg.Done()
		// One simulated socket per real client address, the oldest
		// closed past maxUDPFlows (a client picks a new source port per
		// query), the rest left open when the exposure closes: closing
		// them would need the kernel running.
		flows := map[netip.AddrPort]net.Conn{}
		var order []netip.AddrPort
		buf := make([]byte, 64*1024)
		for {
			n, from, err := pc.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			sc := flows[from]
			if sc == nil {
				if len(order) >= maxUDPFlows {
					flows[order[0]].Close()
					delete(flows, order[0])
					order = order[1:]
				}
				if sc, err = client.Dial(context.Background(), "udp", target); err != nil {
					continue
				}
				flows[from] = sc
				order = append(order, from)
				client.Go("udp bridge to "+from.String(), func() {
					rbuf := make([]byte, 64*1024)
					for {
						m, err := sc.Read(rbuf)
						if err != nil {
							return
						}
						pc.WriteToUDPAddrPort(rbuf[:m], from)
					}
				})
			}
			sc.Write(buf[:n])
		}
	}()
	return nil
}

// maxUDPFlows bounds the simulated UDP sockets of one exposed UDP port.
var maxUDPFlows = 256

// track records a bridged connection, unless the exposure is closed.
func (x *Exposure) track(rc *net.TCPConn) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return false
	}
	if x.conns == nil {
		x.conns = map[*net.TCPConn]net.Conn{}
	}
	x.conns[rc] = nil
	return true
}

// adopt records the simulated half of rc's bridge, unless the exposure
// closed meanwhile.
func (x *Exposure) adopt(rc *net.TCPConn, sc net.Conn) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return false
	}
	x.conns[rc] = sc
	return true
}

func (x *Exposure) untrack(rc *net.TCPConn) {
	x.mu.Lock()
	delete(x.conns, rc)
	x.mu.Unlock()
}

// Close stops listening, closes the bridged connections and waits for
// every bridge goroutine to end. A bridge ends its simulated half too,
// which takes a kernel turn: call it while a driver (Pace) still runs,
// or after the world is closed (Runtime.Close).
func (x *Exposure) Close() error {
	x.mu.Lock()
	x.closed = true
	var sims []net.Conn
	for rc, sc := range x.conns {
		rc.Close()
		if sc != nil {
			sims = append(sims, sc)
		}
	}
	x.mu.Unlock()
	// A bridge may be blocked in a simulated write the server does not
	// read: closing its simulated half wakes it.
	for _, sc := range sims {
		sc.Close()
	}
	var errs []error
	for _, c := range x.closers {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	x.wg.Wait()
	return errors.Join(errs...)
}
