//go:build (linux && !android) || freebsd || netbsd || openbsd || dragonfly

package cmdline

import (
	"fmt"
	"net"
	"reflect"
	"strings"
	"testing"
)

func TestDisplayAddrs(t *testing.T) {
	local := [][2]string{{"unix", "@/tmp/.X11-unix/X0"}, {"unix", "/tmp/.X11-unix/X0"}, {"tcp", "localhost:6000"}}
	for d, want := range map[string][][2]string{
		":0":                  local,
		":0.1":                local,
		"unix:3":              {{"unix", "@/tmp/.X11-unix/X3"}, {"unix", "/tmp/.X11-unix/X3"}},
		"unix/:3":             {{"unix", "@/tmp/.X11-unix/X3"}, {"unix", "/tmp/.X11-unix/X3"}},
		"localhost:10.0":      {{"tcp", "localhost:6010"}}, // ssh -X
		"tcp/:2":              {{"tcp", "localhost:6002"}},
		"10.0.0.5:1":          {{"tcp", "10.0.0.5:6001"}},
		"::1:0":               {{"tcp", "[::1]:6000"}},
		"/private/tmp/x:0":    nil, // XQuartz's socket path
		"host::0":             nil, // DECnet
		"nonsense":            nil,
		":x":                  nil,
		"/tmp/launch-abc/org": nil,
	} {
		if got := displayAddrs(d); !reflect.DeepEqual(got, want) {
			t.Errorf("displayAddrs(%q) = %v, want %v", d, got, want)
		}
	}
}

func TestCheckDisplay(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	expect := func(err error, want ...string) {
		t.Helper()
		if err == nil {
			t.Fatalf("no error, want %q", want)
		}
		for _, w := range append(want, "xvfb-run -a mailsim-view") {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error lacks %q:\n%v", w, err)
			}
		}
	}
	expect(CheckDisplay(env()), "no display: DISPLAY is not set")
	expect(CheckDisplay(env("WAYLAND_DISPLAY", "wayland-0")), "DISPLAY is not set", "X11 only", "XWayland")
	if err := CheckDisplay(env("DISPLAY", "nonsense")); err != nil {
		t.Errorf("an unknown form is left to X to try, got %v", err)
	}

	// A listener stands in for an X server on TCP: DISPLAY=host:N is port 6000+N.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if port < 6000 {
		ln.Close()
		t.Skipf("ephemeral port %d is below X's 6000", port)
	}
	d := fmt.Sprintf("127.0.0.1:%d.0", port-6000)
	if err := CheckDisplay(env("DISPLAY", d)); err != nil {
		t.Errorf("DISPLAY=%s is listening, got %v", d, err)
	}
	ln.Close()
	expect(CheckDisplay(env("DISPLAY", d)), "cannot reach DISPLAY="+d, "connection refused")
}
