// Package world builds a running simulation from a scenario: the sim
// topology, and on it the real servers of every ISP (SMTP, POP3 with
// LMTP, DNS), the root DNS server, and each PC's mail program. It plays
// the scenario's timeline and checks its expectations.
package world

import (
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"time"

	"mailsim/servers/store"
	"mailsim/sim"
	"mailsim/sim/scenario"

	"mailsim/servers/mua"
)

// Options adjust a run without editing the scenario.
type Options struct {
	// Seed, when non-nil, replaces the scenario's seed.
	Seed *int64
	// Until, when non-zero, replaces the scenario's end of run.
	Until time.Duration
	// StallTimeout is passed to the kernel (0: its default).
	StallTimeout time.Duration
	// Lean is for a replay that only checks its expectations (mailsim
	// run and test): the PCs' mail programs keep the headers of what they
	// download, not the whole message, unless a path expectation reads
	// its Received chain, and keep no inbox at all unless an expectation
	// reads it. A large run keeps a tenth less live heap for each.
	Lean bool
	// Quiet is for a run nobody follows step by step (mailsim run
	// --quiet without a trace, test, chaos): steps are kept and reported
	// without their plain words, which only the story, traces, mailsim
	// show and the window read. Building them is a few percent of a large
	// run's time, and keeping them a tenth of its live heap.
	Quiet bool
}

// Runtime is a scenario made real: a sim.World with every server running.
type Runtime struct {
	World    *sim.World
	Scenario *scenario.Scenario
	Until    time.Duration

	hosts    map[string]*sim.Host
	isps     map[string]*ispRuntime
	programs map[string]*mua.Program   // by PC host
	caches   map[string]*mua.HostCache // each PC's stub resolver, by host
	services map[string]*hostServices
	ev       *evidence
	journeys *journeys
	closed   bool
	lean     bool // Options.Lean
	quiet    bool // Options.Quiet
}

// ispRuntime is what one ISP runs.
type ispRuntime struct {
	sc    *scenario.ISP
	store *store.Store
}

// Build creates the world of sc and schedules its timeline. Nothing runs
// until RunUntil (or another driver) is called.
func Build(sc *scenario.Scenario, opts Options) (*Runtime, error) {
	seed := sc.Seed
	if opts.Seed != nil {
		seed = *opts.Seed
	}
	until := sc.Until
	if opts.Until > 0 {
		until = opts.Until
	}
	w := sim.New(sim.Config{Seed: seed, Epoch: sc.Epoch, StallTimeout: opts.StallTimeout})
	rt := &Runtime{
		World: w, Scenario: sc, Until: until, lean: opts.Lean, quiet: opts.Quiet,
		hosts:    map[string]*sim.Host{},
		isps:     map[string]*ispRuntime{},
		programs: map[string]*mua.Program{},
		caches:   map[string]*mua.HostCache{},
		services: map[string]*hostServices{},
	}
	rt.ev = newEvidence(rt)
	rt.journeys = newJourneys(rt)
	w.SetSummarizer((&summaries{dns: map[string]string{}}).summarize)
	w.SetTagger(rt.journeys.tag)
	if rt.ev.wantReplies {
		w.Watch(rt.ev.event)
	}
	for _, h := range sc.Hosts {
		if h.Kind == scenario.KindRouter {
			if err := w.AddRouter(h.Name); err != nil {
				return nil, fmt.Errorf("%s: %w", h.Pos, err)
			}
			continue
		}
		sh, err := w.AddHost(h.Name, h.Addr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", h.Pos, err)
		}
		rt.hosts[h.Name] = sh
	}
	for _, l := range sc.Links {
		sl, err := w.Connect(l.A, l.B, l.Latency, l.Bandwidth)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Pos, err)
		}
		if bs := linkBehaviours(l); len(bs) > 0 {
			w.SetLinkBehaviours(sl, bs...)
		}
	}
	if err := w.Build(); err != nil {
		return nil, err
	}
	for i := range sc.ISPs {
		isp := &sc.ISPs[i]
		st := store.New()
		for _, u := range isp.Users {
			st.AddUser(u.Login, u.Password)
			if u.Quota > 0 {
				st.SetQuota(u.Login, u.Quota)
			}
		}
		name := isp.Name
		st.Observe(func(box string, m store.Message) {
			rt.ev.delivered(name, box, m)
			rt.journeys.stored(name, box, m)
		})
		rt.isps[isp.Name] = &ispRuntime{sc: isp, store: st}
	}
	if err := rt.startAll(); err != nil {
		return nil, err
	}
	for i := range sc.PCs {
		rt.addProgram(&sc.PCs[i])
	}
	for i := range sc.Timeline {
		rt.schedule(&sc.Timeline[i])
	}
	for i := range sc.Expect {
		switch e := &sc.Expect[i]; e.Kind {
		case scenario.ExpMailbox:
			rt.scheduleCount(i, e, "mailbox check", func(store.Message) bool { return true })
		case scenario.ExpSeen:
			rt.scheduleCount(i, e, "seen check", func(m store.Message) bool { return m.HasFlag(`\Seen`) == e.Seen })
		}
	}
	return rt, nil
}

// Host returns the simulated host of that name, or nil (routers are not hosts).
func (rt *Runtime) Host(name string) *sim.Host { return rt.hosts[name] }

// Program returns the mail program of a PC, or nil.
func (rt *Runtime) Program(pc string) *mua.Program { return rt.programs[pc] }

// Store returns an ISP's mail store, or nil.
func (rt *Runtime) Store(isp string) *store.Store {
	if i := rt.isps[isp]; i != nil {
		return i.store
	}
	return nil
}

// RunUntil runs the world as fast as possible until virtual time t.
func (rt *Runtime) RunUntil(t time.Duration) error { return rt.World.RunUntil(t) }

// Run runs the whole scenario, to its end.
func (rt *Runtime) Run() error { return rt.World.RunUntil(rt.Until) }

// Step runs until the next event.
func (rt *Runtime) Step() (bool, error) { return rt.World.Step() }

// hostByAddr maps an address back to its host's name.
func (rt *Runtime) hostByAddr(a netip.Addr) string {
	if h := rt.Scenario.HostByAddr(a); h != nil {
		return h.Name
	}
	return ""
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Close ends the world: every server, connection and goroutine of it
// stops (see sim.World.Close), and then each server is closed, which
// waits for its goroutines. It returns the errors the servers' accept
// loops ended with, if any, and a stall if some goroutine would not end.
// Call it once the drivers are done with the world, from outside it.
func (rt *Runtime) Close() error {
	if rt.closed {
		return nil
	}
	rt.closed = true
	errs := []error{rt.World.Close()}
	for _, name := range sortedKeys(rt.services) {
		errs = append(errs, rt.services[name].close())
	}
	return errors.Join(append(errs, rt.serveErrs()...)...)
}
