package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// envTestWorker makes "mailsim test" a worker of a parallel run: it
// reads scenario arguments from stdin, one JSON string a line, and
// answers each with its verdict as one JSON line on stdout. An empty
// line (or the end of stdin) ends it.
const envTestWorker = "MAILSIM_TEST_WORKER"

// testWorker serves a parent's runAll.
func (c *cli) testWorker(in io.Reader) int {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	enc := json.NewEncoder(c.stdout)
	for sc.Scan() {
		var arg string
		if err := json.Unmarshal(sc.Bytes(), &arg); err != nil || arg == "" {
			return exitOK
		}
		if err := enc.Encode(runOne(arg).verdict()); err != nil {
			return exitSim
		}
	}
	return exitOK
}

// startWorker starts a worker process and returns the function that
// runs one scenario argument in it; called with "", it ends the worker.
// A worker that fails turns the scenario it had into a failed
// simulation, with what it printed, and the next scenario starts a new
// one.
func (c *cli) startWorker() func(string) verdict {
	var (
		cmd    *exec.Cmd
		in     io.WriteCloser
		out    *bufio.Reader
		stderr bytes.Buffer
	)
	stop := func() {
		if cmd != nil {
			in.Close()
			cmd.Wait()
			cmd = nil
		}
	}
	start := func() error {
		cmd = exec.Command(c.exe, "test")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, envCPUProfile+"=") && !strings.HasPrefix(kv, envMemProfile+"=") {
				cmd.Env = append(cmd.Env, kv) // profiles are the parent's
			}
		}
		cmd.Env = append(cmd.Env, envTestWorker+"=1")
		stderr.Reset()
		cmd.Stderr = &stderr
		var err error
		if in, err = cmd.StdinPipe(); err != nil {
			return err
		}
		pipe, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		out = bufio.NewReader(pipe)
		if err := cmd.Start(); err != nil {
			cmd = nil
			return err
		}
		return nil
	}
	return func(arg string) verdict {
		if arg == "" {
			stop()
			return verdict{}
		}
		failed := func(err error) verdict {
			stop()
			why := strings.TrimSpace(stderr.String())
			if why == "" {
				why = err.Error()
			}
			return verdict{Name: arg, SimFail: true, Problems: []string{"worker process failed: " + why}}
		}
		if cmd == nil {
			if err := start(); err != nil {
				return failed(err)
			}
		}
		line, _ := json.Marshal(arg)
		if _, err := fmt.Fprintf(in, "%s\n", line); err != nil {
			return failed(err)
		}
		reply, err := out.ReadBytes('\n')
		if err != nil {
			return failed(err)
		}
		var v verdict
		if err := json.Unmarshal(reply, &v); err != nil {
			return failed(err)
		}
		return v
	}
}
