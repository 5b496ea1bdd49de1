package webtest

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"mailsim/scenarios"
	"mailsim/sim/scenario"

	"mailsim/internal/testtool"
)

// The map is the left part of the window above the caption bar; the
// legend sits in its bottom-left corner. The page's bar is below the window.
var mapArea = image.Rect(0, 32, 1280-440, 800-92-130)

func title(t *testing.T, name string) string {
	data, err := scenarios.FS.ReadFile(name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return sc.Title
}

func TestDefaultScenarioPlays(t *testing.T) {
	ctx, done := page(t, site(t))
	defer done()
	waitFor(t, ctx, `mailsim.first > 0`)
	t.Logf("first frame %.2f s after the page started, %.2f s after the wasm arrived",
		eval[float64](t, ctx, `(mailsim.first - mailsim.t0) / 1000`), eval[float64](t, ctx, `(mailsim.first - mailsim.arrived) / 1000`))
	// The loading bar counted every byte of the wasm against its real size
	// (the server sent it compressed, so Content-Length was smaller).
	if loaded, total := eval[int](t, ctx, `mailsim.loaded`), eval[int](t, ctx, `mailsim.total`); loaded != total || total < 1e6 {
		t.Errorf("the loading bar counted %d bytes of %d", loaded, total)
	}
	wire := eval[int](t, ctx, `performance.getEntriesByType("resource").find(e => e.name.includes("mailsim.wasm")).encodedBodySize`)
	t.Logf("mailsim.wasm: %d bytes on the wire, %d unpacked", wire, eval[int](t, ctx, `mailsim.total`))
	if wire*3 > eval[int](t, ctx, `mailsim.total`) {
		t.Errorf("mailsim.wasm took %d bytes on the wire: not compressed", wire)
	}
	if got, want := eval[string](t, ctx, `document.title`), title(t, "figure-b")+" — mailsim"; got != want {
		t.Errorf("document.title %q, want %q", got, want)
	}
	if got := eval[string](t, ctx, `document.getElementById("scenario").value`); got != "figure-b" {
		t.Errorf("the menu shows %q, want figure-b", got)
	}
	waitFor(t, ctx, `mailsim.stats.frames > 0`)
	t0 := eval[float64](t, ctx, `mailsim.stats.t`)
	waitFor(t, ctx, fmt.Sprintf(`mailsim.stats.t > %g`, t0))
	if !eval[bool](t, ctx, `mailsim.stats.playing`) {
		t.Error("the default scenario is not playing")
	}
	w, h := eval[int](t, ctx, `mailsim.stats.width`), eval[int](t, ctx, `mailsim.stats.height`)
	if w != 1280 || h != 800 {
		t.Errorf("the window is %d×%d, want 1280×800 (the page less its bar)", w, h)
	}
}

func TestScreenshotShowsTopologyAndEnvelope(t *testing.T) {
	// 0.05s: RCPT TO is on its way from Lisa's PC to her ISP's SMTP
	// server; ?at opens paused there.
	ctx, done := page(t, site(t)+"?at=0.05s")
	defer done()
	waitFor(t, ctx, `mailsim.stats.frames > 0`)
	if eval[bool](t, ctx, `mailsim.stats.playing`) || eval[float64](t, ctx, `mailsim.stats.t`) != 0.05 {
		t.Errorf("?at=0.05s: t=%v playing=%v, want 0.05 paused", eval[float64](t, ctx, `mailsim.stats.t`), eval[bool](t, ctx, `mailsim.stats.playing`))
	}
	img := screenshot(t, ctx)
	if dir := os.Getenv("WEBTEST_SHOTS"); dir != "" {
		save(t, filepath.Join(dir, "figure-b-0.05s.png"), img)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 832 {
		t.Fatalf("screenshot is %v, want 1280×832", b)
	}
	if n := testtool.Pixels(img, mapArea, 0xE4, 0xEC, 0xF5, 2); n < 20000 {
		t.Errorf("only %d pixels of ISP region: topology not drawn", n)
	}
	if n := testtool.Pixels(img, mapArea, 0x2B, 0x2F, 0x36, 12); n < 300 {
		t.Errorf("only %d icon pixels: icons not drawn", n)
	}
	if n := testtool.Pixels(img, mapArea, 0xE6, 0x9F, 0x00, 10); n < 60 {
		t.Errorf("only %d envelope-coloured pixels on the map: no SMTP envelope in flight", n)
	}
}

func TestScenarioFromAddress(t *testing.T) {
	ctx, done := page(t, site(t)+"?scenario=leave-on-server&speed=5")
	defer done()
	want := title(t, "leave-on-server")
	waitFor(t, ctx, `mailsim.title !== ""`)
	if got := eval[string](t, ctx, `mailsim.title`); got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	if got := eval[string](t, ctx, `document.title`); got != want+" — mailsim" {
		t.Errorf("document.title %q, want %q", got, want+" — mailsim")
	}
	if got := eval[string](t, ctx, `document.getElementById("scenario").value`); got != "leave-on-server" {
		t.Errorf("the menu shows %q, want leave-on-server", got)
	}
	if errs := eval[[]string](t, ctx, `mailsim.errors`); len(errs) != 0 {
		t.Errorf("errors: %q", errs)
	}
	// The menu lists the whole library.
	if n := eval[int](t, ctx, `document.getElementById("scenario").options.length`); n != len(scenarios.List()) {
		t.Errorf("the menu has %d scenarios, the library %d", n, len(scenarios.List()))
	}

	ctx2, done2 := page(t, site(t)+"?scenario=no-such&speed=3")
	defer done2()
	waitFor(t, ctx2, `mailsim.errors.length > 0`)
	errs := eval[string](t, ctx2, `mailsim.errors.join("\n")`)
	for _, want := range []string{`no scenario "no-such" in the library`, "?speed=3: want one of"} {
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(errs) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
}

// drop dispatches a drop of one file on the window's canvas, as the
// browser does when a file is dragged from the desktop.
func drop(name, text string) string {
	return fmt.Sprintf(`(() => {
		const dt = new DataTransfer();
		dt.items.add(new File([%s], %s, {type: "text/yaml"}));
		document.querySelector("canvas").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return true;
	})()`, strconv.Quote(text), strconv.Quote(name))
}

func TestDroppedFile(t *testing.T) {
	ctx, done := page(t, site(t))
	defer done()
	waitFor(t, ctx, `mailsim.first > 0`)
	eval[bool](t, ctx, drop("broken.yaml", "title: broken\nisps:\n  a: {domain: }\nsubjct: x\n"))
	waitFor(t, ctx, `mailsim.errors.length > 0`)
	errs := eval[[]string](t, ctx, `mailsim.errors`)
	pos := regexp.MustCompile(`^broken\.yaml:\d+:\d+: `)
	found := false
	for _, l := range errs {
		found = found || pos.MatchString(l)
	}
	if !found {
		t.Errorf("no file:line:col error line:\n%q", errs)
	}
	if shown := eval[string](t, ctx, `(e => e.hidden ? "" : e.textContent)(document.getElementById("err"))`); !pos.MatchString(shown) {
		t.Errorf("the page's bar shows %q, want a broken.yaml:line:col: error", shown)
	}
	// The old scenario stays behind the errors.
	if got, want := eval[string](t, ctx, `mailsim.title`), title(t, "figure-b"); got != want {
		t.Errorf("after a broken drop the title is %q, want %q still", got, want)
	}

	// A good file replaces it and clears the errors.
	good, err := scenarios.FS.ReadFile("figure-a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	eval[bool](t, ctx, drop("mine.yaml", string(good)))
	waitFor(t, ctx, `mailsim.errors.length === 0`)
	if got, want := eval[string](t, ctx, `mailsim.title`), title(t, "figure-a"); got != want {
		t.Errorf("after dropping figure-a the title is %q, want %q", got, want)
	}
}

// Keys and the mouse reach the window: Space plays, ] speeds up, a click
// on Lisa's PC opens the inspector on it.
func TestKeysAndMouse(t *testing.T) {
	ctx, done := page(t, site(t)+"?at=0.05s")
	defer done()
	waitFor(t, ctx, `mailsim.stats.frames > 0`)
	key(t, ctx, ' ')
	waitFor(t, ctx, `mailsim.stats.playing === true`)
	key(t, ctx, ']')
	waitFor(t, ctx, `mailsim.stats.speed === 2`)
	done()
	// A click on Lisa's PC, where the page says the window drew it, on a
	// still map at 20 s (nothing in flight): while it plays, a segment
	// leaving her PC can be under the pointer, and a click picks that.
	ctx, done = page(t, site(t)+"?at=20s")
	defer done()
	waitFor(t, ctx, `mailsim.stats.frames > 0`)
	waitFor(t, ctx, `mailsim.stats.nodes && mailsim.stats.nodes["lisa-pc"]`)
	at := eval[[]float64](t, ctx, `mailsim.stats.nodes["lisa-pc"]`)
	if len(at) != 2 {
		t.Fatalf("where is lisa-pc: %v", at)
	}
	click(t, ctx, at[0], at[1])
	waitFor(t, ctx, `mailsim.stats.node === "lisa-pc"`)
}
