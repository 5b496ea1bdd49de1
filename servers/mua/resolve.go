package mua

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"mailsim/servers/env"
)

// ALookup finds a host's IPv4 addresses and how long they may be kept.
type ALookup interface {
	LookupA(ctx context.Context, host string) ([]string, time.Duration, error)
}

// HostCache is the stub resolver of a PC's operating system: it asks the
// ISP's DNS server for a server's address and keeps the answer for its
// TTL, so the mail program finds its servers by name as a real one does.
// One HostCache serves every program on a host.
type HostCache struct {
	Env      env.Env
	Resolver ALookup

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	addrs   []string
	expires time.Time
}

// NewHostCache returns a cache for the programs on host e.
func NewHostCache(e env.Env, r ALookup) *HostCache {
	return &HostCache{Env: e, Resolver: r, cache: map[string]cached{}}
}

// Resolve turns "host:port" into "ip:port". fresh reports that DNS was
// asked (not the cache), answer says what it said.
func (h *HostCache) Resolve(ctx context.Context, hostport string) (addr, answer string, fresh bool, err error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return "", "", false, err
	}
	if _, perr := netip.ParseAddr(host); perr == nil {
		return hostport, "", false, nil
	}
	now := h.Env.Now()
	h.mu.Lock()
	c, ok := h.cache[host]
	h.mu.Unlock()
	if ok && now.Before(c.expires) {
		return net.JoinHostPort(c.addrs[0], port), c.addrs[0], false, nil
	}
	addrs, ttl, err := h.Resolver.LookupA(ctx, host)
	if err != nil {
		return "", "", true, err
	}
	if len(addrs) == 0 {
		return "", "", true, fmt.Errorf("no address for %s", host)
	}
	h.mu.Lock()
	h.cache[host] = cached{addrs: addrs, expires: h.Env.Now().Add(ttl)}
	h.mu.Unlock()
	return net.JoinHostPort(addrs[0], port), addrs[0], true, nil
}

// dial connects to the server hostport, asking DNS for its address
// first when the account has a HostCache. A failed lookup is reported
// as a step (when msgID names a message) and returned; the hops of the
// lookup itself are in the trace.
func (p *Program) dial(ctx context.Context, hostport, msgID string) (net.Conn, error) {
	addr := hostport
	if hc := p.acct.Hosts; hc != nil {
		a, answer, fresh, err := hc.Resolve(ctx, hostport)
		host, _, _ := net.SplitHostPort(hostport)
		if err != nil {
			p.e.Logf("%s's mail program: cannot find %s in DNS: %v", p.acct.owner(), host, err)
			return nil, &lookupError{host: host, err: err}
		}
		if fresh {
			p.e.Logf("%s's mail program: %s is %s (DNS)", p.acct.owner(), host, answer)
			p.track.Report(env.Step{Kind: env.StepLookup, MessageID: msgID, From: p.e.Name(), Proto: "dns",
				Detail: host, Reply: "A " + answer})
		}
		addr = a
	}
	return p.e.Dial(ctx, "tcp", addr)
}

// lookupError is a server name the mail program could not resolve.
type lookupError struct {
	host string
	err  error
}

func (e *lookupError) Error() string { return fmt.Sprintf("DNS lookup of %s: %v", e.host, e.err) }
func (e *lookupError) Unwrap() error { return e.err }

// dialStep names the step a dial failed at: the lookup or the connect.
func dialStep(err error) string {
	var le *lookupError
	if errors.As(err, &le) {
		return "DNS lookup"
	}
	return "connect"
}

// short says why a lookup failed, for the story: no answer, or the
// resolver's own words.
func (e *lookupError) short() string {
	var de *net.DNSError
	switch {
	case env.IsTimeout(e.err):
		return "the DNS server did not answer"
	case errors.As(e.err, &de):
		return de.Err
	}
	return e.err.Error()
}
