package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"mailsim/servers/world"
)

const testDetail = `
Run many scenarios and check their expectations, without traces. Each
argument is a scenario file, a directory (its *.yaml files, sorted), or a
library scenario by name; without arguments, the whole embedded library.

One line per scenario:
  PASS figure-b.yaml (4 expectations, 10m simulated, 12ms)
  FAIL NAME (...)
followed, for a failure, by the failing expectations (or the scenario's
errors in file:line:col form, or the simulation's error) indented; then
the closing line "N passed, M failed". An invalid scenario counts as
failed.`

func (c *cli) testCommand() *command {
	return &command{
		name: "test", args: "[--junit FILE.xml] [DIR|FILES...]",
		summary: "run many scenarios (default: the library), one line each",
		detail:  testDetail,
		flags: func(fs *flag.FlagSet) func([]string) int {
			junit := fs.String("junit", "", "also write a JUnit XML report to `FILE.xml` (for CI dashboards)")
			return func(args []string) int { return c.test(args, *junit) }
		},
	}
}

func (c *cli) test(args []string, junitPath string) int {
	list, err := expandArgs(args)
	if err != nil {
		fmt.Fprintf(c.stderr, "mailsim test: %v\n", err)
		return exitUsage
	}
	start := time.Now()
	var outs []*outcome
	passed := 0
	for _, arg := range list {
		var o *outcome
		sc, name, err := loadArg(arg)
		if err != nil {
			o = &outcome{name: name, loadErr: err}
		} else {
			printWarnings(c.stderr, sc)
			o = simulate(sc, name, world.Options{}, nil)
		}
		outs = append(outs, o)
		c.testLine(o)
		if o.passed() {
			passed++
		}
	}
	fmt.Fprintf(c.stdout, "%d passed, %d failed\n", passed, len(outs)-passed)
	if junitPath != "" {
		if err := writeJUnit(junitPath, outs, time.Since(start)); err != nil {
			fmt.Fprintf(c.stderr, "mailsim test: %v\n", err)
			return exitSim
		}
	}
	if passed < len(outs) {
		return exitFail
	}
	return exitOK
}

// testLine prints the verdict of one scenario and, for a failure, why.
func (c *cli) testLine(o *outcome) {
	wall := o.wall.Round(time.Millisecond)
	switch {
	case o.loadErr != nil:
		fmt.Fprintf(c.stdout, "FAIL %s (invalid scenario)\n", o.name)
	case o.simErr != nil:
		fmt.Fprintf(c.stdout, "FAIL %s (simulation failed, %s)\n", o.name, wall)
	case o.passed():
		fmt.Fprintf(c.stdout, "PASS %s (%d expectations, %s simulated, %s)\n", o.name, len(o.results), simSeconds(o.until), wall)
	default:
		fmt.Fprintf(c.stdout, "FAIL %s (%d of %d expectations failed, %s simulated, %s)\n",
			o.name, len(o.failed()), len(o.results), simSeconds(o.until), wall)
	}
	for _, p := range o.problems() {
		fmt.Fprintf(c.stdout, "    %s\n", p)
	}
}

// writeJUnit writes the report to path.
func writeJUnit(path string, outs []*outcome, total time.Duration) error {
	data, err := junitReport(outs, total)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
