package webmail

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"mailsim/servers/env"
)

// Limits of one connection.
const (
	idleTimeout  = 2 * time.Minute // a keep-alive connection with no request
	maxBodyBytes = 1 << 20
)

// Serve answers HTTP/1.1 on l with h until l is closed. Each connection
// runs in a goroutine of its own, which reads a request, runs the handler
// and writes the response, one after another. It is a plain go statement,
// as in go-smtp and imapserver: a simulated conn is adopted by the first
// goroutine that touches it, before the kernel moves on.
func Serve(l net.Listener, h http.Handler, e env.Env) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go serveConn(c, h, e)
	}
}

func serveConn(c net.Conn, h http.Handler, e env.Env) {
	defer c.Close()
	br := bufio.NewReader(c)
	bw := bufio.NewWriter(c)
	for {
		c.SetReadDeadline(e.Deadline(idleTimeout))
		req, err := http.ReadRequest(br)
		if err != nil {
			if !errors.Is(err, io.EOF) && !env.IsTimeout(err) {
				writeError(bw, http.StatusBadRequest)
			}
			return
		}
		req.RemoteAddr = c.RemoteAddr().String()
		w := &responseWriter{header: http.Header{}}
		req.Body = http.MaxBytesReader(w, req.Body, maxBodyBytes)
		h.ServeHTTP(w, req)
		io.Copy(io.Discard, req.Body) // the next request starts after it
		closing := req.Close || req.ProtoMajor < 1 || req.ProtoMajor == 1 && req.ProtoMinor == 0
		if err := w.write(bw, req, closing); err != nil || closing {
			return
		}
	}
}

func writeError(bw *bufio.Writer, code int) {
	fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", code, http.StatusText(code))
	bw.Flush()
}

// responseWriter collects a handler's response, so it goes out with a
// Content-Length and in as few segments as possible.
type responseWriter struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

var _ http.ResponseWriter = (*responseWriter)(nil)

func (w *responseWriter) Header() http.Header { return w.header }

func (w *responseWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *responseWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.body.Write(b)
}

func (w *responseWriter) write(bw *bufio.Writer, req *http.Request, closing bool) error {
	w.WriteHeader(http.StatusOK)
	if w.header.Get("Content-Type") == "" && w.body.Len() > 0 {
		w.header.Set("Content-Type", http.DetectContentType(w.body.Bytes()))
	}
	w.header.Set("Content-Length", strconv.Itoa(w.body.Len()))
	if closing {
		w.header.Set("Connection", "close")
	}
	resp := &http.Response{
		StatusCode: w.code, ProtoMajor: 1, ProtoMinor: 1, Request: req,
		Header: w.header, ContentLength: int64(w.body.Len()), Close: closing,
		Body: io.NopCloser(bytes.NewReader(w.body.Bytes())),
	}
	if req.Method == http.MethodHead {
		resp.Body = http.NoBody
	}
	if err := resp.Write(bw); err != nil {
		return err
	}
	return bw.Flush()
}
