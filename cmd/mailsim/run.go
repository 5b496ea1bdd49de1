package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"mailsim/servers/world"
	"mailsim/sim"
	"mailsim/sim/pcap"
	"mailsim/sim/scenario"
)

const runDetail = `
Replay one scenario as fast as possible and tell its story on stdout: one
numbered line per step of each message (composed, handed to the SMTP
server on port 25, MX looked up, relayed, handed over by LMTP, stored,
downloaded over port 110, deleted or left on the server, deferred,
bounced), with the virtual time, the hosts and port, the protocol, and
the reply that decided it. Every message has a short id (M1, M2…; a
bounce gets its own). Then each expectation's result (file:line:col:
expectation: ok|FAILED (detail)), a table of the messages (sent,
delivered and downloaded times, retries, bounces, hops, latency), and
last a line "PASS NAME: ..." or "FAIL NAME: ...".

--trace writes every step and every segment as JSON Lines; steps have
kind "step" and a msg field, and segments carrying a message's data
have its msg too.

--packets prints the per-link packet trace instead of the story: one
line per segment crossing one link, and the hosts' notes. Bare TCP
control segments (SYN, ACK, FIN without data) are left out unless --tcp.
--proto and --host filter either view.

DURATION is like 30s, 1m30s, 2h, 1d or 1d12h.

SCENARIO is a YAML file, or a library scenario by name ("figure-a" or
"figure-a.yaml") when no such file exists; default: the library's default.
Flags may come before or after SCENARIO.`

func (c *cli) runCommand() *command {
	return &command{
		name: "run", args: "[flags] [SCENARIO]",
		summary: "replay a scenario as fast as possible: trace, results, summary",
		detail:  runDetail,
		flags: func(fs *flag.FlagSet) func([]string) int {
			tracePath := fs.String("trace", "", "also write the trace as JSON Lines to `FILE.jsonl` (without payloads; see --trace-payload)")
			tracePayload := fs.Bool("trace-payload", false, "with --trace: include every segment's payload (base64); the file grows several times")
			pcapPath := fs.String("pcap", "", "write a pcap capture `FILE.pcap` for Wireshark or tshark: one Ethernet frame per segment, as its sender put it on the wire")
			quiet := fs.Bool("quiet", false, "no story or trace on stdout: only the results and the summary, with what the run cost (events, wall time, peak heap)")
			packets := fs.Bool("packets", false, "print the per-link packet trace instead of the story")
			tcp := fs.Bool("tcp", false, "with --packets: also show bare TCP control segments (SYN, ACK, FIN)")
			protos := fs.String("proto", "", "show only these protocols, `LIST` of smtp,lmtp,pop3,dns (story and packets)")
			hosts := fs.String("host", "", "show only steps or segments involving these hosts, comma-separated `NAMES`")
			summary := fs.String("summary", "table", "how to print the messages at the end: `FORMAT` table, json (only the JSON document on stdout, for scripts) or none")
			var until durationFlag
			fs.Var(&until, "until", "end the run at virtual time `DURATION` (default: the scenario's until:)")
			var seed seedFlag
			fs.Var(&seed, "seed", "seed of the run's random numbers `N` (default: the scenario's seed:)")
			return func(args []string) int {
				if len(args) > 1 {
					fmt.Fprintf(c.stderr, "mailsim run: one scenario at a time (got %d); use mailsim test for many\n", len(args))
					return exitUsage
				}
				f := filter{protos: parseList(*protos), hosts: parseList(*hosts), tcp: *tcp}
				if err := checkProtos(f.protos); err != nil {
					fmt.Fprintf(c.stderr, "mailsim run: --proto: %v\n", err)
					return exitUsage
				}
				if *summary != "table" && *summary != "json" && *summary != "none" {
					fmt.Fprintf(c.stderr, "mailsim run: --summary: want table, json or none, got %q\n", *summary)
					return exitUsage
				}
				if *tcp && !*packets {
					fmt.Fprintf(c.stderr, "mailsim run: --tcp applies to --packets\n")
					return exitUsage
				}
				arg := ""
				if len(args) == 1 {
					arg = args[0]
				}
				return c.run(arg, runFlags{tracePath: *tracePath, tracePayload: *tracePayload, pcapPath: *pcapPath, quiet: *quiet || *summary == "json",
					packets: *packets, filter: f, summary: *summary,
					opts: world.Options{Seed: seed.v, Until: until.d}})
			}
		},
	}
}

type runFlags struct {
	tracePath, pcapPath string
	tracePayload        bool
	quiet, packets      bool
	filter              filter
	summary             string // table, json or none
	opts                world.Options
}

// sink is an output attached to the world, flushed after the run. Its
// event func must keep no event (World.Watch); steps says it reads only
// the message steps (World.WatchSteps).
type sink struct {
	what  string
	event func(*sim.Event)
	close func() error
	steps bool
}

