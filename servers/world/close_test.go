package world

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"mailsim/sim"
	"mailsim/sim/scenario"
)

// Every test here closes the worlds it builds; none may leave a goroutine.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// build builds a library scenario and closes it when the test ends.
func build(t testing.TB, name string) *Runtime {
	t.Helper()
	return buildScenario(t, load(t, name))
}

// buildScenario builds sc and closes the world when the test ends.
func buildScenario(t testing.TB, sc *scenario.Scenario) *Runtime {
	t.Helper()
	rt, err := Build(sc, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := rt.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return rt
}

// Close ends every goroutine of a world, whether it ran to its end or
// was stopped in the middle with connections open and mail queued.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	for _, name := range []string{"figure-b.yaml", "classroom.yaml"} {
		for _, part := range []struct {
			what string
			at   func(*Runtime) time.Duration
		}{
			{"finished", func(rt *Runtime) time.Duration { return rt.Until }},
			{"mid-run", func(rt *Runtime) time.Duration { return rt.Until / 7 }},
			{"never run", func(*Runtime) time.Duration { return 0 }},
		} {
			t.Run(strings.TrimSuffix(name, ".yaml")+"/"+part.what, func(t *testing.T) {
				before := goleak.IgnoreCurrent()
				rt, err := Build(load(t, name), Options{})
				if err != nil {
					t.Fatal(err)
				}
				if at := part.at(rt); at > 0 {
					if err := rt.RunUntil(at); err != nil {
						t.Fatal(err)
					}
				}
				// A world that never ran has started no goroutine yet: the
				// kernel creates each one when its time comes.
				if n := runtime.NumGoroutine(); n < 10 && part.at(rt) > 0 {
					t.Fatalf("only %d goroutines before Close: the world is not running?", n)
				}
				if err := rt.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				goleak.VerifyNone(t, before)
				if err := rt.Close(); err != nil {
					t.Errorf("second Close: %v", err)
				}
				if err := rt.RunUntil(rt.Until + time.Hour); !errors.Is(err, sim.ErrStopped) {
					t.Errorf("RunUntil after Close: %v, want ErrStopped", err)
				}
			})
		}
	}
}

// An exposed world with a real client connected, stopped in the two
// orders its users stop it: the exposure while the paced driver runs
// (mailsim serve), or the world first (the window).
func TestCloseExposed(t *testing.T) {
	for i, worldFirst := range []bool{false, true} {
		name := map[bool]string{false: "exposure-first", true: "world-first"}[worldFirst]
		t.Run(name, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			rt, err := Build(load(t, "figure-b.yaml"), Options{})
			if err != nil {
				t.Fatal(err)
			}
			base := netip.AddrFrom4([4]byte{127, 6, byte(i), 0}) // its own range
			x, err := rt.Expose(ExposeOptions{Base: base, AlwaysOffset: true})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- rt.World.Pace(ctx, 20) }()

			// A real client that says nothing after the greeting: its
			// bridge is blocked on both sides when the world stops.
			ep := endpoint(t, x, "smtp.otherisp.com", "smtp", "tcp")
			c, err := net.Dial("tcp", ep.Real.String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			greeting, err := bufio.NewReader(c).ReadString('\n')
			if err != nil || !strings.HasPrefix(greeting, "220 ") {
				t.Fatalf("greeting %q, %v", greeting, err)
			}
			// And a DNS flow, whose simulated socket stays open.
			dnsEP := endpoint(t, x, "ns.otherisp.com", "dns", "udp")
			u, err := net.Dial("udp", dnsEP.Real.String())
			if err != nil {
				t.Fatal(err)
			}
			defer u.Close()
			if _, err := u.Write([]byte{0, 1, 0, 0}); err != nil { // a runt: dropped
				t.Fatal(err)
			}

			if !worldFirst {
				if err := x.Close(); err != nil {
					t.Errorf("Exposure.Close: %v", err)
				}
			}
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("Pace: %v", err)
			}
			if err := rt.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if worldFirst {
				if err := x.Close(); err != nil {
					t.Errorf("Exposure.Close: %v", err)
				}
			}
			c.Close()
			u.Close()
			goleak.VerifyNone(t, before)
		})
	}
}

// A server's accept loop that ends with anything but a closed listener
// is noted in the trace and returned by Close; a closed one is not.
func TestServeErrorReported(t *testing.T) {
	rt := build(t, "figure-b.yaml")
	var notes []string
	rt.World.Subscribe(func(e *sim.Event) {
		if e.Kind == sim.KindNote && strings.Contains(e.Text, "stopped") {
			notes = append(notes, e.Text)
		}
	})
	hs := rt.services["smtp.otherisp.com"]
	boom := errors.New("boom")
	rt.World.Go("fake accept loop", func() {
		hs.ended("smtp server on :25", &net.OpError{Op: "accept", Net: "tcp", Err: net.ErrClosed})
		hs.ended("smtp server on :25", &net.OpError{Op: "accept", Net: "tcp", Err: boom})
	})
	if err := rt.RunUntil(time.Second); err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "smtp server on :25 stopped: accept tcp: boom") {
		t.Errorf("notes %q, want one about boom", notes)
	}
	errs := rt.serveErrs()
	if len(errs) != 1 || !errors.Is(errs[0], boom) || !strings.Contains(errs[0].Error(), "smtp.otherisp.com") {
		t.Errorf("serve errors %v, want boom on smtp.otherisp.com", errs)
	}
	rt.services["smtp.otherisp.com"].errs = nil // so the cleanup's Close succeeds
}
