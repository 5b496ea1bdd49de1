package scenario

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"mailsim/internal/testtool"

	"gopkg.in/yaml.v3"
)

const formatDoc = "../../scenarios/FORMAT.md"

// docBlock returns the first ```yaml block after the heading in FORMAT.md
// and the line it starts on (1-based), so errors point into the document.
func docBlock(t *testing.T, heading string) (string, int) {
	t.Helper()
	data, err := os.ReadFile(formatDoc)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	in, start := false, 0
	var block []string
	for i, l := range lines {
		switch {
		case start == 0 && l == heading:
			in = true
		case in && start == 0 && l == "```yaml":
			start = i + 2
		case start > 0 && l == "```":
			return strings.Join(block, "\n") + "\n", start
		case start > 0:
			block = append(block, l)
		}
	}
	t.Fatalf("%s: no ```yaml block under %q", formatDoc, heading)
	return "", 0
}

// TestFormatExamples parses the YAML examples of FORMAT.md, so the
// documentation cannot drift from what the loader accepts.
func TestFormatExamples(t *testing.T) {
	for _, heading := range []string{"## The shortest useful scenario", "## Every key, annotated"} {
		t.Run(heading[3:], func(t *testing.T) {
			src, line := docBlock(t, heading)
			s, err := Parse("FORMAT.md example", []byte(src))
			if err != nil {
				t.Fatalf("the example at FORMAT.md line %d does not parse (lines below count from there):\n%v", line, err)
			}
			if len(s.Expect) == 0 || len(s.Timeline) == 0 {
				t.Fatalf("example has %d actions and %d expectations", len(s.Timeline), len(s.Expect))
			}
		})
	}
}

// TestFormatShowsEveryKey checks that "Every key, annotated" uses every key,
// action kind, expectation kind and record type the loader knows.
func TestFormatShowsEveryKey(t *testing.T) {
	src, _ := docBlock(t, "## Every key, annotated")
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				seen[n.Content[i].Value] = true
				if n.Content[i].Value == "type" {
					seen["type "+n.Content[i+1].Value] = true
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	var want []string
	for _, l := range [][]string{topKeys, ispKeys, hostKeys, actionKinds, expectKinds} {
		want = append(want, l...)
	}
	want = append(want, "defaults", "lan", "access", "uplink", "backbone", "routers", "links", "root_dns",
		"mx", "services", "password", "via", "body", "pref", "ttl", "after", "by", "at", "type PTR")
	for _, k := range want {
		if !seen[k] {
			t.Errorf("FORMAT.md \"Every key, annotated\" does not show %q", k)
		}
	}
}

// TestFormatExamplesSchema validates the FORMAT.md examples against
// mailsim.schema.json with python3's jsonschema and PyYAML.
func TestFormatExamplesSchema(t *testing.T) {
	py := testtool.RequirePython(t, "jsonschema", "yaml")
	dir := t.TempDir()
	for i, h := range []string{"## The shortest useful scenario", "## Every key, annotated"} {
		src, _ := docBlock(t, h)
		if err := os.WriteFile(filepath.Join(dir, string(rune('a'+i))+".yaml"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	schema, err := filepath.Abs("../../scenarios/mailsim.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	const script = `
import json, glob, sys, yaml, jsonschema
v = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
bad = 0
for f in sorted(glob.glob("*.yaml")):
    doc = yaml.safe_load(open(f))
    # PyYAML reads epoch: as a datetime; the schema wants the text as written.
    if "epoch" in doc: doc["epoch"] = doc["epoch"].isoformat().replace("+00:00", "Z")
    for e in v.iter_errors(doc):
        print(f, list(e.path), e.message[:200]); bad += 1
print("checked", len(glob.glob("*.yaml")))
sys.exit(1 if bad else 0)
`
	cmd := exec.Command(py, "-c", script, schema)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "checked 2") {
		t.Fatalf("schema check of FORMAT.md examples failed: %v\n%s", err, out)
	}
}
