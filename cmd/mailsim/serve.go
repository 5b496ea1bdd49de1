package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"mailsim/servers/world"
	"mailsim/sim"
)

const serveUsage = `usage: mailsim serve [flags] [SCENARIO]

Run the scenario's world in real time and expose every simulated server on
loopback, so real clients (swaks, Thunderbird, Python's smtplib and poplib,
dig) can talk to it. Each simulated server host gets its own 127.x.y.z
address (127.1.0.1, 127.1.0.2, … in scenario order; --loopback moves
it); services keep their real port numbers (25 SMTP, 587 submission, 110
POP3, 53 DNS over UDP and TCP; LMTP is never exposed) where they can be bound, else the port plus
--port-offset (25 → 10025). Real clients appear inside the simulation as
the --from host, so that host's ISP's relaying rules apply to them: mail
sent to its ISP's SMTP server is relayed anywhere, mail sent to another
ISP's server only to that ISP's own domains.

The address map is printed first (--json for scripts), then the readable
trace, live. The scenario's timeline plays too. Ctrl-C (or SIGTERM) stops
the servers as real ones stop: new connections are refused, and sessions
in flight are told (SMTP 421 4.3.2, POP3 -ERR, IMAP * BYE) and closed; a
message cut off in DATA is not accepted. It then prints the expectation
results so far and where the mail is (conservation counts); --save DIR
writes the mailboxes as Maildirs and the queues. Only loopback is ever
bound.

Flags:
`

func init() { serveMain = serveCmd }

func serveCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "simulated `HOST` real clients connect from (default: the scenario's first PC)")
	speed := fs.Float64("speed", 1, "virtual seconds per real second (`X`, 0.01 to 10000)")
	offset := fs.Int("port-offset", 10000, "added to a port that cannot be bound as is (`N`)")
	always := fs.Bool("offset", false, "always use the offset ports, even where the real ones are free")
	base := fs.String("loopback", "127.1.0.0", "loopback `ADDR` host addresses count up from (ADDR+1, ADDR+2, …)")
	asJSON := fs.Bool("json", false, "print the address map as JSON (one object) instead of a table")
	quiet := fs.Bool("quiet", false, "do not print the trace")
	tracePath := fs.String("trace", "", "also write the trace as JSON Lines to `FILE.jsonl`")
	save := fs.String("save", "", "at the stop, write every mailbox as a Maildir and every SMTP queue under `DIR`")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), serveUsage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), exitText)
	}
	for _, a := range args {
		if isHelpFlag(a) {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "mailsim serve: one scenario at a time (got %d)\n", fs.NArg())
		return exitUsage
	}
	if !(*speed >= 0.01 && *speed <= 10000) { // NaN and Inf fail too
		fmt.Fprintf(stderr, "mailsim serve: --speed must be a number from 0.01 to 10000, got %g\n", *speed)
		return exitUsage
	}
	sc, _, err := loadArg(fs.Arg(0))
	if err != nil {
		printLoadError(stderr, "", err)
		return exitUsage
	}
	rt, err := world.Build(sc, world.Options{})
	if err != nil {
		fmt.Fprintf(stderr, "mailsim serve: %v\n", err)
		return exitUsage
	}
	var mu sync.Mutex // the trace is written by the kernel, the map by us
	if !*quiet {
		rt.World.Subscribe(func(e *sim.Event) {
			mu.Lock()
			fmt.Fprintln(stdout, sim.TextLine(e))
			mu.Unlock()
		})
	}
	closeTrace := func() error { return nil }
	if *tracePath != "" {
		s, err := jsonSink(*tracePath, true) // serve keeps payloads: real clients' bytes
		if err != nil {
			fmt.Fprintf(stderr, "mailsim serve: %v\n", err)
			return exitUsage
		}
		rt.World.Subscribe(s.event)
		closeTrace = s.close
	}
	baseAddr, err := netip.ParseAddr(*base)
	if err != nil {
		fmt.Fprintf(stderr, "mailsim serve: --loopback: %v\n", err)
		return exitUsage
	}
	x, err := rt.Expose(world.ExposeOptions{From: *from, PortOffset: *offset, AlwaysOffset: *always, Base: baseAddr})
	if err != nil {
		fmt.Fprintf(stderr, "mailsim serve: %v\n", err)
		return exitUsage
	}
	mu.Lock()
	printMap(stdout, x, *asJSON, *speed)
	mu.Unlock()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rt.World.Pace(runCtx, *speed) }()
	var simErr error
	select {
	case <-ctx.Done():
		stopServers(rt)
	case simErr = <-done:
	}
	var xErr, closeErr error
	var stoppedAt time.Duration
	if simErr == nil {
		xErr = x.Close() // while the kernel still runs: bridges may need a turn
		cancel()
		simErr = <-done
		stoppedAt = rt.World.Now() // Close runs the world's last timers out
		closeErr = rt.Close()
	} else {
		// No driver runs any more, so a bridge would wait for a turn
		// forever: close the world first, which wakes them all.
		cancel()
		stoppedAt = rt.World.Now()
		closeErr = rt.Close()
		xErr = x.Close()
	}
	traceErr := closeTrace()
	mu.Lock()
	defer mu.Unlock()
	if simErr != nil && !errors.Is(simErr, context.Canceled) {
		fmt.Fprintf(stderr, "mailsim serve: simulation failed: %v\n", simErr)
		return exitSim
	}
	fmt.Fprintf(stdout, "\nstopped at %s of virtual time\n", sim.FormatTime(stoppedAt))
	printRemains(stdout, rt)
	if *save != "" {
		boxes, queued, err := saveMail(*save, rt)
		if err != nil {
			fmt.Fprintf(stderr, "mailsim serve: --save: %v\n", err)
			return exitSim
		}
		fmt.Fprintf(stdout, "saved %d messages in Maildirs and %d queue entries under %s\n", boxes, queued, *save)
	}
	for _, r := range rt.Results() {
		fmt.Fprintln(stdout, r)
	}
	code := exitOK
	if err := errors.Join(xErr, closeErr); err != nil {
		fmt.Fprintf(stderr, "mailsim serve: stopping: %v\n", err)
		code = exitSim
	}
	if traceErr != nil {
		fmt.Fprintf(stderr, "mailsim serve: writing %s: %v\n", *tracePath, traceErr)
		code = exitSim
	}
	return code
}

