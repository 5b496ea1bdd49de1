// Package testtool is for tests that drive real third-party programs
// (swaks, tshark, dig, mpop, fetchmail, smtp-source, python3 and its
// modules, an X display). A missing one skips the test on a developer's
// machine. With MAILSIM_REQUIRE_TOOLS=1, as CI (.ci/run) sets it, it fails
// the test instead, so a broken install cannot pass as green.
package testtool

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// EnvRequire names the variable that turns a missing tool into a failure.
const EnvRequire = "MAILSIM_REQUIRE_TOOLS"

// debian names the Debian package that installs each tool (make deps
// installs them all), for the message.
var debian = map[string]string{
	"swaks":       "swaks",
	"tshark":      "tshark",
	"dig":         "bind9-dnsutils",
	"mpop":        "mpop",
	"fetchmail":   "fetchmail",
	"smtp-source": "postfix",
	"python3":     "python3",
	"yaml":        "python3-yaml",
	"jsonschema":  "python3-jsonschema",
}

// Required reports whether missing tools fail tests rather than skip them.
func Required() bool { return os.Getenv(EnvRequire) == "1" }

// Missing skips t, or fails it when tools are required.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if Required() {
		t.Fatalf(EnvRequire+"=1 and "+format, args...)
		return
	}
	t.Skipf(format, args...)
}

// Require returns the path of the program name. Postfix puts smtp-source
// in /usr/sbin, which is often not on a user's PATH, so that is tried too.
func Require(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if p2, err2 := exec.LookPath("/usr/sbin/" + name); err2 == nil {
			return p2
		}
		Missing(t, "%s is not installed (Debian package %s; make deps installs it): %v", name, pkg(name), err)
	}
	return p
}

// RequirePython returns python3's path once it imports every module.
func RequirePython(t testing.TB, modules ...string) string {
	t.Helper()
	py := Require(t, "python3")
	for _, m := range modules {
		if out, err := exec.Command(py, "-c", "import "+m).CombinedOutput(); err != nil {
			Missing(t, "python3 cannot import %s (Debian package %s; make deps installs it): %v\n%s",
				m, pkg(m), err, strings.TrimSpace(string(out)))
		}
	}
	return py
}

// RequireDisplay checks for the X display the window needs.
func RequireDisplay(t testing.TB) {
	t.Helper()
	if os.Getenv("DISPLAY") == "" {
		Missing(t, "DISPLAY is unset: the window needs X (run under xvfb-run -a, as make test does)")
	}
}

func pkg(name string) string {
	if p, ok := debian[name]; ok {
		return p
	}
	return "unknown"
}
