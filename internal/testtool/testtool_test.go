package testtool

import (
	"fmt"
	"strings"
	"testing"
)

// recorder stands in for a test and records how it ended.
type recorder struct {
	testing.TB
	ended string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Skipf(f string, args ...any)  { r.ended = "skip: " + fmt.Sprintf(f, args...) }
func (r *recorder) Fatalf(f string, args ...any) { r.ended = "fatal: " + fmt.Sprintf(f, args...) }

func TestMissingSkipsUnlessRequired(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"", "skip: swaks is gone"},
		{"0", "skip: swaks is gone"},
		{"1", "fatal: MAILSIM_REQUIRE_TOOLS=1 and swaks is gone"},
	} {
		t.Setenv(EnvRequire, tc.env)
		r := &recorder{}
		Missing(r, "%s is gone", "swaks")
		if r.ended != tc.want {
			t.Errorf("%s=%q: %q, want %q", EnvRequire, tc.env, r.ended, tc.want)
		}
	}
}

func TestRequireNamesThePackage(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(EnvRequire, "1")
	r := &recorder{}
	Require(r, "no-such-tool-for-mailsim")
	if want := "fatal: MAILSIM_REQUIRE_TOOLS=1 and no-such-tool-for-mailsim is not installed (Debian package unknown"; !strings.HasPrefix(r.ended, want) {
		t.Errorf("got %q, want it to start %q", r.ended, want)
	}
	r = &recorder{}
	t.Setenv(EnvRequire, "")
	Require(r, "dig")
	if want := "skip: dig is not installed (Debian package bind9-dnsutils;"; !strings.HasPrefix(r.ended, want) {
		t.Errorf("got %q, want it to start %q", r.ended, want)
	}
}