// stopGrace is the virtual time the servers' goodbyes get to cross the
// simulated links (a lost segment is sent again after about a second).
const stopGrace = 3 * time.Second

// stopServers shuts every simulated server down as a real one stops:
// listeners close (new connections are refused), then each open session
// gets its 421, -ERR or BYE and is closed. The grace runs at least 50×
// real time, and a wall-clock limit keeps Ctrl-C prompt whatever happens.
func stopServers(rt *world.Runtime) {
	rt.World.SetSpeed(max(rt.World.Speed(), 50))
	t := time.NewTimer(10 * time.Second) // wall clock: serve is the paced driver
	defer t.Stop()
	select {
	case <-rt.Shutdown(stopGrace):
	case <-t.C:
	}
}

func printMap(w io.Writer, x *world.Exposure, asJSON bool, speed float64) {
	if asJSON {
		json.NewEncoder(w).Encode(struct {
			From      string           `json:"from"`
			Speed     float64          `json:"speed"`
			Endpoints []world.Endpoint `json:"endpoints"`
		}{x.From, speed, x.Endpoints})
		return
	}
	fmt.Fprintf(w, "mailsim serve: real clients connect as %s; virtual time runs at %g× real time\n\n", x.From, speed)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "HOST\tSERVICE\tCONNECT TO\tINSIDE THE SIMULATION")
	for _, ep := range x.Endpoints {
		fmt.Fprintf(tw, "%s\t%s/%s\t%s\t%s\n", ep.Host, ep.Service, ep.Proto, ep.Real, ep.Sim)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nCtrl-C stops.")
}
