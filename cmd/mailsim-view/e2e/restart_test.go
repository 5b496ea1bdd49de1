package e2e

import (
	"os/exec"
	"regexp"
	"strconv"
	"testing"
)

// The window closes the world it replaces: fifty restarts (each run to
// the end first) leave as many goroutines as one. Before worlds were
// closed, each figure-b restart left 12 goroutines parked.
func TestRestartsLeaveNoGoroutines(t *testing.T) {
	bin := build(t)
	out, err := exec.Command(bin, "--bench-restarts", "50", "figure-b").CombinedOutput()
	if err != nil {
		t.Fatalf("--bench-restarts: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`restarts 50 .*heap in use ([\d.]+) → ([\d.]+) MiB\s+goroutines (\d+) → (\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no memory figures in the output:\n%s", out)
	}
	t.Logf("%s", out)
	first, _ := strconv.Atoi(string(m[3]))
	last, _ := strconv.Atoi(string(m[4]))
	if last > first+10 { // a little slack for the window's own goroutines
		t.Errorf("goroutines grew from %d after the first restart to %d after 50", first, last)
	}
}
