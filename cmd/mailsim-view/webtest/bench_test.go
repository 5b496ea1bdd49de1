package webtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// BenchmarkClassroomInBrowser opens the classroom scenario (10 ISPs × 30
// PCs) in headless Chromium at 1280×800 with software WebGL and reports
// the time to the first frame and the frame rate the page measures while
// it plays (a benchmark, not a test: timings on a shared machine vary).
// On a busy machine the frame rate says little, so it also reports the
// CPU time Chromium's GPU process (software WebGL) and renderer (the
// wasm) spend per frame. WEBTEST_SHOTS=DIR saves a screenshot there.
func BenchmarkClassroomInBrowser(b *testing.B) { benchPage(b, "classroom") }

// BenchmarkFigureBInBrowser is the same for the default scenario.
func BenchmarkFigureBInBrowser(b *testing.B) { benchPage(b, "figure-b") }

func benchPage(b *testing.B, name string) {
	for i := 0; i < b.N; i++ {
		ctx, done := page(b, site(b)+"?scenario="+name)
		waitFor(b, ctx, `mailsim.first > 0`)
		b.ReportMetric(eval[float64](b, ctx, `(mailsim.first - mailsim.t0) / 1000`), "first-frame-s")
		b.ReportMetric(eval[float64](b, ctx, `(mailsim.first - mailsim.arrived) / 1000`), "after-wasm-s")
		// Skip the first two reports (start-up), then average five.
		waitFor(b, ctx, `mailsim.stats.frames > 0`)
		var sum float64
		var cpu0 map[string]float64
		var f0 int
		for n := 0; n < 7; n++ {
			f := eval[int](b, ctx, `mailsim.stats.frames`)
			waitFor(b, ctx, fmt.Sprintf(`mailsim.stats.frames > %d`, f))
			if n == 1 {
				cpu0, f0 = chromiumCPU(ctx), eval[int](b, ctx, `mailsim.frame`)
			}
			if n >= 2 {
				sum += eval[float64](b, ctx, `mailsim.stats.fps`)
			}
		}
		b.ReportMetric(sum/5, "fps")
		cpu1, frames := chromiumCPU(ctx), eval[int](b, ctx, `mailsim.frame`)-f0
		for _, kind := range []string{"gpu-process", "renderer"} {
			b.ReportMetric((cpu1[kind]-cpu0[kind])*1000/float64(frames), kind+"-cpu-ms/frame")
		}
		b.Logf("last report: %s", eval[string](b, ctx, `JSON.stringify(mailsim.stats)`))
		if !eval[bool](b, ctx, `mailsim.stats.playing`) {
			b.Errorf("%s is not playing", name)
		}
		if dir := os.Getenv("WEBTEST_SHOTS"); dir != "" {
			save(b, filepath.Join(dir, name+".png"), screenshot(b, ctx))
		}
		done()
	}
	b.ReportMetric(0, "ns/op")
}

// chromiumCPU sums the CPU seconds (user + system) of the browser's child
// processes by --type (gpu-process, renderer, …), from /proc. One page is
// open at a time, so the renderers are its own.
func chromiumCPU(ctx context.Context) map[string]float64 {
	c := chromedp.FromContext(ctx)
	if c == nil || c.Browser == nil || c.Browser.Process() == nil {
		return nil
	}
	root := c.Browser.Process().Pid
	parent := map[int]int{}
	ticks := map[int]float64{}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the command name in parentheses: state ppid … utime stime.
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
		ppid, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseFloat(f[11], 64)
		st, _ := strconv.ParseFloat(f[12], 64)
		parent[pid], ticks[pid] = ppid, (ut+st)/100 // USER_HZ is 100 on Linux
	}
	kind := regexp.MustCompile(`--type=([a-z-]+)`)
	out := map[string]float64{}
	for pid := range ticks {
		p := pid
		for p != 0 && p != root {
			p = parent[p]
		}
		if p != root || pid == root {
			continue
		}
		cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if m := kind.FindSubmatch(cmd); m != nil {
			out[string(m[1])] += ticks[pid]
		}
	}
	return out
}
