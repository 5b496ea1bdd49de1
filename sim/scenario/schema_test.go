package scenario

import (
	"os/exec"
	"strings"
	"testing"

	"mailsim/internal/testtool"
)

// TestSchemaAcceptsLibrary validates every library scenario against
// scenarios/mailsim.schema.json with python3's jsonschema and PyYAML.
func TestSchemaAcceptsLibrary(t *testing.T) {
	py := testtool.RequirePython(t, "jsonschema", "yaml")
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
