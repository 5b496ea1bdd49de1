package scenario

import (
	"os/exec"
	"strings"
	"testing"
)

// TestSchemaAcceptsLibrary validates every library scenario against
// scenarios/mailsim.schema.json with python3's jsonschema and PyYAML.
func TestSchemaAcceptsLibrary(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	if exec.Command(py, "-c", "import jsonschema, yaml").Run() != nil {
		t.Skip("python3 modules jsonschema and yaml (python3-jsonschema, python3-yaml) not installed")
	}
	const script = `
import json, glob, sys, yaml, jsonschema
s = json.load(open("mailsim.schema.json"))
jsonschema.Draft7Validator.check_schema(s)
v = jsonschema.Draft7Validator(s)
bad = 0
for f in sorted(glob.glob("*.yaml")):
    for e in v.iter_errors(yaml.safe_load(open(f))):
        print(f, list(e.path), e.message[:200]); bad += 1
print("checked", len(glob.glob("*.yaml")))
sys.exit(1 if bad else 0)
`
	cmd := exec.Command(py, "-c", script)
	cmd.Dir = "../../scenarios"
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "checked 10") {
		t.Fatalf("schema check failed: %v\n%s", err, out)
	}
}
