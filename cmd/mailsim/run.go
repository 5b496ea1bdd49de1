package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"mailsim/servers/world"
	"mailsim/sim"
	"mailsim/sim/pcap"
)

const runDetail = `
Replay one scenario as fast as possible. The readable trace (one line per
segment crossing one link, and notes) goes to stdout, then each
expectation's result (file:line:col: expectation: ok|FAILED (detail)) and
a summary line: "PASS NAME: ..." or "FAIL NAME: ...".

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
			quiet := fs.Bool("quiet", false, "no trace on stdout: only the results and the summary")
			until := fs.Duration("until", 0, "end the run at virtual time `DURATION` (default: the scenario's until:)")
			var seed seedFlag
			fs.Var(&seed, "seed", "seed of the run's random numbers `N` (default: the scenario's seed:)")
			return func(args []string) int {
				if len(args) > 1 {
					fmt.Fprintf(c.stderr, "mailsim run: one scenario at a time (got %d); use mailsim test for many\n", len(args))
					return exitUsage
				}
				if *until < 0 {
					fmt.Fprintf(c.stderr, "mailsim run: --until must not be negative\n")
					return exitUsage
				}
				arg := ""
				if len(args) == 1 {
					arg = args[0]
				}
				return c.run(arg, runFlags{tracePath: *tracePath, tracePayload: *tracePayload, pcapPath: *pcapPath, quiet: *quiet,
					opts: world.Options{Seed: seed.v, Until: *until}})
			}
		},
	}
}

type runFlags struct {
	tracePath, pcapPath string
	tracePayload        bool
	quiet               bool
	opts                world.Options
}

// sink is an output attached to the world, flushed after the run.
type sink struct {
	what  string
	event func(*sim.Event)
	close func() error
}

func (c *cli) run(arg string, f runFlags) int {
	sc, name, err := loadArg(arg)
	if err != nil {
		printLoadError(c.stderr, "", err)
		return exitUsage
	}
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
	if !f.quiet {
		tw := sim.NewTextTrace(c.stdout)
		sinks = append(sinks, sink{"stdout", tw.Event, tw.Flush})
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
		sinks = append(sinks, sink{f.pcapPath, pw.Event, pw.Close})
	}
	watchHeap()
	o := simulate(sc, name, f.opts, func(w *sim.World) {
		if pw != nil {
			pw.SetEpoch(w.Epoch())
		}
		for _, s := range sinks {
			w.Subscribe(s.event)
		}
	})
	writeStats(o.stats(), c.stderr)
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
	return c.report(c.stdout, o)
}

// report prints the results and the summary line of one run.
func (c *cli) report(w io.Writer, o *outcome) int {
	fmt.Fprintf(w, "\nexpectations:\n")
	for _, r := range o.results {
		fmt.Fprintf(w, "  %s\n", r)
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
	return sink{path, tw.Event, func() error {
		err := tw.Flush()
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		return err
	}}, nil
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
