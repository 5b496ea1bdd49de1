package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
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
failed.

-j N runs N scenarios at a time (default: the number of CPUs), each in a
worker process on one processor; the lines still come in input order.
--shard I/N runs only scenarios I, I+N, I+2N… of the list (counting
from 0), so N machines or CI jobs together run each scenario exactly once;
--shard auto/N takes I from JOB_COMPLETION_INDEX (Kubernetes Indexed
Jobs). With --shard, the JUnit testsuite is named after the shard, so
the shards' reports merge without clashes.`

func (c *cli) testCommand() *command {
	return &command{
		name: "test", args: "[-j N] [--shard I/N] [--junit FILE.xml] [DIR|FILES...]",
		summary: "run many scenarios (default: the library), one line each",
		detail:  testDetail,
		flags: func(fs *flag.FlagSet) func([]string) int {
			junit := fs.String("junit", "", "also write a JUnit XML report to `FILE.xml` (for CI dashboards)")
			jobs := fs.Int("j", runtime.NumCPU(), "run `N` scenarios at a time")
			shardFlag := fs.String("shard", "", "run only shard `I/N` of the scenarios (I from 0; auto/N: I from $JOB_COMPLETION_INDEX)")
			return func(args []string) int {
				sh, err := parseShard(*shardFlag)
				if err != nil {
					fmt.Fprintf(c.stderr, "mailsim test: %v\n", err)
					return exitUsage
				}
				if *jobs < 1 {
					fmt.Fprintf(c.stderr, "mailsim test: -j must be at least 1\n")
					return exitUsage
				}
				return c.test(args, testFlags{junit: *junit, jobs: *jobs, shard: sh})
			}
		},
	}
}

type testFlags struct {
	junit string
	jobs  int
	shard shard
}

func (c *cli) test(args []string, f testFlags) int {
	if os.Getenv(envTestWorker) != "" {
		return c.testWorker(os.Stdin)
	}
	list, err := expandArgs(args)
	if err != nil {
		fmt.Fprintf(c.stderr, "mailsim test: %v\n", err)
		return exitUsage
	}
	list = f.shard.pick(list)
	start := time.Now()
	var outs []verdict
	passed := 0
	c.runAll(list, f.jobs, func(v verdict) {
		for _, w := range v.Warnings {
			fmt.Fprintf(c.stderr, "warning: %s\n", w)
		}
		outs = append(outs, v)
		c.testLine(v)
		if v.passed() {
			passed++
		}
	})
	fmt.Fprintf(c.stdout, "%d passed, %d failed\n", passed, len(outs)-passed)
	if f.junit != "" {
		if err := writeJUnit(f.junit, outs, time.Since(start), f.shard); err != nil {
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
func (c *cli) testLine(v verdict) {
	wall := v.Wall.Round(time.Millisecond)
	switch {
	case v.Invalid:
		fmt.Fprintf(c.stdout, "FAIL %s (invalid scenario)\n", v.Name)
	case v.SimFail:
		fmt.Fprintf(c.stdout, "FAIL %s (simulation failed, %s)\n", v.Name, wall)
	case v.passed():
		fmt.Fprintf(c.stdout, "PASS %s (%d expectations, %s simulated, %s)\n", v.Name, len(v.Results), simSeconds(v.Until), wall)
	default:
		fmt.Fprintf(c.stdout, "FAIL %s (%d of %d expectations failed, %s simulated, %s)\n",
			v.Name, v.Failed, len(v.Results), simSeconds(v.Until), wall)
	}
	for _, p := range v.Problems {
		fmt.Fprintf(c.stdout, "    %s\n", p)
	}
}

// writeJUnit writes the report to path.
func writeJUnit(path string, outs []verdict, total time.Duration, sh shard) error {
	data, err := junitReport(outs, total, sh)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
