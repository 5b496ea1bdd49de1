package world

import (
	"context"
	"fmt"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"mailsim/internal/testtool"
	"mailsim/servers/dns"
)

// digAt runs dig against an exposed DNS endpoint.
func digAt(t *testing.T, ep Endpoint, args ...string) string {
	t.Helper()
	path := testtool.Require(t, "dig")
	all := append([]string{"@" + ep.Real.Addr().String(), "-p", itoa(ep.Real.Port()), "+time=5", "+tries=1"}, args...)
	out, err := exec.Command(path, all...).CombinedOutput()
	if err != nil {
		t.Fatalf("dig %s: %v\n%s", strings.Join(all, " "), err, out)
	}
	return string(out)
}

// L7, through the simulated network as mailsim serve shows it to dig:
// the root names its own server, and a UDP answer too big for a client
// without EDNS0 comes truncated, with TC, from the authoritative server
// and from a resolver alike; dig then gets all of it over TCP.
func TestExposedDNSDetails(t *testing.T) {
	rt := build(t, "figure-b.yaml")
	// 60 A records for one name: about 1 KB even compressed.
	ns := rt.services["ns.comentum.com"]
	for i := 0; i < 60; i++ {
		if err := ns.zones.AddRecord("", dns.Record{Name: "big.comentum.com.", Type: "A", TTL: 300, Value: fmt.Sprintf("203.0.113.%d", 100+i)}); err != nil {
			t.Fatal(err)
		}
	}
	x, err := rt.Expose(ExposeOptions{Base: netip.MustParseAddr("127.131.0.0"), AlwaysOffset: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer x.Close() // first, while Pace runs: a bridge's close takes a kernel turn
	go rt.World.Pace(ctx, 50)

	root := endpoint(t, x, "root-dns", "dns", "udp")
	out := digAt(t, root, ".", "NS", "+norec")
	if !strings.Contains(out, "flags: qr aa;") ||
		!strings.Contains(out, ";; ANSWER SECTION:\n.\t\t\t518400\tIN\tNS\troot-dns.\n") ||
		!strings.Contains(out, ";; ADDITIONAL SECTION:\nroot-dns.\t\t518400\tIN\tA\t192.0.2.53\n") {
		t.Errorf("dig . NS at the root: want its own NS, authoritative, with its address in additional:\n%s", out)
	}
	for _, ep := range []Endpoint{endpoint(t, x, "ns.comentum.com", "dns", "udp"), endpoint(t, x, "ns.otherisp.com", "dns", "udp")} {
		out := digAt(t, ep, "big.comentum.com", "A", "+noedns", "+ignore")
		if !strings.Contains(out, " tc") || !strings.Contains(out, "(UDP)") || msgSize(t, out) > 512 {
			t.Errorf("%s without EDNS0: want at most 512 octets over UDP with tc:\n%s", ep.Host, out)
		}
		out = digAt(t, ep, "big.comentum.com", "A", "+noedns")
		if !strings.Contains(out, "Truncated, retrying in TCP mode") || strings.Count(out, "\tIN\tA\t203.0.113.") != 60 {
			t.Errorf("%s: want dig to retry over TCP and get all 60 records:\n%s", ep.Host, out)
		}
	}
}

func msgSize(t *testing.T, out string) int {
	t.Helper()
	var n int
	i := strings.Index(out, "MSG SIZE  rcvd: ")
	if i < 0 {
		t.Fatalf("no MSG SIZE in:\n%s", out)
	}
	fmt.Sscanf(out[i+len("MSG SIZE  rcvd: "):], "%d", &n)
	return n
}
