package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// binary is the mailsim command built once for the tests that exec it.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "mailsim-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "mailsim")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	// CGO_ENABLED=0 also proves the command builds without cgo.
	cmd := exec.Command("go", "build", "-o", binary, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one exec of the binary did.
type result struct {
	code           int
	stdout, stderr string
}

// mailsim runs the built binary in dir ("" for the package directory).
func mailsim(t testing.TB, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("mailsim %q: %v", args, err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

// inProcess runs the command in this process (so -race sees its code).
func inProcess(args ...string) result {
	var out, errb bytes.Buffer
	c := &cli{stdout: &out, stderr: &errb}
	code := c.main(args)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

func writeFile(t testing.TB, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
