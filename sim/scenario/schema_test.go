package scenario

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"mailsim/internal/testtool"
	"mailsim/scenarios"
	"mailsim/servers/service"
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
	if want := fmt.Sprintf("checked %d\n", len(scenarios.List())); err != nil || !strings.Contains(string(out), want) {
		t.Fatalf("schema check failed: %v\n%s", err, out)
	}
}

// TestSchemaServicesFollowTable checks that the schema names the services
// of the service table: those a host lists, and every kind for stop/start.
func TestSchemaServicesFollowTable(t *testing.T) {
	b, err := os.ReadFile("../../scenarios/mailsim.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Definitions struct {
			Services struct {
				Items struct{ Enum []string } `json:"items"`
			} `json:"services"`
			Servicearg struct {
				OneOf []struct {
					Properties struct {
						Service struct{ Enum []string } `json:"service"`
					} `json:"properties"`
				} `json:"oneOf"`
			} `json:"servicearg"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	var listed, all []string
	for _, k := range Services {
		listed = append(listed, string(k))
	}
	for _, spec := range service.All() {
		all = append(all, string(spec.Kind))
	}
	if got := s.Definitions.Services.Items.Enum; !slices.Equal(got, listed) {
		t.Errorf("schema services %v, table %v", got, listed)
	}
	var stop []string
	for _, o := range s.Definitions.Servicearg.OneOf {
		if e := o.Properties.Service.Enum; e != nil {
			stop = e
		}
	}
	if !slices.Equal(stop, all) {
		t.Errorf("schema stop/start services %v, table %v", stop, all)
	}
}
