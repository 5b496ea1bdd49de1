package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Without a display, mailsim-view still answers --help, and otherwise
// says how to get a display and exits 2: no panic from ebiten's init.
// This also guards the init order package boot relies on.
func TestNoDisplay(t *testing.T) {
	bin := buildAnywhere(t)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	for _, tc := range []struct {
		name           string
		args, env      []string
		code           int
		stdout, stderr []string
	}{
		{name: "--help", args: []string{"--help"}, code: 0, stdout: []string{"usage: mailsim-view [flags] [SCENARIO]", "-screenshot FILE"}},
		{name: "-h", args: []string{"-h"}, code: 0, stdout: []string{"usage: mailsim-view"}},
		{name: "window", code: 2, stderr: []string{"mailsim-view: no display: DISPLAY is not set", "xvfb-run -a mailsim-view --screenshot out.png --at 1s"}},
		{name: "screenshot", args: []string{"--screenshot", "x.png", "--at", "1s"}, code: 2, stderr: []string{"DISPLAY is not set"}},
		{name: "wayland only", env: []string{"WAYLAND_DISPLAY=wayland-0"}, code: 2, stderr: []string{"X11 only"}},
		{name: "display gone", env: []string{"DISPLAY=unix:59000"}, code: 2, stderr: []string{"cannot reach DISPLAY=unix:59000", "xvfb-run"}},
		{name: "bad flag", args: []string{"--bogus"}, code: 2, stderr: []string{"flag provided but not defined: -bogus", "usage: mailsim-view"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, tc.args...)
			cmd.Env = append(env, tc.env...)
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			code := 0
			if x := (*exec.ExitError)(nil); errors.As(err, &x) {
				code = x.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tc.code, &errOut)
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, &out)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, &errOut)
				}
			}
			for _, bad := range []string{"panic", "goroutine"} {
				if strings.Contains(errOut.String(), bad) {
					t.Errorf("stderr has %q:\n%s", bad, &errOut)
				}
			}
		})
	}
}
