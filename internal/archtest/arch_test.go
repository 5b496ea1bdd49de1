package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// root is the module root, seen from this package's directory.
const root = "../.."

// TestImports: servers other than world cannot tell a simulated host from
// a real one, so they never import sim; the headless packages never link
// ebiten, which panics at init without a display. Test imports count too.
func TestImports(t *testing.T) {
	cmd := exec.Command("go", "list", "-test", "-f", "{{.ImportPath}}\t{{join .Deps \" \"}}",
		"./sim/...", "./servers/...", "./cmd/mailsim")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr(err))
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, deps, _ := strings.Cut(line, "\t")
		// "p [p.test]", "p_test [p.test]" and "p.test" are p's test builds.
		pkg, _, _ := strings.Cut(path, " ")
		pkg = strings.TrimSuffix(strings.TrimSuffix(pkg, ".test"), "_test")
		var sim, ebiten bool // one report per package and rule
		for _, dep := range strings.Fields(deps) {
			if !sim && within(pkg, "mailsim/servers") && !within(pkg, "mailsim/servers/world") && within(dep, "mailsim/sim") {
				sim = true
				t.Errorf("%s imports %s: only servers/world may use the simulator", path, dep)
			}
			if !ebiten && strings.HasPrefix(dep, "github.com/hajimehoshi/ebiten") {
				ebiten = true
				t.Errorf("%s imports %s: headless code must never link ebiten", path, dep)
			}
		}
		checked++
	}
	if checked < 10 {
		t.Fatalf("go list listed only %d packages:\n%s", checked, out)
	}
}

// within reports whether pkg is dir or below it.
func within(pkg, dir string) bool {
	return pkg == dir || strings.HasPrefix(pkg, dir+"/")
}

func stderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// wallClockOK are the only non-test files in sim/ and servers/ that may
// read the wall clock: deadline conversion, the stall watchdog and the
// paced driver; and real sockets' deadlines.
var wallClockOK = map[string]bool{
	"sim/wallclock.go":        true,
	"servers/env/loopback.go": true,
}

// TestNoWallClock: the simulation runs on virtual time only, or two runs
// of one scenario could differ.
func TestNoWallClock(t *testing.T) {
	files := 0
	for _, dir := range []string{"sim", "servers"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			rel = filepath.ToSlash(rel)
			files++
			if wallClockOK[rel] {
				return nil
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			for _, c := range wallClockCalls(fset, f) {
				t.Errorf("%s:%s: wall clock outside sim/wallclock.go and servers/env/loopback.go (use the host's Now, Sleep, Deadline or a sim timer)", rel, c)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 20 {
		t.Fatalf("walked only %d Go files: wrong root?", files)
	}
}

// wallClock are the functions of package time that read or wait on the
// wall clock.
var wallClock = map[string]bool{
	"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true, "Tick": true,
	"NewTimer": true, "NewTicker": true, "AfterFunc": true,
}

// wallClockCalls returns "line: time.X" for every use of a wall-clock
// function of package time in f, under whatever name f imports it.
func wallClockCalls(fset *token.FileSet, f *ast.File) []string {
	name := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
			name = "time"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	var found []string
	switch name {
	case "", "_":
		return nil
	case ".":
		return []string{fset.Position(f.Package).String() + ": dot-imports time"}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == name && wallClock[sel.Sel.Name] {
			found = append(found, strconv.Itoa(fset.Position(sel.Pos()).Line)+": time."+sel.Sel.Name)
		}
		return true
	})
	return found
}

// TestWallClockCallsParses: calls count, under any import name, used as
// values too; comments, strings and other packages' Now do not.
func TestWallClockCallsParses(t *testing.T) {
	const src = `package p

import clock "time"

// time.Now() in a comment, and clock.Sleep(1) too.
func f(h interface{ Now() clock.Time }) {
	_ = h.Now()
	_ = "time.Now()"
	_ = clock.Now()
	now := clock.Now
	_ = now
	_ = clock.Duration(1)
	<-clock.After(clock.Second)
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(wallClockCalls(fset, f), ", ")
	if want := "9: time.Now, 10: time.Now, 13: time.After"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
