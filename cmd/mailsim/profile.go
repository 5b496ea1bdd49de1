package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
)

// Hidden environment variables for measuring a whole run (not in the
// usage text; for developers): MAILSIM_CPUPROFILE=FILE writes a CPU
// profile of the process, MAILSIM_MEMPROFILE=FILE a heap profile at
// exit. Read them with go tool pprof.
const (
	envCPUProfile = "MAILSIM_CPUPROFILE"
	envMemProfile = "MAILSIM_MEMPROFILE"
)

// startProfiles starts what the environment asks for and returns the
// function that finishes it.
func startProfiles(stderr io.Writer) (stop func()) {
	var stops []func()
	if path := os.Getenv(envCPUProfile); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "mailsim: %s: %v\n", envCPUProfile, err)
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := os.Getenv(envMemProfile); path != "" {
		var (
			mu      sync.Mutex // the heap watcher's finalizer and stop both write
			written uint64
		)
		write := func() {
			f, err := os.Create(path)
			if err == nil {
				err = pprof.WriteHeapProfile(f)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(stderr, "mailsim: %s: %v\n", envMemProfile, err)
			}
		}
		// The heap watcher calls this after every collection; the
		// profile is written again each time the peak grows by a tenth.
		hear := func(live uint64) {
			mu.Lock()
			defer mu.Unlock()
			if live > written+written/10 {
				written = live
				write()
			}
		}
		onPeak.Store(&hear)
		stops = append(stops, func() {
			mu.Lock()
			defer mu.Unlock()
			if written == 0 { // no collection in the run
				runtime.GC()
				write()
			}
		})
		watchHeap()
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
