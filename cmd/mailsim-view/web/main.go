// Command web builds the browser version of the mailsim window into a
// folder that any static web host can serve (make web runs it):
//
//	index.html      the page (from index.html beside this file)
//	wasm_exec.js    Go's loader, from $(go env GOROOT)/lib/wasm
//	mailsim.wasm    cmd/mailsim-view built for GOOS=js GOARCH=wasm
//
// and beside each a precompressed FILE.br and FILE.gz, for hosts that
// serve those (mailsim web does). Files that have not changed are left
// alone, so a second run takes seconds.
//
//	go run ./cmd/mailsim-view/web [-o DIR]
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"flag"
	"fmt"
	"html/template"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"

	"mailsim/scenarios"
	"mailsim/sim/scenario"
)

//go:embed index.html
var page string

// brotliLevel: 9 gives nearly the size of 11 in a twentieth of the time
// (28 MB of wasm: 5.2 MB in 10 s, against 4.6 MB in 3.5 min).
const brotliLevel = 9

func main() {
	out := flag.String("o", "web", "build the site into `DIR`")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: go run ./cmd/mailsim-view/web [-o DIR]\n\nBuild the browser version of the window; serve it with mailsim web DIR.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := build(*out); err != nil {
		fmt.Fprintf(os.Stderr, "web: %v\n", err)
		os.Exit(1)
	}
}

func build(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	goTool := os.Getenv("GO")
	if goTool == "" {
		goTool = "go"
	}
	wasm := filepath.Join(dir, "mailsim.wasm")
	// go build leaves an up-to-date output alone, so mtimes say what changed.
	cmd := exec.Command(goTool, "build", "-trimpath", "-ldflags=-s -w", "-o", wasm, "mailsim/cmd/mailsim-view")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build (js/wasm): %w", err)
	}
	goroot, err := exec.Command(goTool, "env", "GOROOT").Output()
	if err != nil {
		return fmt.Errorf("go env GOROOT: %w", err)
	}
	loader, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return fmt.Errorf("reading wasm_exec.js, the wasm loader Go ships in lib/wasm since 1.24: %w", err)
	}
	if err := writeIfChanged(filepath.Join(dir, "wasm_exec.js"), loader); err != nil {
		return err
	}
	html, err := render(wasm)
	if err != nil {
		return err
	}
	if err := writeIfChanged(filepath.Join(dir, "index.html"), html); err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i, name := range []string{"index.html", "wasm_exec.js", "mailsim.wasm"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = compress(filepath.Join(dir, name))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// render fills in the page template: the wasm's size (the loading bar
// counts uncompressed bytes), a version that defeats stale caches, and
// the scenario library for the menu.
func render(wasm string) ([]byte, error) {
	data, err := os.ReadFile(wasm)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	type entry struct{ Name, Title string }
	var lib []entry
	for _, file := range scenarios.List() {
		src, err := scenarios.FS.ReadFile(file)
		if err != nil {
			return nil, err
		}
		sc, err := scenario.Parse(file, src)
		if err != nil {
			return nil, fmt.Errorf("library scenario %s: %w", file, err)
		}
		lib = append(lib, entry{strings.TrimSuffix(file, ".yaml"), sc.Title})
	}
	t, err := template.New("index.html").Parse(page)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = t.Execute(&b, struct {
		WasmBytes int
		Version   string
		Default   string
		Scenarios []entry
	}{len(data), hex.EncodeToString(sum[:6]), strings.TrimSuffix(scenarios.Default, ".yaml"), lib})
	return b.Bytes(), err
}

func writeIfChanged(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return os.WriteFile(name, data, 0o644)
}

// compress writes name.gz and name.br unless they are newer than name.
func compress(name string) error {
	src, err := os.Stat(name)
	if err != nil {
		return err
	}
	fresh := func(out string) bool {
		st, err := os.Stat(out)
		return err == nil && !st.ModTime().Before(src.ModTime())
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if !fresh(name + ".gz") {
		err := writeCompressed(name+".gz", data, func(w io.Writer) io.WriteCloser {
			z, _ := gzip.NewWriterLevel(w, gzip.DefaultCompression)
			return z
		})
		if err != nil {
			return err
		}
	}
	if !fresh(name + ".br") {
		return writeCompressed(name+".br", data, func(w io.Writer) io.WriteCloser {
			return brotli.NewWriterLevel(w, brotliLevel)
		})
	}
	return nil
}

// writeCompressed writes through a temporary file, so a half-written
// .br is never served.
func writeCompressed(name string, data []byte, newWriter func(io.Writer) io.WriteCloser) error {
	tmp := name + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	z := newWriter(f)
	_, err = z.Write(data)
	if cerr := z.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.Rename(tmp, name)
}
