// Package webtest is the browser test of the web page: it builds the
// site (as make web does), serves it with mailsim web and drives headless
// Chromium through chromedp. Its test binary links neither ebiten nor the
// wasm: it looks at the page the way a student's browser does.
package webtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"mailsim/internal/testtool"
)

// browser finds Chromium, or skips: make deps installs it.
func browser(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return testtool.Require(t, "chromium") // skips, or fails with MAILSIM_REQUIRE_TOOLS=1
}

var (
	siteOnce sync.Once
	siteURL  string
	siteErr  error
)

// site builds the page into the module's web/ folder (go build and the
// compression skip what has not changed), starts mailsim web on a free
// loopback port and returns its address. One server serves every test.
func site(t testing.TB) string {
	t.Helper()
	siteOnce.Do(func() { siteURL, siteErr = startSite() })
	if siteErr != nil {
		t.Fatal(siteErr)
	}
	return siteURL
}

func startSite() (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	dir := filepath.Join(root, "web")
	build := exec.Command("go", "run", "./cmd/mailsim-view/web", "-o", dir)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the site: %v\n%s", err, out)
	}
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("mailsim-webtest-%d", os.Getpid()))
	if out, err := exec.Command("go", "build", "-o", bin, "mailsim/cmd/mailsim").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build mailsim: %v\n%s", err, out)
	}
	srv := exec.Command(bin, "web", "--addr", "127.0.0.1:0", dir)
	out, err := srv.StdoutPipe()
	if err != nil {
		return "", err
	}
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return "", err
	}
	stopServer = func() { srv.Process.Kill(); srv.Wait(); os.Remove(bin) }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("mailsim web printed no address: %v", err)
	}
	go io.Copy(io.Discard, out)
	m := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).FindString(line)
	if m == "" {
		return "", fmt.Errorf("no address in %q", line)
	}
	return m, nil
}

var stopServer, stopBrowser = func() {}, func() {}

func TestMain(m *testing.M) {
	code := m.Run()
	stopBrowser()
	stopServer()
	os.Exit(code)
}

var (
	browserOnce sync.Once
	browserCtx  context.Context
	browserErr  error
)

// sharedBrowser starts one headless Chromium for every test: each page
// is a tab of it, and later tabs reuse the compiled wasm from its cache.
func sharedBrowser(t testing.TB) context.Context {
	t.Helper()
	exe := browser(t)
	browserOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mailsim-webtest-chromium-")
		if err != nil {
			browserErr = err
			return
		}
		actx, cancelA := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(exe),
			chromedp.Headless,
			chromedp.NoSandbox, // root in CI
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1280, 832),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("enable-unsafe-swiftshader", true), // WebGL in software
			chromedp.Flag("disable-background-timer-throttling", true),
			chromedp.Flag("disable-renderer-backgrounding", true),
		)
		bctx, cancelB := chromedp.NewContext(actx)
		stopBrowser = func() { cancelB(); cancelA(); os.RemoveAll(dir) }
		// No timeout here: it would stop the browser (see chromedp.Run).
		browserErr = chromedp.Do(bctx)
		browserCtx = bctx
	})
	if browserErr != nil {
		t.Fatalf("starting chromium: %v", browserErr)
	}
	return browserCtx
}

// page opens url in a new tab with a 1280×832 viewport: the 1280×800
// window and the page's 32-pixel bar below it.
func page(t testing.TB, url string) (context.Context, func()) {
	t.Helper()
	ctx, cancelC := chromedp.NewContext(sharedBrowser(t))
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 832), chromedp.Navigate(url)); err != nil {
		cancelT()
		cancelC()
		t.Fatalf("open %s: %v", url, err)
	}
	return ctx, func() { cancelT(); cancelC() }
}

// waitFor polls a JavaScript condition until it is true.
func waitFor(t testing.TB, ctx context.Context, cond string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(60*time.Second)))
	if err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status")?.textContent + " " + JSON.stringify(mailsim.errors)`))
		t.Fatalf("waiting for %s: %v (page: %s)", cond, err, state)
	}
}

func eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// screenshot returns the page as an image.
func screenshot(t testing.TB, ctx context.Context) image.Image {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// frameAfter waits until the window has drawn n more frames, so that an
// input event lands in an Update of its own (ebiten sees presses per tick).
func frameAfter(t testing.TB, ctx context.Context, n int) {
	t.Helper()
	f := eval[int](t, ctx, `mailsim.frame`)
	waitFor(t, ctx, fmt.Sprintf(`mailsim.frame >= %d`, f+n))
}

// key presses and releases one key as the keyboard does, a few frames apart.
func key(t testing.TB, ctx context.Context, r rune) {
	t.Helper()
	for _, k := range kb.Encode(r) {
		if k.Type == kb.KeyUp {
			frameAfter(t, ctx, 2)
		}
		p := *k
		if _, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, p)
			return err
		})); err != nil {
			t.Fatalf("key %q: %v", r, err)
		}
	}
	frameAfter(t, ctx, 2)
}

// click presses and releases the left mouse button at (x, y) of the page.
func click(t testing.TB, ctx context.Context, x, y float64) {
	t.Helper()
	for _, typ := range []input.DispatchMouseEventType{input.DispatchMouseEventTypeMouseMoved, input.DispatchMouseEventTypeMousePressed, input.DispatchMouseEventTypeMouseReleased} {
		if typ == input.DispatchMouseEventTypeMouseReleased {
			frameAfter(t, ctx, 2)
		}
		if err := chromedp.Do(ctx, chromedp.MouseEvent(typ, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1))); err != nil {
			t.Fatalf("click at %g,%g: %v", x, y, err)
		}
	}
	frameAfter(t, ctx, 2)
}

// save writes img as a PNG (WEBTEST_SHOTS=DIR asks for screenshots).
func save(t testing.TB, name string, img image.Image) {
	t.Helper()
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}
