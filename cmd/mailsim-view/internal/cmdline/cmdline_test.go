package cmdline

import (
	"bytes"
	"errors"
	"flag"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name           string
		args           []string
		want           Options
		err            bool // any error but ErrHelp
		help           bool
		stdout, stderr []string
	}{
		{name: "defaults", args: nil, want: Options{Width: 1280, Height: 800, Loopback: netip.MustParseAddr("127.1.0.0"), For: 40 * time.Second}},
		{name: "all", args: []string{"--screenshot", "x.png", "--at", "1.5s", "--width", "640", "--height", "480", "--serve",
			"--synth", "3", "--bench-frames", "9", "--loopback", "127.4.0.0", "--tcp", "--record", "s.gif", "--for", "20s",
			"--real-time", "--inspect", "bob-pc", "--select", "RETR", "figure-a"},
			want: Options{Scenario: "figure-a", Screenshot: "x.png", At: 1500 * time.Millisecond, Width: 640, Height: 480, Serve: true,
				Synth: 3, BenchFrames: 9, Loopback: netip.MustParseAddr("127.4.0.0"), TCP: true,
				Record: "s.gif", For: 20 * time.Second, RealTime: true, Inspect: "bob-pc", Select: "RETR"}},
		{name: "--help", args: []string{"--help"}, help: true, stdout: []string{"usage: mailsim-view [flags] [SCENARIO]", "-screenshot FILE", "(default 127.1.0.0)"}},
		{name: "-h after a scenario flag", args: []string{"--tcp", "-h"}, help: true, stdout: []string{"usage: mailsim-view"}},
		{name: "unknown flag", args: []string{"--bogus"}, err: true, stderr: []string{"flag provided but not defined: -bogus", "usage: mailsim-view"}},
		{name: "bad loopback", args: []string{"--loopback", "x"}, err: true, stderr: []string{`invalid value "x" for flag -loopback`}},
		{name: "two scenarios", args: []string{"a.yaml", "b.yaml"}, err: true, stderr: []string{"one scenario at a time, got 2", "usage: mailsim-view"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			got, err := Parse(tc.args, &out, &errOut)
			switch {
			case tc.help && !errors.Is(err, flag.ErrHelp):
				t.Fatalf("err = %v, want flag.ErrHelp", err)
			case tc.err && (err == nil || errors.Is(err, flag.ErrHelp)):
				t.Fatalf("err = %v, want a usage error", err)
			case !tc.help && !tc.err && err != nil:
				t.Fatalf("err = %v", err)
			case !tc.help && !tc.err && got != tc.want:
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
			check := func(name string, b *bytes.Buffer, want []string) {
				for _, w := range want {
					if !strings.Contains(b.String(), w) {
						t.Errorf("%s lacks %q:\n%s", name, w, b)
					}
				}
				if len(want) == 0 && b.Len() > 0 {
					t.Errorf("%s should be empty:\n%s", name, b)
				}
			}
			check("stdout", &out, tc.stdout)
			check("stderr", &errOut, tc.stderr)
		})
	}
}
