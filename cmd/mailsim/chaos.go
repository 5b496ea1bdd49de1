package main

import (
	"flag"
	"fmt"
	"io"
	"sync"

	"mailsim/servers/env"
	"mailsim/servers/world"
	"mailsim/sim/scenario"
)

const chaosDetail = `
Replay SCENARIO once per seed with random faults added to its timeline:
links going down and up again, lossy and slow spells on links (slow),
services stopped and started, an ISP's DNS server stopped and started,
and mail programs hanging up in the middle of DATA. Every fault is undone
before the run ends. Each run is checked against the conservation
invariant (nothing a server accepted is lost or duplicated: see mailsim
run), no message cut off in DATA may be accepted, and no run may stall; the scenario's own expectations are not checked, since faults
change what happens.

One line per failing seed, then the failing seed's scenario file, which
replays it with mailsim run. Last line: "chaos NAME: N seeds, M violations".
Exit status 0 when every seed held, 1 otherwise.`

func (c *cli) chaosCommand() *command {
	return &command{
		name: "chaos", args: "[--seeds N] [--jobs J] [--first S] SCENARIO",
		summary: "replay a scenario under seeded random faults and check that no mail is lost",
		detail:  chaosDetail,
		flags: func(fs *flag.FlagSet) func([]string) int {
			seeds := fs.Int("seeds", 20, "how many seeds to run, `N`")
			jobs := fs.Int("jobs", 1, "seeds run at once, `J`")
			first := fs.Int64("first", 1, "the first seed, `S`")
			return func(args []string) int {
				if len(args) != 1 || *seeds < 1 || *jobs < 1 {
					fmt.Fprintf(c.stderr, "mailsim chaos: want one SCENARIO, --seeds ≥ 1, --jobs ≥ 1\n")
					return exitUsage
				}
				res, err := chaos(args[0], *first, *seeds, *jobs)
				if err != nil {
					printLoadError(c.stderr, "", err)
					return exitUsage
				}
				return res.print(c.stdout)
			}
		},
	}
}

// chaosResult is one seed's run.
type chaosResult struct {
	seed     int64
	problem  string // "" when it held
	text     []byte // the scenario that replays it
	faults   int
	conserve world.Conservation
}

type chaosReport struct {
	name    string
	results []chaosResult
}

// chaos runs seeds first…first+n-1 of arg, jobs at a time.
func chaos(arg string, first int64, n, jobs int) (*chaosReport, error) {
	data, name, err := readArg(arg)
	if err != nil {
		return nil, err
	}
	base, err := scenario.Parse(name, data)
	if err != nil {
		return nil, err
	}
	rep := &chaosReport{name: name, results: make([]chaosResult, n)}
	var wg sync.WaitGroup
	sem := make(chan struct{}, jobs)
	for i := range n {
		seed := first + int64(i)
		faults := chaosFaults(base, seed)
		text, err := chaosScenario(data, name, seed, faults)
		if err != nil {
			return nil, err
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			rep.results[i] = runChaos(name, seed, text, len(faults))
		}()
	}
	wg.Wait()
	return rep, nil
}

// runChaos runs one seed's scenario and checks it.
func runChaos(name string, seed int64, text []byte, faults int) chaosResult {
	r := chaosResult{seed: seed, text: text, faults: faults}
	sc, err := scenario.Parse(fmt.Sprintf("%s+chaos%d", name, seed), text)
	if err != nil {
		r.problem = "the generated scenario is invalid: " + oneLine(err)
		return r
	}
	rt, err := world.Build(sc, world.Options{Lean: true, Quiet: true})
	if err != nil {
		r.problem = "build: " + oneLine(err)
		return r
	}
	defer rt.Close() // one process runs every seed: end each world
	if err := rt.Run(); err != nil {
		r.problem = "simulation failed: " + oneLine(err)
		return r
	}
	r.conserve = rt.Conservation()
	if !r.conserve.OK() {
		r.problem = oneLine(conservationError(r.conserve))
	} else if id := cutAccepted(rt); id != "" {
		r.problem = fmt.Sprintf("%s, cut off in the middle of DATA, was accepted", id)
	}
	return r
}

// cutAccepted names a message its mail program hung up on in DATA that
// a server accepted all the same (half a message), or "".
func cutAccepted(rt *world.Runtime) string {
	for _, x := range rt.Journeys() {
		if x.Subject != cutSubject {
			continue
		}
		for _, st := range x.Steps {
			switch env.StepKind(st.Kind) {
			case env.StepAccepted, "submitted", "relayed", env.StepStored:
				return x.ID
			}
		}
	}
	return ""
}

func (rep *chaosReport) print(w io.Writer) int {
	bad := 0
	for _, r := range rep.results {
		if r.problem == "" {
			continue
		}
		bad++
		fmt.Fprintf(w, "seed %d (%d faults): %s\n", r.seed, r.faults, r.problem)
		fmt.Fprintf(w, "--- scenario replaying seed %d ---\n%s--- end ---\n", r.seed, r.text)
	}
	var total world.Conservation
	for _, r := range rep.results {
		total.Add(r.conserve)
	}
	fmt.Fprintf(w, "chaos %s: %d seeds, %d violations; copies %s\n", rep.name, len(rep.results), bad, total)
	if bad > 0 {
		return exitFail
	}
	return exitOK
}
