package webmail

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/mua"
)

// Browser is a web browser on a simulated host: it keeps cookies,
// follows redirects and reuses one connection while the server keeps it
// open. It writes each request and reads each response in the caller's
// goroutine (package doc), with net/http's Request, Response and cookie
// jar.
type Browser struct {
	// Hosts, when set, finds servers by name through the computer's
	// DNS resolver, as a real browser does.
	Hosts *mua.HostCache

	e       env.Env
	jar     *cookiejar.Jar
	timeout time.Duration

	conn net.Conn
	br   *bufio.Reader
	addr string // host:port conn goes to
}

// Page is a response the browser got, after redirects.
type Page struct {
	URL    string
	Status int
	Body   string
}

// NewBrowser returns a browser on host e that waits up to timeout for a
// server.
func NewBrowser(e env.Env, timeout time.Duration) *Browser {
	jar, _ := cookiejar.New(nil)
	if timeout == 0 {
		timeout = time.Minute
	}
	return &Browser{e: e, jar: jar, timeout: timeout}
}

// Close closes the browser's connection.
func (b *Browser) Close() {
	if b.conn != nil {
		b.conn.Close()
		b.conn = nil
	}
}

// Get loads a page.
func (b *Browser) Get(rawURL string) (*Page, error) { return b.do(http.MethodGet, rawURL, nil) }

// Post submits a form.
func (b *Browser) Post(rawURL string, form url.Values) (*Page, error) {
	return b.do(http.MethodPost, rawURL, form)
}

func (b *Browser) do(method, rawURL string, form url.Values) (*Page, error) {
	for hops := 0; hops < 10; hops++ {
		resp, body, err := b.roundTrip(method, rawURL, form)
		if err != nil {
			return nil, err
		}
		loc := resp.Header.Get("Location")
		if resp.StatusCode/100 != 3 || loc == "" {
			return &Page{URL: rawURL, Status: resp.StatusCode, Body: body}, nil
		}
		next, err := resp.Request.URL.Parse(loc)
		if err != nil {
			return nil, err
		}
		method, rawURL, form = http.MethodGet, next.String(), nil
	}
	return nil, fmt.Errorf("browser: too many redirects at %s", rawURL)
}

// roundTrip sends one request, on the open connection if the server kept
// it, and reads the whole response.
func (b *Browser) roundTrip(method, rawURL string, form url.Values) (*http.Response, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, rawURL, body)
	if err != nil {
		return nil, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("User-Agent", "mailsim-browser/1.0")
	for _, c := range b.jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	addr := req.URL.Host
	if req.URL.Port() == "" {
		addr = net.JoinHostPort(req.URL.Hostname(), "80")
	}
	for attempt := 0; ; attempt++ {
		fresh := b.conn == nil || b.addr != addr
		if fresh {
			b.Close()
			dst := addr
			if b.Hosts != nil {
				var err error
				if dst, _, _, err = b.Hosts.Resolve(context.Background(), addr); err != nil {
					return nil, "", fmt.Errorf("cannot find %s in DNS: %w", req.URL.Hostname(), err)
				}
			}
			c, err := b.e.Dial(context.Background(), "tcp", dst)
			if err != nil {
				return nil, "", err
			}
			b.conn, b.br, b.addr = c, bufio.NewReader(c), addr
		}
		b.conn.SetDeadline(b.e.Deadline(b.timeout))
		resp, text, err := b.exchange(req, form)
		if err != nil && !fresh && attempt == 0 {
			b.Close() // the server closed the idle connection: once more
			if form != nil {
				req.Body = io.NopCloser(strings.NewReader(form.Encode()))
			}
			continue
		}
		if err != nil {
			b.Close()
			return nil, "", err
		}
		b.jar.SetCookies(req.URL, resp.Cookies())
		if resp.Close {
			b.Close()
		}
		return resp, text, nil
	}
}

func (b *Browser) exchange(req *http.Request, form url.Values) (*http.Response, string, error) {
	if err := req.Write(b.conn); err != nil {
		return nil, "", err
	}
	resp, err := http.ReadResponse(b.br, req)
	if err != nil {
		return nil, "", err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	resp.Body.Close()
	if err != nil {
		return nil, "", err
	}
	return resp, string(data), nil
}
