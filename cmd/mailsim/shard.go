package main

import (
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"mailsim/scenarios"
	"mailsim/servers/world"
)

// envShardIndex is where --shard auto/N finds its index: Kubernetes
// Indexed Jobs set it to 0…N-1 in each pod.
const envShardIndex = "JOB_COMPLETION_INDEX"

// shard is one deterministic slice of a test run: scenario k (in input
// order, counting from 0) belongs to shard k mod n.
type shard struct{ i, n int }

func (s shard) all() bool { return s.n <= 1 }

// String is "2/4" (counting from 0, as --shard takes it).
func (s shard) String() string { return fmt.Sprintf("%d/%d", s.i, s.n) }

// parseShard reads "I/N" or "auto/N" (I from JOB_COMPLETION_INDEX).
func parseShard(v string) (shard, error) {
	if v == "" {
		return shard{0, 1}, nil
	}
	is, ns, ok := strings.Cut(v, "/")
	n, err := strconv.Atoi(ns)
	if !ok || err != nil || n < 1 {
		return shard{}, fmt.Errorf("--shard %q: want I/N or auto/N with N at least 1, e.g. 0/4", v)
	}
	if is == "auto" {
		is = os.Getenv(envShardIndex)
		if is == "" {
			return shard{}, fmt.Errorf("--shard auto/%d: %s is not set (Kubernetes Indexed Jobs set it)", n, envShardIndex)
		}
	}
	i, err := strconv.Atoi(is)
	if err != nil || i < 0 || i >= n {
		return shard{}, fmt.Errorf("--shard %q: the index must be 0 to %d", v, n-1)
	}
	return shard{i, n}, nil
}

// pick returns the arguments of this shard, in order.
func (s shard) pick(list []string) []string {
	if s.all() {
		return list
	}
	var out []string
	for k, a := range list {
		if k%s.n == s.i {
			out = append(out, a)
		}
	}
	return out
}

// runAll runs every scenario of list, jobs at a time, and calls done
// with each verdict in input order as soon as it and all before it are
// finished. With several jobs each scenario runs in a worker process of
// its own (see worker.go), on one processor as every run does, so two
// worlds never share a runtime, a collector or a processor's run queue;
// without an executable to start (tests in this process) they run side
// by side here, GOMAXPROCS raised to jobs for the while.
func (c *cli) runAll(list []string, jobs int, done func(verdict)) {
	jobs = max(1, min(jobs, len(list)))
	run := func() func(string) verdict {
		return func(a string) verdict {
			if a == "" {
				return verdict{} // the end
			}
			return runOne(a).verdict()
		}
	}
	if jobs > 1 && c.exe != "" {
		run = func() func(string) verdict { return c.startWorker() }
	} else if os.Getenv("GOMAXPROCS") == "" && jobs > 1 {
		prev := runtime.GOMAXPROCS(min(jobs, runtime.NumCPU()))
		defer runtime.GOMAXPROCS(prev)
	}
	outs := make([]verdict, len(list))
	finished := make([]chan struct{}, len(list))
	for k := range finished {
		finished[k] = make(chan struct{})
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			one := run()
			for k := range next {
				outs[k] = one(list[k])
				close(finished[k])
			}
			one("") // done: a worker ends
		}()
	}
	go func() {
		for _, k := range longestFirst(list, jobs) {
			next <- k
		}
		close(next)
	}()
	for k := range list {
		<-finished[k]
		done(outs[k])
	}
	wg.Wait()
}

// longestFirst is the order to start list in: with several jobs, the
// largest scenario files first (size is a fair guess at cost: a
// timeline line per action), so a long one does not start last and run
// alone at the end; ties, and a single job, keep input order.
func longestFirst(list []string, jobs int) []int {
	order := make([]int, len(list))
	for k := range order {
		order[k] = k
	}
	if jobs < 2 {
		return order
	}
	size := make([]int64, len(list))
	for k, a := range list {
		size[k] = scenarioSize(a)
	}
	sort.SliceStable(order, func(x, y int) bool { return size[order[x]] > size[order[y]] })
	return order
}

// scenarioSize is the size of a scenario's YAML, a file's or the
// library's; 0 if unknown.
func scenarioSize(arg string) int64 {
	if fi, err := os.Stat(arg); err == nil {
		return fi.Size()
	}
	if name, ok := libraryName(arg); ok {
		if fi, err := fs.Stat(scenarios.FS, name); err == nil {
			return fi.Size()
		}
	}
	return 0
}

// runOne loads and runs one scenario argument.
func runOne(arg string) *outcome {
	sc, name, err := loadArg(arg)
	if err != nil {
		return &outcome{name: name, loadErr: err}
	}
	o := simulate(sc, name, world.Options{Quiet: true}, nil)
	for _, e := range sc.Warnings {
		o.warnings = append(o.warnings, e.Error())
	}
	return o
}