func (c *cli) run(arg string, f runFlags) int {
	sc, name, err := loadArg(arg)
	if err != nil {
		printLoadError(c.stderr, "", err)
		return exitUsage
	}
	printWarnings(c.stderr, sc)
	var sinks []sink
	closeAll := func() error {
		var first error
		for _, s := range sinks {
			if err := s.close(); err != nil && first == nil {
				first = fmt.Errorf("%s: %w", s.what, err)
			}
		}
		sinks = nil
		return first
	}
	defer closeAll()
	if !f.quiet && f.packets {
		tw := sim.NewTextTrace(c.stdout)
		pw := &packetWriter{tw, &f.filter}
		sinks = append(sinks, sink{what: "stdout", event: pw.Event, close: tw.Flush})
	} else if !f.quiet {
		sw := newStoryWriter(c.stdout, &f.filter)
		sinks = append(sinks, sink{what: "stdout", event: sw.Event, close: sw.Flush, steps: true})
	}
	if f.tracePath != "" {
		s, err := jsonSink(f.tracePath, f.tracePayload)
		if err != nil {
			fmt.Fprintf(c.stderr, "mailsim run: %v\n", err)
			return exitUsage
		}
		sinks = append(sinks, s)
	}
	var pw *pcap.Writer
	if f.pcapPath != "" {
		fh, err := os.Create(f.pcapPath)
		if err != nil {
			fmt.Fprintf(c.stderr, "mailsim run: %v\n", err)
			return exitUsage
		}
		if pw, err = pcap.NewWriter(fh); err != nil {
			fh.Close()
			fmt.Fprintf(c.stderr, "mailsim run: %s: %v\n", f.pcapPath, err)
			return exitUsage
		}
		sinks = append(sinks, sink{what: f.pcapPath, event: pw.Event, close: pw.Close})
	}
	run := runWorld
	prog := newProgress(c.stderr)
	if prog != nil {
		run = prog.run
	}
	watchHeap()
	f.opts.Quiet = f.quiet && f.tracePath == "" // nobody reads the steps' words
	o := simulateWith(sc, name, f.opts, func(w *sim.World) {
		if prog != nil {
			prog.world = w
			w.WatchSteps(prog.event)
		}
		if pw != nil {
			pw.SetEpoch(w.Epoch())
		}
		for _, s := range sinks {
			if s.steps {
				w.WatchSteps(s.event)
			} else {
				w.Watch(s.event)
			}
		}
	}, run)
	writeStats(o.stats, c.stderr)
	if err := closeAll(); err != nil {
		fmt.Fprintf(c.stderr, "mailsim run: writing %v\n", err)
		return exitSim
	}
	if o.loadErr != nil {
		printLoadError(c.stderr, "", o.loadErr)
		return exitUsage
	}
	if o.simErr != nil {
		fmt.Fprintf(c.stderr, "mailsim run: %s: simulation failed: %v\n", name, oneLine(o.simErr))
		return exitSim
	}
	if f.summary == "json" {
		if err := writeSummaryJSON(c.stdout, o); err != nil {
			fmt.Fprintf(c.stderr, "mailsim run: writing the summary: %v\n", err)
			return exitSim
		}
		if o.passed() {
			return exitOK
		}
		return exitFail
	}
	return c.report(c.stdout, o, f.summary == "table", f.quiet)
}

// report prints the results, the table of messages (with table; with
// cost too, what the run cost) and the verdict of one run.
func (c *cli) report(out io.Writer, o *outcome, table, cost bool) int {
	w := bufio.NewWriter(out) // the table has ten cells a message: one write each would be a syscall
	defer w.Flush()
	fmt.Fprintf(w, "\nexpectations:\n")
	for _, r := range o.results {
		fmt.Fprintf(w, "  %s\n", r)
	}
	if table {
		printSummary(w, o.rt.Summary())
		fmt.Fprintf(w, "conservation: %s\n", o.conserved)
		if cost {
			// Not in the story's summary: it differs from run to run.
			fmt.Fprintf(w, "cost: %s\n", o.cost())
		}
		fmt.Fprintln(w)
	}
	failed := len(o.failed())
	if failed == 0 {
		fmt.Fprintf(w, "PASS %s: all %d expectations hold (%s simulated)\n", o.name, len(o.results), simSeconds(o.until))
		return exitOK
	}
	fmt.Fprintf(w, "FAIL %s: %d of %d expectations failed (%s simulated):\n", o.name, failed, len(o.results), simSeconds(o.until))
	for _, r := range o.failed() {
		fmt.Fprintf(w, "  %s\n", r)
	}
	return exitFail
}

// jsonSink creates the JSON Lines trace file.
func jsonSink(path string, payload bool) (sink, error) {
	fh, err := os.Create(path)
	if err != nil {
		return sink{}, err
	}
	tw := sim.NewJSONTrace(fh, payload)
	return sink{what: path, event: tw.Event, close: func() error {
		err := tw.Flush()
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		return err
	}}, nil
}

// checkProtos rejects protocol names --proto does not know.
func checkProtos(set map[string]bool) error {
	for p := range set {
		if !slices.Contains(knownProtos, p) {
			return fmt.Errorf("unknown protocol %q (know: %s)", p, strings.Join(knownProtos, ", "))
		}
	}
	return nil
}

// durationFlag is a flag taking durations with a day unit (1d12h).
type durationFlag struct{ d time.Duration }

func (f *durationFlag) String() string {
	if f.d == 0 {
		return ""
	}
	return scenario.FormatDuration(f.d)
}

func (f *durationFlag) Set(v string) error {
	d, err := scenario.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("not a duration like 30s, 1m30s or 1d: %q", v)
	}
	if d < 0 {
		return fmt.Errorf("must not be negative: %q", v)
	}
	f.d = d
	return nil
}

// oneLine keeps an error message on one line.
func oneLine(err error) string {
	s := err.Error()
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			b = append(b, "; "...)
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}
