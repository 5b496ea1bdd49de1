package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const webSummary = "serve the window as a web page (built by make web) to a browser"

const webUsage = `usage: mailsim web [--addr ADDR] [DIR]

Serve the browser version of the window, built into DIR (default: web) by
'make web': index.html, wasm_exec.js and mailsim.wasm, each beside its
precompressed .br and .gz. A browser that accepts brotli or gzip gets the
compressed file (Content-Encoding, Vary: Accept-Encoding); .wasm goes out
as application/wasm. Open the printed address: ?scenario=NAME opens a
library scenario, ?at=12.5s starts there, ?speed=5 plays at 5×.

Only loopback is bound unless --addr names another address, for example
--addr 0.0.0.0:8080 to let a classroom's browsers in. Ctrl-C stops.

Flags:
`

// webFiles must be in a built site.
var webFiles = []string{"index.html", "wasm_exec.js", "mailsim.wasm"}

func (c *cli) web(args []string) int {
	fs := flag.NewFlagSet("web", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen on `HOST:PORT` (another host than loopback exposes the page to the network)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), webUsage)
		fs.PrintDefaults()
	}
	for _, a := range args {
		if isHelpFlag(a) {
			fs.SetOutput(c.stdout)
			fs.Usage()
			return exitOK
		}
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return exitUsage
	}
	if len(pos) > 1 {
		fmt.Fprintf(c.stderr, "mailsim web: one folder at a time (got %d)\n", len(pos))
		return exitUsage
	}
	dir := "web"
	if len(pos) == 1 {
		dir = pos[0]
	}
	if err := checkSite(dir); err != nil {
		fmt.Fprintf(c.stderr, "mailsim web: %v\n", err)
		return exitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(c.stderr, "mailsim web: %v\n", err)
		return exitUsage
	}
	srv := &http.Server{Handler: webHandler(dir), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(c.stdout, "mailsim web: serving %s on http://%s/ (Ctrl-C stops)\n", dir, ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(shut)
		return exitOK
	case err := <-done:
		fmt.Fprintf(c.stderr, "mailsim web: %v\n", err)
		return exitFail
	}
}

// checkSite says what is missing from a built site, and how to build it.
func checkSite(dir string) error {
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return fmt.Errorf("%s: no such folder: run make web first (it builds the page into web/)", dir)
	}
	for _, f := range webFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return fmt.Errorf("%s: %s is missing: run make web first", dir, f)
		}
	}
	return nil
}

// webTypes are set explicitly: the system's MIME table may lack .wasm,
// and a browser compiles wasm as it streams only with application/wasm.
var webTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".wasm": "application/wasm",
	".png":  "image/png",
	".yaml": "text/yaml; charset=utf-8",
}

// encodings are tried in order: brotli is smaller than gzip.
var encodings = []struct{ name, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

// webHandler serves the files of dir, preferring a precompressed
// sibling (FILE.br, FILE.gz) the browser accepts. Folders are not listed.
func webHandler(dir string) http.Handler {
	root := os.DirFS(dir)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		if !fs.ValidPath(name) {
			http.NotFound(w, r)
			return
		}
		ctype, ok := webTypes[path.Ext(name)]
		if !ok {
			ctype = mime.TypeByExtension(path.Ext(name))
		}
		h := w.Header()
		h.Set("Cache-Control", "no-cache") // revalidate: a rebuilt site shows at once
		h.Set("X-Content-Type-Options", "nosniff")
		for _, enc := range encodings {
			if !accepts(r.Header.Get("Accept-Encoding"), enc.name) {
				continue
			}
			if f, st, err := openFile(root, name+enc.ext); err == nil {
				defer f.Close()
				h.Set("Content-Encoding", enc.name)
				h.Set("Vary", "Accept-Encoding")
				h.Set("Content-Type", ctype)
				if r.Header.Get("Range") == "" {
					// ServeContent leaves it out of encoded responses.
					h.Set("Content-Length", strconv.FormatInt(st.Size(), 10))
				}
				http.ServeContent(w, r, name, st.ModTime(), f)
				return
			}
		}
		f, st, err := openFile(root, name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		if hasCompressed(root, name) {
			h.Set("Vary", "Accept-Encoding")
		}
		if ctype != "" {
			h.Set("Content-Type", ctype)
		}
		http.ServeContent(w, r, name, st.ModTime(), f)
	})
}

// openFile opens a regular file (not a folder) of root.
func openFile(root fs.FS, name string) (io.ReadSeekCloser, fs.FileInfo, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, errors.Join(err, fs.ErrNotExist)
	}
	rs, ok := f.(io.ReadSeekCloser)
	if !ok {
		f.Close()
		return nil, nil, fs.ErrInvalid
	}
	return rs, st, nil
}

func hasCompressed(root fs.FS, name string) bool {
	for _, enc := range encodings {
		if _, err := fs.Stat(root, name+enc.ext); err == nil {
			return true
		}
	}
	return false
}

// accepts reports whether an Accept-Encoding header value allows coding
// (RFC 9110 §12.5.3): listed, or covered by "*", with a q above 0.
func accepts(header, coding string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		tok, params, _ := strings.Cut(part, ";")
		tok = strings.ToLower(strings.TrimSpace(tok))
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(k, "q") {
				if f, err := strconv.ParseFloat(v, 64); err == nil {
					q = f
				}
			}
		}
		switch tok {
		case coding:
			return q > 0
		case "*":
			star = q > 0
		}
	}
	return star
}
