package scenario

import (
	"flag"
	"os"
	"testing"
)

// fuzzMinimizeTime replaces Go's default -fuzzminimizetime of 60s: this
// package's fuzzer keeps what it finds as found. The fuzzer minimizes
// every input that reaches new coverage before it goes on, in O(n²)
// calls of Parse for an n-byte input, and reports no execs meanwhile.
// Mutants of our ~1.3 KB seed scenarios took the whole minute each, so
// "go test -fuzz FuzzParse" sat at "execs: 16 (0/sec)": minimizing, not
// hung. Found inputs are scenario-sized YAML, readable as they are; give
// -fuzzminimizetime to minimize anyway.
const fuzzMinimizeTime = "0s"

// TestMain applies fuzzMinimizeTime unless -fuzzminimizetime is given.
func TestMain(m *testing.M) {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.fuzzminimizetime" })
	if !given {
		if err := flag.Set("test.fuzzminimizetime", fuzzMinimizeTime); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
