package scenario

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailsim/scenarios"
)

var update = flag.Bool("update", false, "rewrite golden files and the generated classroom.yaml")

// TestLibraryGolden resolves every library scenario and compares the model
// with testdata/<name>.json.
func TestLibraryGolden(t *testing.T) {
	names := scenarios.List()
	if len(names) < 10 || !contains(names, scenarios.Default) {
		t.Fatalf("library lists %v", names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := fs.ReadFile(scenarios.FS, name)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Parse(name, data)
			if err != nil {
				t.Fatalf("library scenario does not load:\n%v", err)
			}
			if len(s.Expect) == 0 || len(s.Timeline) == 0 || s.Title == "" {
				t.Fatalf("library scenario needs a title, a timeline and expectations")
			}
			got, err := json.MarshalIndent(s, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", strings.TrimSuffix(name, ".yaml")+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("resolved model differs from %s; run go test -update and review the diff", golden)
			}
		})
	}
}

// TestDeterministic parses the same file twice and expects identical models.
func TestDeterministic(t *testing.T) {
	data, _ := fs.ReadFile(scenarios.FS, "classroom.yaml")
	a, err := Parse("c.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Parse("c.yaml", data)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatal("two parses of one file differ")
	}
}

// BenchmarkParseClassroom measures loading the 300-PC library scenario.
func BenchmarkParseClassroom(b *testing.B) {
	data, _ := fs.ReadFile(scenarios.FS, "classroom.yaml")
	for b.Loop() {
		if _, err := Parse("classroom.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFigureB measures loading the default scenario.
func BenchmarkParseFigureB(b *testing.B) {
	data, _ := fs.ReadFile(scenarios.FS, scenarios.Default)
	for b.Loop() {
		if _, err := Parse("figure-b.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
