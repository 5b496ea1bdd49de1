package webtest

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkClassroomInBrowser opens the classroom scenario (10 ISPs × 30
// PCs) in headless Chromium at 1280×800 with software WebGL and reports
// the time to the first frame and the frame rate the page measures while
// it plays (a benchmark, not a test: timings on a shared machine vary).
// WEBTEST_SHOTS=DIR saves a screenshot there.
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
		for n := 0; n < 7; n++ {
			f := eval[int](b, ctx, `mailsim.stats.frames`)
			waitFor(b, ctx, fmt.Sprintf(`mailsim.stats.frames > %d`, f))
			if n >= 2 {
				sum += eval[float64](b, ctx, `mailsim.stats.fps`)
			}
		}
		b.ReportMetric(sum/5, "fps")
		b.Logf("last report: %s", eval[string](b, ctx, `JSON.stringify(mailsim.stats)`))
		if !eval[bool](b, ctx, `mailsim.stats.playing`) {
			b.Errorf("%s is not playing", name)
		}
		if dir := os.Getenv("WEBTEST_SHOTS"); dir != "" {
			f, err := os.Create(filepath.Join(dir, name+".png"))
			if err != nil {
				b.Fatal(err)
			}
			png.Encode(f, screenshot(b, ctx))
			f.Close()
		}
		done()
	}
	b.ReportMetric(0, "ns/op")
}
