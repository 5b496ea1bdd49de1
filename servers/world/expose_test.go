package world

import (
	"bytes"
	"context"
	"io/fs"
	"net/netip"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"mailsim/internal/testtool"
	"mailsim/scenarios"
	"mailsim/sim/scenario"
)

func endpoint(t *testing.T, x *Exposure, host, service, proto string) Endpoint {
	t.Helper()
	for _, ep := range x.Endpoints {
		if ep.Host == host && ep.Service == service && ep.Proto == proto {
			return ep
		}
	}
	t.Fatalf("no %s %s endpoint on %s in %+v", proto, service, host, x.Endpoints)
	return Endpoint{}
}

// Real clients nobody here wrote talk to the simulated servers: swaks
// sends from "lisa-pc", the message crosses the simulated Internet, and
// Python's poplib downloads it from Comentum's POP3 server; dig asks
// otherisp's resolver, which walks the simulated DNS.
func TestExposeRealClients(t *testing.T) {
	for _, tool := range []string{"swaks", "python3", "dig"} {
		testtool.Require(t, tool)
	}
	rt := buildScenario(t, figureBLateCheck(t))
	// Its own loopback range: other packages' tests expose worlds too.
	x, err := rt.Expose(ExposeOptions{Base: netip.MustParseAddr("127.2.0.0")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer x.Close() // first, while Pace runs: a bridge's close takes a kernel turn
	done := make(chan error, 1)
	go func() { done <- rt.World.Pace(ctx, 2) }()

	smtpEP := endpoint(t, x, "smtp.otherisp.com", "smtp", "tcp")
	out, err := exec.Command("swaks", "--server", smtpEP.Real.Addr().String(), "--port", itoa(smtpEP.Real.Port()),
		"--from", "lisa@otherisp.com", "--to", "bob@comentum.com", "--helo", "lisa-pc",
		"--header", "Subject: sent with swaks", "--body", "Hello from a real client.", "--timeout", "30").CombinedOutput()
	if err != nil {
		t.Fatalf("swaks: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "250 2.0.0 Ok: queued as ") {
		t.Fatalf("swaks did not see the message queued:\n%s", out)
	}
	// Wait (in real time, bounded) for the relay to land in bob's mailbox.
	st := rt.Store("comentum")
	deadline := time.Now().Add(20 * time.Second)
	// The swaks message itself: Lisa's "Lunch?" of the timeline lands first.
	arrived := func() bool {
		for _, m := range st.Messages("bob") {
			if strings.Contains(string(m.Data), "Subject: sent with swaks") {
				return true
			}
		}
		return false
	}
	for !arrived() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	popEP := endpoint(t, x, "pop3.comentum.com", "pop3", "tcp")
	script := `
import poplib, sys
p = poplib.POP3(sys.argv[1], int(sys.argv[2]), timeout=30)
p.user("bob"); p.pass_("secret2")
count, size = p.stat()
print("count", count)
for i in range(1, count + 1):
    lines = p.retr(i)[1]
    print("\n".join(l.decode() for l in lines if l.startswith(b"Subject:")))
    p.dele(i)
p.quit()
`
	out, err = exec.Command("python3", "-c", script, popEP.Real.Addr().String(), itoa(popEP.Real.Port())).CombinedOutput()
	if err != nil {
		t.Fatalf("poplib: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Subject: sent with swaks") {
		t.Fatalf("poplib did not download the swaks message:\n%s", out)
	}
	if n := len(st.Messages("bob")); n != 0 {
		t.Errorf("after poplib DELE+QUIT bob's mailbox holds %d", n)
	}
	dnsEP := endpoint(t, x, "ns.otherisp.com", "dns", "udp")
	out, err = exec.Command("dig", "@"+dnsEP.Real.Addr().String(), "-p", itoa(dnsEP.Real.Port()), "comentum.com", "MX", "+tries=1", "+time=10").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "smtp.comentum.com.") || !strings.Contains(string(out), "status: NOERROR") {
		t.Fatalf("dig: %v\n%s", err, out)
	}
	x.Close()
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Pace: %v", err)
	}
}

func itoa(p uint16) string { return strconv.Itoa(int(p)) }

// figureBLateCheck is figure-b with Bob's own download moved from 30 s to
// 1 h, so that however slow the machine, it never takes the messages the
// real clients look for first.
func figureBLateCheck(t *testing.T) *scenario.Scenario {
	t.Helper()
	data, err := fs.ReadFile(scenarios.FS, "figure-b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const check = "{at: 30s, check: bob-pc}"
	if !bytes.Contains(data, []byte(check)) {
		t.Fatalf("figure-b.yaml no longer has %q", check)
	}
	sc, err := scenario.Parse("figure-b.yaml", bytes.Replace(data, []byte(check), []byte("{at: 1h, check: bob-pc}"), 1))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
