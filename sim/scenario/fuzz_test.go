package scenario

import (
	"errors"
	"io/fs"
	"testing"
	"time"

	"mailsim/scenarios"
)

// parseLimit is how long one Parse may take in the fuzz target. Parse of
// any file under 1 MB must answer well within it; a slower input is a bug
// (and a file like it would freeze validate, run and the window's reload).
const parseLimit = time.Second

// FuzzParse checks that no input panics, that every error carries a
// position, and that Parse answers quickly.
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
		s, err := timedParse(t, data)
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

// timedParse runs Parse in a goroutine so that a hang fails the fuzz
// target with its input instead of freezing the worker.
func timedParse(t *testing.T, data []byte) (*Scenario, error) {
	type result struct {
		s   *Scenario
		err error
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		s, err := Parse("f.yaml", data)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		if el := time.Since(start); el > parseLimit {
			t.Fatalf("Parse took %v (limit %v) on %d bytes", el, parseLimit, len(data))
		}
		return r.s, r.err
	case <-time.After(parseLimit):
		t.Fatalf("Parse still running after %v on %d bytes", parseLimit, len(data))
	}
	return nil, nil
}
