package scenario

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mailsim/internal/testtool"
)

// agreeBase is a valid scenario; each case adds or replaces lines.
const agreeBase = `isps:
  otherisp: {domain: otherisp.com, users: {lisa: secret1}}
  comentum:
    domain: comentum.com
    users: {bob: secret2}
    servers:
      smtp.comentum.com: {services: [smtp]%s}
      pop3.comentum.com: [pop3]
      ns.comentum.com: [dns]
hosts:
  lisa-pc: {user: lisa@otherisp.com%s}
  bob-pc: {user: bob@comentum.com}
timeline:
  - {at: %s, send: {from: lisa@otherisp.com, to: bob@comentum.com, subject: Hi}}
  - {at: 30s, check: bob-pc}
%sexpect:
  - {downloaded: {host: bob-pc, subject: Hi}%s}
`

// TestSchemaAgreesWithLoader feeds the same files to the loader and to
// the JSON Schema (python3's jsonschema): both must accept the valid
// ones and both must reject the invalid ones, key by key and value by
// value, so an editor's squiggles and mailsim never disagree.
func TestSchemaAgreesWithLoader(t *testing.T) {
	cases := []struct {
		name                          string
		server, host, at, extra, expr string
		valid                         bool
	}{
		{"base", "", "", "0s", "", "", true},
		{"at 0 bare", "", "", "0", "", "", true},
		{"at 90 bare", "", "", "90", "", "", false},
		{"at 1d", "", "", "1d", "", "", true},
		{"at soon", "", "", "soon", "", "", false},
		{"relay_for", ", relay_for: [otherisp.com]", "", "0s", "", "", true},
		{"queue", ", queue: {retry: 5m, max_retry: 1h, lifetime: 5d, warn_after: 4h}", "", "0s", "", "", true},
		{"queue bad key", ", queue: {retries: 5m}", "", "0s", "", "", false},
		{"queue bad value", ", queue: {lifetime: forever}", "", "0s", "", "", false},
		{"limits", ", limits: {max_size: 10MB, max_recipients: 50}", "", "0s", "", "", true},
		{"limits bytes", ", limits: {max_size: 20000}", "", "0s", "", "", true},
		{"limits bad size", ", limits: {max_size: huge}", "", "0s", "", "", false},
		{"limits bad key", ", limits: {size: 10MB}", "", "0s", "", "", false},
		{"host link loss", "", ", link: {loss: 5%, jitter: 10ms}", "0s", "", "", true},
		{"host link bad loss", "", ", link: {loss: lots}", "0s", "", "", false},
		{"host link bad jitter", "", ", link: {jitter: 10}", "0s", "", "", false},
		{"flap", "", "", "0s", "  - {at: 1m, flap: {link: [comentum-router, internet], down_for: 10s, every: 1m, count: 2}}\n", "", true},
		{"flap bad key", "", "", "0s", "  - {at: 1m, flap: {link: [comentum-router, internet], often: 2}}\n", "", false},
		{"slow", "", "", "0s", "  - {at: 1m, slow: {link: [comentum-router, internet], for: 1m, latency: 400ms, bandwidth: 56kbit, loss: 5%, jitter: 10ms}}\n", "", true},
		{"slow loss only", "", "", "0s", "  - {at: 1m, slow: {link: [comentum-router, internet], for: 30s, loss: 20%}}\n", "", true},
		{"slow no for", "", "", "0s", "  - {at: 1m, slow: {link: [comentum-router, internet], loss: 20%}}\n", "", false},
		{"slow nothing", "", "", "0s", "  - {at: 1m, slow: {link: [comentum-router, internet], for: 30s}}\n", "", false},
		{"slow bad key", "", "", "0s", "  - {at: 1m, slow: {link: [comentum-router, internet], for: 30s, speed: 1}}\n", "", false},
		{"slow bad loss", "", "", "0s", "  - {at: 1m, slow: {link: [comentum-router, internet], for: 30s, loss: lots}}\n", "", false},
		{"send disconnect", "", "", "0s", "  - {at: 5s, send: {from: lisa@otherisp.com, to: bob@comentum.com, disconnect: mid_data}}\n", "", true},
		{"send bad disconnect", "", "", "0s", "  - {at: 5s, send: {from: lisa@otherisp.com, to: bob@comentum.com, disconnect: later}}\n", "", false},
		{"unknown action", "", "", "0s", "  - {at: 1m, reboot: bob-pc}\n", "", false},
		{"by duration", "", "", "0s", "", ", by: 1m", true},
		{"by bare number", "", "", "0s", "", ", by: 60", false},
		{"unknown expect key", "", "", "0s", "", ", within: 1m", false},
	}
	dir := t.TempDir()
	want := map[string]bool{}
	for _, c := range cases {
		src := strings.ReplaceAll(agreeBase, "%s", "\x00")
		for _, part := range []string{c.server, c.host, c.at, c.extra, c.expr} {
			src = strings.Replace(src, "\x00", part, 1)
		}
		file := strings.ReplaceAll(c.name, " ", "-") + ".yaml"
		if err := os.WriteFile(filepath.Join(dir, file), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		want[file] = c.valid
		_, err := Parse(file, []byte(src))
		if (err == nil) != c.valid {
			t.Errorf("%s: the loader says %v, want valid=%v\n%s", c.name, err, c.valid, src)
		}
	}
	py := testtool.RequirePython(t, "jsonschema", "yaml")
	schema, err := filepath.Abs("../../scenarios/mailsim.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	const script = `
import json, glob, sys, yaml, jsonschema
v = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
out = {}
for f in sorted(glob.glob("*.yaml")):
    out[f] = not any(True for _ in v.iter_errors(yaml.safe_load(open(f))))
print(json.dumps(out))
`
	cmd := exec.Command(py, "-c", script, schema)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("schema check: %v", err)
	}
	var got map[string]bool
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("schema check output %q: %v", out, err)
	}
	for file, valid := range want {
		if got[file] != valid {
			t.Errorf("%s: the schema says valid=%v, the loader valid=%v", file, got[file], valid)
		}
	}
}
