package scenario

import (
	"errors"
	"io/fs"
	"testing"

	"mailsim/scenarios"
)

// FuzzParse checks that no input panics and that every error carries a
// position.
func FuzzParse(f *testing.F) {
	for _, name := range scenarios.List() {
		if data, err := fs.ReadFile(scenarios.FS, name); err == nil && len(data) < 8000 {
			f.Add(data)
		}
	}
	f.Add([]byte(base + okExpect))
	f.Add([]byte("a: &a [*a, *a]\nb: *a\n"))
	f.Add([]byte("isps: {x: {<<: {domain: x.com}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.yaml", data)
		if err == nil {
			if s == nil {
				t.Fatal("nil scenario without error")
			}
			return
		}
		var list ErrorList
		if !errors.As(err, &list) || len(list) == 0 {
			t.Fatalf("error %T is not a non-empty ErrorList: %v", err, err)
		}
		for _, e := range list {
			if e.Line <= 0 || e.Col <= 0 {
				t.Fatalf("error without a position: %v", e)
			}
		}
	})
}
